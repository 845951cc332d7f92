"""Tables whose first column names their rows (statements, schedules, breakdowns), read with their structure.

Such tables are laid out for a reader, not a database: a row with a label and no figures heads the rows below it
("Basic earnings per share (cents per share)" over "Continuing operations", "Discontinued operations" and an
unlabelled total); a row with no figures and no label, or text under the figure columns, names the columns anew
for the rows below it (a second block "Fiscal 2018 / First / Quarter"); an unlabelled row of figures totals the
rows above it. `read_rows` gives every row of figures its section and its columns' names as they apply to it,
and `best_row` picks the row a question names: its words are weighed by how few rows they name (a word every row
shares tells none apart), the row's own label counting more than the section and column headings above it. The
rules are table layout, never words of a corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from crossbrief.index.tables import CELL_SIGNS, ColumnProfile, TableProfile, cell_number, parse_number
from crossbrief.rag.table_text import YEAR

_DASH = re.compile(r"^[\s$€£(]*[-–—−]+[\s)]*$")
_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")
# English words for what a table's cells and dated columns are (the question's words pass through `words`, singular),
# for what a table does with them, and for comparing them: a question's words about the table, not about a row
_CELL_WORDS = frozenset({"value", "amount", "figure", "number", "table", "information", "data", "calculated",
                         "recorded", "reported", "provided", "provide", "presented", "shown", "listed", "highlighted",
                         "given", "larger", "largest", "higher", "highest", "lower", "lowest", "smaller", "smallest",
                         "greater", "greatest", "more", "less", "most", "least", "exceed"})
_PERIOD_WORDS = frozenset({"year", "period"})
_AUTO_NAME = re.compile(r"^Column \d+$")
# a row's own label weighs this much more than the headings above it
_HEADING_WEIGHT = 0.7
# every label word a question does not use costs this share of its weight (a shorter label that says it wins)
_EXTRA_WORD_COST = 0.1
# at most this many rows: a longer table is data to filter (rag/tables.py), not a statement to read
MAX_ROWS = 300


def is_figure(cell: str) -> bool:
    """A cell that states a figure: a number that is not a bare year (a year heads a column), or a dash for nil."""
    text = CELL_SIGNS.sub("", cell)  # "$(3,908)", "(35,569 )": the sign and spacing around a number vary
    return bool(text) and (bool(_DASH.match(text)) or (cell_number(cell) is not None and not YEAR.match(text)))


def _is_value(cell: str) -> bool:
    """A cell of digits that is neither a figure nor a year, nor has a word in it: a date ("11/4/2024"), a ratio
    ("1:1"); a value, never a column's heading."""
    text = cell.strip()
    return bool(re.search(r"\d", text)) and not re.search(r"[A-Za-z]", text) and not YEAR.match(text) \
        and not is_figure(text)


@dataclass(frozen=True)
class ReadRow:
    """A row of figures as it stands in its table: the section above it and its columns as named for it."""

    number: int
    cells: tuple[str, ...]
    columns: tuple[str, ...]  # the column names as they apply to this row
    section: str  # the label of the heading row(s) above it, "" when none
    heading: str  # the words heading its block of columns (names and in-table heading rows)
    section_rows: tuple[int, ...]  # the numbers of its section's heading rows

    @property
    def label(self) -> str:
        return self.cells[0].strip()


def _spans(names: list[str]) -> bool:
    """First-level names that each span two columns: named and unnamed columns alternate ("December 31, 2019",
    "", "December 31, 2018", "")."""
    unnamed = [i for i in range(1, len(names)) if not names[i]]
    return bool(unnamed) and all(names[i - 1] for i in unnamed) and len(names) - 1 - len(unnamed) <= len(unnamed)


def _merge(names: list[str], cells: tuple[str, ...], first: bool) -> list[str]:
    """Column names with a heading row's cells added below them. Where first-level names span two columns, an
    unnamed column takes its left neighbour's name ("December 31, 2019" over "Carrying Amount" and "Fair
    Value")."""
    spans = first and _spans(names)
    merged = []
    for i, (name, cell) in enumerate(zip(names, cells)):
        if spans and not name and i > 1:
            name = names[i - 1]
        merged.append(" ".join(part for part in (name, cell.strip()) if part))
    return merged


