"""How a question links to a table: the values of its categorical columns and the column names the question's words
name (the vocabulary is the table store's distinct values, never lists in code), the years it asks that a dated
column lacks, and the refusals that name what a table has instead of what was asked. rag/tables.py answers from a
link.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from crossbrief.index.table_store import StoredTable
from crossbrief.index.tables import ColumnProfile, parse_number
from crossbrief.rag.constraints import question_names
from crossbrief.rag.models import Draft
from crossbrief.rag.places import countries_in, countries_named, country_spans, is_code, named_as_country
from crossbrief.rag.table_text import WORD_PATTERN, YEAR, TableAnswer, units_named, words
from crossbrief.rag.table_words import (QUARTER_CODE, acronyms_in, asked_words, holds_quarter,
                                        number_spans, place_form, quarter_words, range_columns, value_forms,
                                        naming_score, value_span)


@dataclass(frozen=True)
class Link:
    """What a question pins in one table: values per categorical column, and the columns it names."""

    table: StoredTable
    pinned: dict[int, list[str]]
    named: list[int]
    score: float
    coverage: float = 0.0  # the share of the question's content words that the links account for
    absent: tuple[tuple[int, str], ...] = ()  # (year column, year asked) where the column has no such year
    each: tuple[int, ...] = ()  # columns pinned to several values the question names, each of which must have rows
    by_meaning: tuple[int, ...] = ()  # columns linked by meaning, not by the question's words (rag/table_meaning.py)
    # a phrase of the question that comes close to values of a column left open ("for women" and a column of sexes):
    # a breakdown the table's overall rows would not answer (rag/table_meaning.py)
    breakdown: str = ""




def link(question: str, table: StoredTable, codes: frozenset[int] = frozenset()) -> Link:
    """The values and column names of `table` that the question's words name (all of a value's content words,
    or most of a long one's); never a value of a column of `codes` (`code_columns`)."""
    asked = nominalised(asked_words(question), table, codes)
    acronyms = acronyms_in(question)
    pinned: dict[int, list[str]] = {}
    scores: dict[int, float] = {}
    score = 0.0
    covered: set[str] = set()
    for i, column in enumerate(table.profile.columns):
        if i in codes:
            continue
        best: list[str] = []
        best_score = 0.0
        for value in column.values:
            value_score = naming_score(value, asked, acronyms)
            if value_score > 0:
                if value_score > best_score:
                    best, best_score = [value], value_score
                elif value_score == best_score:
                    best.append(value)
        if len(best) > 1:
            # values that differ only in function words ("owed by members", "owed to members"): the one the question
            # writes out
            written = [v for v in best if re.search(rf"\b{re.escape(v.lower())}\b", question.lower())]
            best = written or best
        if best:
            pinned[i] = best
            scores[i] = best_score
            score += best_score
            covered |= {w for v in best for form in [*value_forms(v, acronyms), place_form(v)] for w in form} & asked
    # of several values named in a column, one whose words all name the table's source was named as the source
    # ("According to the Lakeland Office, how many in Upton?": Lakeland, a region too, is the publisher)
    own = source_words(table) & source_phrase_words(question)  # named as a source, not as a value asked
    for i, values in pinned.items():
        other = [v for v in values if not words(v) <= own]
        if other and len(other) < len(values):
            pinned[i] = other
    # a value whose words all belong to a longer value another column pins was named as part of that one ("2023"
    # of "2023 Q3"), not on its own
    for i in [i for i in pinned if all(any(words(v) < words(u) for j in pinned if j != i for u in pinned[j])
                                       for v in pinned[i])]:
        score -= max(len(words(v) & asked) + 0.5 for v in pinned.pop(i))
    # in a table the question links by other values, a word left unlinked that is the head of one value of a column
    # nothing pins, and in no other value of it, names that value ("visits" for "Emergency Department (ED) Visits"
    # beside "Deaths" and "Hospitalizations"); never a word naming the table itself ("the substance harms data")
    unlinked = asked - covered - source_words(table) if pinned else set()
    for i, value in _heads_named(table, unlinked, codes, set(pinned), question, covered):
        pinned[i] = [value]
        score += _HEAD_SCORE
        covered |= head_words(value) & asked
    absent: list[tuple[int, str]] = []
    # a range asked of columns of ranges pins the value that is that range; a value named by its numbers that is
    # another range ("0 to 19 years" for "15- to 19-year-olds") is not asked; a range no value is, is missing
    ranges = [i for i in range_columns(table) if i not in codes]
    asked_spans = number_spans(question) if ranges else []
    if asked_spans:
        spans = {span for span, _ in asked_spans}
        for i in [i for i in ranges if i in pinned]:
            kept = [v for v in pinned[i] if value_span(v) is None or value_span(v) in spans]
            if not kept:
                del pinned[i]
                score -= scores[i]
            else:
                pinned[i] = kept
    for span, said in asked_spans:
        holders = [(i, v) for i in ranges for v in table.profile.columns[i].values if value_span(v) == span]
        covered |= words(said) & asked
        if any(v in pinned.get(i, ()) for i, v in holders):
            continue
        free = [(i, v) for i, v in holders if i not in pinned]
        if free:
            pinned[free[0][0]] = [free[0][1]]
            score += 1.5
        elif not holders:
            low, high = span
            absent.append((min(ranges, key=lambda i: specificity(table.profile.columns[i].values)),
                           f"{low:g} or more" if high == float("inf") else f"{low:g} to {high:g}"))
    named = []
    # a column is named without the unit or note its name gives in brackets ("Operating Leases (Dollars in
    # millions)" by "operating leases"), where no other column's name holds those words ("Deaths (per 100,000)" is a
    # rate beside "Number of deaths": a bracket that gives a rate or a share is part of the name)
    column_words = [words(name) for name in table.columns]
    bare_names = [words(_BRACKETED.sub(lambda m: m.group(0) if units_named(m.group(0)) else " ", name))
                  for name in table.columns]
    for i, name in enumerate(table.columns):
        tokens = words(name)
        years = {w for w in tokens if len(w) == 4 and w.isdigit()}
        bare = bare_names[i] if bare_names[i] != tokens and not any(
            bare_names[i] <= other for j, other in enumerate(column_words) if j != i) else set()
        if i not in pinned and tokens and (tokens <= asked or (years and years <= asked) or (bare and bare <= asked)):
            named.append(i)
            score += len(tokens & asked)
            covered |= tokens & asked
    years_asked = sorted(w for w in asked if YEAR.match(w))
    for i, column in enumerate(table.profile.columns):
        dated = [v for v in column.values if any(YEAR.match(w) for w in words(v))]
        years = {w for v in dated for w in words(v) if YEAR.match(w)}
        if i not in pinned and years and len(dated) >= 0.5 * len(column.values):
            absent.extend((i, y) for y in years_asked if y not in years and not any(
                y in words(table.columns[j]) for j in named))
    # a quarter asked ("Q4 2025", "the fourth quarter") that no value of a dated column it pins holds: the year's
    # other rows ("2025 (Jan to Sep)", named by its year alone) do not answer it; it is missing, as a year is
    for code in sorted(w for w in asked if QUARTER_CODE.match(w)):
        if any(holds_quarter(v, code) for values in pinned.values() for v in values):
            continue
        for i, values in pinned.items():
            if any(YEAR.match(w) for v in values for w in words(v)):
                absent.extend((i, f"{y} {code.upper()}".strip()) for y in years_asked or [""])
                covered |= {code} | quarter_words(question, {code})
    if absent and pinned:  # a year asked of a table with years is a link too, a missing one
        score += 1.0
        covered |= {w for _, y in absent for w in words(y)}
    covered |= quarter_words(question, covered)
    covered |= source_words(table) & asked  # "According to the harms data, ..." names this table
    return Link(table, pinned, named, score, len(covered) / len(asked) if asked else 0.0, tuple(absent))


