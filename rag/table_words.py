"""How a question's words and a table's values are read for linking them (rag/table_links.py): the forms a value
may be named by (in full, its bracketed short form, its initials, a place by its own name, a people's name for its
place), quarters named by their months, ranges of numbers ("15- to 24-year-olds") and columns of codes. General
English only: the vocabulary is always the table's own values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from crossbrief.index.table_store import StoredTable
from crossbrief.rag.constraints import question_names
from crossbrief.rag.dates import ordinal_value
from crossbrief.rag.figures import MONTH_PATTERN, month_number
from crossbrief.rag.places import without_possessive
from crossbrief.rag.table_text import YEAR, joined_initials, words

_SMALL = frozenset({"and", "of", "the", "for", "de", "du", "des", "la", "le", "et"})
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_PLACE_IN = re.compile(r"^([A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*), [A-Z][\w'’-]*(?: (?:and |of )?[A-Z][\w'’-]*)*$")


def _initials(value: str) -> str:
    """The initials of a name of two or more capitalised words, small words left out ("Prince Edward Island" ->
    "pei", "Newfoundland and Labrador" -> "nl"); "" for any other value."""
    parts = [p for p in re.sub(r"\([^()]*\)", " ", value).split() if p.lower() not in _SMALL]
    if len(parts) < 2 or not all(p[0].isupper() and p[1:2].islower() for p in parts):
        return ""
    return "".join(p[0] for p in parts).lower()


def value_forms(value: str, acronyms: frozenset[str] = frozenset()) -> list[set[str]]:
    """The ways a question may name a value: in full, and as its bracketed short form or without it
    ("Emergency Medical Services (EMS)": also "EMS", and "Emergency Medical Services"); a name of capitalised words
    by its initials where the question writes them in capitals (`acronyms`: "BC", "B.C." for "British Columbia")."""
    forms = [words(value)]
    # a bracket that only inflects ("opioid(s)") gives no short form
    inside = [part for part in re.findall(r"\(([^()]+)\)", value) if re.search(r"\w\w", part)]
    if inside:
        forms.append(words(" ".join(inside)))
        forms.append(words(re.sub(r"\([^()]*\)", " ", value)))
    initials = _initials(value)
    if initials and initials in acronyms:
        forms.append({initials})
    return [f for f in forms if f]


def place_form(value: str) -> set[str]:
    """A place named with the larger place it lies in, by its own name ("Lakeside, Upland": "Lakeside"); it names the
    value less surely than a value named in full ("Opioids, Stimulants" is no "Opioids")."""
    place = _PLACE_IN.match(value.strip())
    return words(place.group(1)) if place else set()


def naming_score(value: str, asked: set[str], acronyms: frozenset[str]) -> float:
    full = max((_name_score(tokens, asked) for tokens in value_forms(value, acronyms)), default=0.0)
    place = place_form(value)
    return max(full, _name_score(place, asked) - 0.25 if place else 0.0)


def acronyms_in(question: str) -> frozenset[str]:
    """The words a question writes in capitals, dotted or not ("BC", "B.C."), lower-cased: initials it may name a
    value by."""
    return frozenset(m.lower() for m in _ACRONYM.findall(joined_initials(question)))


_PROPER = re.compile(r"\b[A-Z][a-z]+\b")


# how English names a people or an adjective of a place: "-an(s)", "-ian(s)", "-er(s)", "-ite(s)", "-ese", "-ish",
# "-i(s)", "-ois"
_DEMONYM_END = re.compile(r"(?:ans?|ians?|ers?|ites?|ese|ish|is?|ois|ns?)$")


def _derives(word: str, name: str) -> bool:
    """Whether `word` is a derived form of the name `name` (both lower-cased): it runs on past a stem it shares with
    the whole name but its last two letters at most ("ontarians"/"ontario", "quebecers"/"quebec", "canadian"/
    "canada"), four letters at least; a word that merely starts alike ("northern"/"northwest") is none."""
    shared = 0
    for a, b in zip(word, name):
        if a != b:
            break
        shared += 1
    return (shared >= max(4, len(name) - 2) and len(word) > shared and words(word) != words(name)
            and _DEMONYM_END.search(word) is not None)


def with_value_names(question: str, table: StoredTable) -> str:
    """The question with each capitalised name it writes in a derived form of one proper name among the table's
    values (a demonym: "How many Ontarians ...?" of a column holding "Ontario") written as that name, so that it links
    the value, as "Canadian" names Canada elsewhere (rag/constraints.name_key). Only capitalised words that do not
    open the question, that no value holds themselves, and that derive from exactly one name of the table."""
    names = {w for c in table.profile.columns if not c.numeric for v in c.values for w in _PROPER.findall(v)}
    held = {w.lower() for w in names}
    for asked in question_names(question):
        bare = without_possessive(asked)
        if bare.lower() in held or not bare.isalpha():
            continue
        derived = {n for n in names if _derives(bare.lower(), n.lower())}
        if len(derived) == 1:
            question = re.sub(rf"\b{re.escape(bare)}\b", derived.pop(), question)
    return question


def _name_score(tokens: set[str], asked: set[str]) -> float:
    """How well the question names a value: all its words (best), or most of a long one's; 0 when it does not.
    A value named in full beats a longer one named in part."""
    hit = len(tokens & asked)
    if hit == len(tokens):
        return hit + 0.5
    if hit >= 2 and hit >= 0.6 * len(tokens):
        return hit - (len(tokens) - hit)
    return 0.0


_QUARTER = re.compile(r"\b(first|1st|second|2nd|third|3rd|fourth|4th)\s+quarter\b", re.IGNORECASE)
# three months from a quarter's first to its last: "April to June", "Jan-Mar", "from July through September", "between
# July and September"
_MONTH_RANGE = re.compile(rf"\b(?:between\s+(?P<first>{MONTH_PATTERN})\s+and\s+(?P<last>{MONTH_PATTERN})|"
                          rf"(?P<from>{MONTH_PATTERN})\s*(?:to|through|thru|until|till|-|–|—)\s*(?P<to>{MONTH_PATTERN}))"
                          r"(?![a-z])", re.IGNORECASE)
QUARTER_CODE = re.compile(r"^q[1-4]$")


def asked_words(question: str) -> set[str]:
    """The question's content words as a table's values are linked by: dotted initials joined ("B.C." -> "bc") and a
    quarter named in words or by its months given its code too ("q2")."""
    return words(with_quarter_codes(joined_initials(question)))


def _quarters(question: str) -> list[tuple[re.Match[str], int]]:
    """The quarters a question names in words ("the second quarter") or as a range of its months ("April to June"),
    with their numbers."""
    found = [(m, ordinal_value(m.group(1)) or 0) for m in _QUARTER.finditer(question)]
    for m in _MONTH_RANGE.finditer(question):
        first = month_number(m.group("first") or m.group("from")) or 0
        last = month_number(m.group("last") or m.group("to")) or 0
        if first % 3 == 1 and last == first + 2:
            found.append((m, (first + 2) // 3))
    return found


def with_quarter_codes(question: str) -> str:
    """"the first quarter of 2024" -> "the first quarter Q1 of 2024", "April to June 2024" -> "April to June Q2
    2024": tables write a quarter as its code ("2024 Q1") or in words ("First quarter 2024")."""
    for m, number in sorted(_quarters(question), key=lambda found: -found[0].end()):
        question = f"{question[:m.end()]} Q{number}{question[m.end():]}"
    return question


