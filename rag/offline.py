"""The built-in offline answerer: it answers by quoting source sentences, so it cannot state a figure that
is not in a source.

Each sentence of the retrieved passages is scored against the question: embedding similarity (the packaged
model), word overlap, and answer-type fit (a "how many" question prefers a sentence that holds a count).
The answer leads with the best sentence, quoted exactly, with its [n]. When top sentences from sources of
different dates hold different figures of the asked kind, both are shown with their dates, newest first.
Below the support threshold it refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable



import numpy as np

from index.chunking import split_sentences
from index.embedding import Embedder
from rag.figures import Figure, extract_figures
from rag.models import REFUSAL_TEXT, Passage
from rag.question_types import expected_kinds

_STOP = set("""a an and are as at be by can could did do does for from had has have how i in is it its of on or
that the their them there these they this to was were what when where which who whom why will with would
about after before into than then also any much many more most long share""".split())
_WORD = re.compile(r"[a-z0-9]+")
# two sentences this similar (cosine) are taken to speak of the same thing when their figures differ
_SAME_TOPIC = 0.6


@dataclass(frozen=True)
class Draft:
    """An answerer's reply before checking: text with [n] markers."""

    text: str
    refused: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoredSentence:
    passage: Passage
    text: str
    score: float
    figures: tuple[Figure, ...]
    vector: np.ndarray


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _display(sentence: str) -> str:
    """A sentence as quoted: list bullets and markdown heading marks dropped, whitespace folded."""
    text = re.sub(r"^\s*(?:[-*•]|#{1,6})\s+", "", sentence)
    return " ".join(text.split())


@dataclass
class OfflineAnswerer:
    embedder: Embedder
    support_threshold: float = 0.42
    name: str = "offline"

    def score_sentences(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        candidates: list[tuple[Passage, str]] = []
        for passage in passages:
            for span in split_sentences(passage.text):
                sentence = _display(passage.text[span.start:span.end])
                is_heading = (sentence in (passage.heading, passage.title) or sentence.startswith("Columns: ")
                              or (len(sentence) < 60 and sentence[-1] not in ".!?\"”'’)"))
                if len(sentence) >= 12 and not is_heading:
                    candidates.append((passage, sentence))
        if not candidates:
            return []
        kinds = expected_kinds(question)
        vectors = self.embedder.embed([question] + [s for _, s in candidates])
        similarities = vectors[1:] @ vectors[0]
        q_words = {_stem(w) for w in _content_words(question)}
        scored: list[ScoredSentence] = []
        for (passage, sentence), similarity, vector in zip(candidates, similarities, vectors[1:]):
            s_words = {_stem(w) for w in _content_words(sentence)}
            overlap = len(q_words & s_words) / (len(q_words) or 1)
            figures = tuple(extract_figures(sentence))
            fit = 0.0
            if kinds:
                fit = 0.2 if any(f.kind in kinds for f in figures) else -0.2
            score = 0.65 * float(similarity) + 0.35 * overlap + fit
            scored.append(ScoredSentence(passage, sentence, score, figures, vector))
        return sorted(scored, key=lambda s: -s.score)

    def draft(self, question: str, passages: list[Passage], on_token: Callable[[str], None] | None = None) -> Draft:
        scored = self.score_sentences(question, passages)
        if not scored or scored[0].score < self.support_threshold:
            return self._emit(Draft(REFUSAL_TEXT, refused=True), on_token)
        kinds = expected_kinds(question)
        best = scored[0]
        conflict = self._dated_conflict(best, scored, kinds) if kinds else None
        if conflict:
            newest, older = conflict
            text = (
                f"The sources differ by date. Newest: {newest.passage.title} ({newest.passage.date}): "
                f"{newest.text} [{newest.passage.n}] Earlier: {older.passage.title} ({older.passage.date}): "
                f"{older.text} [{older.passage.n}]"
            )
            return self._emit(Draft(text, refused=False, notes=("dated_conflict",)), on_token)
        parts = [f"{best.text} [{best.passage.n}]"]
        second = next((s for s in scored[1:4] if s.score >= max(self.support_threshold, best.score * 0.9)
                       and s.text != best.text and (not kinds or any(f.kind in kinds for f in s.figures))), None)
        if second is not None:
            parts.append(f"{second.text} [{second.passage.n}]")
        return self._emit(Draft(" ".join(parts), refused=False), on_token)

    def _dated_conflict(self, best: ScoredSentence, scored: list[ScoredSentence],
                        kinds: tuple[str, ...]) -> tuple[ScoredSentence, ScoredSentence] | None:
        """Two well-supported sentences from differently dated sources with different figures of the asked kind."""
        best_values = {(f.kind, f.value) for f in best.figures if f.kind in kinds}
        if not best_values:
            return None
        for other in scored[1:6]:
            if other.score < max(self.support_threshold, best.score - 0.12):
                break
            if other.passage.source == best.passage.source or not (other.passage.date and best.passage.date):
                continue
            if other.passage.date == best.passage.date or float(other.vector @ best.vector) < _SAME_TOPIC:
                continue
            other_values = {(f.kind, f.value) for f in other.figures if f.kind in kinds}
            if other_values and other_values != best_values:
                pair = sorted([best, other], key=lambda s: s.passage.date or "", reverse=True)
                return pair[0], pair[1]
        return None

    @staticmethod
    def _emit(draft: Draft, on_token: Callable[[str], None] | None) -> Draft:
        if on_token:
            on_token(draft.text)
        return draft