# the English suffixes that make a noun of the act done with a thing ("hospital" -> "hospitalization"); not those
# that make another word of it ("state" -> "statement", "press" -> "pressure")
_NOMINALISING = ("ization", "isation")


def nominalised(asked: set[str], table: StoredTable, codes: frozenset[int] = frozenset()) -> set[str]:
    """`asked` with each word that a value word of `table` makes a noun of written as that word ("hospital
    admissions" names "Hospitalizations"): a word of six letters or more that is no value word itself ("capital"
    of "Capital expenditure" stays, beside "Total capitalization"), one value word only."""
    vocabulary = _value_words(table.profile.columns, codes)
    found = set()
    for word in asked:
        made = [v for v in vocabulary - asked if len(word) >= 6 and word not in vocabulary and v.startswith(word)
                and v[len(word):] in _NOMINALISING]
        found.add(made[0] if len(made) == 1 else word)
    return found


@functools.lru_cache(maxsize=64)
def _value_words(columns: tuple[ColumnProfile, ...], codes: frozenset[int]) -> frozenset[str]:
    """The words of the values of a table's columns of names (not its code columns): read once per table, not at
    every link made to it."""
    return frozenset(w for i, column in enumerate(columns) if i not in codes and not column.numeric
                     for value in column.values for w in words(value))


_BRACKETED = re.compile(r"\([^()]*\)")
# a value named by its head word alone names it less surely than one named in full (1.5 and more)
_HEAD_SCORE = 0.5