def quarter_words(question: str, covered: set[str]) -> set[str]:
    """The words naming each quarter of the question whose code `covered` holds: "April to June" is accounted for
    when "Q2" links a value."""
    return {w for m, number in _quarters(question) if f"q{number}" in covered for w in words(m.group(0))}


def holds_quarter(value: str, code: str) -> bool:
    """Whether a value is of the quarter `code` ("q4"): by its code ("2024 Q4") or in words ("Fourth quarter")."""
    said = words(value)
    return code in said or ("quarter" in said and any(ordinal_value(w) == int(code[1]) for w in said))


# a range of numbers a value holds ("20 to 29 years", "20-29", "60 years or more", "60+", "under 20") and one a question
# asks ("15- to 24-year-olds", "aged 20 to 29", "in their 30s", "60 and over"); English words for ranges, no corpus words
_UNIT = r"(?:[- ]?years?(?:[- ]olds?)?|[- ]?yrs?)?"
_SPAN_TO = re.compile(rf"(?<![\d.,])(\d{{1,3}}){_UNIT}\s*-?\s*(?:to|through|–|—|-)\s*(\d{{1,3}}){_UNIT}(?![\d.,]\d)", re.IGNORECASE)
_SPAN_UP = re.compile(rf"(?<![\d.,])(\d{{1,3}}){_UNIT}\s*(?:\+|(?:or|and)\s+(?:more|over|older|above)\b)", re.IGNORECASE)
_SPAN_BELOW = re.compile(rf"\b(?:under|below|younger than|less than)\s+(\d{{1,3}}){_UNIT}(?![\d.,]\d)", re.IGNORECASE)
_DECADE = re.compile(r"\b(?:their|the)\s+([1-9]0)s\b", re.IGNORECASE)
Span = tuple[float, float]


