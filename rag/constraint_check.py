"""How a candidate unit (a sentence or a table row, with its context) stands against a question's constraints
(rag/constraints.py): which pinned year, month, name, answer type, counted thing or source it meets, and the
contradiction that rules it out as the answer; and the reason a refusal gives when the nearest unit contradicts one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crossbrief.rag.compass import change_directions, directions
from crossbrief.rag.constraints import Constraints, mentions, qualified_words, sentence_names
from crossbrief.rag.name_phrases import OFFICE_TITLES, leaders_in, offices_in
from crossbrief.rag.words import FUNCTION_WORDS, WORD, content_words, stem
from crossbrief.rag.dates import (NAMES_A_TIME, OTHER_TIME, baseline_years, dated_today, names_month, ordinal,
                                  period_years, periods_in, relative_years, unit_dates, year_parts)
from crossbrief.rag.figures import MONTHS, Figure
from crossbrief.index.documents import row_fields
from crossbrief.rag.publishers import published_by
from crossbrief.rag.levies import levied_at_rate, levied_on, speaks_of_levy
from crossbrief.rag.named_bodies import another_actor, another_of_its_kind, another_owner
from crossbrief.rag.measures import measure, noun_phrase, states_a_change, states_a_multiple
from crossbrief.rag.places import (countries_in, countries_located_in, countries_named, is_capital, province_named,
                                   provinces_located_in, without_possessive)


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
    published: tuple[str, ...] = ()  # the pinned names its source's publisher is (rag/publishers.py)


def check(constraints: Constraints, sentence: str, figures: tuple[Figure, ...], context: str, passage_text: str,
          passage_date: str | None, publisher: frozenset[str] = frozenset(), previous: str = "") -> Check:
    """Checks one unit (a sentence with `context`: title, heading, the sentence before; and its whole passage;
    `publisher`: the labels of its source's address, publishers.publisher_labels; `previous`: the sentence before
    alone)."""
    contradiction = ""
    date = 0.5
    if constraints.pins_date:
        published = (int(passage_date[:4]), int(passage_date[5:7])) if passage_date and len(passage_date) >= 7 else None
        years, months = unit_dates(sentence)
        years |= relative_years(sentence, published[0] if published else None)  # "last year" of a 2025 source: 2024
        years -= baseline_years(sentence) if years - baseline_years(sentence) else set()
        near_years, near_months = unit_dates(context)
        # "74,702 died in 2023, 1.6 times more than in 2017" before "... rose to 5.7 million during the same
        # period": 2017 is what the period is compared with, not the year of the figures that follow
        near_years -= baseline_years(context) if near_years - baseline_years(context) else set()
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
        elif constraints.months and not months and not near_months and published and \
                published < min(constraints.months) and not names_month(sentence, constraints.months) and \
                not (NAMES_A_TIME if constraints.dated_thing else _LOOKS_AHEAD).search(sentence):
            # a sentence naming no month of its own, in a source published before the asked month: written before
            # it, it does not say what that month brought ("promised in November to charge 25%" of February for the
            # July amendment), unless it looks ahead or names a time another way ("will take effect next month",
            # "remains in force", "on 3/4/2025", "in Q1")
            contradiction = f"month {dt.date(published[0], published[1], 1):%B %Y}"
            date = 0.0
        elif constraints.months and not months and not near_months and not years and published and \
                published > max(constraints.months) and not constraints.dated_thing and \
                not NAMES_A_TIME.search(sentence) and \
                not any(w.lower() in MONTHS for w in re.findall(r"[A-Za-z]+", sentence)):
            # a sentence naming no time of its own (no year, month, season, quarter or "last month") in a source
            # published after the asked month speaks of its own time, as one read with a later month does ("has
            # found it necessary to raise the levy from 25% to 35%" in July, for March); not where the month names
            # a thing ("the July 2025 amendment"), which a later source tells of ("The amendment also raised ...")
            contradiction = f"month {dt.date(published[0], published[1], 1):%B %Y}"
            date = 0.0
        elif not year_ok and constraints.years:  # the sentence names no year (or only the asked month's)
            # it speaks of its own time ("recently"), and its source is of the asked year or the next; or of a
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
    if constraints.opened and not contradiction and published and published < min(constraints.opened) and \
            not any(m >= min(constraints.opened) for m in months | near_months) and not _LOOKS_AHEAD.search(sentence):
        # asked of the time after a month ("after August 2025"), a source published before it tells what held until
        # it came out, not after that month (unless it looks ahead: "will remain", "until", a later month)
        contradiction, date = f"month {dt.date(published[0], published[1], 1):%B %Y}", 0.0
    # a passage of another document than the one the question names by its date: that is the reason, whatever its
    # years say
    contradiction = another_source(constraints, passage_date) or contradiction
    if constraints.parts and not contradiction:
        # "the first half of FY 23" for "the second half", "the fourth meeting" for "the fifth": another of the same
        # numbered things
        asked_parts = {(stem(k), n) for k, n in constraints.parts}

        def parts_of_kind(text: str) -> set[tuple[str, int]]:
            return {(k, n) for k, n in year_parts(text, FUNCTION_WORDS) if any(stem(k) == a for a, _ in asked_parts)}
        # the sentence's own parts; for one that names none (nor does what it is read with), its passage's: a passage
        # that speaks of the fourth meeting only does not say what the fifth did
        of_kind = parts_of_kind(sentence) or parts_of_kind(context) or parts_of_kind(passage_text)
        if of_kind and not {(stem(k), n) for k, n in of_kind} & asked_parts:
            part, number = min(of_kind)
            contradiction, date = f"part {ordinal(number)} {part}", 0.0
    if constraints.compares and not contradiction:
        # evidence of another pair of years ("FY24 against FY22" for "FY24 against FY21"); a unit that names one of
        # the pair and no other year may lean on its passage for the one it leaves out, and a year that opens a
        # reference period ("the highest since 2015") is not one of a pair. A unit that names no year is read with
        # its passage, which may name the pair once for all ("Revenue rose $12 million" under "FY24 against FY21");
        # a passage that pairs other years ("... $46.1 billion." before "The FY24 request is $5 billion above the
        # FY22 request"), or names no year at all, gives no evidence of the pair asked
        read = f"{context} {sentence}"
        named = unit_dates(read)[0] | relative_years(read, int(passage_date[:4]) if passage_date else None)
        if not named:
            read = passage_text
            named = unit_dates(read)[0]
        missing = constraints.years - named
        if missing and (not named or named - constraints.years - period_years(read)):
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
    by_publisher: set[str] = set()
    if constraints.names:  # soft signals: "Washington" may stand for a country its sources call by name
        by_publisher = published_by(constraints, publisher)
        names = sum(1 for n in constraints.names
                    if n in by_publisher or constraints.name_met((context, passage_text), n)) / len(constraints.names)
        met_near = tuple(n for n in constraints.names if constraints.name_met((context, sentence), n))
        names_near = len(set(met_near) | by_publisher) / len(constraints.names)
        own = sentence_names(sentence)
        if own and not names_near and not any(mentions(" ".join(constraints.names), n) for n in own):
            other_names = 1.0
        if not contradiction and constraints.countries:
            contradiction = _another_country(constraints, sentence, context, passage_text, met_near) or \
                _goes_on_elsewhere(constraints, sentence, previous)
    elif not contradiction and (constraints.located or constraints.subjects):
        contradiction = _placed_elsewhere(constraints, sentence)
    if not contradiction and constraints.name_runs:  # "South Florida HIDTA" for the Northwest HIDTA asked
        contradiction = another_of_its_kind(constraints.name_runs, sentence, previous)
    if not contradiction and constraints.actor:  # "CBP seized ..." for what HSI seized
        contradiction = another_actor(constraints, sentence)
    if not contradiction and constraints.owned:  # "Targeting Teams at the DEA" for those at the FBI
        contradiction = another_owner(constraints, sentence)
    if not contradiction and constraints.countries:
        contradiction = _within_a_province(constraints, sentence)
    if not contradiction and constraints.provinces:
        contradiction = _province_unnamed(constraints, context, passage_text)
    if not contradiction and constraints.counted:
        contradiction = _another_named_kind(constraints, sentence, context)
    if not contradiction and constraints.periods:
        # a figure per another period only ("100,000 Americans die each year" for deaths a day) is another measure,
        # and so is one per no period for a period shorter than a year ("74,702 Americans died in 2023": a year's)
        given = periods_in(sentence)
        years, months = unit_dates(sentence)
        # a year's count is per year, a named month's per month ("In 2022, 107,941 died, nearly 300 a day")
        given |= ({"year"} if years else set()) | ({"month"} if months else set())
        if not given & constraints.periods and (given or constraints.periods - {"year"}):
            contradiction = f"period {min(given)}" if given else "period"
    if not contradiction and not constraints.periods and constraints.answer == "count" and constraints.years:
        # a year's count asked, and the sentence gives no count, only a rate per a shorter time ("21 deaths a day"
        # for how many died in 2024): another measure
        shorter = periods_in(sentence) - {"year"}
        if shorter and not any(f.kind == "count" for f in figures) and any(f.kind == "rate" for f in figures):
            contradiction = f"period {min(shorter)}"
    if not contradiction and constraints.levied:
        # a levy on other countries' goods only ("the current tariff on Canada" for Canada's tariff on US goods); a
        # sentence that names none is read with what it follows ("The amendment also raised the duty ... to 40%.")
        given = levied_on(sentence, speaks_of_levy(context)) or (
            frozenset() if countries_in(sentence) else levied_on(context) or levied_at_rate(sentence, passage_text))
        if given and not given & constraints.levied:
            contradiction = f"levied {min(given)}"
    if not contradiction and constraints.direction:
        # a change the other way only ("that duty rose to 20%" for the reduced levy) is another change
        said = change_directions(sentence)
        if said and constraints.direction not in said:
            contradiction = f"direction {constraints.direction}"
    if not contradiction and constraints.leaders:
        # a sentence whose subject is another head of government ("President Trump designated eight cartels" for
        # the Biden administration's) tells of another's time, unless it names the asked one too
        theirs = leaders_in(sentence, within=_SUBJECT_CHARS)
        if theirs and not theirs & constraints.leaders and not any(
                mentions(sentence, leader) for leader in constraints.leaders):
            contradiction = f"leader {min(theirs)}"
    if not contradiction and constraints.qualified:
        contradiction = _qualified_by_another(constraints, sentence, context)
    if not contradiction and constraints.offices:
        contradiction = _another_office(constraints, sentence, context, passage_text)
    kind = 1.0
    if constraints.kinds:
        kind = 1.0 if any(f.kind in constraints.kinds for f in figures) else 0.0
        if kind and constraints.asks_day and not any(f.kind == "date" and f.unit in ("day", "month_day")
                                                     for f in figures):
            kind = 0.0  # "February 2025" does not say from which day
        if not kind and today_of(constraints, sentence, figures, passage_date):
            kind = 1.0  # "Today, the President signed ..." in a source dated to the day says when
        if not kind and constraints.asks_condition and _CONDITION.search(sentence):
            kind = 1.0  # "duty-free treatment remains available until the Secretary notifies ..."
        if not kind and "count" in constraints.kinds and _counts_roughly(constraints, sentence):
            kind = 1.0  # "strikes on dozens of narcotrafficking vessels": as exact as the sources are
        if kind and constraints.answer == "change" and not states_a_change(sentence, figures):
            # "By how much did seizures fall?": a level ("seized 20 tons in 2023") is no change
            kind = 0.0
            contradiction = contradiction or "levels"
        shares = [f for f in figures if f.kind == "percent"]
        # a percentage "of" something is a share, whatever changes beside it ("a growing 70% of overdose deaths")
        if kind and constraints.asks_share and shares and all(
                (m := measure(sentence, f)).change and not m.whole for f in shares):
            # "What proportion of the drug seized ...?": "recorded a 13% fall in deaths" is a change, not a share
            kind = 0.0
            contradiction = contradiction or "changes"
        if constraints.answer == "multiple":  # "by what multiple ...?": "21 deaths a day" is no multiple
            kind = 1.0 if states_a_multiple(sentence, figures) else 0.0
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
    return Check(date, names, names_near, other_names, kind, counted, source, contradiction, met_near,
                 tuple(sorted(by_publisher)))


# a sentence whose subject points back at what the sentence before spoke of: "These groups ...", "They ...", "Its ..."
_POINTS_BACK_SUBJECT = re.compile(r"^\W*(?:these|those|they|it|its|their|such)\b", re.IGNORECASE)


def _goes_on_elsewhere(constraints: Constraints, sentence: str, previous: str) -> str:
    """"name <country asked>" when the sentence goes on about what the sentence before placed in another country
    ("... more than 600 groups operate in Chile. These groups are linked to 48 countries, Peru among them." does not
    count the groups of Peru), placing nothing itself; else ""."""
    if not previous or not _POINTS_BACK_SUBJECT.match(sentence) or countries_located_in(sentence):
        return ""
    before = countries_located_in(previous)
    return f"name {_asked_country(constraints)}" if before and not before & constraints.countries else ""


def _another_country(constraints: Constraints, sentence: str, context: str, passage_text: str,
                     met_near: tuple[str, ...]) -> str:
    """"name <country asked>" when the sentence (or, naming none, its passage) speaks of other countries than the
    question pins; else "". `met_near`: the question's names the sentence and what it is read with meet."""
    # the question's names of countries (else all its names: "the US delegation" pins no name)
    of_country = [n for n in constraints.names if countries_named(n) & constraints.countries] or constraints.names
    located = countries_located_in(sentence)
    # (a country the question names only by its capital is not pinned so: "Victoria" is a city elsewhere too)
    by_country_name = constraints.country_words or any(
        countries_named(n) & constraints.countries and not is_capital(n) for n in constraints.names)
    if located and by_country_name and not located & constraints.countries and not any(
            constraints.name_met((sentence,), n) for n in of_country):
        # a sentence that places its figure in another country ("Last year in Canada, 21 deaths a day") gives
        # that country's, whatever its title or the sentence before name
        return f"name {_asked_country(constraints)}"
    spoken = countries_in(sentence)
    if len(constraints.countries) > 1 and constraints.located and spoken - constraints.countries \
            and not spoken & constraints.located:
        # of several countries, the one the question places its figure in must be the sentence's when it names one
        # not asked: "97% of the fentanyl seized by US authorities is taken at the border with Mexico" does not say
        # what share of that seized in Canada comes from Mexico (a sentence of one of the countries compared may)
        placed = next((n for n in constraints.names if countries_named(n) & constraints.located), None)
        return f"name {placed or _asked_country(constraints)}"
    if not set(of_country) & set(met_near):
        # a sentence that names countries, none of them one the question pins, gives another country's figure
        # ("Most Canadian imports face 25%" for Chinese imports), even when it meets the question's other names
        # (the agency that acts in both); a sentence naming no country may lean on its passage for one
        spoken_of = spoken
        in_passage = any(constraints.name_met((context, passage_text), n) for n in of_country)
        if not spoken_of and not in_passage:
            # a sentence naming no country leans on its passage: one that speaks of countries, never the asked
            # one by any name, gives theirs ("the committee" of three countries for a fourth)
            spoken_of = countries_in(f"{context} {passage_text}")
        # (strict: "The agency seized 1,200 firearms, most smuggled from Chile" is read as Chile's, though its
        # passage names the asked country; a sentence of that agency's work elsewhere, "in 19 Mexican states",
        # reads the same, and answering it is the worse error)
        if spoken_of and not spoken_of & constraints.countries:
            return f"name {_asked_country(constraints)}"
    return ""


