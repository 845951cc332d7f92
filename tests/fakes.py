"""Small in-process stand-ins for the ports, for tests about our own logic: a deterministic toy embedder, a
scripted answerer, and (from the package) the in-memory chunk store. The contract suites in tests/contracts/
run them beside the real implementations, so they keep the same promises."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from crossbrief.index.embedding import no_vectors
from crossbrief.index.memory_store import MemoryStore
from crossbrief.rag.models import REFUSAL_TEXT, Draft, Passage, Question, Turn

__all__ = ["MemoryStore", "ScriptedAnswerer", "ToyEmbedder"]

_WORD = re.compile(r"\w+")
# a scripted reply: fixed text, or text made from the question and the passages (to cite the right [n])
Reply = str | Callable[[Question, list[Passage]], str]


def _bucket(word: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little") % dim, 1.0 if digest[4] & 1 else -1.0


@dataclass
class ToyEmbedder:
    """Hashed bag of words (and word stems' first five letters): texts that share words are close, the same
    text always gives the same vector, and nothing is loaded. A word piece is a word here."""

    dim: int = 64
    backend: str = "toy"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            for feature in (word, word[:5] + "~"):
                index, sign = _bucket(feature, self.dim)
                vector[index] += sign
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            return vector
        return vector / norm

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return no_vectors(self.dim)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def count_word_pieces(self, text: str) -> int:
        return len(_WORD.findall(text)) + 2  # as the real tokenizer, [CLS] and [SEP] included


@dataclass
class ScriptedAnswerer:
    """Replies with the scripted replies in order (the refusal text when the script runs out), streams them word
    by word, and records every question and passage list it was given."""

    replies: list[Reply] = field(default_factory=list)
    name: str = "scripted"
    questions: list[Question] = field(default_factory=list)
    passages: list[list[Passage]] = field(default_factory=list)

    def say(self, *replies: Reply) -> "ScriptedAnswerer":
        self.replies.extend(replies)
        return self

    def draft(self, question: Question, passages: list[Passage],
              on_token: Callable[[str], None] | None = None) -> Draft:
        self.questions.append(question)
        self.passages.append(list(passages))
        reply = self.replies.pop(0) if self.replies else REFUSAL_TEXT
        text = reply if isinstance(reply, str) else reply(question, passages)
        if on_token:
            words = text.split(" ")
            for i, word in enumerate(words):
                on_token(word + (" " if i < len(words) - 1 else ""))
        if text.strip() == REFUSAL_TEXT:
            return Draft(REFUSAL_TEXT, refused=True)
        return Draft(text, refused=False)


@dataclass
class ScriptedCondenser(ScriptedAnswerer):
    """A scripted answerer that also rewrites follow-ups (as an LLM does): the rewrite is scripted too."""

    rewrites: list[str] = field(default_factory=list)
    name: str = "scripted-condenser"

    def condense(self, question: str, history: Sequence[Turn]) -> Question:
        standalone = self.rewrites.pop(0) if self.rewrites else question
        return Question(text=question, history=tuple(history), standalone=standalone)
