"""The one figure parser: finds figures in text and normalises them so an answer's figures can be
checked against its sources, and the evals can score answers with the same rules.

A figure is a number with its kind, unit, scale and qualifier: 25%, US$1.3 billion, more than 600 groups,
21 deaths a day, 2006, February 4, 2025, 48 hours, 44 to 66 pounds. A year is not a count and "21 deaths a
day" is not "21%": figures only match when their kinds (and units, where both state one) agree.

No library covered this well enough: quantulum3 needs scikit-learn and misreads qualifiers and years,
price-parser handles one price per string. So it is regular expressions, tested on every form.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from typing import Iterable

_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], 1)}
# the months' names, lower case (rag/constraints.py, rag/places.py and the table readers share them)
MONTHS = frozenset(_MONTHS)
# the months' names as a pattern's alternation, capitalised as written ("January|February|...")
MONTH_NAMES = "|".join(m.capitalize() for m in sorted(MONTHS))
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
MONTH_PATTERN = _MONTH_RE  # a month's name or its abbreviation, capitalised ("Sept.", "June")


def month_number(name: str) -> int | None:
    """1-12 for a month's name or abbreviation in any case ("Sept." -> 9), else None."""
    return _MONTHS.get(name.lower().rstrip("."))

_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
           "trillion": 1e12, "tn": 1e12}

_QUALIFIERS = [
    (r"well under|well below|far less than|just under|just below|less than|fewer than|under|below", "<"),
    (r"well over|well above|far more than|more than|over|above|in excess of|upwards of|just over", ">"),
    (r"at least|no fewer than|no less than|a minimum of", ">="),
    (r"up to|at most|no more than|a maximum of", "<="),
    (r"nearly|almost|close to|approaching", "~<"),
    (r"about|around|approximately|roughly|some|an estimated|estimated|circa|c\.", "~"),
]
_QUALIFIER_RE = "|".join(pattern for pattern, _ in _QUALIFIERS)

_NUM = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUM = "|".join(sorted((w for w in _WORDS if w not in ("hundred", "dozen")), key=len, reverse=True))
_CURRENCY = r"US\$|USD\s?|C\$|CA\$|CAD\s?|A\$|€|£|\$"
_SCALE = r"thousand|million|billion|trillion|bn|mn|tn|[kKmMbB](?![a-zA-Z])"
_DURATION = r"hours?|days?|weeks?|months?|years?|minutes?|seconds?|decades?"
_MASS = r"pounds?|lbs?|kilograms?|kilos?|kg|tonnes?|tons?|milligrams?|micrograms?|grams?|mg|mcg|g(?![a-zA-Z])"
_PERCENT = r"%|\s*per\s?cent\b|\s*percent\b|\s*percentage points?\b"
_MONEY_WORD = r"(?:US |U\.S\. |Canadian |American )?dollars?"
_RATE = r"(?:deaths?|people|persons|overdoses?|lives|Americans|Canadians)\s+(?:a|per|each)\s+(?:day|week|month|year)"