def _marks_only(texts: list[str]) -> bool:
    """One short mark repeated where figures belong ("n/a", "Suppr."): a row with its values missing, not headings."""
    return bool(texts) and len({t.strip().lower() for t in texts}) == 1 and len(texts[0].strip()) <= 8


def read_rows(columns: tuple[str, ...], rows: list[tuple[int, tuple[str, ...]]]) -> list[ReadRow]:
    """The rows holding figures, each with its section and its columns' names; heading rows are not returned."""
    base = ["" if _AUTO_NAME.match(c) else c for c in columns]
    names, heading_words = list(base), " ".join(base)
    first_level, seen_figures = True, False
    section, section_rows = "", ()  # type: tuple[str, tuple[int, ...]]
    section_open = False  # the last row read was a section heading (two in a row join)
    found: list[ReadRow] = []
    for number, cells in rows:
        cells = tuple(cells) + ("",) * (len(columns) - len(cells))
        rest = cells[1:]
        figures = [c for c in rest if is_figure(c)]
        texts = [c for c in rest if c.strip() and not is_figure(c)]
        marks = bool(cells[0].strip()) and seen_figures and _marks_only(texts)
        if not figures and any(_is_value(c) for c in texts):
            continue  # dates, ratios ("30/7/2021", "1:1"): a row of values that are no figures, naming nothing
        if not figures and texts and not marks:  # it names the columns for the rows below
            if seen_figures:  # a new block: its headings replace the ones above, and its sections start anew
                names, heading_words, first_level, seen_figures = [""] * len(columns), "", True, False
                names[0] = base[0]
                section, section_rows = "", ()
            names = _merge(names, cells, first_level)
            heading_words = f"{heading_words} {' '.join(c.strip() for c in cells if c.strip())}"
            first_level, section_open = False, False
            continue
        if not figures and not marks:  # a label over the rows below (or an empty row)
            if cells[0].strip():
                section = f"{section} {cells[0].strip()}" if section_open else cells[0].strip()
                section_rows = (*section_rows, number) if section_open else (number,)
                section_open = True
            continue
        seen_figures, section_open = True, False
        found.append(ReadRow(number, cells, tuple(n or c for n, c in zip(names, columns)), section, heading_words,
                             section_rows))
        if not cells[0].strip():  # a total closes its section: the rows below it are not its parts
            section, section_rows = "", ()
    return found


def _is_dimension(column: ColumnProfile) -> bool:
    """A column of categories: two or more distinct values that are numbers repeating like codes or years (the
    profile keeps such values), all bare years, or mostly words rather than figures."""
    present = [v for v in column.values if v.strip()]
    if len(present) < 2:
        return False
    return column.numeric or all(YEAR.match(v.strip()) for v in present) or \
        sum(1 for v in present if is_figure(v)) < 0.5 * len(present)


def names_rows(profile: TableProfile, n_rows: int) -> bool:
    """A table whose first column names its rows, over at most MAX_ROWS rows (and at most the profile's 200
    categories): text labels, mostly different or beside columns of figures only, and no other column of categories.
    A table of records (a place, a year, a unit and a value per row) has such columns and is filtered instead
    (rag/tables.py)."""
    columns = profile.columns
    if not 0 < n_rows <= MAX_ROWS or len(columns) < 2:
        return False
    labels = [v for v in columns[0].values if v.strip()]
    if not labels or sum(1 for v in labels if parse_number(v) is None) < 0.8 * len(labels):
        return False
    if any(_is_dimension(c) for c in columns[1:]):
        return False  # another column of categories (a year, a unit, a place): a record's dimension
    return len(labels) >= 0.5 * n_rows or all(c.numeric for c in columns[1:])


def _rarity(bags: list[set[str]]) -> Callable[[str], float]:
    """How few of the bags (rows, sections) use a word: log((bags + 1) / (bags using it + 0.5)). A word every bag
    uses tells none apart; a word none uses weighs most (the question asks for something else)."""
    frequency = Counter(w for bag in bags for w in bag)
    return lambda word: math.log((len(bags) + 1) / (frequency.get(word, 0) + 0.5))


