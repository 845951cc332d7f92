"""What dates a piece of text names, as the constraint checks read them: years and months from the figure parser and
bare four-digit years, fiscal-year codes ("FY24"), years that open a period ("since 2015") or that a figure is
compared with ("than in 2017"), years named relative to the source's date ("last year"), and numbered things ("the
second half", "Q1", "the fifth meeting")."""

from __future__ import annotations

import datetime as dt
import re

from crossbrief.rag.figures import Figure, extract_figures

# a fiscal year written as governments write it ("FY2022", "FY 24", "FY'23"): the figure parser leaves such codes
# alone (a code is not a figure), so dates read them here
_FISCAL_YEAR = re.compile(r"\bFY\s?'?(\d{4}|\d{2})\b")
_PIVOT = dt.date.today().year % 100 + 10


def dates_of(figures: list[Figure]) -> tuple[set[int], set[tuple[int, int]]]:
    years: set[int] = set()
    months: set[tuple[int, int]] = set()
    for figure in figures:
        if figure.kind == "year" and 1900 <= figure.value <= 2100:
            years.add(int(figure.value))
        elif figure.kind == "date" and figure.unit == "month":
            year, month = divmod(int(figure.value), 100)
            years.add(year)
            months.add((year, month))
        elif figure.kind == "date" and figure.unit == "day":
            day = dt.date.fromordinal(int(figure.value))
            years.add(day.year)
            months.add((day.year, day.month))
    return years, months


# a year, month or quarter pointed back at: "that year", "the same month" (not "at the same time", "the same period
# of 2023", nor "then", which may mean "next")
POINTS_BACK_TO_A_TIME = re.compile(r"\b(?:that|the same|this same)\s+(?:year|month|quarter)\b", re.IGNORECASE)
OPENS_PERIOD = re.compile(r"\b(?:since|from|after|as of|starting(?: in| from)?|beginning(?: in)?)\s+(?:the\s+)?$",
                           re.IGNORECASE)


# a part of a year named by its season or its third ("autumn 2025", "the summer of 2024", "late 2025", "mid-2026"):
# its months, as the northern hemisphere's calendar has them (winter: the year's first two months and its last)
_SEASON_MONTHS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "fall": (9, 10, 11),
                  "winter": (1, 2, 12), "early": (1, 2, 3, 4), "mid": (5, 6, 7, 8), "late": (9, 10, 11, 12)}
# after a word that places a time ("in late 2031", "the summer of 2030", "during fall 2031"): not a verb ("did deaths
# fall 2031-2032") nor an adjective ("how many late 2031 filings")
_SEASON = re.compile(r"\b(?:in|during|throughout|over|the)\s+(spring|summer|autumn|fall|winter|early|mid|late)"
                     r"(?:\s+of|-|\s+)\s*((?:19|20)\d\d)\b", re.IGNORECASE)


def season_months(text: str) -> set[tuple[int, int]]:
    """The (year, month)s of each season or third of a year `text` names, unless it opens a period ("since spring
    2025": what held before it may still hold)."""
    return {(int(m.group(2)), month) for m in _SEASON.finditer(text) if not OPENS_PERIOD.search(text[:m.start()])
            for month in _SEASON_MONTHS[m.group(1).lower()]}


# a season as a time, not a verb ("bales that fall under the rule", "spring up"): "in the fall", "from late summer",
# "this past winter", "winter 2031"
_SEASON_TIME = (r"(?:(?:in|this|next|last|during|by|over|from|until|starting|through)\s+(?:the\s+)?"
                r"(?:(?:past|coming)\s+)?(?:(?:early|mid|late)[- ]?)?(?:spring|summer|autumn|fall|winter)|"
                r"(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?:19|20)\d\d)")
# a time named neither by a month's name nor by a year: "in 3 weeks", "Q3", "quarter", "in the spring", "3/4/2031"
# (an alternation, for patterns to include)
OTHER_TIME = rf"in \d+ (?:days|weeks|months)|Q[1-4]|quarter|{_SEASON_TIME}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
# a time named otherwise than by a month of a year: those, and "next month", "last week", "this quarter"
NAMES_A_TIME = re.compile(rf"\b(?:(?:next|last|this|past|previous|coming) (?:month|quarter|season|week)|"
                          rf"{OTHER_TIME})\b", re.IGNORECASE)