_SUBJECT_CHARS = 40  # a sentence's subject: a name that starts within its first few words


def _another_named_kind(constraints: Constraints, sentence: str, context: str) -> str:
    """"counted <name>" when the question counts things of a kind it calls by a proper name of three or more words
    ("How many High Intensity Drug Trafficking Areas ...": the counted word is one of them) and the sentence, with
    what it is read with, names that kind nowhere (its last word, or its acronym); else ""."""
    for name, acronym in constraints.acronyms:
        if stem(name.lower()) != constraints.counted:
            continue
        run = [n for n, a in constraints.acronyms if a == acronym]  # the name's words, in order
        if not constraints.name_met((context, sentence), run[-1]):
            return f"counted {' '.join(run)}"
    return ""


def _within_a_province(constraints: Constraints, sentence: str) -> str:
    """"within <province>" when the sentence places its figure in a province or state of a country the question asks
    about as a whole ("In Canada, the province of British Columbia saw deaths fall by 13%" for Canada's deaths);
    "" when the question names that province, or the sentence places it in none."""
    national = countries_located_in(sentence) & constraints.countries
    for province, codes in provinces_located_in(sentence).items():
        if not codes & constraints.countries or any(mentions(province, n) for n in constraints.names):
            continue
        # "In Canada, 7,000 died, 2,500 of them in Ontario" gives the country's figure; "In Canada, the province of
        # British Columbia saw..." the province's
        if national and not re.search(rf"\b(?:province|state|territory)\s+of\s+{re.escape(province)}", sentence):
            continue
        return f"within {province}"
    return ""