def number_spans(text: str) -> list[tuple[Span, str]]:
    """The ranges of numbers `text` names, each with the words that name it."""
    found: list[tuple[Span, str]] = []
    for m in _SPAN_TO.finditer(text):
        low, high = int(m.group(1)), int(m.group(2))
        if low < high:
            found.append(((low, high), m.group(0)))
    found += [((int(m.group(1)), float("inf")), m.group(0)) for m in _SPAN_UP.finditer(text)]
    found += [((0, int(m.group(1)) - 1), m.group(0)) for m in _SPAN_BELOW.finditer(text)]
    found += [((int(m.group(1)), int(m.group(1)) + 9), m.group(0)) for m in _DECADE.finditer(text)]
    return found


def value_span(value: str) -> Span | None:
    """The range a value is, when it is nothing but a range ("20 to 29 years", "60 years or more"), else None."""
    spans = number_spans(value)
    return spans[0][0] if len(spans) == 1 and spans[0][1].strip() == value.strip() else None


def range_columns(table: StoredTable) -> list[int]:
    """The columns two or more of whose values are ranges of numbers (age bands)."""
    return [i for i, c in enumerate(table.profile.columns)
            if sum(value_span(v) is not None for v in c.values) >= 2]


def range_words(question: str, table: StoredTable) -> set[str]:
    """The words naming the ranges a question asks ("15- to 24-year-olds") of a table with columns of ranges: the
    link accounts for them, by a value or as missing."""
    return {w for _, said in number_spans(question) for w in words(said)} if range_columns(table) else set()


def code_columns(table: StoredTable, rows: Iterable[Sequence[str]]) -> frozenset[int]:
    """The columns of numeric codes that a column of names determines (each name has one code: a region's numeric
    identifier beside the region), read from the table's rows: a question names such a value by its name, and a
    number it gives ("15- to 24-year-olds") is no code. Columns of years are dates, not codes."""
    profile = table.profile.columns
    numbered = [i for i, c in enumerate(profile) if c.numeric and len(c.values) > 1
                and not all(YEAR.match(v) for v in c.values if v.strip())]
    names = [j for j, c in enumerate(profile) if c.values and not c.numeric]
    if not numbered or not names:
        return frozenset()
    codes: dict[tuple[int, int], dict[str, str]] = {(i, j): {} for i in numbered for j in names}
    determined = set(codes)
    count = 0
    for cells in rows:
        count += 1
        for i, j in list(determined):
            code, name = cells[i].strip(), cells[j].strip()
            if not code:
                continue
            if not name or codes[i, j].setdefault(name, code) != code:
                determined.discard((i, j))
    # names that repeat (a dimension, as a region is): a column naming each row once determines every other column
    return frozenset(i for i, j in determined if 0 < 2 * len(codes[i, j]) <= count)