# a calendar year named relative to when the text was written: "last year", "this year", "next year" (a fiscal year,
# "last fiscal year", depends on whose fiscal year it is and is left alone)
_RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+(?:calendar\s+)?year\b", re.IGNORECASE)
_RELATIVE_OFFSET = {"last": -1, "this": 0, "next": 1}
# "over the last year", "from the last year": the twelve months before, not a calendar year
_SPAN_OF = re.compile(r"\b(?:the|from|over|in|during|within)\s+(?:the\s+)?$", re.IGNORECASE)


def relative_years(text: str, published: int | None) -> set[int]:
    """The calendar years `text` names relative to `published`, the year its source is dated ("last year" in a 2025
    source is 2024); none without a date."""
    if published is None:
        return set()
    return {published + _RELATIVE_OFFSET[m.group(1).lower()] for m in _RELATIVE_YEAR.finditer(text)
            if not _BASELINE.search(text[:m.start()]) and not _SPAN_OF.search(text[:m.start()])}


# "Today," opening a sentence, or after an upper-case label ("A CHEMICAL WEAPON: Today, the President signed ...")
_TODAY = re.compile(r"^(?:[^a-z]*:\s+)?Today,\s+(?P<rest>.+)$", re.DOTALL)
# a verb that tells a state, not an event, before any past form: "Today, the drugs ... are", "... is encouraging"
_STATE = frozenset("is are remain remains continue continues will would can may must".split())


def dated_today(text: str, published: str | None) -> str:
    """The day a text dated `published` (an ISO date) says something happened "today" ("Today, the President signed
    ..."), written out ("December 15, 2025"); "" when it says no such thing (not "Today's actions", "as of today",
    "Today, the drugs most responsible are ...": a state, not an event) or its source has no day."""
    said = _TODAY.match(text.strip())
    if said is None or not published:
        return ""
    for word in re.findall(r"[A-Za-z'’]+", said.group("rest"))[:12]:
        if word.lower() in _STATE:
            return ""
        if len(word) > 3 and word.lower().endswith("ed"):
            break
    else:
        return ""
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return ""
    return f"{day:%B} {day.day}, {day.year}"


# the period a figure is given per: "21 deaths a day", "each year", "per month", "per-day", "every single day", "on a
# typical day", "annually", "daily"; not "a year ago", "a week-long operation", "within a month of the order"
_PER_PERIOD = re.compile(r"(?:\b(?:a|an|each|every(?:\s+single)?|on\s+an?\s+(?:typical|average|given|normal))\s+|"
                         r"\bper[\s-]+)(day|week|month|year)(?![\w-])"
                         r"(?!\s+(?:ago|earlier|later|before|after|of)\b)|"
                         r"\b(daily|weekly|monthly|annually|yearly|annual)\b(?!-)", re.IGNORECASE)
_PERIOD_OF = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year", "yearly": "year",
              "annual": "year"}


def periods_in(text: str) -> frozenset[str]:
    """The periods `text` gives figures per ("day", "week", "month", "year")."""
    return frozenset(m.group(1).lower() if m.group(1) else _PERIOD_OF[m.group(2).lower()]
                     for m in _PER_PERIOD.finditer(text))


# a figure for the same date a year before, as reports give it in brackets: "at 31 December 2019 totalled £13.0
# million (2018: £12.4 million)"
_COMPARATIVE = re.compile(r"\(\s*((?:19|20)\d\d)\s*:\s*[^()]*\d[^()]*\)")
_ENDS_IN_FIGURE = re.compile(r"\d\s*(?:%|per ?cent|million|billion|thousand|bn|m|k)?\s*$", re.IGNORECASE)


def unit_dates(text: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Years and (year, month)s a piece of text mentions, with bare four-digit years counted as years; a bracketed
    comparative after a figure ("at 31 December 2019 totalled £13.0 million (2018: £12.4 million)") gives the month
    of the last date before it in the year before ("December 2018")."""
    figures = extract_figures(text)
    years, months = dates_of(figures)
    years |= {int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)} | fiscal_years(text)
    months |= season_months(text)
    for bracket in _COMPARATIVE.finditer(text):
        # right after a figure, it gives the figure at the last date named before it, a year earlier
        dated = [f for f in figures if f.kind == "date" and f.end <= bracket.start()]
        if not dated or not _ENDS_IN_FIGURE.search(text[:bracket.start()]):
            continue
        year = int(bracket.group(1))
        months |= {(year, month) for at, month in dates_of([max(dated, key=lambda f: f.end)])[1] if at == year + 1}
    return years, months


def period_years(text: str) -> set[int]:
    """Years that open a reference period ("the highest since 2015"), read as `parse` reads a question's dates."""
    return {int(m.group(1)) for m in re.finditer(r"\b(19\d\d|20\d\d)\b", text) if OPENS_PERIOD.search(text[:m.start()])}


_ORDINAL_WORD = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
                 9: "ninth", 10: "tenth"}