# a clause saying under what condition or until what event something holds ("once" as an adverb, "once again",
# is none)
_CONDITION = re.compile(r"\b(?:until|unless|upon|once(?!\s+(?:again|more|before)\b)|as soon as|whenever|when|if|"
                        r"provided that)\b", re.IGNORECASE)
# a count given only roughly, in general English: "dozens of vessels", "hundreds of thousands of doses"
_ROUGH_COUNT = re.compile(r"\b(?:(?:dozens|scores|hundreds|thousands|millions|billions)\s+of\s+)+((?:[\w-]+\s*){1,4})",
                          re.IGNORECASE)


def _counts_roughly(constraints: Constraints, sentence: str) -> bool:
    """Whether the sentence gives a rough count ("dozens of narcotrafficking vessels") of something the question
    speaks of: one of the question's words in the noun phrase it counts (not past it: "millions of doses of fentanyl"
    counts doses)."""
    asked = set(constraints.words)
    return any(stem(w) in asked for m in _ROUGH_COUNT.finditer(sentence) for w in noun_phrase(m.group(1)))


# words that look ahead from a sentence's own time, or name a time without a month's name: such a sentence may speak
# of a month after its source's date
_LOOKS_AHEAD = re.compile(r"\b(?:will|shall|would|next|coming|upcoming|forthcoming|scheduled|planned|effective|"
                          rf"takes? effect|remains?|until|starting|beginning|from now|within|{OTHER_TIME})\b",
                          re.IGNORECASE)