def head_words(value: str) -> set[str]:
    """The head of a value's name, as `words` writes it: its last word, brackets left out; none for a name with "of"
    in it, whose head ("Number of deaths", "Manner of death") is a word for many things."""
    bare = re.sub(r"\([^()]*\)", " ", value)
    if re.search(r"\bof\b", bare, re.IGNORECASE):
        return set()
    tokens = WORD_PATTERN.findall(bare.lower())
    head = words(tokens[-1]) if tokens else set()
    return {w for w in head if len(w) >= 4 and not w.isdigit()}


_TOKEN = re.compile(r"[A-Za-z0-9][\w'’-]*")


def _qualified_otherwise(question: str, word: str, value: str, linked: set[str]) -> bool:
    """Whether the question puts a word of its own before `word` that the value does not have ("national park
    visits", "home visits"): it names another kind of that thing. A function word, a short name in capitals ("ER
    visits"), a word the value has ("department visits") or one linked to another value ("stimulant-related visits")
    does not."""
    tokens = _TOKEN.findall(question)
    own = words(value)
    for before, token in zip(["", *tokens], tokens):
        if word not in words(token) or not before or before.isupper() or words(before) & linked:
            continue
        if words(before) - own:
            return True
    return False


def _heads_named(table: StoredTable, unlinked: set[str], codes: frozenset[int], pinned: set[int],
                 question: str, linked: set[str]) -> list[tuple[int, str]]:
    """(column, value) for each unpinned categorical column with exactly one value whose head is an unlinked word of
    the question, no other value holding that word, and no other qualifier of it in the question."""
    found = []
    for i, column in enumerate(table.profile.columns):
        if i in codes or i in pinned or column.numeric or len(column.values) < 2:
            continue
        for word in sorted(unlinked):
            headed = [v for v in column.values if word in head_words(v)]
            holding = [v for v in column.values if word in words(v)]
            if len(headed) == 1 and len(holding) == 1 and not _qualified_otherwise(question, word, headed[0], linked):
                found.append((i, headed[0]))
                break
    return found


# a phrase that names where figures come from: "according to the Lakeland Office", "per Lakeland", "Lakeland's data"
_SOURCE_CUE = re.compile(r"\b(?i:according to|as (?:reported|published|counted) by)\b([^,?;:]*)|\b(?i:per)\s+"
                         r"(?:the\s+)?([A-Z][^,?;:]*)|\b([A-Z][\w-]*(?: [A-Z][\w-]*)*)['’]s\s+(?:[\w-]+\s+){0,3}?"
                         r"(?i:data|figures|numbers|statistics|tables?|reports?)\b")


def source_phrase_words(question: str) -> set[str]:
    """The words of the question's phrases that name a source ("According to the Lakeland Office, ...")."""
    return {w for m in _SOURCE_CUE.finditer(question) for w in words(m.group(1) or m.group(2) or m.group(3) or "")}


def source_words(table: StoredTable) -> set[str]:
    """The words that name the table's own source: its label, its file's name split where its words run together
    ("SubstanceHarmsData", "harms_data") and the folder it is filed under (often its publisher); no numbers. A
    question that names its source ("According to the harms data, ...") asks of this table with them."""
    parts = table.source.replace("\\", "/").rstrip("/").split("/")
    named = " ".join([parts[-1].rsplit(".", 1)[0], *parts[-2:-1], table.label])
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|[_\-.]", " ", named)
    return {w for w in words(spaced) if w.isalpha()}


def names_elsewhere(found: Link, question: str, around: str = "") -> bool:
    """Whether the question names a place, body or person (a capitalised name, or a country by any of its names or
    codes) that nothing the link pins, no column it names, not the table's own name and not the text read from its
    source (`around`: "Under the DSU Plan, ...") accounts for ("How many deaths did Japan record in 2023?", "... did
    the US record ...?" of a table of Canada's regions): the table answers for something else. A capital stands for
    its country's value ("Ottawa" for "Canada")."""
    table = found.table
    linked = [v for values in found.pinned.values() for v in values] + [table.columns[i] for i in found.named]
    known = set().union(*(words(v) for v in linked), words(table.source.rsplit("/", 1)[-1]), source_words(table),
                        words(around))
    countries = countries_in(" ; ".join([*linked, table.label, around]))  # "Norwegian" of a table of Norway
    # a country named by its code alone ("did the US record", "the U.S."), which is no name, counts as well
    codes = (countries_named(question[start:end].replace(".", "")) for start, end in country_spans(question)
             if is_code(question[start:end]) and named_as_country(question, start, end))
    return any(found and not found & countries for found in codes) or any(
        words(name) and not words(name) <= known and not countries_named(name) & countries
        for name in question_names(question))


