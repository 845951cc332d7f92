"""Changes (and averages) of two cited figures, stated with their arithmetic so that the figure checker can re-check
them.

An answer to "how much did X change from 2018 to 2019?" quotes the row (or rows) holding both figures and adds one
sentence in a fixed form; "what is the average X for 2018 and 2019?" another:

    From 56.7 in 2018 to 44.1 in 2019: a decrease of 12.6 (22.22%).
    The average of 56.7 in 2018 and 44.1 in 2019 is 50.4.
    8,020 in 2023 is 2.83 times 2,832 in 2016.

(the last for "how many times more ... in 2023 than in 2016?", a multiple: rag/question_types.py; the year after
"than" is the one divided by)

The two figures come from the cited source; the difference and the percentage are computed. `stated_changes` reads
that sentence back: rag/citations.py marks its results supported (and `computed`) only when the arithmetic holds and
`worked_from` finds both figures, signed, under their own years in the rows of the cited passage (one row with a
column per year, or two rows alike but for their year); otherwise the whole sentence is flagged. The TAT-QA scorer
reads the signed results from it too. One parser for both, as for every other figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from crossbrief.index.documents import row_fields
from crossbrief.index.tables import cell_number as _number
from crossbrief.rag.question_types import ASKS_CHANGE, answer_type

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_CURRENCY = "$€£¥"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # "1,200" but not the comma after it
_NUMBER = rf"[{_CURRENCY}]?[(\-−]?[{_CURRENCY}]?(?:{_DIGITS})%?\)?"
_STATED = re.compile(
    rf"From (?P<first>{_NUMBER}) in (?P<first_year>(?:19|20)\d\d) to (?P<second>{_NUMBER}) in "
    rf"(?P<second_year>(?:19|20)\d\d): (?:an? )?(?P<direction>increase|decrease|no change)"
    rf"(?: of (?P<difference>[{_CURRENCY}]?(?:{_DIGITS})(?: percentage points)?)"
    rf"(?: \((?P<percent>{_DIGITS})%\))?)?")
_STATED_AVERAGE = re.compile(
    rf"The average of (?P<first>{_NUMBER}) in (?P<first_year>(?:19|20)\d\d) and (?P<second>{_NUMBER}) in "
    rf"(?P<second_year>(?:19|20)\d\d) is (?P<mean>{_NUMBER})")
_STATED_RATIO = re.compile(
    rf"(?P<first>{_NUMBER}) in (?P<first_year>(?:19|20)\d\d) is (?P<ratio>{_DIGITS}) times (?P<second>{_NUMBER}) in "
    rf"(?P<second_year>(?:19|20)\d\d)\b")
# the year a multiple is of: "... in 2023 than in 2016", "as many as in 2016", "from 2016 to 2023" (the start)
_BASE_YEAR = re.compile(r"\b(?:than|as)\s+(?:(?:in|during|for|of|at)\s+)?(?:(?:the\s+)?(?:fiscal\s+)?(?:year\s+)?)?"
                        r"((?:19|20)\d\d)\b", re.IGNORECASE)
_ASKS_AVERAGE = re.compile(r"\b(?:average|mean)\b", re.IGNORECASE)
# a weighted average is a figure of its own; "respectively" and "compare" ask for each year's
_NOT_AN_AVERAGE = re.compile(r"\b(?:weighted|respectively|compares?|compared)\b", re.IGNORECASE)
_SPANS_YEARS = re.compile(r"\b(?:between|since)\b|\bfrom\s+(?:fiscal\s+|fy\s*)?(?:19|20)\d\d\b", re.IGNORECASE)
# "for 2017-2019" is a range of years, not two of them
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b")


@dataclass(frozen=True)
class AskedChange:
    """A question for the change (or the average) of one measure between two years, earlier first."""

    earlier: str
    later: str
    operation: Literal["change", "average", "ratio"] = "change"
    percent: bool = False  # "the percentage change", "by how many percent": a change asked as a percentage
    base: str = ""  # a multiple's year divided by ("than in 2016"); the earlier year when the question names none


# ("%" alone is no ask: "the 5% senior notes" names a thing; "percentage points" are an amount of percentages)
_ASKS_PERCENT = re.compile(r"\bper\s?cent(?:age)?\b(?!\s+points?\b)", re.IGNORECASE)
_POINTS = re.compile(r"\bpoints?\b|\bbps\b|\bbasis\b", re.IGNORECASE)


# "What changed in 2021 compared to 2020?" asks what happened, not by how much
_ASKS_WHAT_CHANGED = re.compile(r"\bwhat\s+(?:has\s+|have\s+|had\s+)?changed\b", re.IGNORECASE)


def asked_change(question: str) -> AskedChange | None:
    """The two years a question asks a change between ("the change in X in 2019 from 2018", "how much did X
    increase between 2018 and 2019"), earlier first whichever way round it names them; None unless it names a change
    (rag/question_types.py's words) and exactly two years, or when it asks what changed."""
    if not ASKS_CHANGE.search(question) or _ASKS_WHAT_CHANGED.search(question):
        return None
    years = sorted(set(_YEAR.findall(question)))
    return AskedChange(years[0], years[1], percent=bool(_ASKS_PERCENT.search(question))) if len(years) == 2 else None


def asked_average(question: str) -> AskedChange | None:
    """The two years a question asks the average of a measure over ("the average X for 2018 and 2019"); None for a
    change (whose measure may be an average: "the change in average price"), a weighted average, each year's own
    figure ("respectively", "compare"), a range of years ("2017-2019"), or years apart that "between", "from" or
    "since" would span."""
    if not _ASKS_AVERAGE.search(question) or ASKS_CHANGE.search(question) or _YEAR_RANGE.search(question) or \
            _NOT_AN_AVERAGE.search(question):
        return None
    years = sorted(set(_YEAR.findall(question)))
    if len(years) != 2:
        return None
    if _SPANS_YEARS.search(question) and int(years[1]) - int(years[0]) != 1:
        return None
    return AskedChange(years[0], years[1], "average")


def asked_ratio(question: str) -> AskedChange | None:
    """The two years a question asks how many times one's figure is the other's ("how many times more deaths were
    there in 2023 than in 2016?": 2016's is the base; "by what factor did X grow from 2016 to 2023?": the earlier),
    earlier first; None unless it asks a multiple of exactly two years, not each year's own ("respectively",
    "compare") nor a range ("2019-2023")."""
    if answer_type(question) != "multiple" or _YEAR_RANGE.search(question) or _NOT_AN_AVERAGE.search(question):
        return None
    years = sorted(set(_YEAR.findall(question)))
    if len(years) != 2:
        return None
    named = _BASE_YEAR.search(question)
    return AskedChange(years[0], years[1], "ratio", base=named.group(1) if named else years[0])


def states_change(columns: Sequence[str], cells: Sequence[str], asked: AskedChange | None) -> bool:
    """Whether a table row states the change asked itself, so that it is read, not worked out again: a column named
    for a change ("Increase (decrease)", "Percent change") holding a figure of the kind asked (a percentage for
    "the percentage change", an amount for "the difference"). With no two years asked, any column named for one."""
    named = [i for i in range(min(len(columns), len(cells))) if ASKS_CHANGE.search(columns[i])]
    if asked is None or asked.operation != "change":
        return bool(named)
    for i in named:
        cell = cells[i].strip()
        if _number(cell) is None:
            continue
        points = _POINTS.search(columns[i]) is not None  # "Change (percentage points)": an amount
        percent = not points and (cell.rstrip(")").endswith("%") or _ASKS_PERCENT.search(columns[i]) is not None)
        if percent == asked.percent:
            return True
    return False


def asked_arithmetic(question: str) -> AskedChange | None:
    """A change, an average or a multiple between two years, as `asked_change`, `asked_average` or `asked_ratio`
    read the question."""
    return asked_ratio(question) or asked_change(question) or asked_average(question)


def _decimals(cell: str) -> int:
    match = re.search(r"\.(\d+)", cell)
    return len(match.group(1)) if match else 0


def _unit(cell: str) -> tuple[str, str]:
    """The currency sign before a cell's number and the percent sign after it, as the cell has them."""
    sign = next((c for c in cell if c in _CURRENCY), "")
    return sign, "%" if cell.rstrip(" )").endswith("%") else ""


def _shown(value: float, places: int, cell: str) -> str:
    """A figure as the answer shows it: grouped, to the table's places, with the cell's currency or percent sign
    (so that the checker finds it in the cell), a negative in brackets as tables write it."""
    sign, percent = _unit(cell)
    number = f"{abs(value):,.{places}f}{percent}"
    if value >= 0:
        return f"{sign}{number}"
    # a negative as the cell sets it: "$(3,908)", "($3,908)" or "-3,908"
    if "(" not in cell:
        return f"{sign}-{number}"
    return f"{sign}({number})" if re.search(rf"[{_CURRENCY}]\s*\(", cell) else f"({sign}{number})"


def state(first_cell: str, second_cell: str, asked: AskedChange) -> str | None:
    """The sentence stating what `asked` asks of the two figures (the earlier year's first)."""
    stating = {"average": state_average, "ratio": state_ratio}.get(asked.operation, state_change)
    return stating(first_cell, second_cell, asked)


def state_ratio(first_cell: str, second_cell: str, asked: AskedChange) -> str | None:
    """The sentence stating how many times the base year's figure (`asked.base`) the other year's is, to two places
    ("8,020 in 2023 is 2.83 times 2,832 in 2016."); None when either is not a number, or the base is zero or of the
    other sign, or the multiple rounds to 0.00 (no multiple to state)."""
    first, second = _number(first_cell), _number(second_cell)
    if first is None or second is None:
        return None
    earlier, later = (first, first_cell, asked.earlier), (second, second_cell, asked.later)
    (base, base_cell, base_year), (other, other_cell, other_year) = \
        (later, earlier) if asked.base == asked.later else (earlier, later)
    if base == 0 or (base < 0) != (other < 0) or round(other / base, 2) == 0:
        return None
    return (f"{_shown(other, _decimals(other_cell), other_cell)} in {other_year} is {other / base:,.2f} times "
            f"{_shown(base, _decimals(base_cell), base_cell)} in {base_year}.")


def state_average(first_cell: str, second_cell: str, asked: AskedChange) -> str | None:
    """The sentence stating the average of the two figures, to one place more than they have (trailing zeros
    dropped); None when either is not a number."""
    first, second = _number(first_cell), _number(second_cell)
    if first is None or second is None:
        return None
    places = max(_decimals(first_cell), _decimals(second_cell)) + 1
    mean = round((first + second) / 2, places)
    shown_places = len(f"{abs(mean):.{places}f}".rstrip("0").split(".")[1]) if places else 0
    # a negative mean in brackets, the way the figure checker reads a negative ("-450" is no figure it reads)
    style = first_cell if mean >= 0 or "(" in first_cell else f"({first_cell.replace('-', '').replace('−', '')})"
    return (f"The average of {_shown(first, _decimals(first_cell), first_cell)} in {asked.earlier} and "
            f"{_shown(second, _decimals(second_cell), second_cell)} in {asked.later} is "
            f"{_shown(mean, shown_places, style)}.")


def state_change(first_cell: str, second_cell: str, asked: AskedChange) -> str | None:
    """The sentence stating the change from `first_cell` (the earlier year's figure) to `second_cell`; None when
    either is not a number."""
    first, second = _number(first_cell), _number(second_cell)
    if first is None or second is None:
        return None
    places = max(_decimals(first_cell), _decimals(second_cell))
    head = (f"From {_shown(first, _decimals(first_cell), first_cell)} in {asked.earlier} to "
            f"{_shown(second, _decimals(second_cell), second_cell)} in {asked.later}: ")
    difference = round(second - first, places)
    if difference == 0:
        return head + "no change."
    direction = "an increase" if difference > 0 else "a decrease"
    sign, percent = _unit(first_cell)
    # two percentages differ by percentage points; the relative change follows in brackets as for any figure
    text = f"{head}{direction} of {sign}{abs(difference):,.{places}f}{' percentage points' if percent else ''}"
    if first:
        text += f" ({abs((second - first) / first * 100):.2f}%)"
    return text + "."


@dataclass(frozen=True)
class StatedChange:
    """A change (or average) sentence read back: the inputs, the signed results it states, and where they stand."""

    first: float
    second: float
    difference: float | None  # signed: a decrease is negative
    percent: float | None
    spans: tuple[tuple[int, int], ...]  # the stated results (difference, percent, or the mean) in the text
    input_spans: tuple[tuple[int, int], ...]  # the two figures worked from, as written (brackets and signs too)
    years: tuple[str, str] = ("", "")  # the year of each
    year_spans: tuple[tuple[int, int], ...] = ()
    mean: float | None = None  # an average's result (difference and percent are None)
    ratio: float | None = None  # a multiple's result: the first figure over the second (the others are None)

    @property
    def results(self) -> tuple[float, ...]:
        """The signed results it states ("no change" states 0)."""
        if self.difference is None and self.mean is None and self.ratio is None:
            return (0.0,)
        return tuple(v for v in (self.difference, self.percent, self.mean, self.ratio) if v is not None)

    @property
    def holds(self) -> bool:
        """Whether the stated results are the inputs' difference and percentage change (or their average), to the
        places shown."""
        if self.mean is not None:
            return abs((self.first + self.second) / 2 - self.mean) <= 0.5 * 10 ** -_places(self.mean) + 1e-9
        if self.ratio is not None:  # "A in Y1 is R times B in Y2": R is A over B
            return bool(self.second) and abs(self.first / self.second - self.ratio) <= 0.0051
        if self.difference is None:
            return self.first == self.second
        if abs((self.second - self.first) - self.difference) > 0.5 * 10 ** -_places(self.difference) + 1e-9:
            return False
        if self.percent is None:
            return True
        return bool(self.first) and abs((self.second - self.first) / abs(self.first) * 100 - self.percent) <= 0.0051


def _places(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _value(raw: str) -> float:
    """A stated number's value: "($3,908)" is -3908, "40.1%" is 40.1."""
    number = _number(raw.replace("(", "").replace(")", ""))
    if number is None:
        return 0.0
    return -abs(number) if "(" in raw or re.search(r"[-−]\d", raw) else number


def stated_changes(text: str) -> list[StatedChange]:
    """Every change, average and multiple sentence (in the forms `state_change`, `state_average` and `state_ratio`
    write) in `text`."""
    found: list[StatedChange] = []
    for match in _STATED.finditer(text):
        sign = -1.0 if match.group("direction") == "decrease" else 1.0
        difference = percent = None
        spans: list[tuple[int, int]] = []
        if match.group("difference"):
            difference = sign * _value(match.group("difference").removesuffix(" percentage points"))
            spans.append(match.span("difference"))
        if match.group("percent"):
            percent = sign * float(match.group("percent").replace(",", ""))
            spans.append((match.start("percent"), match.end("percent") + 1))
        found.append(StatedChange(_value(match.group("first")), _value(match.group("second")), difference, percent,
                                  tuple(spans), (match.span("first"), match.span("second")),
                                  (match.group("first_year"), match.group("second_year")),
                                  (match.span("first_year"), match.span("second_year"))))
    for match in _STATED_AVERAGE.finditer(text):
        found.append(StatedChange(_value(match.group("first")), _value(match.group("second")), None, None,
                                  (match.span("mean"),), (match.span("first"), match.span("second")),
                                  (match.group("first_year"), match.group("second_year")),
                                  (match.span("first_year"), match.span("second_year")), _value(match.group("mean"))))
    for match in _STATED_RATIO.finditer(text):
        found.append(StatedChange(_value(match.group("first")), _value(match.group("second")), None, None,
                                  (match.span("ratio"),), (match.span("first"), match.span("second")),
                                  (match.group("first_year"), match.group("second_year")),
                                  (match.span("first_year"), match.span("second_year")),
                                  ratio=float(match.group("ratio").replace(",", ""))))
    return found


def _row_cells(text: str) -> list[dict[str, str]]:
    """The rows a table passage quotes ("Row 5: Place: Lakeside; Year: 2020; Value: 40"), each as column -> cell."""
    return [dict(fields) for line in text.splitlines() if (fields := row_fields(line)) is not None]


def _equal(cell: str, value: float) -> bool:
    """Whether `cell` holds `value`, to the cell's own places."""
    number = _number(cell)
    return number is not None and abs(number - value) < 0.5 * 10 ** -_decimals(cell) + 1e-12


def _years_in(text: str) -> set[str]:
    return set(_YEAR.findall(text))


_MONTH_WORDS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\bfy\b|\bfiscal\b|"
                          r"\byear\b|\bended\b|\bending\b|\bas of\b|\bat\b", re.IGNORECASE)


def is_year_cell(cell: str, year: str) -> bool:
    """A cell that is a year, or a date or fiscal year in it ("2019", "FY 2019", "2019-20", "December 31, 2019"), not
    a label that happens to hold one ("clinic opened 2019")."""
    rest = _MONTH_WORDS.sub("", cell.replace(year, "", 1))
    return _years_in(cell) <= {year} | _years_in(rest) and year in _years_in(cell) and not re.search(r"[A-Za-z]", rest)


def year_cells(columns: Sequence[str], cells: Sequence[str], asked: AskedChange) -> tuple[str, str] | None:
    """The cells of a table row under the two asked years, earlier first: each year must name exactly one column of
    the row's filled cells (its only year: not "2018-2019", not two quarter columns of it; a column the row leaves
    blank is not the row's, as its rendering leaves it out) and its cell must be a number. The checker reads the
    cited row by the same rule."""
    found = []
    for year in (asked.earlier, asked.later):
        named = [i for i in range(1, min(len(columns), len(cells)))
                 if _years_in(columns[i]) == {year} and cells[i].strip()]
        if len(named) != 1 or _number(cells[named[0]]) is None:
            return None
        found.append(cells[named[0]])
    return found[0], found[1]


def _one_column_of(row: dict[str, str], year: str) -> str | None:
    """The row's one column (past its label, the first) whose name names `year` and no other year, or None: the
    rule `year_cells` answers by."""
    names = list(row)
    if names and _number(row[names[0]]) is None:
        names = names[1:]  # the label column: its name is no year's column even when it holds one
    columns = [name for name in names if _years_in(name) == {year}]
    return columns[0] if len(columns) == 1 else None


def both_figures(first: str, second: str) -> bool:
    """Two cells that are both numbers: another measure's figures in two rows of records, which differ from year to
    year as the one asked does (the answerer and the checker pair rows by this one rule)."""
    return _number(first) is not None and _number(second) is not None


def worked_from(change: StatedChange, passages: list[str]) -> bool:
    """Whether one passage's rows hold the change's two figures, signed and to their places, each under its own
    year: in one row with one column for each year, or in two rows alike but for a year cell and their figures (the
    checker is as strict as the table answerers that write the sentences)."""
    first_year, second_year = change.years
    for text in passages:  # one table per passage: rows of two tables are never paired
        rows = _row_cells(text)
        for row in rows:  # a statement's row: a column per year
            first, second = _one_column_of(row, first_year), _one_column_of(row, second_year)
            if first and second and _equal(row[first], change.first) and _equal(row[second], change.second):
                return True
        for earlier in rows:  # a table of records: a row per year
            for later in rows:
                if earlier is later or earlier.keys() != later.keys():
                    continue
                differing = {name for name in earlier if earlier[name] != later[name]}
                dated = {name for name in differing
                         if is_year_cell(earlier[name], first_year) and is_year_cell(later[name], second_year)}
                measured = {name for name in differing
                            if _equal(earlier[name], change.first) and _equal(later[name], change.second)}
                others = differing - dated - measured  # other measures' figures may differ, as the answerer allows
                if len(dated) >= 1 and len(measured) == 1 and all(
                        both_figures(earlier[name], later[name]) for name in others):
                    return True
    return False