# the columns whose cells place a row's figure ("Region: Canada"); not those naming where something came from or
# went, or whose it is ("Origin country", "Trading partner", "Nationality")
_PLACE_COLUMN = re.compile(r"\b(?:region|country|countries|jurisdiction|province|state|territory|location|"
                           r"geography|geo|area|place|nation)\b", re.IGNORECASE)
_NOT_PLACING = re.compile(r"\b(?:origin|destination|partner|source|nationality|citizenship|birth|from|to)\b",
                          re.IGNORECASE)


def _placed_elsewhere(constraints: Constraints, sentence: str) -> str:
    """For a question that places its figure in a country it names by a code alone ("in the US": no name to meet),
    or asks what that country did ("did the US record"), "name <code>" when the sentence places its figure in
    another country and names the asked one nowhere ("Last year in Canada, 21 deaths a day"); a sentence naming the
    asked one too ("In Canada and the US, ...") may answer.
    A code that only qualifies a word ("US goods", "north of the US border") places nothing: such a question is not
    asked of that country. A table row places its figure in the country a place column's cell names ("Region:
    Canada"; not "Origin country: Mexico")."""
    asked = constraints.located | constraints.subjects
    # a table row's figure is placed by its cells: a cell of a place column that is a country's name ("Region:
    # Canada"), not an origin's or a partner's
    fields = row_fields(sentence)
    located = countries_located_in(sentence) if fields is None else set().union(
        *(countries_named(cell) for column, cell in fields
          if _PLACE_COLUMN.search(column) and not _NOT_PLACING.search(column)))
    if located and not located & asked and not countries_in(sentence) & asked:
        return f"name {_asked_country(constraints)}"
    return ""


