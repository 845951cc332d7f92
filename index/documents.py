"""The data that flows through indexing: a loaded Document and the Chunks cut from it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A stretch of a document's text under one heading (or one CSV row, for tables)."""

    start: int
    end: int
    heading: str = ""


@dataclass(frozen=True)
class Document:
    """A source's text and what is known about it.

    `text` is what chunk spans index into. `page_starts` holds the offset at which each page begins (PDF);
    `sections` split the text at headings. For tables, `table_header` names the columns and every section
    is one row.
    """

    source: str
    text: str
    title: str
    kind: str
    date: str | None = None
    source_url: str | None = None
    page_starts: tuple[int, ...] = ()
    sections: tuple[Section, ...] = ()
    table_header: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

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
        return meta
