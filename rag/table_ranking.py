"""Superlative questions over a table of records: "Which province had the most opioid deaths in 2023?" asks for the
row, among those the question pins, whose figure is highest, across the column the "which" names (a region, not
the overall value that stands for all of them).

The column is the one whose name and values read most like the question's "which ..." words (by the embedding
model when one is given, by shared words otherwise); the words are English superlatives, never a corpus's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from crossbrief.index.tables import parse_number

# "at least" and "at most" set a bound, not a ranking
_SUPERLATIVE = re.compile(r"(?<!\bat )\b(highest|largest|most|greatest|biggest|lowest|smallest|least|fewest)\b",
                          re.IGNORECASE)
_ORDINAL = re.compile(r"\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+$", re.IGNORECASE)
_PERIODS = frozenset({"year", "years", "period", "periods", "quarter", "quarters", "month", "months"})
_HIGH = frozenset({"highest", "largest", "most", "greatest", "biggest"})
# "which province had", "what region recorded", "which of the provinces saw"
_WHICH = re.compile(r"\b(?:which|what)\s+(?:of\s+the\s+)?((?:[a-z-]+\s+){0,2}?[a-z-]+)\s+(?:has|had|have|was|were|is|"
                    r"are|did|does|do|saw|sees|recorded|records|reported|reports|counted|with)\b", re.IGNORECASE)

Rows = list[tuple[int, tuple[str, ...]]]
# how alike a short text is to each of several texts (cosine of their embeddings), for picking a column
Similarity = Callable[[str, Sequence[str]], Sequence[float]]


@dataclass(frozen=True)
class Superlative:
    highest: bool
    subject: str  # what the "which" asks for ("province")

    @property
    def word(self) -> str:
        return "highest" if self.highest else "lowest"


def superlative(question: str) -> Superlative | None:
    """The superlative a "which ... most/least ..." question asks, or None."""
    found, which = _SUPERLATIVE.search(question), _WHICH.search(question)
    if found is None or which is None or _ORDINAL.search(question[:found.start()]):
        return None  # "the second highest" is a rank this does not give
    if which.group(1).lower().split()[-1] in _PERIODS:
        return None  # "in which year was it largest": the row, whose columns give each year, answers it
    return Superlative(found.group(1).lower() in _HIGH, which.group(1).lower())


def without_superlative(question: str) -> str:
    """The question with its superlative taken out: "most" asks for a ranking, it names no value of a table."""
    return _SUPERLATIVE.sub(" ", question)


def pick_column(subject: str, candidates: list[tuple[int, str, tuple[str, ...]]],
                similarity: Similarity | None, words: Callable[[str], set[str]]) -> int | None:
    """Of (index, name, values) candidates, the column the subject names: by shared words with its name, else by
    the embedding similarity of the subject to the name and a few of its values; None without a way to tell."""
    if not candidates:
        return None
    asked = words(subject)
    named = [i for i, name, _ in candidates if asked & words(name)]
    if len(named) == 1:
        return named[0]
    if similarity is None:
        return None
    described = [f"{name}: {', '.join(v for v in values[:8] if v.strip())}" for _, name, values in candidates]
    scores = list(similarity(subject, described))
    return candidates[max(range(len(candidates)), key=lambda k: scores[k])][0]


def ranked(rows: Rows, column: int, highest: bool) -> Rows:
    """The rows with a number under `column`, the highest (or lowest) first; ties in table order."""
    valued = [(value, number, cells) for number, cells in rows
              if (value := parse_number(cells[column])) is not None]
    valued.sort(key=lambda v: (-v[0] if highest else v[0], v[1]))
    return [(number, cells) for _, number, cells in valued]