def _total(weight: Callable[[str], float], chosen: set[str]) -> float:
    return sum(weight(w) for w in chosen)


@dataclass(frozen=True)
class RowMatch:
    """The row a question names best, how far it leads the next, and how much of the question it accounts for."""

    row: ReadRow
    score: float
    margin: float  # over the next best row
    coverage: float  # the weighted share of the question's words (years aside) that the row, headings and columns use
    said: float  # the weighted share of the row's label that the question says (comparable across tables)
    # the coverage without the words that say what the whole table shows: a table whose row and headings account
    # for the question is named more surely than one that needs its introduction to
    own_coverage: float = 0.0


def best_row(asked: set[str], read: list[ReadRow], words: Callable[[str], set[str]],
             about: frozenset[str] = frozenset()) -> RowMatch | None:
    """The row the question's words (`asked`, as `words` splits them) name best, or None when none names any.
    A row without a label totals its section: it is named by "total" and the section's label. `about`: the words
    that say what the whole table shows (table_text.introduced_as), which cover the question as its headings do."""
    if not read or not asked:
        return None
    own = [words(r.label) if r.label else {"total"} | words(r.section) for r in read]
    above = [words(f"{r.section} {r.heading}") - o for r, o in zip(read, own)]
    columns = [words(" ".join(r.columns[1:])) for r in read]
    size = len(read)
    weight = _rarity([o | a | c for o, a, c in zip(own, above, columns)])
    scores = []
    for o, a in zip(own, above):
        hit = _total(weight, asked & o)
        scores.append(hit + _HEADING_WEIGHT * _total(weight, asked & a) - _EXTRA_WORD_COST * _total(weight, o - asked)
                      if hit > 0 else 0.0)
    order = sorted(range(size), key=lambda i: -scores[i])
    best = order[0]
    if scores[best] <= 0:
        return None
    runner_up = scores[order[1]] if size > 1 else 0.0
    judged = {w for w in asked if not YEAR.match(w)}  # a year asked is the columns' business, checked apart
    # words for the parts of a table: a cell's "value" or "amount", a column's "year" where its headings hold years
    parts = _CELL_WORDS | (_PERIOD_WORDS if any(_YEAR_IN.search(c) for c in read[best].columns[1:]) else set())
    covered = judged & (own[best] | above[best] | columns[best] | parts)
    total = _total(weight, judged)
    own_coverage = _total(weight, covered) / total if total > 0 else 0.0
    coverage = _total(weight, covered | (judged & about)) / total if total > 0 else 0.0
    label = _total(weight, own[best])
    said = _total(weight, own[best] & asked) / label if label > 0 else 0.0
    return RowMatch(read[best], scores[best], scores[best] - runner_up, coverage, said, own_coverage)


@dataclass(frozen=True)
class SectionMatch:
    """The section a question names best and its labelled rows."""

    section: str
    rows: tuple[ReadRow, ...]  # its labelled rows, in order (its total left out)
    score: float
    margin: float


def best_section(asked: set[str], read: list[ReadRow], words: Callable[[str], set[str]]) -> SectionMatch | None:
    """The section whose heading the question names best, for a question about the rows a section is made of
    ("What are the components of continuing operations?"); None when no heading shares a word with it."""
    sections: dict[str, list[ReadRow]] = {}
    for row in read:
        if row.section and row.label:
            sections.setdefault(row.section, []).append(row)
    if not sections:
        return None
    named = {name: words(name) for name in sections}
    weight = _rarity(list(named.values()))
    scores = {name: _total(weight, said & asked) - _EXTRA_WORD_COST * _total(weight, said - asked)
              for name, said in named.items()}
    ranked = sorted(sections, key=lambda name: -scores[name])
    best = ranked[0]
    if scores[best] <= 0 or not named[best] & asked:
        return None
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    return SectionMatch(best, tuple(sections[best]), scores[best], scores[best] - runner_up)
