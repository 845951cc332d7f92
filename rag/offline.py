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
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from crossbrief.index.chunking import split_sentences
from crossbrief.index.embedding import Embedder
from crossbrief.rag.figures import Figure, extract_figures
from crossbrief.rag.models import REFUSAL_TEXT, Draft, Passage, Question
from crossbrief.rag.question_types import expected_kinds
from crossbrief.rag.wording import content_words, counted_noun, entities, entity_forms, followed_by, row_values, stem, word_forms

# two sentences this similar (cosine) are taken to speak of the same thing when their figures differ
_SAME_TOPIC = 0.6
_CACHE_SIZE = 50_000
_CONTEXT_DISCOUNT = 0.03
# a differently dated figure on the same topic is shown beside the best one when it scores within this much
_CONFLICT_WINDOW = 0.25
_LEANS_BACK = re.compile(
    r"^(?:(?:that|this|it|they|these|those)\s+(?:is|was|are|were|has|had|have|will|would|means?)\b|in return\b|"
    r"then\b|the (?:new|same)\b|from [^,]{0,30}, that\b|most of what they\b)|\b(?:of them|of these|of those)\b",
    re.IGNORECASE)
# each question word the corpus never uses lowers the support of every sentence by this much (capped)
_ABSENT_WORD_PENALTY, _ABSENT_PENALTY_CAP = 0.06, 0.18
# each name in the question that the sentence's passage never mentions lowers its support by this much
_ENTITY_PENALTY, _ENTITY_PENALTY_CAP = 0.08, 0.24


@dataclass(frozen=True)
class ScoredSentence:
    passage: Passage
    text: str
    score: float
    figures: tuple[Figure, ...]
    vector: np.ndarray
    previous: str = ""

    @property
    def quoted(self) -> str:
        """The sentence as quoted in an answer, with the sentence before it when it opens by pointing back."""
        if self.previous and _LEANS_BACK.search(self.text):
            return f"{self.previous} {self.text}"
        return self.text


_ASKS_FOR_LATEST = re.compile(r"\b(?:current(?:ly)?|latest|most recent|newest|now|today|these days|as of)\b",
                              re.IGNORECASE)
_RECENCY_BONUS = 0.12


def _recency_ranks(passages: list[Passage]) -> dict[str, float]:
    """0 for the oldest dated source among the passages, 1 for the newest (for "what is the current..." questions)."""
    dates = sorted({p.date for p in passages if p.date})
    if len(dates) < 2:
        return {}
    rank = {d: i / (len(dates) - 1) for i, d in enumerate(dates)}
    return {p.source: rank[p.date] for p in passages if p.date}


def _display(sentence: str) -> str:
    """A sentence as quoted: list bullets and markdown heading marks dropped, whitespace folded."""
    text = re.sub(r"^\s*(?:[-*•]|#{1,6})\s+", "", sentence)
    return " ".join(text.split())


