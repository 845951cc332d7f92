"""The typed results crossbrief hands to every front end: Passage, Citation, Answer, and query Filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crossbrief.rag.figures import Figure

REFUSAL_TEXT = "The sources do not say."


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some sources and/or a publication-date range (ISO dates, inclusive)."""

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to)


Turn = tuple[str, str]  # (role, text): role is "user" or "assistant"


@dataclass(frozen=True)
class Question:
    """A question as answerers receive it: the words asked, the conversation so far, and what retrieval used.

    `standalone` is the question made self-contained (an LLM rewrite, or the text itself); `context` is the earlier
    question a short follow-up leans on ("" when it stands alone). Answerers read these fields; nothing is
    encoded into the text.
    """

    text: str
    history: tuple[Turn, ...] = ()
    standalone: str = ""
    context: str = ""

    @property
    def query(self) -> str:
        """The text to retrieve and answer with: the standalone form when there is one."""
        return self.standalone or self.text


@dataclass(frozen=True)
class Draft:
    """An answerer's reply before checking: text with [n] markers."""

    text: str
    refused: bool
    notes: tuple[str, ...] = ()
    reason: str = ""  # why it refused, for the user ("The sources give no figure for 2020; the nearest is 2021.")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, numbered 1..k for the answerer."""

    n: int
    chunk_id: str
    text: str
    source: str
    title: str
    date: str | None
    page: int | None
    heading: str
    start: int
    end: int
    source_url: str | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    fused_score: float = 0.0
    kind: str = "text"  # the chunk's kind: "table" (rows, one per line after a caption line), "table-summary", ...
    page_breaks: tuple[int, ...] = ()  # where, in `text`, each page after `page` begins

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def page_at(self, offset: int) -> int | None:
        """The page of the source text `offset` characters after the passage's `start` (for prose, `text[offset]`):
        `page`, or a later one past a page break."""
        return None if self.page is None else self.page + sum(1 for b in self.page_breaks if b <= offset)


@dataclass(frozen=True)
class Citation:
    """A `[n]` in an answer, resolved to its passage and the quoted span that supports it."""

    n: int
    chunk_id: str
    source: str
    title: str
    date: str | None
    page: int | None
    quote: str
    span: tuple[int, int]
    source_url: str | None = None
    flags: tuple[str, ...] = ()  # e.g. "instruction_like": the passage holds text addressed to an AI assistant

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["span"] = list(self.span)
        data["flags"] = list(self.flags)
        return data


@dataclass
class Answer:
    """What `answer()` returns, whatever produced it."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    settings_hash: str = ""
    answerer: str = "offline"
    standalone_question: str = ""
    removed_markers: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refusal_reason: str = ""

    @property
    def unsupported_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.supported is False]

    @property
    def computed_figures(self) -> list[Figure]:
        """Figures worked out from cited ones (a change, an average: rag/arithmetic.py) and re-checked: not in any
        source as such, so every front end says so."""
        return [f for f in self.figures if f.computed and f.supported]

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "refused": self.refused,
            "answerer": self.answerer,
            "citations": [c.as_dict() for c in self.citations],
            "figures": [f.as_dict() for f in self.figures],
            "unsupported_figures": [f.text for f in self.unsupported_figures],
            "computed_figures": [f.text for f in self.computed_figures],
            "passages": [p.as_dict() for p in self.passages],
            "removed_markers": self.removed_markers,
            "notes": self.notes,
            "refusal_reason": self.refusal_reason,
            "timings": self.timings,
            "settings_hash": self.settings_hash,
        }