def alternatives(found: Link, question: str, limit: int = 4) -> list[Link]:
    """When the same words link values in several columns (a year that is both a period and a breakdown), one
    reading per column, the column without blank cells first (a blank is how a table says "not broken down")."""
    asked = words(question)
    by_words: dict[frozenset[str], list[int]] = {}
    for i, values in found.pinned.items():
        key = frozenset(w for v in values for w in words(v) & asked)
        by_words.setdefault(key, []).append(i)
    readings = [dict(found.pinned)]
    for columns in (c for key, c in by_words.items() if key and len(c) > 1):  # no words: linked by meaning
        columns.sort(key=lambda i: "" in found.table.profile.columns[i].values)
        readings = [{k: v for k, v in r.items() if k not in columns or k == keep} for r in readings for keep in columns]
    return [Link(found.table, r, found.named, found.score, found.coverage, found.absent, found.each, found.by_meaning)
            for r in readings[:limit]]


def moved(found: Link, codes: frozenset[int] = frozenset()) -> list[Link]:
    """Readings of the words' link (its pins by meaning left out, to be linked again) with a value moved to the other
    column that holds it (an age band both a breakdown and a group): for a column pinned to values another column also
    holds all of, when that column is open or pinned only to values a third pinned column holds too (a year that is
    also the period's). Tried when the link's own pins find no rows."""
    table = found.table
    own = {i: v for i, v in found.pinned.items() if i not in found.by_meaning}
    held = {j: set(c.values) for j, c in enumerate(table.profile.columns) if j not in codes}
    readings = []
    for i, values in own.items():
        for j in (j for j, present in held.items() if j != i and set(values) <= present):
            spare = j not in own or all(any(v in held[k] and v in own[k] for k in own if k not in (i, j))
                                        for v in own[j])
            if spare:
                pinned = {k: v for k, v in own.items() if k not in (i, j)}
                pinned[j] = list(values)
                readings.append(Link(table, pinned, found.named, found.score, found.coverage, found.absent))
    return readings


def unwrapped(found: Link, codes: frozenset[int] = frozenset()) -> list[Link]:
    """Readings of the words' link with a value of several words read as the one value of an open column that it
    holds whole ("Involving opioids", a measure of stimulant harms, as the substance "Opioids": "How many emergency
    room visits involving opioids ...?"). Tried when no row holds the link's own pins."""
    table = found.table
    own = {i: v for i, v in found.pinned.items() if i not in found.by_meaning}
    held = [j for j in range(len(table.profile.columns)) if j not in codes]
    readings = []
    for i, values in own.items():
        for value in values:
            whole = words(value)
            for j in (j for j in held if j != i and j not in own and len(whole) > 1):
                inside = [u for u in table.profile.columns[j].values if words(u) and words(u) < whole]
                if len(inside) == 1:
                    pinned = {k: v for k, v in own.items() if k != i}
                    pinned[j] = inside
                    readings.append(Link(table, pinned, found.named, found.score, found.coverage, found.absent))
    return readings


def measure_column(found: Link, question: str) -> int | None:
    """The column of figures a ranking compares: the one the question names (the one sharing most words with it
    when it names several), else the table's only column of measurements; None when that is unclear."""
    profile = found.table.profile.columns
    named = [i for i in found.named if profile[i].numeric]
    if len(named) > 1:
        asked = words(question)
        shared = sorted(((len(words(found.table.columns[i]) & asked), i) for i in named), reverse=True)
        return shared[0][1] if shared[0][0] > shared[1][0] else None
    measures = named or [i for i, c in enumerate(profile) if c.numeric and not c.values]
    return measures[0] if len(measures) == 1 else None


def nearest_values(asked: str, present: list[str], limit: int = 5) -> list[str]:
    """The values closest to `asked`: by number when both are numbers (years), else in table order."""
    target = parse_number(asked.split()[0]) if asked.split() else None
    if target is None:
        return present[:limit]
    numbered = [(abs((parse_number(p.split()[0]) or 0.0) - target), p) for p in present
                if p.split() and parse_number(p.split()[0]) is not None]
    return [p for _, p in sorted(numbered)[:limit]] or present[:limit]


def specificity(values: tuple[str, ...]) -> tuple[bool, int]:
    """Sort key: columns without blank cells first, then those with more distinct values."""
    return ("" in values, -len(values))


def describe(table: StoredTable, pinned: dict[int, list[str]]) -> str:
    return ", ".join(f"{table.columns[c]} {' or '.join(v)}" for c, v in pinned.items())


def lacking(table: StoredTable, column: int, value: str) -> TableAnswer:
    """The near-miss refusal for a value (a year) a column of the table does not have, naming the nearest it has."""
    present = [v for v in table.profile.columns[column].values if v.strip()]
    reason = (f"{table.label} has no row for {table.columns[column]} {value}; it has "
              f"{', '.join(nearest_values(value, present))}.")
    return TableAnswer(Draft("", refused=True, notes=("table_near_miss",), reason=reason), None)