@dataclass
class OfflineAnswerer:
    embedder: Embedder
    support_threshold: float = 0.58
    name: str = "offline"
    vocabulary: Callable[[], set[str]] | None = None
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _absent_penalty(self, own: str) -> float:
        """Question words (4+ letters) that no indexed chunk contains: a sign the sources don't cover it."""
        vocabulary = self.vocabulary() if self.vocabulary else set()
        if not vocabulary:
            return 0.0
        absent = [w for w in content_words(own) if len(w) >= 4 and not word_forms(w) & vocabulary]
        return min(_ABSENT_PENALTY_CAP, _ABSENT_WORD_PENALTY * len(absent))

    def _candidates(self, passages: list[Passage]) -> list[tuple[Passage, str, str]]:
        """(passage, sentence, previous sentence or "") for every quotable sentence."""
        candidates: list[tuple[Passage, str, str]] = []
        for passage in passages:
            if passage.text.startswith("Columns: "):  # a table chunk: each row is a sentence
                rows = passage.text.split("\n")[1:]
                candidates.extend((passage, row.strip(), "") for row in rows if row.strip())
                continue
            previous = ""
            for span in split_sentences(passage.text):
                sentence = _display(passage.text[span.start:span.end])
                is_heading = (sentence in (passage.heading, passage.title)
                              or (len(sentence) < 60 and sentence[-1] not in ".!?\"”'’)"))
                if len(sentence) >= 12 and not is_heading:
                    candidates.append((passage, sentence, previous))
                    previous = sentence
                else:
                    previous = ""
        return candidates

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embeds with a bounded cache: the same passages come back across questions."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing)):
                if len(self._cache) >= _CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])

    def score_sentences(self, asked: Question | str, passages: list[Passage]) -> list[ScoredSentence]:
        asked = asked if isinstance(asked, Question) else Question(asked)
        candidates = self._candidates(passages)
        if not candidates:
            return []
        own, context, question = asked.text, asked.context, asked.query
        kinds = expected_kinds(own, context)
        query_vectors = self.embedder.embed([own, question] if context else [own])
        vectors = self._embed([s for _, s, _ in candidates])
        # a sentence that leans on the one before ("That is a drop of 27%") is also read with it
        with_previous = self._embed([f"{p} {s}" if p else s for _, s, p in candidates])
        query = query_vectors[0] if not context else None

        def similarity_to(matrix: np.ndarray) -> np.ndarray:
            if query is not None:
                return matrix @ query
            return 0.4 * (matrix @ query_vectors[0]) + 0.6 * (matrix @ query_vectors[1])

        similarities = np.maximum(similarity_to(vectors), similarity_to(with_previous) - _CONTEXT_DISCOUNT)
        weights = {stem(w): 0.7 for w in content_words(context)}
        weights.update({stem(w): 1.0 for w in content_words(own)})
        total_weight = sum(weights.values()) or 1.0
        asked_years = {f.value for f in extract_figures(own) if f.kind == "year"}
        counted = counted_noun(own)
        penalty = self._absent_penalty(own)
        scored: list[ScoredSentence] = []
        names = entities(own)
        recency = _recency_ranks(passages) if _ASKS_FOR_LATEST.search(own) else {}
        for (passage, sentence, previous), similarity, vector in zip(candidates, similarities, vectors):
            s_words = {stem(w) for w in content_words(row_values(sentence))}
            context_words = s_words | {stem(w) for w in content_words(f"{passage.title} {passage.heading} {previous}")}
            overlap = (0.75 * sum(weights[w] for w in weights if w in s_words)
                       + 0.25 * sum(weights[w] for w in weights if w in context_words)) / total_weight
            figures = tuple(extract_figures(sentence))
            base = 0.5 * float(similarity) + 0.2 * float(passage.dense_score or 0.0) + 0.3 * overlap
            bonus = -penalty
            if names:
                where = f"{passage.title} {passage.text}".lower()
                missing = sum(1 for e in names if not any(form in where for form in entity_forms(e)))
                bonus -= min(_ENTITY_PENALTY_CAP, _ENTITY_PENALTY * missing)
            if kinds:
                fitting = [f for f in figures if f.kind in kinds]
                bonus += 0.15 * min(1.0, base / 0.45) if fitting else -0.2
                if counted and any(followed_by(sentence, f, counted) for f in fitting):
                    bonus += 0.1
                elif counted and counted not in context_words:
                    bonus -= 0.1
            bonus += _RECENCY_BONUS * recency.get(passage.source, 0.0)
            if asked_years:
                years = {f.value for f in figures if f.kind == "year"} | {
                    float(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", sentence)}
                bonus += 0.1 if years & asked_years else (-0.1 if years else 0.0)
            scored.append(ScoredSentence(passage, sentence, base + bonus, figures, vector, previous))
        return sorted(scored, key=lambda s: -s.score)

    def draft(self, question: Question, passages: list[Passage],
              on_token: Callable[[str], None] | None = None) -> Draft:
        scored = self.score_sentences(question, passages)
        if not scored or scored[0].score < self.support_threshold:
            return self._emit(Draft(REFUSAL_TEXT, refused=True), on_token)
        kinds = expected_kinds(question.text, question.context)
        best = scored[0]
        conflict = self._dated_conflict(best, scored, kinds) if kinds else None
        if conflict:
            newest, older = conflict
            text = (
                f"The sources differ by date. Newest: {newest.passage.title} ({newest.passage.date}): "
                f"{newest.quoted} [{newest.passage.n}] Earlier: {older.passage.title} ({older.passage.date}): "
                f"{older.quoted} [{older.passage.n}]"
            )
            return self._emit(Draft(text, refused=False, notes=("dated_conflict",)), on_token)
        parts = [f"{best.quoted} [{best.passage.n}]"]
        second = next((s for s in scored[1:4] if s.score >= max(self.support_threshold, best.score * 0.9)
                       and s.text not in best.quoted and best.text not in s.quoted
                       and (not kinds or any(f.kind in kinds for f in s.figures))), None)
        if second is not None:
            parts.append(f"{second.quoted} [{second.passage.n}]")
        return self._emit(Draft(" ".join(parts), refused=False), on_token)

    def _dated_conflict(self, best: ScoredSentence, scored: list[ScoredSentence],
                        kinds: tuple[str, ...]) -> tuple[ScoredSentence, ScoredSentence] | None:
        """Well-supported sentences on the same topic as the best one, from sources of other dates, holding
        other figures of the asked kind: returns (newest, the best-scoring older one)."""
        def values(s: ScoredSentence) -> set[tuple[str, float]]:
            return {(f.kind, f.value) for f in s.figures if f.kind in kinds}

        if not values(best) or not best.passage.date:
            return None
        floor = max(self.support_threshold - 0.08, best.score - _CONFLICT_WINDOW)
        rivals = [s for s in scored[1:12] if s.score >= floor and s.passage.date and s.passage.source != best.passage.source
                  and s.passage.date != best.passage.date and values(s) and values(s) != values(best)
                  and float(s.vector @ best.vector) >= _SAME_TOPIC]
        if not rivals:
            return None
        group = [best, *rivals]
        newest = max(group, key=lambda s: (s.passage.date or "", s.score))
        older = next(s for s in group if s is not newest and s.passage.date != newest.passage.date)
        return newest, older

    @staticmethod
    def _emit(draft: Draft, on_token: Callable[[str], None] | None) -> Draft:
        if on_token:
            on_token(draft.text)
        return draft