_ORDINAL = {word: n for n, word in _ORDINAL_WORD.items()}
_NUMBERED = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(\d{1,2})(?:st|nd|rd|th))"
                       r"[\s-]+([a-z]+)\b|\b([HQ])([1-4])\b", re.IGNORECASE)


# a name of capitalised words and the lower-case noun it qualifies: the thing an ordinal before the name numbers
_NAMED_HEAD = re.compile(r"(?:[A-Z][\w'’-]*\s+){1,5}([a-z]{3,})\b")
# verbs that may follow such a name ("the second Harbour Board met", "... take place"): not a noun it qualifies
_VERBS = frozenset("""held met took began made came went said set led ran won found gave got sent built brought saw
told cut put hit paid spent sold kept left stood shut struck rose fell grew take takes meet meets hold holds begin
begins start starts end ends open opens run runs make makes come comes say says see sees give gives convene
convenes""".split())


def year_parts(text: str, skip: frozenset[str] = frozenset()) -> frozenset[tuple[str, int]]:
    """The numbered things `text` names, by ordinal: ("half", 2) for "the second half of FY23", ("quarter", 1) for
    "Q1" or "the first quarter", ("meeting", 5) for "the fifth meeting" or "the fifth Trilateral Committee meeting"
    (the noun the name qualifies); never a word of `skip` ("the first of")."""
    found = set()
    for m in _NUMBERED.finditer(text):
        if m.group(1):
            number = ordinal_value(m.group(1)) or 0
            noun = m.group(3).lower()
            # "the fifth Trilateral Fentanyl Committee meeting": the noun the name qualifies is what is numbered
            named = _NAMED_HEAD.match(text, m.start(3)) if m.group(3)[:1].isupper() else None
            if named and named.group(1) not in skip | _VERBS and not named.group(1).endswith("ed"):
                noun = named.group(1)
            if noun not in skip and number:
                found.add((noun, number))
        elif m.group(4) == "Q" or m.group(4) == "H" and m.group(5) in "12":  # codes in capitals only
            found.add(("quarter" if m.group(4) == "Q" else "half", int(m.group(5))))
    return frozenset(found)


def ordinal_value(word: str) -> int | None:
    """The number an ordinal names: "second" -> 2, "3rd" -> 3; None for any other word."""
    lowered = word.lower()
    digits = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", lowered)
    return int(digits.group(1)) if digits else _ORDINAL.get(lowered)


def ordinal(number: int) -> str:
    """"fifth", "21st", "12th"."""
    if number in _ORDINAL_WORD:
        return _ORDINAL_WORD[number]
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


_BASELINE = re.compile(r"\b(?:than|compared (?:with|to)|relative to|versus|vs\.?|as (?:many|much|high|low|large|great|"
                       r"big|small|few|little) as)\s+(?:in\s+|during\s+)?(?:the\s+)?$",
                       re.IGNORECASE)


def baseline_years(text: str) -> set[int]:
    """Years a figure is compared with ("1.6 times more than in 2017", "twice as many as in 2020"): not the year the
    figure is of."""
    return {int(m.group(1)) for m in re.finditer(r"\b(19\d\d|20\d\d)\b", text) if _BASELINE.search(text[:m.start()])}


def names_month(sentence: str, months: frozenset[tuple[int, int]]) -> bool:
    """Whether the sentence names one of `months` by its name alone ("in March")."""
    lowered = sentence.lower()
    return any(re.search(rf"\b{dt.date(2000, month, 1):%B}\b".lower(), lowered) for _, month in months)


def fiscal_years(text: str) -> set[int]:
    """The years of the fiscal years `text` names in code form ("FY2022", "FY 24" -> 2022, 2024)."""
    found = set()
    for digits in _FISCAL_YEAR.findall(text):
        # two digits: this century up to ten years ahead, else the last ("FY99" -> 1999)
        year = int(digits) if len(digits) == 4 else 2000 + int(digits) if int(digits) <= _PIVOT else 1900 + int(digits)
        if 1900 <= year <= 2100:
            found.add(year)
    return found
