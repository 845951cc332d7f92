"""Read a source file into a Document: plain text, Markdown (YAML front matter), HTML (main text only),
PDF (pypdf, with pages), DOCX (python-docx, with headings) and CSV (rows keep their column names)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Callable

import yaml

from crossbrief.index.documents import Document, Section, Table, render_table
from crossbrief.index.table_headers import with_header_rows
from crossbrief.index.tables import parse_number, text_tables
from crossbrief.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".csv")

_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_LINE = re.compile(r"^(?:date|posted on|published|updated)\b", re.IGNORECASE)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def normalise_date(value: object) -> str | None:
    """YYYY-MM-DD from a date, datetime, ISO string or PDF date ('D:20241115...'), else None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()
    pdf = re.match(r"D:(\d{4})(\d{2})(\d{2})", text)
    if pdf:
        text = "-".join(pdf.groups())
    match = _FILE_DATE.search(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def _date_from_name(path: Path) -> str | None:
    return normalise_date(path.name)


def _title_from_name(path: Path) -> str:
    stem = _FILE_DATE.sub("", path.stem).strip("-_ ")
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or path.stem


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data:  # the whole file: a NUL anywhere means binary data, never text for answers
        raise IngestError(f"{path}: looks like binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not valid UTF-8 text (byte {exc.start}); re-save it as UTF-8") from exc


def _require_text(text: str, path: Path) -> str:
    if not text.strip():
        raise IngestError(f"{path}: no text to index (empty file, or a scanned PDF without a text layer)")
    return text


def _heading_sections(text: str, headings: list[tuple[int, str]]) -> tuple[Section, ...]:
    """Sections from (offset, heading) pairs sorted by offset; text before the first heading has none."""
    bounds = list(headings)
    if not bounds or bounds[0][0] > 0:
        bounds.insert(0, (0, ""))
    sections = []
    for i, (start, heading) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
        if text[start:end].strip():
            sections.append(Section(start, end, heading))
    return tuple(sections)


def load_text(path: Path, data: bytes) -> Document:
    text = _require_text(_decode(data, path), path)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first_line = next((line for line in lines[:3] if not _DATE_LINE.match(line)), "")
    title = first_line if 0 < len(first_line) <= 120 else _title_from_name(path)
    date_line = re.search(r"^(?:date|posted on|published)\s*:?\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
    date = normalise_date(date_line.group(1)) if date_line else None
    return Document(
        source=str(path), text=text, title=title, kind="text", date=date or _date_from_name(path),
        sections=_heading_sections(text, []),
    )


def _plain_markdown(body: str) -> str:
    """Markdown inline syntax dropped so sentences and figures read as text: links keep their words, emphasis
    marks, inline HTML tags and backslash escapes go (inside an HTML table its tags stay: the table is read as one)."""
    body = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", body)
    body = re.sub(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)", r"\1", body)
    parts = re.split(r"(<table\b.*?</table\s*>)", body, flags=re.IGNORECASE | re.DOTALL)  # a table's tags stay
    body = "".join(part if i % 2 else re.sub(r"</?(?:span|div|p|br|a|b|i|u|em|strong|sup|sub|small|font|img|hr|"
                                             r"figure)\b[^>]*>", "", part, flags=re.IGNORECASE)
                   for i, part in enumerate(parts))
    body = re.sub(r"(\*\*|__)(.+?)\1", r"\2", body, flags=re.DOTALL)
    body = re.sub(r"\\([_*\[\]()#.!-])", r"\1", body)
    return body


_PIPE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _render_table(name: str, columns: list[str], rows: list[list[str]], caption: str,
                  offset: int) -> tuple[str, Table]:
    """A loaded table rendered row by row, its column names first completed from any header rows under them."""
    return render_table(name, *with_header_rows(columns, rows), caption, offset)


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", line)]


# an HTML table in Markdown: the line that opens it (inside a <figure> or not) and the line that closes it
_HTML_TABLE_OPENS = re.compile(r"^\s*(?:<figure\b[^>]*>\s*)?<table\b", re.IGNORECASE)
_HTML_TABLE_CLOSES = re.compile(r"</table\s*>", re.IGNORECASE)


_FENCE = re.compile(r"^\s*(?:```|~~~)")


def _html_table_at(lines: list[str], first: int) -> tuple[tuple[list[str], list[list[str]], str] | None, int]:
    """The HTML table whose opening tag is on `lines[first]`, read, and the line its closing tag is on; (None, first)
    when it is never closed, or another table opens before it closes (its lines are then left as they are)."""
    end = next((j for j in range(first, len(lines)) if _HTML_TABLE_CLOSES.search(lines[j])), None)
    if end is None:
        return None, first
    block = "\n".join(lines[first:end + 1])
    if len(re.findall(r"<table\b", block, re.IGNORECASE)) != 1:
        return None, first
    return _embedded_html_table(block), end


def _embedded_html_table(block: str) -> tuple[list[str], list[list[str]], str] | None:
    """(columns, rows, caption) of the HTML table in `block` (lines of Markdown from its opening tag to its closing
    one; a <figure>'s <figcaption> is its caption), or None when it holds no rows."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(block, "lxml")
    table = soup.find("table")
    if table is None:
        return None
    columns, rows, caption = _html_table(table)
    figcaption = soup.find("figcaption")
    caption = caption or (" ".join(figcaption.get_text(" ", strip=True).split()) if figcaption else "")
    return (columns, rows, caption) if rows else None


def _markdown_tables(body: str, name: str) -> tuple[str, tuple[Table, ...]]:
    """Pipe tables and HTML tables written into the Markdown replaced by their row-per-line rendering (rows whole,
    with their column names); the tables returned point into the new text. A table's caption is its own (<caption>,
    <figcaption>), else the heading it sits under."""
    lines = body.split("\n")
    out: list[str] = []
    tables: list[Table] = []
    offset = 0
    heading = ""
    fenced = False  # inside a fenced code block: its lines are code, not tables
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and _HTML_TABLE_OPENS.match(line):  # an HTML table in the Markdown (as pandoc writes one)
            read, end = _html_table_at(lines, i)
            if read is not None:
                columns, cells, caption = read
                text, table = _render_table(f"{name} table {len(tables) + 1}", columns, cells, caption or heading,
                                            offset)
                tables.append(table)
                closing = _HTML_TABLE_CLOSES.search(lines[end])
                after = lines[end][closing.end():].strip() if closing else ""
                for kept in (text, *([after] if after else [])):  # what follows the table on its line is prose
                    out.append(kept)
                    offset += len(kept) + 1
                i = end + 1
                continue
        is_table = (not fenced and "|" in line and i + 1 < len(lines)
                    and _PIPE_DELIMITER.match(lines[i + 1]) is not None and "|" in lines[i + 1])
        if not is_table:
            match = _MD_HEADING.match(line)
            if match:
                heading = match.group(2).strip().strip("*_ ")
            out.append(line)
            offset += len(line) + 1
            i += 1
            continue
        header = _pipe_cells(line)
        rows: list[list[str]] = []
        i += 2
        while i < len(lines) and "|" in lines[i] and lines[i].strip():
            rows.append(_pipe_cells(lines[i]))
            i += 1
        text, table = _render_table(f"{name} table {len(tables) + 1}", header, rows, heading, offset)
        tables.append(table)
        out.append(text)
        offset += len(text) + 1
    return "\n".join(out), tuple(tables)


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses aliases: a few hundred bytes of nested aliases ("billion laughs") would
    otherwise expand to gigabytes."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def load_markdown(path: Path, data: bytes) -> Document:
    raw = _decode(data, path)
    meta: dict[str, object] = {}
    body = raw
    front = re.match(r"\A---\s*\n(.*?)\n---\s*\n", raw, re.DOTALL)
    if front:
        try:
            loaded = yaml.load(front.group(1), Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise IngestError(f"{path}: front matter is not valid YAML ({exc.__class__.__name__})") from exc
        meta = loaded if isinstance(loaded, dict) else {}
        body = raw[front.end():]
    body, tables = _markdown_tables(_plain_markdown(body), path.name)
    body = _require_text(body, path)
    headings = [(m.start(), m.group(2).strip().strip("*_ ")) for m in _MD_HEADING.finditer(body)]
    first_h1 = next((h for _, h in headings), None)
    title = str(meta.get("title") or first_h1 or _title_from_name(path)).strip()
    return Document(
        source=str(path), text=body, title=title, kind="markdown",
        date=normalise_date(meta.get("date")) or _date_from_name(path),
        source_url=str(meta["source_url"]) if meta.get("source_url") else None,
        sections=_heading_sections(body, headings), tables=tables,
    )


_HTML_DROP = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe", "svg", "template")
_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "blockquote", "pre", "dd", "dt", "figcaption")


def _span(cell: object, attribute: str) -> int:
    """A cell's colspan or rowspan: 1 to 50."""
    from bs4 import Tag

    assert isinstance(cell, Tag)
    try:
        return max(1, min(int(str(cell.get(attribute, "1"))), 50))
    except ValueError:
        return 1


def _fill_from_above(cells: list[str], below: dict[int, tuple[str, int]]) -> None:
    """`cells` (a row read so far) continued with the cells that rows above span down into its next columns."""
    while len(cells) in below:
        text, left = below.pop(len(cells))
        cells.append(text)
        if left > 1:
            below[len(cells) - 1] = (text, left - 1)


def _all_bold(cell: object) -> bool:
    """Whether a cell has text and all of it is inside <strong> or <b>."""
    from bs4 import NavigableString, Tag

    assert isinstance(cell, Tag)
    texts = [t for t in cell.find_all(string=True) if isinstance(t, NavigableString) and t.strip()]
    return bool(texts) and all(t.find_parent(("strong", "b")) is not None for t in texts)


def _html_table(table: object) -> tuple[list[str], list[list[str]], str]:
    """(columns, rows, caption) of a `<table>`: header from `<thead>` or a first row of `<th>` (else the first
    row), cells spread over their colspan, nested tables read as their text."""
    from bs4 import Tag

    assert isinstance(table, Tag)
    caption_tag = table.find("caption")
    caption = " ".join(caption_tag.get_text(" ", strip=True).split()) if caption_tag else ""
    grid: list[tuple[list[str], bool]] = []
    below: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill) of a cell spanning rows down
    marks_headers = table.find("th") is not None  # a table marking its header cells: bold is only emphasis
    group: object = None
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        if tr.parent is not group:  # a cell spans rows only within its group (<thead>, <tbody>, <tfoot>)
            group, below = tr.parent, {}
        cells: list[str] = []
        all_th = True
        own: list[str] = []  # the row's own cells' texts (not those spanning down into it)
        for cell in tr.find_all(("td", "th"), recursive=False):
            _fill_from_above(cells, below)
            text = " ".join(cell.get_text(" ", strip=True).split())
            span, down = _span(cell, "colspan"), _span(cell, "rowspan")
            for _ in range(span):
                if down > 1:
                    below[len(cells)] = (text, down - 1)
                cells.append(text)
            # a header cell: <th>, or in a table with none, a cell all of whose text is bold (as pandoc writes a
            # header it cannot mark)
            all_th = all_th and (cell.name == "th" or not marks_headers and _all_bold(cell))
            own.append(text)
        figures = [parse_number(t) is not None for t in own if t]
        if all_th and any(figures) and not all(figures):
            all_th = False  # a bold label with figures ("Total", "100") is a row; bold column numbers ("1", "2") head
        _fill_from_above(cells, below)
        in_head = tr.find_parent("thead") is not None
        if any(cells):
            grid.append((cells, all_th or in_head))
    if not grid:
        return [], [], caption
    head_rows = 0
    while head_rows < len(grid) - 1 and grid[head_rows][1]:
        head_rows += 1
    head_rows = head_rows or 1
    width = max(len(cells) for cells, _ in grid)
    columns = []
    for i in range(width):
        parts = [cells[i] for cells, _ in grid[:head_rows] if i < len(cells) and cells[i]]
        columns.append(" ".join(dict.fromkeys(parts)))
    return columns, [cells for cells, _ in grid[head_rows:]], caption


