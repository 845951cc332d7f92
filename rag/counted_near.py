"""Whether a unit counts something other than what a "how many" question counts, by what its count figures count:
"Eleven new synthetic substances were identified in 2023" is no answer to "How many heroin deaths did Canada record
in 2023?". Every count figure of the unit names what it counts, the question's counted noun is nowhere in the unit
or what it is read with, nor the initials of what a figure counts ("drug trafficking organizations" for "DTOs"),
and none of the words a figure counts is near that noun by the packaged model's word vectors: below
`generation.counted_near_floor`, fitted by scripts/fit_counted.py on the development sets ("compounds" and
"substances", "gangs" and "groups" are near; "deaths" and "substances", "leaders" and "firearms" are not).

The rules are general English (what a count figure counts: rag/measures.py); nothing here knows a corpus word."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crossbrief.rag.words import content_words, stem
from crossbrief.rag.figures import Figure
from crossbrief.rag.measures import counted_phrase
from crossbrief.rag.word_neighbours import Embed, WordNeighbours

# the similarity of a word to the nearest of some words (WordNeighbours' vectors: rag/word_neighbours.py)
Nearness = Callable[[str, Sequence[str]], float]


def nearness_by(neighbours: WordNeighbours, embed: Embed) -> Nearness:
    """A word's similarity to the nearest of some words, by the indexed words' vectors (others embedded by `embed`)."""
    def near(word: str, words: Sequence[str]) -> float:
        vectors = neighbours.vectors_of([word, *words], embed)
        return float((vectors[1:] @ vectors[0]).max())

    return near


def asked_word(question: str, counted: str) -> str:
    """The question's word for the noun it counts (`counted` is its stem), lower case, as written."""
    return next((w.lower() for w in content_words(question) if stem(w) == counted), counted)


def counted_nearness(word: str, counted: str, text: str, context: str, figures: Sequence[Figure],
                     near: Nearness) -> float | None:
    """How near the nearest word the unit's count figures count is to the question's counted `word` (stem
    `counted`); None when the rule does not apply: the unit has no count figure, one counts nothing named (or
    people, who may be what is counted as deaths), the unit or its context names the counted noun, or a figure
    counts what its initials spell."""
    counts = [f for f in figures if f.kind == "count"]
    phrases = [counted_phrase(text, f) for f in counts]
    if not counts or not all(phrases):
        return None
    if counted in {stem(w) for w in content_words(f"{text} {context}")}:
        return None
    if any(word.rstrip("s") == "".join(w[0] for w in phrase) for phrase in phrases if len(phrase) > 1):
        return None
    return near(word, sorted({w for phrase in phrases for w in phrase}))
