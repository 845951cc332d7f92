"""Read a source file into a Document: plain text, Markdown (YAML front matter), HTML (main text only),
PDF (pypdf, with pages), DOCX (python-docx, with headings) and CSV (rows keep their column names)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Callable

import yaml

from crossbrief.index.documents import Document, Section
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
    marks, inline HTML tags and backslash escapes go."""
    body = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", body)
    body = re.sub(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)", r"\1", body)
    body = re.sub(r"</?(?:span|div|p|br|a|b|i|u|em|strong|sup|sub|small|font|img|hr)\b[^>]*>", "", body,
                  flags=re.IGNORECASE)
    body = re.sub(r"(\*\*|__)(.+?)\1", r"\2", body, flags=re.DOTALL)
    body = re.sub(r"\\([_*\[\]()#.!-])", r"\1", body)
    return body


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
    body = _require_text(_plain_markdown(body), path)
    headings = [(m.start(), m.group(2).strip().strip("*_ ")) for m in _MD_HEADING.finditer(body)]
    first_h1 = next((h for _, h in headings), None)
    title = str(meta.get("title") or first_h1 or _title_from_name(path)).strip()
    return Document(
        source=str(path), text=body, title=title, kind="markdown",
        date=normalise_date(meta.get("date")) or _date_from_name(path),
        source_url=str(meta["source_url"]) if meta.get("source_url") else None,
        sections=_heading_sections(body, headings),
    )


_HTML_DROP = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe", "svg", "template")
_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "blockquote", "pre", "dd", "dt", "figcaption")


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
    offset = 0
    for block in root.find_all(_HTML_BLOCKS):
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
    )


def load_pdf(path: Path, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
    page_starts: list[int] = []
    offset = 0
    for text in pages:
        page_starts.append(offset)
        offset += len(text) + 2
    text = _require_text("\n\n".join(pages), path)
    title = str(info.get("/Title") or "").strip() or _title_from_name(path)
    date = normalise_date(str(info.get("/CreationDate") or "")) or _date_from_name(path)
    return Document(
        source=str(path), text=text, title=title, kind="pdf", date=date,
        page_starts=tuple(page_starts), sections=_heading_sections(text, []),
    )


def load_docx(path: Path, data: bytes) -> Document:
    import docx
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
    for paragraph in document.paragraphs:
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
        sections=_heading_sections(text, headings),
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
    lines: list[str] = []
    sections: list[Section] = []
    offset = 0
    for row in rows:
        cells = [f"{name}: {cell.strip()}" for name, cell in zip(header, row) if cell.strip()]
        line = "; ".join(cells)
        lines.append(line)
        sections.append(Section(offset, offset + len(line)))
        offset += len(line) + 1
    return Document(
        source=str(path), text="\n".join(lines), title=_title_from_name(path), kind="csv",
        date=_date_from_name(path), sections=tuple(sections), table_header="Columns: " + ", ".join(header),
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
