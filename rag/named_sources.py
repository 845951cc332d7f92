"""The documents a question names by their date ("according to the February 2025 order", "per the tally released in
May 2025", "did the October 2025 amendment set"): where the phrase is, the date it gives the source, the question
without it, and the words naming the source."""

from __future__ import annotations

import re

from crossbrief.rag.dates import dates_of
from crossbrief.rag.figures import MONTH_NAMES, MONTHS, Figure, extract_figures
from crossbrief.rag.words import FUNCTION_WORDS, content_words, stem


# a source named in the question: "according to the February 2025 order", "per the 2023 fact sheet"
# (a date's comma, between its day and its year, does not end the phrase: "under the March 2, 2025 amendment")
_SOURCE_PHRASE = re.compile(r"\b(?:according to|per|as stated in|as set out in|in|under|by) (?:the|its|their|this|that) "
                            r"((?:[^,?.;]|(?<=\d),(?=\s*(?:19|20)\d\d\b)){3,60})", re.IGNORECASE)


# a thing named by its month: "the October 2031 amendment", "the March 4, 2031 order" (not "the 2031 budget", "the
# 2031 fiscal year", nor "the January 2031 to March 2031 period")
DATED_THING = re.compile(rf"\bthe (?:{MONTH_NAMES}) (?:\d{{1,2}}, )?(?:19|20)\d\d (?!(?:to|and|or|through|until)\b)"
                         r"[a-z][a-z-]+\b(?!\s+year)")


# a document named by its date after a word that attributes ("according to the July 2026 release", "per the 2025
# fact sheet", "under the March 2, 2025 amendment"; never "in the January 2025 wildfires", an event): the date, then
# the noun it dates, not a year's own ("the 2023 fiscal year")
_NAMED_SOURCE = re.compile(
    r"\b(?i:according to|per|as stated in|as set out in|under) the ((?:[A-Z][a-z]+ (?:\d{1,2}, )?)?(?:19|20)\d\d) "
    r"([a-z][a-z-]+)\b(?!\s+year)")


# a document named by when it came out, in a phrase naming a source: "according to the preliminary tally released in
# May 2025", "per the report published on 3 March 2031" (not "the order issued on July 31, 2025 set": an event's
# date, not a source's)
_RELEASED = re.compile(r"\b(?i:according to|per|as stated in|as set out in|as reported in)\s+(?:the|a|an|its|their)\s+"
                       r"(?:[\w'’-]+\s+){0,6}?(?:released|published|issued|dated|updated)\s+(?:(?:in|on)\s+)?"
                       r"((?:\d{1,2} )?(?:[A-Z][a-z]+ (?:\d{1,2}, )?)?(?:19|20)\d\d)\b")


# up to two words that end a source's name at the end of its clause ("... the March 2025 fact sheet?")
_NAME_ENDS = re.compile(r"(?:\s+[\w'’-]+){0,2}(?=\s*(?:[,?.;!]|$))")


def _source_phrases(question: str) -> list[tuple[int, int, tuple[int, int], bool]]:
    """(start, end) of each phrase naming a document by its date, the date's (start, end), and whether it has a
    month (_NAMED_SOURCE, _RELEASED)."""
    found = []
    for match in _RELEASED.finditer(question):
        words = match.group(1).split()
        month = any(w.lower() in MONTHS for w in words)
        if len(words) == 1 or month:
            found.append((match.start(), match.end(), (match.start(1), match.end(1)), month))
    for match in _NAMED_SOURCE.finditer(question):
        words = match.group(1).split()
        if (len(words) > 1 and words[0].lower() not in MONTHS) or match.group(2) in FUNCTION_WORDS:
            continue
        found.append((match.start(), match.end(), (match.start(1), match.end(1)), len(words) > 1))
    return found


def named_source_spans(question: str) -> list[tuple[int, int, bool]]:
    """(start, end, with its month) of each date in `question` that names a document (_NAMED_SOURCE, _RELEASED)."""
    return [(date[0], date[1], month) for _, _, date, month in _source_phrases(question)]


def without_named_source(question: str) -> str:
    """`question` without the phrases that name its source by a date ("..., according to the February 2025
    analysis?", "per the tally released in May 2025"): those words are the source's, met by its date and title, not
    words its answer's sentence says. The phrase runs to the end of its clause when that is two words on or fewer
    ("the March 2025 fact sheet?"); what follows it stays ("Under the February 2025 order what tariff applies?")."""
    for start, end, _, _ in sorted(_source_phrases(question), reverse=True):
        ends = _NAME_ENDS.match(question, end)
        end = ends.end() if ends else end
        before, after = question[:start].rstrip(" ,"), question[end:].lstrip(" ,")
        question = (f"{before}{'' if after[:1] in ',?.;!' else ' '}{after}" if after else before) if before else after
    return question


def source_dates(figures: list[Figure]) -> frozenset[tuple[int, int]]:
    """(year, month; 0 for a year alone) of the dates that name documents."""
    years, months = dates_of(figures)
    return frozenset(months | {(y, 0) for y in years if not any(m[0] == y for m in months)})


def figures_in(text: str) -> bool:
    """Whether a phrase holds a date or year: only then does "in the 2023 fact sheet" name a source."""
    return any(f.kind in ("year", "date") for f in extract_figures(text))


def source_words(question: str) -> frozenset[str]:
    """The stemmed content words of the sources `question` names with a date or year ("in the 2023 fact sheet" ->
    fact, sheet): the source's words, not what its answer says."""
    found: set[str] = set()
    for phrase in _SOURCE_PHRASE.finditer(question):
        words = [w for w in content_words(phrase.group(1)) if not w.isdigit()]
        if figures_in(phrase.group(1)):
            found.update(stem(w) for w in words if not extract_figures(w) and w.lower() not in MONTHS)
    return frozenset(found)


def names_dated_thing(question: str) -> bool:
    """Whether `question` names a thing by the month it came in ("did the October 2025 amendment set")."""
    return DATED_THING.search(question) is not None


def dated_things(question: str) -> list[tuple[int, int]]:
    """(start, end) of each thing `question` names by its month ("the July 2031 amendment")."""
    return [m.span() for m in DATED_THING.finditer(question)]
