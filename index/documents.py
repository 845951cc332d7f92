"""The data that flows through indexing: a loaded Document and the Chunks cut from it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A stretch of a document's text under one heading (or one CSV row, for tables)."""

    start: int
    end: int
    heading: str = ""


@dataclass(frozen=True)
class Table:
    """A table kept as a table: its column names, its rows (each as long as `columns`) and where it sits.

    `caption` is the table's caption or the heading it sits under; `start`/`end` bound its rendering in the
    document's text and `row_starts` holds the offset of each rendered row there (see `render_row`).
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    start: int = 0
    end: int = 0
    row_starts: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return self.caption or self.name


def render_row(columns: tuple[str, ...] | list[str], row: tuple[str, ...] | list[str], number: int) -> str:
    """One row as text that keeps its column names: "Row 3: Region: Yukon; Year: 2020; Value: 12".
    Empty cells are left out; a cell under an unnamed column is given its position."""
    cells = []
    for i, (name, cell) in enumerate(zip(columns, row)):
        value = " ".join(cell.split())
        if value:
            cells.append(f"{name or f'Column {i + 1}'}: {value}")
    return f"Row {number}: " + "; ".join(cells)


def row_fields(line: str) -> list[tuple[str, str]] | None:
    """The (column, cell) pairs of a line `render_row` wrote, or None for any other line. A column's name may hold
    ": " itself: the cell is what follows the last one."""
    if not re.match(r"Row \d+: ", line):
        return None
    return [(name.strip(), cell.strip()) for name, cell in
            (part.rsplit(": ", 1) for part in line.split(": ", 1)[1].split("; ") if ": " in part)]


def render_table(name: str, columns: list[str], rows: list[list[str]], caption: str,
                 offset: int) -> tuple[str, "Table"]:
    """The table as document text (one line per row, after a caption line) and the Table that points into it,
    `offset` being where the text will start in the document."""
    width = max([len(columns), *(len(r) for r in rows)]) if rows else len(columns)
    cols = tuple(c.strip() for c in columns) + tuple("" for _ in range(width - len(columns)))
    cols = tuple(c or f"Column {i + 1}" for i, c in enumerate(cols))
    padded = tuple(tuple(c.strip() for c in r) + tuple("" for _ in range(width - len(r))) for r in rows)
    lines = [f"Table: {caption or name}"]
    starts = []
    position = offset + len(lines[0]) + 1
    for number, row in enumerate(padded, 1):
        line = render_row(cols, row, number)
        starts.append(position)
        lines.append(line)
        position += len(line) + 1
    text = "\n".join(lines)
    return text, Table(name, cols, padded, caption, offset, offset + len(text), tuple(starts))


@dataclass(frozen=True)
class Document:
    """A source's text and what is known about it.

    `text` is what chunk spans index into. `page_starts` holds the offset at which each page begins (PDF);
    `sections` split the text at headings. `tables` holds every table of the source as structured data (a CSV
    file is one table); their rendering in `text` is chunked as rows, never as prose.
    """

    source: str
    text: str
    title: str
    kind: str
    date: str | None = None
    source_url: str | None = None
    page_starts: tuple[int, ...] = ()
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def page_breaks(self, start: int, end: int) -> tuple[int, ...]:
        """Where, in `text[start:end]`, each page after the one `start` is on begins."""
        return tuple(b - start for b in self.page_starts if start < b < end)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


@dataclass(frozen=True)
class Chunk:
    """A piece of a source small enough for the embedding model, with where it came from."""

    id: str
    text: str
    source: str
    title: str
    start: int
    end: int
    index: int
    date: str | None = None
    source_url: str | None = None
    page: int | None = None
    heading: str = ""
    kind: str = "text"
    # where, in `text`, each page after `page` begins (a chunk of a PDF running across a page break)
    page_breaks: tuple[int, ...] = ()

    @property
    def embedding_text(self) -> str:
        """What the model embeds: the chunk with its title and heading, for context."""
        context = " - ".join(part for part in (self.title, self.heading) if part)
        return f"{context}\n{self.text}" if context else self.text

    def metadata(self) -> dict[str, str | int]:
        """Chroma metadata (no None values allowed there)."""
        meta: dict[str, str | int] = {
            "source": self.source,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "chunk_index": self.index,
            "heading": self.heading,
            "kind": self.kind,
        }
        if self.date:
            meta["date"] = self.date
            meta["date_num"] = int(self.date.replace("-", ""))
        if self.source_url:
            meta["source_url"] = self.source_url
        if self.page is not None:
            meta["page"] = self.page
        if self.page_breaks:
            meta["page_breaks"] = ",".join(str(b) for b in self.page_breaks)
        return meta
