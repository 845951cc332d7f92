"""Tables as tables: how a table is cut into chunks for retrieval, and what its data says about itself
(which columns hold numbers, each column's values, and a column's overall/total value when it has one).

A small table is embedded row by row (rows whole, each with its column names). A big one is not: it gets a
description chunk and one chunk per value of each of its categorical columns, and all its rows go to the table
store (index/table_store.py), where questions are answered by filtering.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from crossbrief.index.documents import Table, render_row, render_table

# tables with more rows than this are described and grouped for retrieval rather than embedded row by row
TABLE_EMBED_ROWS = 200
# a column with at most this many distinct values is categorical: its values are linked to questions
MAX_CATEGORIES = 200
# at most this many column names are listed in a description chunk (a 60-column table is not spelled out per chunk)
_LISTED_COLUMNS = 40
_LISTED_VALUES = 12

_NUMBER = re.compile(r"^[(\-−–]?\s*[$€£¥]?\s*\d[\d,\s]*(?:\.\d+)?\s*%?\)?$")

_YEAR = re.compile(r"^(?:19|20)\d\d$")

Piece = tuple[str, int, int, str]  # (text, start, end, chunk kind)


def parse_number(cell: str) -> float | None:
    """The number a table cell holds ("1,234", "$5.2", "(12)", "7.5%"), or None for text, blanks and marks
    such as "Suppr." or "n/a"."""
    text = cell.strip()
    if not text or not _NUMBER.match(text):
        return None
    negative = text.startswith(("(", "-", "−", "–"))
    digits = re.sub(r"[^\d.]", "", text)
    try:
        value = float(digits)
    except ValueError:
        return None
    return -value if negative else value


# what sets a cell's number apart from its sign: "$(3,908)", "$ 1,200", "(35,569 )"
CELL_SIGNS = re.compile(r"[$€£¥\s]")


def cell_number(cell: str) -> float | None:
    """The number a table cell holds wherever its currency sign and spacing stand ("$(3,908)", "$ 1,200")."""
    return parse_number(CELL_SIGNS.sub("", cell))


def table_pieces(table: Table, title: str, count_pieces: Callable[[str], int], max_pieces: int,
                 rows_per_chunk: int, embed_rows: int = TABLE_EMBED_ROWS) -> list[Piece]:
    """Chunks for one table: rows packed whole under a one-line caption for a small table; a description and
    value groups for a big one. A row too wide for the model is split between its columns."""
    if len(table.rows) > embed_rows:
        return _summary_pieces(table)
    head = f"Table: {table.label}"
    context = f"{title} - {table.caption}" if table.caption else title

    def fits(lines: list[str]) -> bool:
        return count_pieces("\n".join([context, head, *lines])) <= max_pieces

    pieces: list[Piece] = []
    lines: list[str] = []
    first = last = 0
    for number, (row, start) in enumerate(zip(table.rows, table.row_starts), 1):
        line = render_row(table.columns, row, number)
        if lines and (len(lines) >= rows_per_chunk or not fits([*lines, line])):
            pieces.append(("\n".join([head, *lines]), first, last, "table"))
            lines = []
        if not lines:
            first = start
        if fits([line]):
            lines.append(line)
            last = start + len(line)
            continue
        for part in _split_row(table, row, number, lambda text: fits([text])):
            pieces.append((f"{head}\n{part}", start, start + len(line), "table"))
        lines = []
    if lines:
        pieces.append(("\n".join([head, *lines]), first, last, "table"))
    return pieces


def _split_row(table: Table, row: tuple[str, ...], number: int, fits: Callable[[str], bool]) -> list[str]:
    """A wide row as several lines of whole cells, each naming the row: "Row 3 (columns 1-20): ..."."""
    parts: list[str] = []
    begin = 0
    while begin < len(table.columns):
        end = begin + 1
        while end < len(table.columns) and fits(_row_part(table, row, number, begin, end + 1)):
            end += 1
        parts.append(_row_part(table, row, number, begin, end))
        begin = end
    return parts


def _row_part(table: Table, row: tuple[str, ...], number: int, begin: int, end: int) -> str:
    line = render_row(table.columns[begin:end], row[begin:end], number)
    return line.replace(f"Row {number}:", f"Row {number} (columns {begin + 1}-{end}):", 1)


def _summary_pieces(table: Table) -> list[Piece]:
    """A description chunk, and one chunk per value of each categorical column (with the other columns' values
    that occur beside it), so a question finds the table without every row being embedded."""
    head = f"Table: {table.label}"
    profile = profile_table(table)
    names = list(table.columns[:_LISTED_COLUMNS])
    more = len(table.columns) - len(names)
    columns = ", ".join(names) + (f" and {more} more" if more > 0 else "")
    # one line each: a summary describes rows, it holds none, so no answerer reads a line of it as a row
    constant = [f"{c.name}: {c.values[0]}" for c in profile.columns if len(c.values) == 1 and c.values[0]]
    description = f"{head}. {len(table.rows)} rows. Columns: {columns}." + (
        f" In every row: {'; '.join(constant)}." if constant else "")
    pieces: list[Piece] = [(description, table.start, table.end, "table-summary")]
    categorical = [i for i, c in enumerate(profile.columns) if c.values and not c.numeric and len(c.values) > 1]
    index_of = {i: defaultdict(list) for i in categorical}  # type: dict[int, defaultdict[str, list[int]]]
    for r, row in enumerate(table.rows):
        for i in categorical:
            index_of[i][row[i]].append(r)
    for i in categorical:
        name = table.columns[i]
        for value, members in index_of[i].items():
            if not value:
                continue
            beside = []
            for j in categorical:
                if j == i:
                    continue
                seen = Counter(table.rows[r][j] for r in members)
                values = [v for v, _ in seen.most_common(_LISTED_VALUES) if v]
                if values:
                    beside.append(f"{table.columns[j]}: {', '.join(values)}")
            text = f"{head}. {len(members)} rows with {name}: {value}. " + "; ".join(beside)
            first = table.row_starts[members[0]] if table.row_starts else table.start
            pieces.append((text, first, first, "table-summary"))
    return pieces


@dataclass(frozen=True)
class ColumnProfile:
    """What a column's data says: its name, whether it holds numbers, its values (categorical columns only) and
    its overall value (the value that stands for all the others, when the data shows one)."""

    name: str
    numeric: bool
    values: tuple[str, ...] = ()
    overall: str | None = None


@dataclass(frozen=True)
class TableProfile:
    columns: tuple[ColumnProfile, ...]


@functools.lru_cache(maxsize=8)
def profile_table(table: Table) -> TableProfile:
    """Numeric and categorical columns, and overall values found from the data alone (no words in code):
    a column's overall value is the one that occurs with every combination of the columns crossed with it,
    where no other value does."""
    width = len(table.columns)
    rows = table.rows
    numeric: list[bool] = []
    values: list[tuple[str, ...]] = []
    for i in range(width):
        cells = [r[i] for r in rows if r[i].strip()]
        numbers = sum(1 for c in cells if parse_number(c) is not None)
        is_numeric = numbers > 0 and numbers >= 0.5 * len(cells)
        numeric.append(is_numeric)
        distinct = tuple(dict.fromkeys(r[i] for r in rows))
        # numbers are categories too when few repeat often (years, codes), not when they are the measurements
        years = all(_YEAR.match(v.strip()) for v in distinct if v.strip())  # a column of years is categorical
        few = len(distinct) <= MAX_CATEGORIES and (
            not is_numeric or years or len(distinct) <= min(60, max(2, len(rows) / 3)))
        values.append(distinct if few else ())
    categorical = [i for i in range(width) if values[i] and len(values[i]) > 1]
    measures = [i for i in range(width) if numeric[i] and not values[i]]
    overall: dict[int, str] = {}
    if len(rows) >= 4:
        for i in (c for c in categorical if not numeric[c]):  # an overall value is a label, never a number
            found = _overall_value(rows, i, categorical, len(values[i]), measures)
            if found is not None:
                overall[i] = found
    return TableProfile(tuple(
        ColumnProfile(table.columns[i], numeric[i], values[i], overall.get(i)) for i in range(width)))


def _overall_value(rows: tuple[tuple[str, ...], ...], column: int, categorical: list[int], size: int,
                   measures: list[int]) -> str | None:
    # a column is crossed with this one when its values each occur beside more than half of this one's values
    # (a column nested under this one, or naming the same thing, is not)
    crossed = []
    for j in categorical:
        if j == column:
            continue
        partners: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            partners[row[j]].add(row[column])
        average = sum(len(p) for p in partners.values()) / len(partners)
        if average > max(1.0, size / 2):
            crossed.append(j)
    if not crossed:
        return None
    combos: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for row in rows:
        combos[row[column]].add(tuple(row[j] for j in crossed))
    every = set().union(*combos.values())
    most = max(len(c) for c in combos.values())
    if most < 0.95 * len(every):
        return None
    tied = [value for value, c in combos.items() if len(c) == most]
    if len(tied) == 1:
        return tied[0]
    return _largest(rows, column, crossed, tied, measures)


def _largest(rows: tuple[tuple[str, ...], ...], column: int, crossed: list[int], tied: list[str],
             measures: list[int]) -> str | None:
    """Among values that all cover every combination, the one whose number is the sum of the others' in (nearly)
    every combination: the total they add up to."""
    if not measures:
        return None
    numbers: dict[tuple[str, ...], dict[str, float]] = defaultdict(dict)
    for row in rows:
        if row[column] in tied:
            measured = parse_number(row[measures[0]])
            if measured is not None:
                numbers[tuple(row[j] for j in crossed)][row[column]] = measured
    wins: Counter[str] = Counter()
    compared = 0
    for by_value in numbers.values():
        if len(by_value) < 3:
            continue
        compared += 1
        total = sum(by_value.values())
        for label, number in by_value.items():
            rest = total - number
            if rest and abs(number - rest) <= 0.02 * abs(rest):
                wins[label] += 1
    if not compared or not wins:
        return None
    leader, won = wins.most_common(1)[0]
    return leader if won >= 0.8 * compared else None


_CELL_NUMBER = re.compile(r"^[(\-−–]?[$€£]?\d[\d,]*(?:\.\d+)?%?\)?$|^[-–—]$")
_MIN_TEXT_ROWS = 3


def _numeric_tail(line: str) -> tuple[str, list[str]]:
    tokens = line.split()
    tail: list[str] = []
    while tokens and _CELL_NUMBER.match(tokens[-1]):
        tail.insert(0, tokens.pop())
    return " ".join(tokens), tail


def text_tables(text: str, name: str, offset: int, first: int = 1) -> tuple[str, tuple[Table, ...]]:
    """Tables found in extracted text (a PDF page): runs of at least three lines that each end in the same
    number (two or more) of numeric cells, under a header line that ends in as many labels (years, usually).
    Best effort: a table whose layout pypdf loses stays prose. Returns the text with each table rendered row
    by row, and the tables pointing into it (`offset` is where `text` starts in the document)."""
    lines = text.split("\n")
    tails = [_numeric_tail(line) for line in lines]
    out: list[str] = []
    tables: list[Table] = []
    position = offset
    i = 0
    while i < len(lines):
        width = len(tails[i][1])
        end = i
        while end < len(lines) and width >= 2 and len(tails[end][1]) == width:
            end += 1
        if width < 2 or end - i < _MIN_TEXT_ROWS:
            out.append(lines[i])
            position += len(lines[i]) + 1
            i += 1
            continue
        columns = [""] + [f"Column {n + 2}" for n in range(width)]
        start = i
        if all(_YEAR.match(cell) for cell in tails[i][1]):  # a header of years names the numeric columns
            columns = [tails[i][0], *tails[i][1]]
            start = i + 1
        caption = out[-1].strip() if out and 0 < len(out[-1].strip()) <= 80 else ""
        rows = [[label, *cells] for label, cells in tails[start:end]]
        rendered, table = render_table(f"{name} table {first + len(tables)}", columns, rows, caption, position)
        tables.append(table)
        out.append(rendered)
        position += len(rendered) + 1
        i = end
    return "\n".join(out), tuple(tables)
