"""What a question pins: years, months and days, names, the answer type, the thing counted, and a named source.

Every constraint is parsed with general English (interrogatives, prepositions, capitalisation) and the one figure
parser; which capitalised words are names the sources know comes from the index's own vocabulary, never from a
list of corpus words. An answering unit is then checked against the constraints (rag/constraint_check.py): a unit
that contradicts a pinned year, month, name or answer type cannot be the answer. Its parts: the content words and
stemmer (rag/words.py), a source named by its date (rag/named_sources.py), offices, leaders and bodies' acronyms
(rag/name_phrases.py), compass directions and ways of change (rag/compass.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from crossbrief.rag.compass import asked_direction, directed_nouns
from crossbrief.rag.dates import OPENS_PERIOD, POINTS_BACK_TO_A_TIME, dates_of, fiscal_years, periods_in, season_months, year_parts
from crossbrief.rag.figures import MONTHS, extract_figures
from crossbrief.rag.levies import asked_levied
from crossbrief.rag.name_phrases import asked_actor, bodies_of, leaders_in, name_acronyms, name_runs, offices_in
from crossbrief.rag.named_sources import (named_source_spans, names_dated_thing, source_dates, source_words,
                                          without_named_source)
from crossbrief.rag.places import (countries_asked_of, countries_in, countries_located_in, country_modifiers, country_words, names_same_country, provinces_located_in,
                                   without_possessive)
from crossbrief.rag.question_types import CHANGE_WORDS, answer_type, asks_about_table, asks_share, expected_kinds
from crossbrief.rag.words import FUNCTION_WORDS, content_words, stem

_LONGEST_ACRONYM = 8
_NAME = re.compile(r"\b([A-Z][a-zA-Z]{2,}(?:[-'][A-Za-z]+)?)(?:'s)?\b")
_SENTENCE_START = re.compile(r"(?:^|[.?!:]\s+|\n)\s*[\"'(]*$")
# a question that names a table as its source: "per the data table", "in the spreadsheet", "does the federal table
# give/show/list..."; not an idiom ("brought to the table", "on the negotiating table")
_TABLE = r"(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,2}?(?:tables?|spreadsheet|dataset|data set)"
_ASKS_TABLE = re.compile(rf"\b(?:according to|per|in|from|by)\s+{_TABLE}\b|\b{_TABLE}\s+(?:shows?|gives?|records?|"
                         r"lists?|reports?|says?|puts?|has|have|holds?|contains?|states?|registers?)\b", re.IGNORECASE)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
# "What about from Canada?", "And how about 2023?": a follow-up that asks the same again of something else
_SAME_AGAIN = re.compile(r"^\W*(?:and\s+|but\s+)?(?:(?:what|how)\s+about|what\s+of)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][a-z-]*\s?){1,4})", re.IGNORECASE)
# a question about a plan: "would ... hire", "will ... fund", "the FY25 budget request", "proposed"
_PLANS = re.compile(r"\b(?:would|will|plan(?:s|ned)?|budget(?:s|ed)?|requests?|requested|propos(?:e|es|ed|al))\b",
                    re.IGNORECASE)
# a question that compares two pinned years needs evidence of both ("by how much did the FY24 request exceed FY21")
_COMPARES = re.compile(rf"\b(?:{CHANGE_WORDS}|exceed|compare|between|versus|vs|than)[sd]?\b", re.IGNORECASE)


def name_key(name: str) -> str:
    """The part of a name its other forms share ("Canadian" and "Canada" -> "cana"): the name without a plural
    "s" ("Canadians") and then up to three trailing letters, never shorter than four."""
    lowered = name.lower()
    if len(lowered) > 5 and lowered.endswith("s") and not lowered.endswith("ss"):
        lowered = lowered[:-1]
    return lowered[: max(4, len(lowered) - 3)] if len(lowered) > 4 else lowered


def mentions(text: str, name: str) -> bool:
    """Whether `text` names `name`, in another form ("Canadian"/"Canada") or, for an acronym, spelt out ("CBP's"
    as "CBP")."""
    name = without_possessive(name)
    if name.isupper():
        # an acronym in the plural too ("33 HIDTAs")
        return re.search(r"\b" + re.escape(name) + r"(?:s|['’]s)?\b", text) is not None or name in initials(text)
    return re.search(r"\b" + re.escape(name_key(name)), text.lower()) is not None


def names_in(parts: tuple[str, ...], name: str) -> bool:
    """Whether the texts `parts` name `name` in any form, or the country `name` is another name of ("Canada" for
    "Ottawa")."""
    return any(mentions(part, name) for part in parts) or names_same_country(parts, name)


@functools.lru_cache(maxsize=20_000)
def initials(text: str) -> frozenset[str]:
    """Acronyms of the runs of capitalised words in `text` ("United States" -> "US"). Each passage is read for every
    sentence checked against it, so the result is remembered."""
    runs = re.findall(r"(?:\b[A-Z][a-z]+(?:\s+(?:of|and|for|the)?\s*)?){2,}", text)
    found: set[str] = set()
    for run in runs:  # the whole run, and every stretch of three to eight of its words ("The Criminal Intelligence
        # Service Canada" -> "CISC" too; two-letter stretches would find "US" in any "... Under Secretary ...")
        letters = "".join(w[0] for w in run.split() if w[:1].isupper())
        found |= {letters} | {letters[i:j] for i in range(len(letters))
                              for j in range(i + 3, min(len(letters), i + _LONGEST_ACRONYM) + 1)}
    return frozenset(found)


def sentence_names(text: str) -> tuple[str, ...]:
    """Names a sentence mentions (as `question_names` reads them)."""
    return question_names(text)


@dataclass(frozen=True)
class Constraints:
    """What a question pins. Empty fields pin nothing. Names are not a hard requirement (a capital may stand
    for its country), only a feature; years, months and the answer type are."""

    years: frozenset[int] = frozenset()
    months: frozenset[tuple[int, int]] = frozenset()  # (year, month)
    names: tuple[str, ...] = ()  # capitalised names of places, bodies, people
    kinds: tuple[str, ...] = ()  # figure kinds that answer it (count, percent, money, date, year, duration...)
    answer: str = "open"  # count | percent | money | date | duration | rate | quantity | amount | change | multiple |
    # name | list | open
    counted: str = ""  # the stemmed noun a "how many" question counts
    source_words: frozenset[str] = frozenset()  # content words of a named source ("fact sheet", "order")
    compares: bool = False  # it compares the years it pins: evidence must speak of each
    # (phrase, direction, noun as written): "northern border"; the answerer keeps those whose noun the index uses (a
    # noun it never uses is the question's own wording: "its northern neighbour" for a country the sources name)
    directed: tuple[tuple[str, str, str], ...] = ()
    words: tuple[str, ...] = field(default=())  # stemmed content words of the question
    # it asks for a figure a table gives ("...does the federal table show for 2023?"; not "what does the table
    # show?", which the sentence introducing the table answers)
    asks_table: bool = False
    # (name, acronym) for names inside a run of three or more capitalised words: "Customs" -> "CBP" for "Customs and
    # Border Protection", which the sources may write only as its acronym
    acronyms: tuple[tuple[str, str], ...] = ()
    # the countries the question names, by any of their names or codes ("Chinese", "Ottawa's", "the U.S."; never a
    # province: "British Columbia", "New Mexico"), as places.countries_in reads a text. Only a question that names
    # something by a capitalised name pins them (see `check`): a code alone, as in "US goods", is an attribute
    countries: frozenset[str] = frozenset()
    # (country, stemmed word, the name as written) for a country named just before a word of the question: "US drug
    # checking" -> ("US", "drug", "US"); a sentence that gives that word to another country only answers for that one
    qualified: tuple[tuple[str, str, str], ...] = ()
    # fiscal years a question asks money of or asks a plan for ("what does the FY25 budget give", "would ... hire"),
    # which governments plan and budget in the calendar year before; not what was done in one ("how many firearms
    # did / has ... seize(d) in FY24")
    planned: frozenset[int] = frozenset()
    # the numbered things it pins: ("half", 2) for "the second half of FY23", ("quarter", 1) for "Q1", ("meeting", 5)
    # for "the fifth meeting"
    parts: frozenset[tuple[str, int]] = frozenset()
    # the titled bodies and offices it names as "<Head> of <Name>": ("secretary", {"energy"}) for "the Secretary of
    # Energy"; a sentence naming only another of that head ("the Secretary of State") speaks of another office
    offices: tuple[tuple[str, frozenset[str]], ...] = ()
    # the dates of the documents it names by their date ("according to the July 2026 release", "under the March 2,
    # 2025 amendment"): (year, month; 0 for a year alone). Those dates pin the source, not the figure: a passage of
    # a source published at another date is not that document
    source_dates: frozenset[tuple[int, int]] = frozenset()
    # it asks for a day ("on what date", "from which day"): a month or a year alone does not answer it
    asks_day: bool = False
    # each word of a country's name of several words the question uses -> that country ("States" -> US): such a
    # word is met by any name of the country ("Americans", "the U.S.")
    country_words: tuple[tuple[str, frozenset[str]], ...] = ()
    # the countries the question places its figure in ("seized in Canada"), among others it names in other roles
    # ("comes from Mexico")
    located: frozenset[str] = frozenset()
    # the heads of government whose time it asks of ("the Biden administration", "President Biden"), by surname
    leaders: frozenset[str] = frozenset()
    # the way of change it gives what it asks of ("the reduced levy": "down"), when it gives one way only
    direction: str = ""
    # the provinces and states it places its figure in ("in Ontario", "the state of Texas"; places.provinces_located_in)
    provinces: tuple[str, ...] = ()
    # the countries it asks what they did, as its subject ("did the US record": places.countries_asked_of)
    subjects: frozenset[str] = frozenset()
    # the periods it asks a figure per ("deaths a day", "annually": dates.periods_in)
    periods: frozenset[str] = frozenset()
    # the countries whose goods it asks a levy on ("tariff ... on US goods": levies.levied_on)
    levied: frozenset[str] = frozenset()
    # it asks when something holds or happens as a rule ("when does the treatment end?", "when is a loss
    # recognised?"): a condition ("until the Secretary notifies ...") answers it as a date does
    asks_condition: bool = False
    # the runs of two or more capitalised words it names something by, as written ("White House", "Drug Enforcement
    # Administration"): a source's address may spell one out (publishers.publisher_labels)
    name_runs: tuple[tuple[str, ...], ...] = ()
    # it asks for the newest figure ("in the most recent year", "the latest count", "the current rate"): a newer
    # source's figure of the same measure is the answer, not only a rival to show beside a likelier older one
    asks_latest: bool = False
    # the body it asks what it did, by its acronym, and the verb's key ("did HSI seize": ("HSI", "seiz"));
    # asked_actor
    actor: tuple[str, ...] = ()
    # the things it qualifies by the body they belong to, by its acronym ("Targeting Teams at the FBI": (("team",
    # "FBI"),)); bodies_of
    owned: tuple[tuple[str, str], ...] = ()
    # it asks what part of a whole something is ("what proportion of the drug seized ..."): a figure that states a
    # change ("a 13% fall") is no share
    asks_share: bool = False
    # it names a thing by the month it came in ("did the October 2025 amendment set"): written before that month, a
    # sentence cannot tell of it, however it looks ahead ("will be subject to 40%")
    dated_thing: bool = False
    # the months that open the period it asks of ("after August 2025", "since the July 2025 amendment"): (year,
    # month). What a source published before that month says held is no answer for after it, unless it looks ahead
    opened: frozenset[tuple[int, int]] = frozenset()

    def name_met(self, parts: tuple[str, ...], name: str) -> bool:
        """Whether `parts` name `name` in any form, or the acronym of the longer name it is part of, or (a word of a
        country's longer name) that country by any of its names."""
        if any(mentions(part, short) for named, short in self.acronyms if named == name for part in parts):
            return True
        codes = next((codes for word, codes in self.country_words if word == without_possessive(name)), None)
        if codes is None:
            return names_in(parts, name)
        # a word of a country's longer name is met by the country, or by the word as written: its other forms are
        # other words ("stat" of "States" begins "statistic", "unit" of "United" is "units")
        word = re.compile(r"\b" + re.escape(without_possessive(name)) + r"\b")
        return any(countries_in(part) & codes or word.search(part) for part in parts)

    @property
    def pins_date(self) -> bool:
        return bool(self.years or self.months)


def question_names(question: str) -> tuple[str, ...]:
    """Capitalised words in the question that do not open a sentence: names of places, bodies and people
    (month names left out: months are dates)."""
    names = []
    for match in _NAME.finditer(question):
        word = match.group(1)
        if _SENTENCE_START.search(question[: match.start()]):
            continue
        if word.lower() in FUNCTION_WORDS or word.lower() in MONTHS:
            continue
        names.append(word)
    return tuple(dict.fromkeys(names))


# "current" of a figure's time, not of a fixed term ("current account", "current assets", "current dollars")
_ASKS_LATEST = re.compile(r"\b(?:most recent|latest|newest|currently|up-to-date|current(?!\s+(?:accounts?|assets?|"
                          r"liabilit(?:y|ies)|prices?|dollars?|terms|ratio|portion|expenses?|income|tax|"
                          r"receivables?|payables?|debt|deposits?)\b))\b", re.IGNORECASE)


def parse(question: str, context: str = "") -> Constraints:
    """The constraints of `question`; `context` (the question a follow-up leans on) fills in what it leaves open."""
    figures = extract_figures(question)
    # "since August 2025" opens a period: what was set just before it may still hold, so such a date pins its year
    # only, not its month or day
    opening = [f for f in figures if f.kind == "date" and OPENS_PERIOD.search(question[: f.start])]
    named = named_source_spans(question)
    of_source = [f for f in figures if any(start <= f.start < end for start, end, _ in named)]
    # a month names the document alone; a year alone may be the figures' too ("according to the 2023 figures"), so
    # it stays a pin of the figure as well
    by_month = [f for f in of_source if any(start <= f.start < end and month for start, end, month in named)]
    years, months = dates_of([f for f in figures if f not in opening and f not in by_month])
    years |= dates_of(opening)[0] | fiscal_years(question)
    seasons = season_months(question)
    months |= seasons
    years |= {year for year, _ in seasons}
    if context and not years and not months and POINTS_BACK_TO_A_TIME.search(question):  # "that year": the one asked before
        earlier = parse(context)
        years, months = set(earlier.years), set(earlier.months)
    # a follow-up that asks in its own words ("Which of them...?") does not inherit the earlier answer type; one that
    # asks the same of something else ("What about Mexico?") does
    inherit = context if not _WH.search(_SAME_AGAIN.sub("", question)) else ""
    kinds = expected_kinds(question, inherit)
    kind = answer_type(question, inherit)
    counted = ""
    match = _HOW_MANY.search(question) or (_HOW_MANY.search(context) if context else None)
    if match:
        counted = counted_noun(match.group(1))
    own = question_names(question)
    named_in = question if own or not context else context  # a follow-up naming nothing asks of what it follows
    names = own or question_names(named_in)
    acronyms = name_acronyms(named_in)
    return Constraints(frozenset(years), frozenset(months), names, kinds, kind, counted,
                       source_words(question), len(years) >= 2 and _COMPARES.search(question) is not None,
                       directed_nouns(question),
                       tuple(dict.fromkeys(stem(w) for w in content_words(without_named_source(question)))),
                       _ASKS_TABLE.search(question) is not None and not asks_about_table(question),
                       tuple((n, a) for n, a in acronyms.items() if n in names), countries_in(named_in),
                       qualified_words(question),
                       frozenset(fiscal_years(question)) if kind == "money" or _PLANS.search(question)
                       else frozenset(), year_parts(question, FUNCTION_WORDS), offices_in(question),
                       source_dates(of_source), _ASKS_DAY.search(question) is not None,
                       tuple(country_words(named_in).items()), countries_located_in(question), leaders_in(named_in),
                       asked_direction(question), tuple(provinces_located_in(question)), countries_asked_of(question),
                       periods_in(question), asked_levied(question),
                       asks_condition=_ASKS_CONDITION.search(question) is not None,
                       name_runs=name_runs(named_in), asks_latest=_ASKS_LATEST.search(question) is not None,
                       asks_share=kind == "percent" and asks_share(question), actor=asked_actor(question),
                       owned=bodies_of(question), dated_thing=names_dated_thing(question),
                       opened=frozenset(dates_of(opening)[1]))


def counted_noun(phrase: str) -> str:
    """The stemmed noun a "how many" question counts, from the words after "how many": the first plural before a
    function word or a verb ("new synthetic substances did" -> substances), else the first word ("people died");
    "" for a unit of time ("how many years") or a function word."""
    words: list[str] = []
    for word in phrase.lower().split():
        if word in FUNCTION_WORDS or (words and word.endswith("ed")):  # "people received benefits": a verb ends it
            break
        words.append(word)
    plurals = [w for w in words if w.endswith("s") and not w.endswith("ss")]
    noun = stem((plurals or words or [""])[0].split("-")[-1])
    times = {"time", "year", "day", "hour", "week", "month"}
    return "" if not noun or noun in FUNCTION_WORDS or noun in times or noun.rstrip("s") in times else noun


def qualified_words(text: str) -> tuple[tuple[str, str, str], ...]:
    """(country, stemmed content word, name) for each content word that a country's name stands just before."""
    return tuple(sorted((code, stem(word), name) for code, word, name in country_modifiers(text)
                        if word not in FUNCTION_WORDS))


_ASKS_DAY = re.compile(r"\b(?:what|which) (?:date|day)\b", re.IGNORECASE)
# "when" with a verb of the present: what holds as a rule ("when does the exemption end?", "when is goodwill
# considered impaired?"), not when an event was or will be ("when will the tariffs take effect?", "when is the
# deadline?")
_ASKS_CONDITION = re.compile(r"\bwhen (?:does|do)\b|\bwhen (?:is|are)\b[^?]*\b\w{3,}(?:ed|en)\b", re.IGNORECASE)


