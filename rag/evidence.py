"""Candidate answering units and the features they are scored with.

A unit is one sentence of a retrieved passage, read with its passage's title, heading and date and with the
sentence before it when it opens by pointing back ("That is a drop of 27%"). Table chunks (marked `kind` in their
metadata, not by their text) give one unit per row. Each unit gets a few features (similarity to the question,
word overlap, how it stands against the question's constraints, its passage's rank) that a fitted logistic model
turns into a probability of answering the question (rag/calibration.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossbrief.index.chunking import Span, split_sentences
from crossbrief.rag.constraint_check import Check, another_source, check
from crossbrief.rag.publishers import publisher_labels
from crossbrief.rag.constraints import Constraints
from crossbrief.rag.figures import MONTHS
from crossbrief.rag.words import FUNCTION_WORDS, content_words, stem
from crossbrief.rag.figures import Figure, extract_figures
from crossbrief.rag.models import Passage
from crossbrief.rag.places import aliases_of, countries_named, is_capital, without_possessive
from crossbrief.rag.spelling import spellings
from crossbrief.rag.table_text import introduces
from crossbrief.rag.word_neighbours import Embed, WordNeighbours, expandable

# the features, in the order of the fitted weights
FEATURES = ("sim_sentence", "sim_context", "dense", "bm25", "overlap", "overlap_context", "overlap_passage", "date", "names", "names_near",
            "other_names", "kind",
            "counted", "source", "rank", "has_figure", "leans_back", "names_unknown", "missing_known",
            "missing_unknown", "overlap_near")
# a sentence whose subject is a pronoun ("That is a drop of 27%", "It adds...") leans on the one before it; "This
# note supersedes..." names its own subject and does not. General English grammar, not words of any corpus
_POINTS_BACK = re.compile(r"^(?:(?:that|this|these|those)\s+(?:is|was|are|were|has|had|have|will|would|means?|"
                          r"amounts?|represents?)\b|(?:it|they|he|she|then|there|in return|the same)\b)|"
                          r"\b(?:of them|of these|of those)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|#{1,6}|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Unit:
    passage: Passage
    text: str
    previous: str
    figures: tuple[Figure, ...]

    @property
    def leans_back(self) -> bool:
        return bool(self.previous) and _POINTS_BACK.search(self.text) is not None

    @property
    def quoted(self) -> str:
        """The unit as quoted in an answer: with the sentence before when it leans back on it."""
        return f"{self.previous} {self.text}" if self.leans_back else self.text

    @property
    def context(self) -> str:
        return f"{self.passage.title} {self.passage.heading} {self.previous}"


def _display(sentence: str) -> str:
    return " ".join(_BULLET.sub("", sentence).split())


def kind(passage: Passage) -> str:
    """The chunk's kind from its metadata ("text", "table", "table-summary"...)."""
    return str(getattr(passage, "kind", "text") or "text")  # passages built before kinds existed are text


def is_table(passage: Passage) -> bool:
    return kind(passage) != "text"


_LABEL = re.compile(r"(?:^|\s)[A-Z][a-z]+(?: [a-z]+)?: ")
# a labelled list ("Sources: A; B (July 2023)."): about the document, not a statement in it
_LABELLED_LIST = re.compile(r"^[A-Z][a-z]+: [^.;]+;")


# a web page's pointer to a link ("Read the full plan HERE.", "Click here to learn more", "Watch the remarks"): an
# imperative, no statement
_LINK_LINE = re.compile(r"^(?:read|click|visit|download|watch)\s+(?:the|this|our|more|here|about|full)\b|"
                        r"^(?:read|click|visit|download|watch|see|view|find|learn|access)\b.*\bhere\b\W*$",
                        re.IGNORECASE)


def _front_matter(sentence: str, title: str) -> bool:
    """A document's title line, its "Date: ... Sources: ..." lines, a labelled list of its sources or a pointer
    to a link: about the document, not a statement in it."""
    return (bool(title) and sentence.startswith(title[:40]) or len(_LABEL.findall(sentence)) >= 2
            or _LINK_LINE.search(sentence) is not None
            or (_LABELLED_LIST.match(sentence) is not None
                and all(f.kind in ("year", "date") for f in extract_figures(sentence))))