def _asked_country(constraints: Constraints) -> str:
    """The question's name of a country it pins, as written ("Canada's"; "United States" for its words)."""
    named = next((n for n in constraints.names if countries_named(n) & constraints.countries), None)
    words = [n for n in constraints.names if any(w == n for w, _ in constraints.country_words)]
    return named or " ".join(words) or (constraints.names[0] if constraints.names else
                                        " ".join(sorted(constraints.countries)))


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


def another_source(constraints: Constraints, passage_date: str | None) -> str:
    """"source <date>" when the question names a document by its date and the passage's source is of another: the
    asked month exactly; a year alone, that year or a neighbour (a year's report comes out after it ends, its budget
    request before it begins); else "". A passage of no date is not contradicted."""
    if not constraints.source_dates or not passage_date or len(passage_date) < 7:
        return ""
    year, month = int(passage_date[:4]), int(passage_date[5:7])
    if any((m == month and y == year) if m else abs(year - y) <= 1 for y, m in constraints.source_dates):
        return ""
    y, m = min(constraints.source_dates)
    return f"source {dt.date(y, m, 1):%B %Y}" if m else f"source {y}"


# the heads of "<Head> of <Name>" that are a person's office ("Secretary of Energy"), not a body or an account
# ("Department of Justice", "Cost of Revenue"): only these are read with the passage
_TITLES = frozenset(stem(w) for w in OFFICE_TITLES)


