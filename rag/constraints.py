"""What a question pins: years, months and days, names, the answer type, the thing counted, and a named source.

Every constraint is parsed with general English (interrogatives, prepositions, capitalisation) and the one figure
parser; which capitalised words are names the sources know comes from the index's own vocabulary, never from a
list of corpus words. An answering unit is then checked against the constraints: a unit that contradicts a pinned
year, month, name or answer type cannot be the answer (see `check`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from crossbrief.rag.dates import (OPENS_PERIOD, baseline_years, dates_of, fiscal_years, names_month, ordinal,
                                  period_years, unit_dates, year_parts)
from crossbrief.rag.figures import Figure, extract_figures
from crossbrief.rag.question_types import CHANGE_WORDS, answer_type, asks_about_table, expected_kinds
from crossbrief.rag.places import (countries_in, countries_named, country_modifiers, names_same_country,
                                   without_possessive)
from crossbrief.rag.spelling import american

WORD = re.compile(r"[a-z0-9]+")
# general English function words; what is left of a question are its content words
FUNCTION_WORDS = frozenset("""a an and are as at be been being by can could did do does doing for from had has have
having how i if in into is it its of on or that the their them there these they this those to was were what when
where which while who whom whose why will with would about after before than then also any much many more most
some such per according said says say tell me our we us you your my one ones other another each every both all
should shall may might must not no nor only own same so too very just over under again further once here
out up down off above below between through during until against among""".split())
_LONGEST_ACRONYM = 8
_NAME = re.compile(r"\b([A-Z][a-zA-Z]{2,}(?:[-'][A-Za-z]+)?)(?:'s)?\b")
_SENTENCE_START = re.compile(r"(?:^|[.?!:]\s+|\n)\s*[\"'(]*$")
# a source named in the question: "according to the February 2025 order", "per the 2023 fact sheet"
_SOURCE_PHRASE = re.compile(r"\b(?:according to|per|as stated in|as set out in|in|under|by) (?:the|its|their|this|that) "
                            r"([^,?.;]{3,60})", re.IGNORECASE)
# a question that names a table as its source: "per the data table", "in the spreadsheet", "does the federal table
# give/show/list..."; not an idiom ("brought to the table", "on the negotiating table")
_TABLE = r"(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,2}?(?:tables?|spreadsheet|dataset|data set)"
_ASKS_TABLE = re.compile(rf"\b(?:according to|per|in|from|by)\s+{_TABLE}\b|\b{_TABLE}\s+(?:shows?|gives?|records?|"
                         r"lists?|reports?|says?|puts?|has|have|holds?|contains?|states?|registers?)\b", re.IGNORECASE)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
MONTHS = frozenset(m.lower() for m in ("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"))
_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][a-z-]*\s?){1,4})", re.IGNORECASE)
# a question about a plan: "would ... hire", "will ... fund", "the FY25 budget request", "proposed"
_PLANS = re.compile(r"\b(?:would|will|plan(?:s|ned)?|budget(?:s|ed)?|requests?|requested|propos(?:e|es|ed|al))\b",
                    re.IGNORECASE)
# a question that compares two pinned years needs evidence of both ("by how much did the FY24 request exceed FY21")
_COMPARES = re.compile(rf"\b(?:{CHANGE_WORDS}|exceed|compare|between|versus|vs|than)[sd]?\b", re.IGNORECASE)
# a compass direction that narrows what follows it ("the northern border", "South-West region"): general English
_DIRECTION = re.compile(r"\b(north|south)[- ]?(east|west)(?:ern|ward)?\b|\b(north|south|east|west)(?:ern|ward)?\b",
                        re.IGNORECASE)
_DIRECTED = re.compile(r"(?:" + _DIRECTION.pattern + r")\s+([a-z]{4,})", re.IGNORECASE)


def directions(text: str, noun: str = "") -> set[str]:
    """The compass directions `text` names, normalised ("Northern", "north" -> "north"; "south-western" ->
    "southwest"). A direction that opens a name ("North America", "South Korea") is not one, unless the name is of
    `noun` (a stemmed noun: "Southwest Border" for "border")."""
    found = set()
    for match in _DIRECTION.finditer(text):
        following = re.match(r"\s+([A-Z][a-z]+)", text[match.end():])
        if match.group(0)[0].isupper() and following and stem(following.group(1).lower()) != noun:
            continue
        found.add("".join(g.lower() for g in match.groups() if g))
    return found


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in FUNCTION_WORDS and len(w) > 1]


def stem(word: str) -> str:
    """A light suffix stripper, enough to match "seizures"/"seized" and "countries"/"country"; a British spelling
    stems as the American one ("tranquillisers"/"tranquilizer")."""
    word = american(word)
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


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
        return re.search(r"\b" + re.escape(name) + r"\b", text) is not None or name in initials(text)
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
    answer: str = "open"  # count | percent | money | date | duration | rate | quantity | name | list | open
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

    def name_met(self, parts: tuple[str, ...], name: str) -> bool:
        """Whether `parts` name `name` in any form, or the acronym of the longer name it is part of."""
        return names_in(parts, name) or any(mentions(part, short) for named, short in self.acronyms if named == name
                                            for part in parts)

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


def parse(question: str, context: str = "") -> Constraints:
    """The constraints of `question`; `context` (the question a follow-up leans on) fills in what it leaves open."""
    figures = extract_figures(question)
    # "since August 2025" opens a period: what was set just before it may still hold, so such a date pins its year
    # only, not its month or day
    opening = [f for f in figures if f.kind == "date" and OPENS_PERIOD.search(question[: f.start])]
    years, months = dates_of([f for f in figures if f not in opening])
    years |= dates_of(opening)[0] | fiscal_years(question)
    # a follow-up that asks in its own words ("Which of them...?") does not inherit the earlier answer type
    inherit = context if not _WH.search(question) else ""
    kinds = expected_kinds(question, inherit)
    kind = answer_type(question, inherit)
    counted = ""
    match = _HOW_MANY.search(question) or (_HOW_MANY.search(context) if context else None)
    if match:
        counted = counted_noun(match.group(1))
    source_words: set[str] = set()
    for phrase in _SOURCE_PHRASE.finditer(question):
        words = [w for w in content_words(phrase.group(1)) if not w.isdigit()]
        if figures_in(phrase.group(1)):
            source_words.update(stem(w) for w in words if not extract_figures(w))
    own = question_names(question)
    named_in = question if own or not context else context  # a follow-up naming nothing asks of what it follows
    names = own or question_names(named_in)
    acronyms = name_acronyms(named_in)
    return Constraints(frozenset(years), frozenset(months), names, kinds, kind, counted,
                       frozenset(source_words), len(years) >= 2 and _COMPARES.search(question) is not None,
                       directed_nouns(question), tuple(dict.fromkeys(stem(w) for w in content_words(question))),
                       _ASKS_TABLE.search(question) is not None and not asks_about_table(question),
                       tuple((n, a) for n, a in acronyms.items() if n in names), countries_in(named_in),
                       qualified_words(question),
                       frozenset(fiscal_years(question)) if kind == "money" or _PLANS.search(question)
                       else frozenset(), year_parts(question, FUNCTION_WORDS))


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


_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|on)\s+)*[A-Z][a-z]+)+")


def name_acronyms(question: str) -> dict[str, str]:
    """Each capitalised word of a run of three or more (small words between them left out of the letters) -> the
    run's acronym: "Customs" -> "CBP" for "... did Customs and Border Protection seize"."""
    found: dict[str, str] = {}
    for run in _NAME_RUN.finditer(question):
        named = [w for w in run.group(0).split() if w[0].isupper() and w.lower() not in FUNCTION_WORDS]
        if len(named) >= 3:
            found.update({w: "".join(x[0] for x in named) for w in named})
    return found