def units(passages: list[Passage]) -> list[Unit]:
    """Every quotable sentence (or table row) of the passages."""
    found: list[Unit] = []
    for passage in passages:
        if kind(passage).endswith("summary"):
            continue  # a description of a whole table: retrieval's, not an answer
        if is_table(passage):
            rows = [line.strip() for line in passage.text.split("\n")[1:] if line.strip()]
            found.extend(Unit(passage, row, "", tuple(extract_figures(row))) for row in rows)
            continue
        previous = ""
        spans = _whole_sentences(passage.text, split_sentences(passage.text))
        for i, span in enumerate(spans):
            raw = passage.text[span.start:span.end]
            sentence = _display(raw)
            is_heading = (sentence in (passage.heading, passage.title)
                          or (len(sentence) < 60 and sentence[-1:] not in ".!?\"”'’)" and not introduces(sentence))
                          or _front_matter(sentence, passage.title))
            if introduces(sentence) and not _BULLET.match(raw):
                listed = _items_after(passage.text, spans[i + 1:])
                if listed:  # "... six pillars of action:" is read with its items, as a list it states
                    sentence = f"{sentence} {'; '.join(listed)}."
            if len(sentence) >= 12 and not is_heading:
                found.append(Unit(passage, sentence, previous, tuple(extract_figures(sentence))))
                previous = sentence
            else:
                previous = ""
    return found


# where the sentence splitter cuts inside a sentence: after a middle initial ("Nathalie G. | Drouin led"), or after
# an abbreviation or dotted initials before a number or a lower-case word ("under E.O. | 14059 (...)", "Dir. | No.
# 2022-002)"); "to the U.S. | The tariff" stays cut
_INITIAL_END = re.compile(r"\b[A-Z][a-z]+\s+[A-Z]\.$")
_ABBREVIATION_END = re.compile(r"(?:\b([A-Z][a-z]{0,2})|\b(?:[A-Z]\.){1,3}[A-Z])\.$")
_NAME_START = re.compile(r"^([A-Z][a-z]+)\b")
_CONTINUES = re.compile(r"^(?:\d|[a-z]|No\.\s)")
_MONTH_WORDS = frozenset(month[:3] for month in MONTHS)


def _whole_sentences(text: str, spans: list[Span]) -> list[Span]:
    """`spans` with the cuts inside a sentence (see above) joined again. Quoting only: chunk boundaries are
    the chunker's."""
    joined: list[Span] = []
    for span in spans:
        if joined:
            before, after = text[joined[-1].start:joined[-1].end], text[span.start:span.end]
            name = _NAME_START.match(after)
            short = _ABBREVIATION_END.search(before)
            # not a sentence's usual first word ("Appendix B. | The program"), nor a month ("in May. | 2,000 ...")
            if (_INITIAL_END.search(before) and name and name.group(1).lower() not in FUNCTION_WORDS
                    or short and (short.group(1) or "").lower()[:3] not in _MONTH_WORDS and _CONTINUES.match(after)):
                joined[-1] = Span(joined[-1].start, span.end)
                continue
        joined.append(span)
    return joined


_MOST_ITEMS = 12
_NUMBER_ALONE = re.compile(r"^\s*\d{1,3}[.)]\s*$")


def _items_after(text: str, spans: list[Span]) -> list[str]:
    """The short bulleted or numbered items that follow a sentence introducing them, as displayed."""
    items: list[str] = []
    numbered = False  # the sentence splitter may cut "1.   Testing" after its number
    for span in spans[:2 * _MOST_ITEMS]:
        raw = text[span.start:span.end]
        if _NUMBER_ALONE.match(raw):
            numbered = True
            continue
        item = _display(raw)
        if not (numbered or _BULLET.match(raw)):
            break
        if len(item) >= 60 or len(items) == _MOST_ITEMS:
            return []  # a list too long to read as one unit is left as it was, not cut short
        items.append(item.rstrip(".;,"))
        numbered = False
    return items


