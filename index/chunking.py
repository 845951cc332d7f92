"""Cut a Document into Chunks: token-aware (tiktoken), on sentence and heading boundaries, with a little
overlap, and never longer than the embedding model reads (a truncated chunk could never be found)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Callable

from crossbrief.index.documents import Chunk, Document, Section
from crossbrief.index.embedding import MAX_WORD_PIECES
from crossbrief.index.tables import TABLE_EMBED_ROWS, table_pieces
from crossbrief.index.tokens import get_encoding

# A sentence ends at . ! ? (optionally closed by a quote or bracket) before whitespace and a capital,
# digit or opening quote; a blank line or a list item also ends one, and so does a bullet run into the text
# ("... were: • Cost of revenue increased ... • Sales ..."). A list item's number has at most three digits: a year
# that opens a hard-wrapped line ("expires on December 31,\n    2024.") is no item.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\d{1,3}\.)\s)|"
                           r"\s+•\s+")
_ABBREVIATIONS = re.compile(r"\b(?:U\.S|U\.K|e\.g|i\.e|Mr|Mrs|Ms|Dr|No|St|vs|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
                            r"Sept|Oct|Nov|Dec|Inc|Ltd|Co|Gov|Sen|Rep)\.$")

_CONNECTIVES = set("""a an the and or but of on in at to for from with by as than that which who whose
is are was were be been has have had its their his her our your this these those into over under about""".split())

CountPieces = Callable[[str], int]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of text[start:end], whitespace trimmed, in document offsets."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if _ABBREVIATIONS.search(text, max(start, match.start() - 8), match.start()):
            continue
        spans.append(Span(cursor, match.start()))
        cursor = match.end()
    spans.append(Span(cursor, end))
    trimmed = []
    for span in _split_heading_lines(text, spans):
        s, e = span.start, span.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append(Span(s, e))
    return trimmed


def _looks_like_heading(line: str) -> bool:
    """A short unpunctuated line such as a PDF heading, not a wrapped line of prose ("... epidemic cost")."""
    words = line.split()
    if not words or len(line) > 60 or line[-1] in ".,;:-–" or "," in line or not line[0].isupper():
        return False
    if words[-1].lower() in _CONNECTIVES:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) <= 5 or capitalised * 2 >= len(words)


def _split_heading_lines(text: str, spans: list[Span]) -> list[Span]:
    """Splits off short unpunctuated lines (headings in PDF text) that run into the next sentence. A heading is a
    whole line: the end of a hard-wrapped line that a sentence starts on ("... epidemic. Through the American Rescue"
    before "Plan, we've delivered ...") is none."""
    out: list[Span] = []
    for span in spans:
        cursor = span.start
        for match in re.finditer(r"\n", text[span.start:span.end]):
            newline = span.start + match.start()
            line = text[cursor:newline].strip()
            following = text[newline + 1:newline + 2]
            line_start = text.rfind("\n", 0, cursor) + 1  # the line the candidate heading is on starts with it
            if _looks_like_heading(line) and following.isupper() and not text[line_start:cursor].strip():
                out.append(Span(cursor, newline))
                cursor = newline + 1
        out.append(Span(cursor, span.end))
    return out


def _outside_tables(document: Document) -> list[Section]:
    """The document's sections with the stretches its tables occupy cut out (tables are chunked as rows)."""
    sections = list(document.sections or (Section(0, len(document.text)),))
    for table in document.tables:
        cut: list[Section] = []
        for section in sections:
            if table.end <= section.start or table.start >= section.end:
                cut.append(section)
                continue
            if table.start > section.start:
                cut.append(Section(section.start, table.start, section.heading))
            if table.end < section.end:
                cut.append(Section(table.end, section.end, section.heading))
        sections = cut
    return [s for s in sections if document.text[s.start:s.end].strip()]


def chunk_id(source: str, text: str, occurrence: int) -> str:
    """Stable id from the source's identity and the chunk's content (occurrence tells repeats apart)."""
    digest = hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return digest[:32]


