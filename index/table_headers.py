"""Header rows a table's first line does not hold: a CSV, pipe table or HTML table whose column names run over two
or three lines (a line of years under a line naming what was counted, "Quarter" under "First") gives the first
line as its header and the rest as rows. Those rows are read back into the column names here, so a year column is
named by its year and no row of labels is quoted as data.

A leading row names columns when it holds no measurement (only labels, years and blanks), stands over a column
whose rows below are measurements with a label or a year (not a mark for a missing value: "n/a", "Suppr."), and
shares no cell with a row of data below it (a data row's labels recur: the same region, the same marker).
"""

from __future__ import annotations

import re

from crossbrief.index.tables import cell_number

# a table names its columns on at most this many lines besides its first
MAX_HEADER_ROWS = 3
_PLACEHOLDER = re.compile(r"^Column \d+$")
_YEAR = re.compile(r"^(?:FY\s?)?(?:19|20)\d\d$", re.IGNORECASE)


def _is_measurement(cell: str) -> bool:
    text = cell.strip()
    return bool(text) and not _YEAR.match(text) and cell_number(text) is not None


def _is_mark(cell: str) -> bool:
    """A mark standing for a missing value ("n/a", "Suppr.", "—", "x", "NA"): no word of three letters, a slash, or a
    short abbreviation; a heading is words ("Quarter", "Total"), a year or a unit ("($)")."""
    text = cell.strip()
    if re.search(r"[$€£¥%]", text):
        return False  # a unit heads a column: "($)", "US$'000", "%"
    return not re.search(r"[A-Za-z]{3}", text) or "/" in text or (len(text) <= 8 and text.endswith("."))


def _names_columns(row: list[str], below: list[list[str]]) -> bool:
    if not below or any(_is_measurement(cell) for cell in row) or not any(c.strip() for c in row[1:]):
        return False
    data = [r for r in below if any(_is_measurement(cell) for cell in r)]
    over_measurements = False
    for j, cell in enumerate(row):
        label = cell.strip()
        if not label:
            continue
        column = [r[j].strip() for r in data if j < len(r)]
        if label in column:  # a label that recurs beside data is data
            return False
        filled = [c for c in column if c]
        if j > 0 and filled and sum(_is_measurement(c) for c in filled) * 2 >= len(filled):
            if _is_mark(label) and not _YEAR.match(label):
                return False  # a value missing where figures stand: a row of data
            over_measurements = True
    return over_measurements


def with_header_rows(columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """`columns` and `rows` with the leading rows that name columns moved into the column names ("First" over
    "Quarter" -> "First Quarter"; a blank or a "Column 3" placeholder over "2019" -> "2019")."""
    taken = 0
    while taken < MAX_HEADER_ROWS and taken < len(rows) and _names_columns(rows[taken], rows[taken + 1:]):
        taken += 1
    if not taken:
        return columns, rows
    width = max(len(columns), *(len(r) for r in rows[:taken]))
    names = []
    for j in range(width):
        first = columns[j].strip() if j < len(columns) else ""
        parts = [] if _PLACEHOLDER.match(first) else [first]
        parts += [r[j].strip() for r in rows[:taken] if j < len(r)]
        names.append(" ".join(dict.fromkeys(p for p in parts if p)))
    return names, rows[taken:]