# nouns naming a country by its relation to another: a direction narrows none of them to a region
_RELATIONAL = frozenset({"neighbor", "ally", "allie", "partner", "counterpart"})


def directed_nouns(question: str) -> tuple[tuple[str, str, str], ...]:
    """The question's nouns narrowed by a compass direction: ("northern border", "north", "border"), the noun in
    lower case as written (the index's vocabulary is looked up with it); a name that
    opens with one ("North Korea", "South Africa", "the West Bank") narrows nothing."""
    found = []
    for match in _DIRECTED.finditer(question):
        noun = match.group(4)
        if match.group(0)[0].isupper() and noun[0].isupper() or noun.lower() in FUNCTION_WORDS:
            continue
        if american(noun.lower()).rstrip("s") in _RELATIONAL:
            continue  # "its northern neighbour" is a country, not a part of one
        found.append((match.group(0), "".join(g.lower() for g in match.groups()[:3] if g), noun.lower()))
    return tuple(found)


def figures_in(text: str) -> bool:
    """Whether a phrase holds a date or year: only then does "in the 2023 fact sheet" name a source."""
    return any(f.kind in ("year", "date") for f in extract_figures(text))


@dataclass(frozen=True)
class Check:
    """How a unit stands against the constraints: fractions in [0, 1] and a reason when it contradicts one."""

    date: float  # 1 pinned date met, 0.5 nothing pinned or nothing said, 0 contradicted
    names: float  # share of pinned names the unit's passage mentions (1 when none pinned)
    names_near: float  # share of pinned names the unit itself (sentence, title, heading) mentions
    other_names: float  # 1 when the unit names places or bodies and none of them is one the question names
    kind: float  # 1 holds a figure of the asked kind, 0 does not (1 when none asked)
    counted: float  # 1 a figure is followed by the counted noun
    source: float  # share of a named source's words in the unit's title (1 when none named)
    contradiction: str = ""  # "year 2021", "name India", "kind count" ...
    met_near: tuple[str, ...] = ()  # the pinned names the unit itself mentions, in any form or by their country