@dataclass
class Chunker:
    """Packs sentences into chunks of about `chunk_tokens` tiktoken tokens with `overlap_tokens` overlap."""

    count_pieces: CountPieces
    chunk_tokens: int = 180
    overlap_tokens: int = 30
    csv_rows_per_chunk: int = 8
    table_embed_rows: int = TABLE_EMBED_ROWS
    max_pieces: int = MAX_WORD_PIECES

    def __post_init__(self) -> None:
        self._encoding = get_encoding("cl100k_base")

    def _tokens(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))

    def chunk(self, document: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        seen: dict[str, int] = {}

        def add(text: str, start: int, end: int, heading: str, kind: str) -> None:
            occurrence = seen.get(text, 0)
            seen[text] = occurrence + 1
            chunks.append(Chunk(
                id=chunk_id(document.source, text, occurrence), text=text, source=document.source,
                title=document.title, start=start, end=end, index=len(chunks), date=document.date,
                source_url=document.source_url, page=document.page_at(start), heading=heading, kind=kind,
                page_breaks=document.page_breaks(start, end),
            ))

        for heading, spans in self._prose_groups(document):
            add(document.text[spans[0].start:spans[-1].end], spans[0].start, spans[-1].end, heading, "text")
        for table in document.tables:
            for text, start, end, kind in table_pieces(table, document.title, self.count_pieces, self.max_pieces,
                                                       self.csv_rows_per_chunk, self.table_embed_rows):
                add(text, start, end, table.caption, kind)
        if not document.tables:
            return chunks
        ordered = sorted(chunks, key=lambda c: (c.start, c.index))
        return [replace(c, index=i) for i, c in enumerate(ordered)]

    def _fits(self, document: Document, heading: str, spans: list[Span]) -> bool:
        text = document.text[spans[0].start:spans[-1].end]
        context = " - ".join(p for p in (document.title, heading) if p)
        return self.count_pieces(f"{context}\n{text}" if context else text) <= self.max_pieces

    def _prose_groups(self, document: Document) -> list[tuple[str, list[Span]]]:
        groups: list[tuple[str, list[Span]]] = []
        for section in _outside_tables(document):
            sentences = [piece for span in split_sentences(document.text, section.start, section.end)
                         for piece in self._split_long_sentence(document.text, span)]
            body = document.text[section.start:section.end].strip().lstrip("#").strip()
            heading_only = bool(section.heading) and body == section.heading
            if not sentences or heading_only:
                continue
            for group in self._pack(document.text, sentences):
                groups.extend(self._enforce_limit(document, section.heading, group))
        return groups

    def _split_long_sentence(self, text: str, span: Span) -> list[Span]:
        """A sentence over the chunk size is cut at word boundaries."""
        if self._tokens(text[span.start:span.end]) <= self.chunk_tokens:
            return [span]
        words = [m.span() for m in re.finditer(r"\S+", text[span.start:span.end])]
        pieces, begin, size, prev_end = [], words[0][0], 0, words[0][1]
        for w_start, w_end in words:
            size += self._tokens(text[span.start + w_start:span.start + w_end]) + 1
            if size > self.chunk_tokens * 0.8 and w_start > begin:
                pieces.append(Span(span.start + begin, span.start + prev_end))
                begin, size = w_start, self._tokens(text[span.start + w_start:span.start + w_end]) + 1
            prev_end = w_end
        pieces.append(Span(span.start + begin, span.end))
        return pieces

    def _pack(self, text: str, sentences: list[Span]) -> list[list[Span]]:
        sizes = [self._tokens(text[s.start:s.end]) for s in sentences]
        groups: list[list[Span]] = []
        current: list[int] = []
        total = 0
        for i, size in enumerate(sizes):
            if current and total + size > self.chunk_tokens:
                groups.append([sentences[j] for j in current])
                # carry the last sentences (up to overlap_tokens) into the next chunk
                carry: list[int] = []
                carried = 0
                for j in reversed(current):
                    if carried + sizes[j] > self.overlap_tokens or carried + sizes[j] + size > self.chunk_tokens:
                        break
                    carry.insert(0, j)
                    carried += sizes[j]
                current, total = carry, carried
            current.append(i)
            total += size
        if current:
            groups.append([sentences[j] for j in current])
        return groups

    def _enforce_limit(self, document: Document, heading: str, group: list[Span]) -> list[tuple[str, list[Span]]]:
        """Halves a group until every part fits the model's word-piece limit."""
        if self._fits(document, heading, group):
            return [(heading, group)]
        if len(group) == 1:
            span = group[0]
            middle = document.text.rfind(" ", span.start, (span.start + span.end) // 2 + 1)
            if middle <= span.start:
                middle = (span.start + span.end) // 2
            halves = [[Span(span.start, middle)], [Span(middle + 1 if document.text[middle] == " " else middle,
                                                         span.end)]]
        else:
            halves = [group[: len(group) // 2], group[len(group) // 2:]]
        return [part for half in halves for part in self._enforce_limit(document, heading, half)]