def load_html(path: Path, data: bytes) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data, path), "lxml")

    def meta_content(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return None

    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    canonical = soup.find("link", rel="canonical")
    source_url = meta_content("source_url", "og:url") or (str(canonical["href"]) if canonical else None)
    date = normalise_date(meta_content("date", "article:published_time", "dc.date", "DC.date"))
    for tag in soup(_HTML_DROP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    tables: list[Table] = []
    offset = 0
    for block in root.find_all((*_HTML_BLOCKS, "table")):
        outer = block.find_parent("table")
        if outer is not None and any(parent is root for parent in outer.parents):  # read as part of its table
            continue
        if block.name == "table":
            columns, rows, caption = _html_table(block)
            if rows:
                label = caption or (headings[-1][1] if headings else "")
                rendered, table = _render_table(f"{path.name} table {len(tables) + 1}", columns, rows, label, offset)
                tables.append(table)
                parts.append(rendered)
                offset += len(rendered) + 2
            continue
        if block.find(_HTML_BLOCKS):  # a container of blocks: its children are visited on their own
            continue
        line = " ".join(block.get_text(" ", strip=True).split())
        if not line:
            continue
        if block.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            headings.append((offset, line))
        parts.append(line)
        offset += len(line) + 2
    text = _require_text("\n\n".join(parts), path)
    h1 = next((h for _, h in headings), "")
    return Document(
        source=str(path), text=text, title=page_title or h1 or _title_from_name(path), kind="html",
        date=date or _date_from_name(path), source_url=source_url, sections=_heading_sections(text, headings),
        tables=tuple(tables),
    )


def load_pdf(path: Path, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info: Any = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
    page_starts: list[int] = []
    tables: list[Table] = []
    offset = 0
    for number, page_text in enumerate(pages):
        page_starts.append(offset)
        pages[number], found = text_tables(page_text, path.name, offset, len(tables) + 1)
        tables.extend(found)
        offset += len(pages[number]) + 2
    text = _require_text("\n\n".join(pages), path)
    title = str(info.get("/Title") or "").strip() or _title_from_name(path)
    date = normalise_date(str(info.get("/CreationDate") or "")) or _date_from_name(path)
    return Document(
        source=str(path), text=text, title=title, kind="pdf", date=date,
        page_starts=tuple(page_starts), sections=_heading_sections(text, []), tables=tuple(tables),
    )


def load_docx(path: Path, data: bytes) -> Document:
    import docx
    import docx.table
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise IngestError(f"{path}: not a readable .docx file ({exc.__class__.__name__})") from exc
    except Exception as exc:  # zipfile.BadZipFile and lxml errors surface from deep inside python-docx
        raise IngestError(f"{path}: not a readable .docx file ({exc.__class__.__name__})") from exc
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    tables: list[Table] = []
    for paragraph in document.iter_inner_content():
        if isinstance(paragraph, docx.table.Table):
            grid = [[" ".join(cell.text.split()) for cell in row.cells] for row in paragraph.rows]
            grid = [row for row in grid if any(row)]
            if len(grid) >= 2:
                label = headings[-1][1] if headings else ""
                rendered, table = _render_table(f"{path.name} table {len(tables) + 1}", grid[0], grid[1:], label,
                                               offset)
                tables.append(table)
                parts.append(rendered)
                offset += len(rendered) + 2
            continue
        line = paragraph.text.strip()
        if not line:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            headings.append((offset, line))
        parts.append(line)
        offset += len(line) + 2
    text = _require_text("\n\n".join(parts), path)
    props = document.core_properties
    return Document(
        source=str(path), text=text, title=(props.title or "").strip() or (headings[0][1] if headings else
                                                                          _title_from_name(path)),
        kind="docx", date=_date_from_name(path) or normalise_date(props.created),
        sections=_heading_sections(text, headings), tables=tuple(tables),
    )


def load_csv(path: Path, data: bytes) -> Document:
    raw = _require_text(_decode(data, path), path)
    try:
        reader = csv.reader(io.StringIO(raw), strict=True)  # a quote never closed is an error, not merged rows
        header = [name.strip() for name in next(reader)]
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise IngestError(f"{path}: not a readable CSV file ({exc})") from exc
    if not rows:
        raise IngestError(f"{path}: CSV has a header but no rows")
    title = _title_from_name(path)
    text, table = _render_table(path.name, header, rows, title, 0)
    return Document(
        source=str(path), text=text, title=title, kind="csv", date=_date_from_name(path), tables=(table,),
    )


_LOADERS: dict[str, Callable[[Path, bytes], Document]] = {
    ".txt": load_text, ".md": load_markdown, ".markdown": load_markdown, ".html": load_html,
    ".htm": load_html, ".pdf": load_pdf, ".docx": load_docx, ".csv": load_csv,
}


def load(path: Path, data: bytes | None = None, max_bytes: int | None = None) -> Document:
    """Loads one source file; raises IngestError with the path and the reason when it cannot."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(f"{path}: unsupported file type; crossbrief reads {', '.join(SUPPORTED_SUFFIXES)}")
    if data is None:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit")
        data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{path}: empty file")
    return loader(path, data)