def check(constraints: Constraints, sentence: str, figures: tuple[Figure, ...], context: str, passage_text: str,
          passage_date: str | None) -> Check:
    """Checks one unit (a sentence with `context`: title, heading, the sentence before; and its whole passage)."""
    contradiction = ""
    date = 0.5
    if constraints.pins_date:
        years, months = unit_dates(sentence)
        years -= baseline_years(sentence) if years - baseline_years(sentence) else set()
        near_years, near_months = unit_dates(context)
        published = (int(passage_date[:4]), int(passage_date[5:7])) if passage_date and len(passage_date) >= 7 else None
        # the sentence's own dates speak for it; only a sentence that names none is read with its context
        year_ok = bool(constraints.years & (years or near_years)) or bool(
            published and published[0] in constraints.years and not years)
        month_ok = not constraints.months or bool(constraints.months & (months or near_months)) or bool(
            published and published in constraints.months and not months)
        if year_ok and month_ok:
            date = 1.0
        elif years - constraints.years and not (constraints.years & years):
            other = years - constraints.years
            contradiction = f"year {min(other, key=lambda y: (min(abs(y - a) for a in constraints.years), -y))}"
            date = 0.0
        elif constraints.months and (months and not constraints.months & months or not months and near_months
                                     and min(near_months) > max(constraints.months)
                                     and not names_month(sentence, constraints.months)):
            # the sentence's own months; or for a sentence that names none (nor the asked month's name alone: "in
            # March"), those of what it is read with when they are all later than the asked month ("In return, the
            # exporters undertook..." after "...cut the duty, effective November 10" for March: what held before the
            # asked month may still hold in it)
            year, month = max(months or near_months)
            contradiction = f"month {dt.date(year, month, 1):%B %Y}"
            date = 0.0
        elif not year_ok and constraints.years:  # the sentence names no year (or only the asked month's)
            # it speaks of its own time or "last year", and its source is of the asked year or the next; or of a
            # fiscal year's budget, published the calendar year before it
            if published and any(0 <= published[0] - asked <= 1 or asked in constraints.planned
                                 and published[0] == asked - 1 for asked in constraints.years):
                date = 0.75
            elif near_years - constraints.years:
                other = near_years - constraints.years
                contradiction = f"year {min(other, key=lambda y: (min(abs(y - a) for a in constraints.years), -y))}"
                date = 0.0  # what it is read with names another year
            elif published:
                # a source published long after the asked year does not give that year's figure
                contradiction, date = f"published {published[0]}", 0.0
    if constraints.parts and not contradiction:
        # "the first half of FY 23" for "the second half", "the fourth meeting" for "the fifth": another of the same
        # numbered things
        asked_parts = {(stem(k), n) for k, n in constraints.parts}
        of_kind = {(k, n) for k, n in year_parts(sentence, FUNCTION_WORDS) if any(stem(k) == a for a, _ in asked_parts)}
        if of_kind and not {(stem(k), n) for k, n in of_kind} & asked_parts:
            part, number = min(of_kind)
            contradiction, date = f"part {ordinal(number)} {part}", 0.0
    if constraints.compares and not contradiction:
        # evidence of another pair of years ("FY24 against FY22" for "FY24 against FY21"); a unit that names no
        # other year may lean on its passage for the one it leaves out ("Revenue rose $12 million"), and a year that
        # opens a reference period ("the highest since 2015") is not one of a pair
        named = unit_dates(f"{context} {sentence}")[0]
        missing = constraints.years - named
        if missing and named - constraints.years - period_years(f"{context} {sentence}"):
            contradiction, date = f"lacks {min(missing)}", 0.0
    if constraints.directed and not contradiction:
        # a unit that names no such direction ("Agents seized 400 pounds", "all borders", "the West Coast") gives a
        # figure for another scope than "the northern border"; "southwest" is one of the south's
        for phrase, direction, noun in constraints.directed:
            if not any(named.startswith(direction) for named in directions(f"{context} {sentence}", stem(noun))):
                contradiction = f"scope {phrase}"
                break
    names = names_near = 1.0
    other_names = 0.0
    met_near: tuple[str, ...] = ()
    if constraints.names:  # soft signals: "Washington" may stand for a country its sources call by name
        names = sum(1 for n in constraints.names if constraints.name_met((context, passage_text), n)) / len(constraints.names)
        met_near = tuple(n for n in constraints.names if constraints.name_met((context, sentence), n))
        names_near = len(met_near) / len(constraints.names)
        own = sentence_names(sentence)
        if own and not names_near and not any(mentions(" ".join(constraints.names), n) for n in own):
            other_names = 1.0
        if not contradiction and not names_near and constraints.countries:
            # a sentence that names countries, none of them one the question pins, gives another country's figure
            # ("Most Canadian imports face 25%" for Chinese imports); a sentence naming no country may lean on its
            # passage for one
            spoken_of = countries_in(sentence)
            if spoken_of and not spoken_of & constraints.countries:
                asked = next((n for n in constraints.names if countries_named(n) & constraints.countries),
                             constraints.names[0])
                contradiction = f"name {asked}"
    if not contradiction and constraints.qualified:
        contradiction = _qualified_by_another(constraints, sentence, context)
    kind = 1.0
    if constraints.kinds:
        kind = 1.0 if any(f.kind in constraints.kinds for f in figures) else 0.0
        if not kind and not contradiction:
            contradiction = f"kind {constraints.answer}"
    counted = 0.0
    if constraints.counted:
        for figure in figures:
            after = sentence[figure.end:figure.end + 60].lower()
            if any(stem(w) == constraints.counted for w in WORD.findall(after)[:4]):
                counted = 1.0
                break
    source = 1.0
    if constraints.source_words:
        title_words = {stem(w) for w in content_words(context)}
        source = len(constraints.source_words & title_words) / len(constraints.source_words)
    return Check(date, names, names_near, other_names, kind, counted, source, contradiction, met_near)