_FIGURE_RE = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER_RE})\s+)?"
    rf"(?:(?P<cur>{_CURRENCY})\s?)?"  # "$ 1,200" as financial tables set it
    rf"(?P<num>{_NUM}|\b(?:{_WORD_NUM})\b)"
    rf"(?:\s?(?P<scale>{_SCALE})\b)?"
    rf"(?:(?P<pct1>%)?\s?(?:to|-|–)\s?(?:{_CURRENCY})?(?P<num2>{_NUM})(?:\s?(?P<scale2>{_SCALE})\b)?)?"
    rf"(?P<unit>{_PERCENT}|\s(?:{_MONEY_WORD})\b|\s(?:{_DURATION})\b|\s?(?:{_MASS})\b|\s{_RATE}\b)?",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    rf"\b(?P<mdy>(?P<m1>{_MONTH_RE})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}}))\b"
    rf"|\b(?P<dmy>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_RE})\s+(?P<y2>\d{{4}}))\b"
    rf"|\b(?P<iso>(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))\b"
    rf"|\b(?P<my>(?P<m4>{_MONTH_RE})\s+(?P<y4>\d{{4}}))\b"
    # a day of a month the text leaves to its date ("On Tuesday, March 4, tariffs were..."); the month capitalised
    # ("they may 5" is no date)
    rf"|\b(?P<md>(?-i:(?P<m5>{_MONTH_RE}))\s+(?P<d5>\d{{1,2}})(?:st|nd|rd|th)?)\b(?![\d.,]*\d)"
    rf"(?!\s*(?:%|(?:per\s?cent|percent|thousand|million|billion|trillion)\b))",  # "In March 25% ..." is a share
    re.IGNORECASE,
)
_MARKERS = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_LIST_NUMBER = re.compile(r"(?m)^\s*\d{1,3}[.)]\s")
# a label, not a figure: an item's number in parentheses ("(2) the mechanisms ..."), a number a lettered part
# follows ("section 2(a)", "1702(a)(1)(B)") and the number of a named part of a text ("section 3", "title 19")
_LABEL = re.compile(r"(?m)^[ \t]*(\(\d{1,2}\))[ \t]+(?=[A-Za-z])|"
                    r"((?<![\d.,$€£¥])\b\d{1,5}(?:\([a-zA-Z\d]{1,4}\)){2,}|(?:\([a-zA-Z\d]{1,4}\)){2,})|"
                    r"\b(?:[Ss]ub)?(?:[Ss]ections?|[Pp]aragraphs?|[Cc]lauses?|[Aa]rticles?|[Cc]hapters?|[Tt]itles?|"
                    r"[Pp]arts?)\s+(\d{1,5}(?:\([a-zA-Z\d]{1,4}\))*)\b(?![.,]\d)"
                    r"(?!\s*(?:%|(?:percent|per cent|thousand|million|billion|trillion)\b))|§+\s*(\d{1,5})\b")
# a code of letters and digits ("Q4", "G7", "FY23"): never a figure, and blanked first so that a number after it is
# read on its own ("Q4 2025" is the year 2025, not "4 2025"); never a currency code before its amount ("USD5 billion")
# nor letters before a grouped or decimal number ("R2,000", "KES50,000": left to the figure pattern, as before)
_CODE = re.compile(rf"\b(?!(?:{_CURRENCY})\d)[A-Za-z]+\d+\b(?![.,]\d)")


@dataclass(frozen=True)
class Figure:
    """A normalised figure. `value` is in base units (25% -> 25.0, US$1.3 billion -> 1.3e9)."""

    text: str
    kind: str  # percent | money | count | year | date | duration | quantity | rate
    value: float
    unit: str = ""
    qualifier: str = ""
    high: float | None = None
    start: int = 0
    end: int = 0
    supported: bool | None = None
    computed: bool = False  # worked out from figures the answer cites (rag/arithmetic.py), re-checked

    def matches(self, other: "Figure") -> bool:
        """Same number of the same kind (units must agree where both give one); qualifiers are not compared."""
        if self.kind != other.kind and {self.kind, other.kind} != {"count", "rate"}:
            return False
        if self.kind == "money":
            if self.unit != other.unit and "$" not in (self.unit, other.unit):
                return False
        elif self.unit and other.unit and self.unit != other.unit and self.kind == other.kind:
            return False
        if not _close(self.value, other.value):
            return False
        if self.high is not None and (other.high is None or not _close(self.high, other.high)):
            return False
        return True

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "kind": self.kind, "value": self.value, "unit": self.unit,
                "qualifier": self.qualifier, "high": self.high, "supported": self.supported, "computed": self.computed}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _to_number(raw: str) -> float:
    word = _WORDS.get(raw.lower())
    if word is not None:
        return float(word)
    return float(re.sub(r"[,\u00a0\u202f ]", "", raw))


def _qualifier(raw: str | None) -> str:
    if not raw:
        return ""
    for pattern, symbol in _QUALIFIERS:
        if re.fullmatch(pattern, raw.lower()):
            return symbol
    return ""


def _currency(raw: str | None, unit: str) -> str:
    raw = (raw or "").strip().upper()
    if raw in ("C$", "CA$", "CAD") or "CANADIAN" in unit.upper():
        return "CAD"
    if raw == "A$":
        return "AUD"
    if raw == "€":
        return "EUR"
    if raw == "£":
        return "GBP"
    if raw in ("US$", "USD") or "US" in unit.upper() or "AMERICAN" in unit.upper():
        return "USD"
    return "$"  # a bare dollar sign: matches USD or another dollar only through matches()


