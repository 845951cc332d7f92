"""The `Answerer` port: writes a draft with [n] markers into the numbered passages, or refuses. Implementations:
the built-in offline answerer (rag/offline.py) and LangChain chat models (rag/llm.py: OpenAI-compatible, Ollama).
Citations and figures are checked once, after drafting, by rag/citations.py, whoever wrote the draft."""

from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

from crossbrief.rag.models import Draft, Passage, Question, Turn


@runtime_checkable
class Answerer(Protocol):
    """`draft` reads the question as data (`Question.query`, `.text`, `.context`, `.history`) and the passages
    numbered 1..k; it streams the draft's text through `on_token` when given one (the pieces join to the text)."""

    name: str

    def draft(self, question: Question, passages: list[Passage],
              on_token: Callable[[str], None] | None = None) -> Draft: ...


@runtime_checkable
class Condenser(Protocol):
    """An answerer that can also rewrite a follow-up into a standalone question (an LLM can; offline cannot)."""

    def condense(self, question: str, history: Sequence[Turn]) -> Question: ...