@dataclass(frozen=True)
class Scored:
    unit: Unit
    check: Check
    features: np.ndarray
    vector: np.ndarray
    probability: float = 0.0

    @property
    def eligible(self) -> bool:
        """A unit that contradicts nothing the question pins."""
        return not self.check.contradiction


def eligible_share(scored: Sequence[Scored]) -> float:
    """The share of the units that contradict nothing the question pins (the support model reads it: a near miss
    leaves few). A unit that gives levels only where a change is asked ("levels") counts as meeting them: it meets
    every pin but the kind of figure, and the support model was fitted with such units eligible."""
    # a unit of another document than the one the question names ("according to the February 2025 analysis") is
    # left out: the question ruled it out itself, and were it counted, every question naming its source would look
    # like a near miss
    read = [s for s in scored if not s.check.contradiction.startswith("source ")]
    return sum(1 for s in read if s.eligible or s.check.contradiction == "levels") / max(len(read), 1)


def passage_words(passage: Passage) -> set[str]:
    return {stem(w) for w in content_words(f"{passage.title} {passage.heading} {passage.text}")}


@dataclass(frozen=True)
class QuestionWord:
    stem: str
    weight: float  # inverse document frequency in the index
    known: bool  # some indexed chunk uses it


def chunks_using(word: str, frequencies: dict[str, int]) -> int:
    """How many indexed chunks use `word` (lower-cased), in its singular or plural form, in either spelling."""
    return max(frequencies.get(form, 0) for spelt in spellings(word) for form in (spelt, spelt + "s", spelt.rstrip("s")))


def name_known(name: str, frequencies: dict[str, int]) -> bool:
    """Whether some indexed chunk uses `name`, or every word of another name of the country it names ("Canada"
    for "Ottawa")."""
    return bool(chunks_using(without_possessive(name).lower(), frequencies)) or any(
        all(chunks_using(word, frequencies) for word in content_words(other)) for other in aliases_of(name))


def country_known(capital: str, frequencies: dict[str, int]) -> bool:
    """Whether the index names the country of `capital` by a name other than its capital's (a "Victoria" in the
    sources says nothing of the Seychelles)."""
    return any(all(chunks_using(word, frequencies) for word in content_words(other))
               for other in aliases_of(capital) if not is_capital(other))


def _name_stems(names: tuple[str, ...]) -> dict[str, str]:
    """The stem of each word of the question's country names -> the name: "ottawa" -> "Ottawa's"."""
    return {stem(word): name for name in names if countries_named(name) for word in content_words(name)}


def question_words(text: str, frequencies: dict[str, int], chunks: int,
                   names: tuple[str, ...] = ()) -> list[QuestionWord]:
    """The question's content words weighted by how rare they are in the index (none without an index). A word of
    a country's name (`names`: the question's) that the index does not use is known when the index uses another
    name of that country."""
    if not chunks:
        return []
    of_country = _name_stems(names)
    found: dict[str, QuestionWord] = {}
    for word in content_words(text):
        if word.isdigit():
            continue  # years and counts are the date and figure checks' business
        used = chunks_using(word, frequencies)
        known = used > 0 or (stem(word) in of_country and name_known(of_country[stem(word)], frequencies))
        found[stem(word)] = QuestionWord(stem(word), float(np.log((chunks + 1) / (used + 0.5))), known)
    return list(found.values())


def missing_shares(asked: list[QuestionWord], present: set[str]) -> tuple[float, float]:
    """Of the question's rarity-weighted words: the share the index knows but `present` lacks (a qualifier such as a
    place or a direction the evidence does not meet), and the share no indexed chunk uses (the question's own
    wording: a paraphrase, or something the sources never mention)."""
    total = sum(w.weight for w in asked)
    if not total:
        return 0.0, 0.0
    known = sum(w.weight for w in asked if w.known and w.stem not in present)
    return known / total, sum(w.weight for w in asked if not w.known) / total