def _another_office(constraints: Constraints, sentence: str, context: str = "", passage_text: str = "") -> str:
    """"office <head>" when the sentence names offices of the asked one's head, none of them the asked one,
    nor the asked name's words anywhere ("the Secretary of State" for "the Secretary of Energy"); for a person's
    office, a sentence that names none is read with what it is read with, then its passage (an order that tasks the
    Secretaries of State and of War, never of Energy, says nothing of what the Secretary of Energy must do); else
    ""."""
    for head, name in constraints.offices:
        readings = (sentence, f"{context} {sentence}", f"{context} {passage_text}") if head in _TITLES else (sentence,)
        for text in readings:
            same_head = [words for other, words in offices_in(text) if other == head]
            if same_head:
                break
        said = {stem(w) for w in content_words(text)}
        # another office shares no word of the asked one's name: a sentence may name it shorter, or a person after
        # it ("Secretary of State Rubio" for "the Secretary of State Marco Rubio")
        if same_head and not any(name & words for words in same_head) and not name <= said:
            return f"office {head}"
    return ""


def _province_unnamed(constraints: Constraints, context: str, passage_text: str) -> str:
    """"province <name>" when the question places its figure in a province or state that the unit's passage (its
    sentence among it) and what it is read with never name (places.province_named): a figure given without naming a
    province is another place's (the country's, as a rule), never that province's."""
    return next((f"province {p}" for p in constraints.provinces
                 if not (province_named(p, passage_text) or province_named(p, context))), "")


def today_of(constraints: Constraints, sentence: str, figures: tuple[Figure, ...], passage_date: str | None) -> str:
    """For a question asking a date, the day a sentence with no date or year of its own calls "today" (its source's:
    "Today, the President signed ..."), written out; "" otherwise (dates.dated_today)."""
    if "date" not in constraints.kinds or any(f.kind in ("date", "year") for f in figures):
        return ""
    return dated_today(sentence, passage_date)