def _duration_unit(word: str) -> str:
    word = word.lower().rstrip("s")
    return word


def _mass_unit(word: str) -> tuple[str, float]:
    word = word.lower()
    if word.startswith(("pound", "lb")):
        return "pound", 1.0
    if word.startswith(("kilo", "kg")):
        return "kg", 1.0
    if word.startswith(("tonne", "ton")):
        return "tonne", 1.0
    if word == "mg" or word.startswith("milligram"):
        return "mg", 1.0
    if word == "mcg" or word.startswith("microgram"):
        return "mcg", 1.0
    return "gram", 1.0


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def extract_figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order. Citation markers ([1], [2, 3]), list numbers and labels ("(2)", "section
    2(a)") are not figures."""
    masked = _blank(text, [m.span() for m in _MARKERS.finditer(text)])
    masked = _blank(masked, [(m.start(), m.end() - 1) for m in _LIST_NUMBER.finditer(masked)])
    masked = _blank(masked, [m.span() for m in _CODE.finditer(masked)])
    masked = _blank(masked, [m.span(g) for m in _LABEL.finditer(masked) for g in range(1, 5) if m.group(g)])
    figures: list[Figure] = []
    for match in _DATE_RE.finditer(masked):
        figure = _date_figure(match, text)
        if figure:
            figures.append(figure)
    masked = _blank(masked, [(f.start, f.end) for f in figures])
    for match in _FIGURE_RE.finditer(masked):
        if match.group("num2") and (re.search(r"\bfrom\s+$", masked[max(0, match.start() - 8):match.start()])
                                    or not _plausible_range(match)):
            # "from 25% to 35%" is a change between two figures, not a range
            figures.extend(_split_change(match, masked, text))
            continue
        figure = _number_figure(match, text)
        if figure:
            figures.append(figure)
    return sorted(figures, key=lambda f: f.start)


def _plausible_range(match: re.Match[str]) -> bool:
    """"44 to 66" is a range; "2024 to 38,084" (a year, then a count), "66 to 44", "5% to $3 million" and "27%
    to 80,391" (a change, then the level it reached) are not."""
    low_raw, high_raw = match.group("num"), match.group("num2")
    if low_raw.isalpha():
        return False
    second_currency = re.search(_CURRENCY, match.string[match.end("num"):match.start("num2")]) is not None
    second_percent = (match.group("unit") or "").strip().lower().startswith(("%", "per"))
    if (match.group("pct1") and not second_percent) or (match.group("cur") and not second_currency and second_percent):
        return False
    low, high = _to_number(low_raw), _to_number(high_raw)
    low_is_year = bool(re.fullmatch(r"\d{4}", low_raw)) and 1900 <= low <= 2100
    high_is_year = bool(re.fullmatch(r"\d{4}", high_raw)) and 1900 <= high <= 2100
    if low_is_year != high_is_year and not match.group("scale"):
        return False
    return high > low or bool(match.group("scale2"))


def _split_change(match: re.Match[str], masked: str, text: str) -> list[Figure]:
    connector = re.search(r"\s?(?:to|-|–)\s?", masked[match.start():match.start("num2")])
    first_end = match.start() + (connector.start() if connector else 0)
    parts = []
    for start, end in ((match.start(), first_end), (match.start() + (connector.end() if connector else 0), match.end())):
        part = _FIGURE_RE.match(masked[:end], start)
        if part and part.end() == end:
            figure = _number_figure(part, text)
            if figure and figure.kind == "count" and match.group("unit"):
                # "from 25 to 35%": the first number takes the unit of the second
                second = _FIGURE_RE.match(masked[:match.end()], match.start("num2"))
                unit_figure = _number_figure(second, text) if second else None
                if unit_figure:
                    figure = replace(figure, kind=unit_figure.kind, unit=unit_figure.unit)
            if figure:
                parts.append(figure)
    return parts


def _date_figure(match: re.Match[str], text: str) -> Figure | None:
    groups = match.groupdict()
    try:
        if groups["mdy"]:
            day, month, year = int(groups["d1"]), _MONTHS[groups["m1"].lower().rstrip(".")], int(groups["y1"])
        elif groups["dmy"]:
            day, month, year = int(groups["d2"]), _MONTHS[groups["m2"].lower().rstrip(".")], int(groups["y2"])
        elif groups["iso"]:
            day, month, year = int(groups["d3"]), int(groups["m3"]), int(groups["y3"])
        elif groups["md"]:
            month, day = _MONTHS[groups["m5"].lower().rstrip(".")], int(groups["d5"])
            dt.date(2000, month, day)  # a day the month has (29 February included)
            return Figure(text[match.start():match.end()], "date", month * 100 + day, unit="month_day",
                          start=match.start(), end=match.end())
        else:
            month, year = _MONTHS[groups["m4"].lower().rstrip(".")], int(groups["y4"])
            return Figure(text[match.start():match.end()], "date", year * 100 + month, unit="month",
                          start=match.start(), end=match.end())
        date = dt.date(year, month, day)
    except (KeyError, ValueError):
        return None
    return Figure(text[match.start():match.end()], "date", float(date.toordinal()), unit="day",
                  start=match.start(), end=match.end())


def _number_figure(match: re.Match[str], text: str) -> Figure | None:
    start, end = match.span()
    # not part of a word or code (G7, FY23, 1950s, COVID-19) and not a version or decimal fragment
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_/."):
        return None
    if end < len(text) and (text[end].isalpha() or text[end] == "_") and not match.group("unit"):
        return None
    num_raw = match.group("num")
    is_word = num_raw.isalpha()
    value = _to_number(num_raw)
    scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
    unit_raw = (match.group("unit") or "").strip()
    cur = match.group("cur")
    high = None
    if match.group("num2"):
        scale2 = _SCALES.get((match.group("scale2") or "").lower(), scale)
        high = _to_number(match.group("num2")) * scale2
    qualifier = _qualifier(match.group("qual"))
    # a bare m/k/b scale letter after a plain number is only a scale for money ("$200M"), not "5 m" distances
    if match.group("scale") and len(match.group("scale")) == 1 and not cur:
        return None if not is_word else None
    if match.group("pct1") and not unit_raw:
        return None  # "10%-" without a closing unit: let the single-figure parse take it
    lowered = unit_raw.lower()
    if lowered.startswith("%") or "cent" in lowered or "percent" in lowered:
        kind, unit = "percent", "%"
    elif cur or "dollar" in lowered:
        kind, unit = "money", _currency(cur, unit_raw)
    elif re.fullmatch(_DURATION, lowered):
        kind, unit = "duration", _duration_unit(lowered)
    elif re.fullmatch(_MASS, lowered, re.IGNORECASE):
        kind, unit = "quantity", _mass_unit(lowered)[0]
    elif lowered:
        per = lowered.split()[-1]
        kind, unit = "rate", f"per {per}"
    elif (not is_word and re.fullmatch(r"\d{4}", num_raw) and 1900 <= value <= 2100 and scale == 1.0
          and high is None or (high is not None and re.fullmatch(r"\d{4}", num_raw) and 1900 <= value <= 2100
                               and 1900 <= (high or 0) <= 2100 and scale == 1.0)):
        kind, unit = "year", ""
    else:
        kind, unit = "count", ""
    if is_word and kind == "count" and value < 2 and not qualifier:
        return None  # "one of the groups" is not a figure worth checking
    figure_text = text[start:end].strip()
    return Figure(figure_text, kind, value * scale, unit=unit, qualifier=qualifier, high=high,
                  start=start, end=start + len(text[start:end].rstrip()))


def find_support(figure: Figure, candidates: Iterable[Figure]) -> Figure | None:
    return next((c for c in candidates if figure.matches(c)), None)


def check_figures(answer_figures: Iterable[Figure], source_text: str) -> list[Figure]:
    """Marks each figure supported when `source_text` holds a matching figure."""
    source_figures = extract_figures(source_text)
    return [replace(f, supported=find_support(f, source_figures) is not None) for f in answer_figures]


def parse_expected(text: str) -> Figure:
    """The single figure an eval case expects ("25%", "more than 600", "US$1.3 billion"): raises ValueError."""
    figures = extract_figures(text)
    if len(figures) != 1:
        raise ValueError(f"expected exactly one figure in {text!r}, found {len(figures)}")
    return figures[0]