def near_overlaps(question: str, found: list[Unit], neighbours: WordNeighbours | None, embed: Embed) -> np.ndarray:
    """For each unit, how closely its words and its context's (title, heading, the sentence before) cover the
    question's content words by their word vectors (WordNeighbours.closeness): the word overlap of a reworded
    question, which shares no word with its answer. Zeros without the index's word vectors."""
    asked = [w for w in dict.fromkeys(content_words(question)) if expandable(w)]
    if neighbours is None or not asked or not found:
        return np.zeros(len(found))
    vectors = neighbours.vectors_of(asked, embed)
    return neighbours.closeness(vectors, [content_words(f"{u.text} {u.context}") for u in found])


def features(constraints: Constraints, found: list[Unit], sim_sentence: np.ndarray, sim_context: np.ndarray,
             vectors: np.ndarray, unknown: float = 0.0, asked: list[QuestionWord] | None = None,
             overlap_near: np.ndarray | None = None) -> list[Scored]:
    """The feature rows of `found`, in the order of FEATURES. `unknown`: the share of the question's names that the
    index never uses (the same for every unit: it tells how well the sources cover the question); `asked`: the
    question's words weighted by rarity (question_words); `overlap_near`: how closely each unit's words cover the
    question's by their word vectors (near_overlaps; zeros without them)."""
    asked = asked or []
    near = overlap_near if overlap_near is not None else np.zeros(len(found))
    words = set(constraints.words)
    bm25_best = max((u.passage.bm25_score or 0.0 for u in found), default=0.0) or 1.0
    rows: list[Scored] = []
    in_passage: dict[str, set[str]] = {}
    of_country = _name_stems(constraints.names)
    # a passage's rank among those of the document the question names by its date, when it names one: the others
    # are ruled out ("source <date>"), and a named analysis's passage in second place after an order's is its first
    named = [p.chunk_id for p in sorted({u.passage.chunk_id: u.passage for u in found}.values(), key=lambda p: p.n)
             if not another_source(constraints, p.date)]
    rank = {chunk: place for place, chunk in enumerate(named, 1)} if constraints.source_dates else {}
    for unit, s_sim, c_sim, vector, n_overlap in zip(found, sim_sentence, sim_context, vectors, near):
        own = {stem(w) for w in content_words(unit.text)}
        around = {stem(w) for w in content_words(unit.context)}
        overlap = len(words & own) / len(words) if words else 0.0
        overlap_context = len(words & (own | around)) / len(words) if words else 0.0
        if unit.passage.chunk_id not in in_passage:  # one passage gives many units
            in_passage[unit.passage.chunk_id] = passage_words(unit.passage)
        overlap_passage = len(words & in_passage[unit.passage.chunk_id]) / len(words) if words else 0.0
        figures = tuple(extract_figures(unit.quoted)) if unit.leans_back else unit.figures
        stands = check(constraints, unit.quoted, figures, unit.context, unit.passage.text, unit.passage.date,
                       publisher_labels(unit.passage.source_url), unit.previous)
        aliased = {word for word, name in of_country.items() if name in stands.met_near}  # met by its country
        aliased |= {stem(without_possessive(name).lower()) for name in stands.published}  # its publisher's name
        missing_known, missing_unknown = missing_shares(asked, own | around | aliased)
        row = np.array([
            float(s_sim), float(c_sim), float(unit.passage.dense_score or 0.0),
            float(unit.passage.bm25_score or 0.0) / bm25_best, overlap, overlap_context, overlap_passage,
            stands.date, stands.names, stands.names_near, stands.other_names, stands.kind, stands.counted, stands.source,
            1.0 / rank.get(unit.passage.chunk_id, unit.passage.n),
            1.0 if any(f.kind not in ("year", "date") for f in unit.figures) else 0.0,
            1.0 if unit.leans_back else 0.0, unknown, missing_known, missing_unknown, float(n_overlap),
        ], dtype=np.float64)
        rows.append(Scored(unit, stands, row, vector))
    return rows