def _qualified_by_another(constraints: Constraints, sentence: str, context: str) -> str:
    """"name X" when the sentence gives a word the question qualifies by country X ("US drug checking") to another
    country only ("Canadian drug checking"), naming X nowhere, nor does what it is read with; else "". A word the
    question gives to several countries ("US drug checking against Canadian drug checking") pins none."""
    spoken_of = countries_in(sentence) | countries_in(context)
    theirs = {(code, word) for code, word, _ in qualified_words(sentence)}
    givers: dict[str, set[str]] = {}
    for code, word, _ in constraints.qualified:
        givers.setdefault(word, set()).add(code)
    for code, word, name in constraints.qualified:
        if len(givers[word]) > 1 or code in spoken_of:
            continue
        if any(w == word and c != code and c not in constraints.countries for c, w in theirs):
            return f"name {without_possessive(name)}"
    return ""


def near_miss_reason(constraints: Constraints, contradiction: str) -> str:
    """A user-facing sentence for a question whose nearest evidence contradicts what it pins."""
    what, _, value = contradiction.partition(" ")
    if what == "year":
        asked = ", ".join(str(y) for y in sorted(constraints.years))
        return f"The sources give no figure for {asked}; the nearest is {value}."
    if what == "month":
        asked = ", ".join(f"{dt.date(y, m, 1):%B %Y}" for y, m in sorted(constraints.months))
        return f"The sources give nothing for {asked}; the nearest is {value}."
    if what == "published":
        asked = ", ".join(str(y) for y in sorted(constraints.years))
        return f"The sources give no figure for {asked}; the closest passages speak of {value}."
    if what == "lacks":
        return f"The sources give no figure for {value} to compare with."
    if what == "part":
        asked = " or ".join(f"the {ordinal(n)} {kind}" for kind, n in sorted(constraints.parts))
        return f"The sources give nothing for {asked}; the nearest is the {value}."
    if what == "scope":
        return f"The closest passages say nothing about the {value}."
    if what == "name":
        return f"The closest passages speak of another country, not the one asked ({without_possessive(value)})."
    if what == "kind":
        if value == "change":
            return "The closest passages give no figure for that change."
        article = "an" if value[:1] in "aeiou" else "a"
        return f"The closest passages hold no {value} that answers this." if value != "open" else \
            f"The closest passages hold {article} different kind of figure."
    return "The sources do not say."
