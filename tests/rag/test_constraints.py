"""Question constraints: what a question pins, and how a unit of evidence stands against it (no model needed)."""

from __future__ import annotations

import pytest

from crossbrief.rag.constraint_check import check
from crossbrief.rag.refusal_reasons import near_miss_reason
from crossbrief.rag.compass import directed_nouns
from crossbrief.rag.constraints import mentions, parse
from crossbrief.rag.figures import extract_figures
from crossbrief.rag.question_types import answer_type


def test_years_months_and_the_answer_type_are_parsed() -> None:
    pinned = parse("How many widgets did Norland export in 2020?")
    assert pinned.years == {2020} and not pinned.months
    assert pinned.answer == "count" and pinned.counted == "widget"
    assert pinned.names == ("Norland",)
    dated = parse("What levy did the February 2025 order set?")
    assert dated.months == {(2025, 2)} and dated.years == {2025}
    assert dated.pins_date


def test_a_named_source_is_parsed_with_its_date() -> None:
    pinned = parse("According to the 2023 fact sheet, how many ports were closed?")
    # a year alone dates the document and, it may be, the figures ("according to the 2023 figures"): both pinned
    assert pinned.years == {2023} and pinned.source_dates == {(2023, 0)}
    assert pinned.source_words == {"fact", "sheet"}
    assert not parse("How many ports were closed in the north?").source_words
    dated = parse("How many ports were closed in 2021 according to the July 2026 release?")
    assert dated.years == {2021} and dated.source_dates == {(2026, 7)} and not dated.months
    amended = parse("Under the March 2, 2025 amendment, when does the exemption end?")
    assert amended.source_dates == {(2025, 3)}
    # the document is named by its noun, past its date's comma; the month is its date, not a word of its title
    assert amended.source_words == {"amendment"} and dated.source_words == {"release"}
    # only a date's comma: a clause after the phrase is not part of its name
    assert not parse("In the report, 2023 deaths from fentanyl totalled how many?").source_words
    # periods and events, not documents: a year's own noun, the end of a year, what happened "in the" month
    for period in ("How many ports closed in the 2023 season?", "How many ports closed per the 2023 fiscal year "
                   "data?", "How many ports closed by the end of 2023?", "How many died in the January 2023 floods?"):
        assert not parse(period).source_dates and parse(period).years == {2023}, period
    assert parse("How many died in the January 2023 floods?").months == {(2023, 1)}


def test_a_passage_of_another_date_than_the_named_document_cannot_answer() -> None:
    asked = "How many ports were closed according to the July 2026 release?"
    closed = "Officials closed 40 ports."
    assert check(parse(asked), closed, tuple(extract_figures(closed)), "", closed, "2026-07-13").contradiction == ""
    stands = check(parse(asked), closed, tuple(extract_figures(closed)), "", closed, "2025-03-26")
    assert stands.contradiction == "source July 2026"
    assert "No source dated July 2026" in near_miss_reason(parse(asked), stands.contradiction)
    assert check(parse(asked), closed, tuple(extract_figures(closed)), "", closed, None).contradiction == ""
    # a year's report comes out after it
    yearly = parse("Per the 2023 annual report, how many ports were closed?")
    assert [check(yearly, closed, tuple(extract_figures(closed)), "", closed, d).contradiction
            for d in ("2023-05-01", "2024-02-01", "2025-02-01")] == ["", "", "source 2023"]  # the named document's
    assert parse("Per the 2023 annual report, how many ports were closed?").source_dates == {(2023, 0)}
    later = "In 2024, officials closed 40 ports."
    assert check(yearly, later, tuple(extract_figures(later)), "", later, "2024-02-01").contradiction == "year 2024"


@pytest.mark.parametrize(("question", "asks_table"), [
    ("What death toll does the national table record for 2021?", True),
    ("How many ferries sailed in 2020 per the data table?", True),
    ("Which district has the most ferries in the spreadsheet for 2019?", True),
    ("What does the table show?", False),  # about the table itself: the sentence introducing it answers
    ("What was the tabled motion about?", False),
    ("How many ferries sailed daily in 2024, the figure officials brought to the table?", False),  # idioms
    ("Which ports were on the negotiating table in 2020?", False),
    ("How many ferries sailed in 2020?", False),
])
def test_a_question_naming_a_table_as_its_source_is_parsed(question: str, asks_table: bool) -> None:
    assert parse(question).asks_table is asks_table


@pytest.mark.parametrize(("question", "kind"), [
    ("How many inspectors were hired?", "count"),
    ("What share of the budget went to schools?", "percent"),
    ("How much did the bridge cost?", "money"),
    ("When did the council first meet?", "date"),
    ("For how long was the road closed?", "duration"),
    ("Who chairs the committee?", "name"),
    ("What measures did the plan include?", "list"),
    ("Why was the decision taken?", "open"),
    ("What rough share of the harvest was lost?", "percent"),
    ("How steep was the fall in ticket sales?", "change"),
    ("How large an increase did the new rules bring?", "change"),
    ("How quickly did the city reopen the bridge?", "duration"),
    ("Within what deadline must the report be filed?", "duration"),
    ("From which day did the new fares apply?", "date"),
    ("What was the price tag of the stadium?", "money"),
    ("How much revenue did the festival bring in?", "money"),
    ("What is the annual budget of the harbour board?", "money"),
    ("What is the salary of the new harbour master?", "money"),
    ("What levy did the council put on imported widgets?", "rate"),
    ("What extra duty did the 2031 order set on Sudmark's grain?", "rate"),
    ("What was the harbour levy on grain?", "rate"),
    ("What are the duties of the harbour master?", "list"),
    ("What year did the levies take effect?", "date"),
    ("What goods did the tariffs target?", "open"),
    ("What triggered the tariffs?", "open"),
    ("What was wage growth in 2031?", "open"),
    ("What did the 2031 plan allocate to ferries?", "money"),
    ("What is the annual tally of burglaries in the city?", "count"),
    ("What was the death toll of the storm?", "count"),
    ("By what multiple did the fare rise?", "multiple"),
    ("How many times more potent is the toxin than salt?", "multiple"),
    ("How many times stronger is the new drug?", "multiple"),
    ("How many times as many ferries crossed in 2031?", "multiple"),
    ("How many times did the council meet?", "count"),  # occurrences, not a multiple
    ("How many times per year does the ferry sail?", "count"),
    ("How many times after the flood did the council meet?", "count"),
    ("How many times border agents stopped a shipment in 2031?", "count"),  # "border" is no comparative
    ("How many times together did the agencies meet?", "count"),
    ("The rise in floods was driven by what factor?", "open"),  # a cause
    ("Ferry crossings rose by what factor between 2030 and 2031?", "multiple"),
    ("What did the mayor count on?", "open"),
    ("What was the count against the defendant?", "open"),
    ("What bill banned the sale?", "open"),
    ("In what period were the permits issued?", "open"),
    ("How significant was the change in policy?", "open"),
    ("How much did ferry crossings change between 2030 and 2031?", "change"),
    ("How much has the harbour's traffic grown since 2030?", "change"),
    ("How much did the bridge cost?", "money"),
    ("What was the loss-of-life cost of the storm?", "money"),
    ("How much was spent on climate change programs in 2031?", "money"),  # a noun, not how it changed
    ("How much did the city invest after the increase in floods?", "money"),
    ("How much did floods increase in 2031?", "change"),
    ("How small an amount of the toxin can kill a person?", "quantity"),
    ("How small an amount of money did the city set aside?", "open"),  # not a mass
    ("How large an increase did ferry crossings see?", "change"),
    ("How much grain did the patrol stop in its first week?", "amount"),  # a mass, a sum or a number: no share
    ("How much cash was raised from the bond sale?", "amount"),
    ("How much of the grain came by sea?", "percent"),
    ("Measured against national output, how large was the flood damage?", "percent"),  # a size as a share
    ("How big is the harbour debt relative to the city's budget?", "percent"),
    ("How large was the flood damage in 2031?", "open"),
    ("How much money did Norland collect relative to Peru?", "money"),  # a sum, compared
    ("How much more grain did the patrol stop?", "open"),
    ("How much time did the council give the ferry line?", "open"),
    ("How much was the harbour's revenue in 2031?", "open"),
    ("How much greater was the grain haul in 2031?", "open"),  # a comparison
    ("How much tariff did the council put on grain?", "open"),  # a rate
    ("How much inflation was there in 2031?", "open"),
    ("How much influence do the guilds have?", "open"),  # nothing a figure measures
    ("How much in fines did the court levy?", "open"),
])
def test_answer_types_come_from_general_interrogatives(question: str, kind: str) -> None:
    assert answer_type(question) == kind


def test_a_follow_up_asking_in_its_own_words_does_not_inherit_the_answer_type() -> None:
    assert parse("Which of them was the most common?", context="How many new substances were found?").answer != "count"
    assert parse("And in 2021?", context="How many new substances were found?").answer == "count"
    # one that asks the same of something else keeps the type
    assert parse("What about from Chile?", context="What share of the grain comes from Peru?").answer == "percent"
    assert parse("And how about Chile?", context="How many crates were seized?").answer == "count"


def _check(question: str, sentence: str, context: str = "", date: str | None = None):  # type: ignore[no-untyped-def]
    return check(parse(question), sentence, tuple(extract_figures(sentence)), context, sentence, date)


def _reasoned(question: str, sentence: str) -> tuple[str, str]:
    """The unit's contradiction of `question` and the refusal reason it gives."""
    contradiction = _check(question, sentence).contradiction
    return contradiction, near_miss_reason(parse(question), contradiction) if contradiction else ""


def test_a_unit_naming_another_year_contradicts_a_pinned_year() -> None:
    stands = _check("How many widgets were exported in 2020?", "Exports reached 4,000 widgets in 2021.")
    assert stands.contradiction == "year 2021" and stands.date == 0
    assert not _check("How many widgets were exported in 2021?", "Exports reached 4,000 widgets in 2021.").contradiction


def test_a_year_named_relative_to_the_source_date_is_that_year() -> None:
    # "last year" in a source dated 2025 is 2024: it answers for 2024 and contradicts 2025
    said = "Last year in Norland, 30 ferries a day were inspected."
    stands = _check("How many ferries were inspected in Norland in 2025?", said, date="2025-02-07")
    assert stands.contradiction == "year 2024" and stands.date == 0
    met = _check("How many ferries were inspected in Norland in 2024?", said, date="2025-02-07")
    assert not met.contradiction and met.date == 1
    this_year = _check("How many ferries were inspected in Norland in 2025?",
                       "This year 30 ferries a day were inspected.", date="2025-06-01")
    assert not this_year.contradiction and this_year.date == 1
    # compared with last year, or over the last year (the twelve months before): the sentence's own time still
    for compared in ("Inspections reached 30 a day, up 20% compared with last year.", "It was 30 ferries a day, more than last year.",
                     "Over the last year, 30 ferries a day were inspected."):
        stands = _check("How many ferries were inspected in Norland in 2025?", compared, date="2025-06-01")
        assert not stands.contradiction and stands.date == 1, (compared, stands)
    # no source date: nothing to count from; a fiscal year is left alone
    assert not _check("How many ferries were inspected in 2025?", said).contradiction
    assert not _check("How many ferries were inspected in 2025?", "Last fiscal year 30 ferries were inspected.",
                      date="2025-02-07").contradiction


def test_the_sentence_own_year_speaks_before_its_context() -> None:
    stands = _check("How many widgets were exported in 2020?", "Exports reached 4,000 widgets in 2021.",
                    context="Trade review 2020-2021")
    assert stands.contradiction == "year 2021"
    undated = _check("How many widgets were exported in 2020?", "Exports reached 4,000 widgets.",
                     context="Trade review 2020")
    assert not undated.contradiction and undated.date == 1


def test_a_year_the_sentence_before_compares_with_is_not_the_year_of_what_follows() -> None:
    """"4,000 widgets in 2031, twice as many as in 2020" then "... rose to 9,000 over the same period": the 9,000
    is 2031's, not 2020's; a sentence before that names the asked year as its own still dates what follows."""
    asked = "How many widget makers were there in 2020?"
    before = "Norland exported 4,000 widgets in 2031, twice as many as in 2020."
    follows = "The number of widget makers rose to 9,000 over the same period."
    assert _check(asked, follows, context=before).contradiction == "year 2031"
    assert _check(asked, follows, context="Norland exported 4,000 widgets in 2020.").contradiction == ""


def test_a_unit_without_a_figure_of_the_asked_kind_cannot_answer() -> None:
    assert _check("How many widgets were exported?", "Exports of widgets grew strongly.").contradiction == "kind count"
    assert _check("Why did exports grow?", "Exports of widgets grew strongly.").contradiction == ""


def test_a_question_asking_the_size_of_a_change_needs_a_unit_that_states_one() -> None:
    """"By how much did exports fall?" is not answered by a level ("exported 4,000 widgets"), whatever its kind of
    figure; a change beside its figure, a level reached from another, or two levels set against each other are."""
    asked = "By how much did Norland's widget exports fall?"
    assert _reasoned(asked, "Norland exported 4,000 widgets in 2031, worth $2 million.") == (
        "levels", "The closest passages give levels, not the change asked.")
    assert _check(asked, "Norland's widget exports fell sharply.").contradiction == "kind change"  # no figure
    for states in ("Norland's widget exports fell 14% in 2031.",
                   "Norland exported 4,000 widgets in 2031, down from 5,000 a year before.",
                   "Widget exports went from 5,000 in 2030 to 4,000 in 2031.",
                   "Norland exported 4,000 widgets in 2030, fell to 3,000 in 2031.",
                   "Norland exported 4,000 widgets in 2031, against 5,000 in 2030.",
                   "Norland's widget exports fell to 4,000 in 2031 from 5,000 in 2030.",
                   "Norland's widget exports fell 20% to 4,000 in 2031.",
                   "Norland exported 5,000 widgets in 2030 and 4,000 in 2031."):
        assert _check(asked, states).contradiction == "", states
    # a level asked is still answered by a level
    assert _check("How many widgets did Norland export in 2031?",
                  "Norland exported 4,000 widgets in 2031.").contradiction == ""


def test_a_question_asking_a_share_is_not_answered_by_a_change() -> None:
    """"What proportion of X ...?" asks a part of a whole: "recorded a 13% fall" states a change, no share; a share
    beside a change ("97% of the widgets, up 3%") still answers, and a question naming a change asks of one."""
    asked = "What proportion of the widgets made in Norland are sold abroad?"
    assert parse(asked).asks_share
    assert _reasoned(asked, "Norland recorded a 13% fall in widget exports in 2031.") == (
        "changes", "The closest passages give changes, not the share asked.")
    assert _check(asked, "About 97% of Norland's widgets are sold abroad.").contradiction == ""
    assert _check(asked, "About 97% of Norland's widgets are sold abroad, up 3%.").contradiction == ""
    assert not parse("What percentage of the fall in exports came from Norland?").asks_share
    assert not parse("What percentage of its value did the Norland crown lose in 2031?").asks_share
    assert _check(asked, "Norland sold a growing 70% of its widgets abroad.").contradiction == ""  # a share of
    assert not parse("What tariff rate did Norland set?").asks_share


def test_a_question_asking_a_multiple_needs_a_unit_that_states_one() -> None:
    """"By what multiple ...?" is not answered by a count, which a plain "how many"
    reading would take ("21,000 widgets"); "50 times", "a threefold rise" or "twice as many" are."""
    asked = "By what multiple is the new widget stronger than the old one?"
    assert _reasoned(asked, "Last year, Norland made 21,000 widgets.") == (
        "kind multiple", "The closest passages hold no multiple that answers this.")
    for states in ("The new widget is 50 times stronger than the old one.",
                   "Norland saw a threefold rise in widget strength.",
                   "The new widget is twice as strong as the old one."):
        assert _check(asked, states).contradiction == "", states


def test_names_are_a_signal_not_a_veto() -> None:
    stands = _check("How many crime groups operate in Norland?", "Officials count more than 600 crime groups in Sudmark.")
    assert not stands.contradiction
    assert stands.names == 0 and stands.other_names == 1
    assert _check("How many crime groups operate in Norland?", "Norland counts more than 600 crime groups.").names_near == 1


def test_a_page_speaks_for_who_publishes_it() -> None:
    """"When did the Harbour Board approve the levy?" is met by a page the Harbour Board publishes (its address,
    harbourboard.example.org), though the sentence says "the board's members"; a long name by its acronym's
    address; another publisher meets nothing."""
    from crossbrief.rag.publishers import publisher_labels
    assert publisher_labels("https://www.harbourboard.example.org/news/1") == {"harbourboard", "example"}
    assert publisher_labels(None) == frozenset() and publisher_labels("not a url") == frozenset()
    asked = parse("When did the Harbour Board approve the levy on Norland's grain?")
    sentence = "The members approved the levy on March 4, 2031."
    figures = tuple(extract_figures(sentence))
    alone = check(asked, sentence, figures, "", sentence, None)
    own = check(asked, sentence, figures, "", sentence, None, publisher_labels("https://harbourboard.example.org/a"))
    other = check(asked, sentence, figures, "", sentence, None, publisher_labels("https://www.ferries.example.org/a"))
    assert alone.names_near == other.names_near < own.names_near and own.names > alone.names
    assert own.published == ("Board", "Harbour") and not other.published  # not missing words either (evidence.py)
    agency = parse("What did the Norland Widget Safety Agency report in 2031?")
    assert check(agency, "It reported 40 recalls in 2031.", (), "", "", None,
                 publisher_labels("https://www.nwsa.gov/r")).names_near > 0
    # an address that cannot be read names no one; one word alone, or words apart in the question, meet nothing
    assert publisher_labels("https://[harbourboard.example.org/x") == frozenset()
    assert publisher_labels("https://www.harbourboard.example.org./x") == {"harbourboard", "example"}
    one = parse("How many widgets did Norland export in 2031?")
    assert check(one, "Sudmark recorded 40 widgets.", (), "", "", None, publisher_labels("https://norland.example")
                 ).names_near == 0
    apart = parse("When did the Harbour pass the rule the Board backed?")
    assert check(apart, sentence, figures, "", sentence, None, publisher_labels("https://harbourboard.example.org")
                 ).names_near == 0


def test_a_long_name_is_met_by_its_acronym() -> None:
    """Users write "Norland Harbour Safety Board", the sources "NHSB" (the reverse, an acronym asked and spelt out in
    the sources, is matched too); two capitalised words make no acronym ("Harbour Board" is no "HB")."""
    asked = "How many ferries did the Norland Harbour Safety Board inspect?"
    assert parse(asked).names == ("Norland", "Harbour", "Safety", "Board")
    assert _check(asked, "The NHSB inspected 40 ferries.").names_near == 1
    assert _check(asked, "The port inspected 40 ferries.").names_near == 0
    assert not parse("How many ferries did the Harbour Board inspect?").acronyms
    assert _check("How many ferries did the NHSB inspect?", "The Norland Harbour Safety Board inspected 40 ferries."
                  ).names_near == 1


def test_a_sentence_about_another_country_cannot_answer_for_the_one_asked() -> None:
    asked = "What duty did the order put on Peruvian imports?"
    assert _check(asked, "Most Chilean imports face a 25% duty.").contradiction == "name Peruvian"
    assert "(Peruvian)" in near_miss_reason(parse(asked), "name Peruvian")
    assert _check(asked, "Chile and Peru both face a 25% duty.").contradiction == ""
    assert _check(asked, "The order added a 25% duty.").contradiction == ""  # may lean on its passage for the country
    assert _check("What duty did Lima impose on grain?", "Peru imposed a 5% duty on grain.").contradiction == ""
    # a country the question names by its code is one it asks about too, though no name ("US goods" is an attribute)
    assert _check("What share of Peruvian grain enters the US by sea?", "The U.S. took 40% by sea.").contradiction == ""
    assert _check("What share of Peruvian grain enters by sea?", "The U.S. took 40% by sea.").contradiction
    # a province is no country, though its name holds a demonym ("British") or a country's name ("Mexico")
    assert _check("How many widgets did British Columbia export in 2031?",
                  "British Columbia exported 40 widgets in 2031, Canada said.").contradiction == ""
    assert _check("How many widgets did New Mexico export in 2031?",
                  "New Mexico exported 40 widgets in 2031, the United States said.").contradiction == ""
    # (a figure for the whole country does not answer for the state asked of: tests of provinces below)
    # a name that is no country stays a soft signal
    assert _check("How many crime groups operate in Norland?", "Chile counts more than 600 crime groups.").contradiction == ""
    # meeting the question's other names (the agency acting in both countries) does not make up for another country
    assert _check("How many labs has the ZTA accredited in Peru?", "The ZTA accredited 25 labs in 19 Chilean states."
                  ).contradiction == "name Peru"
    assert _check("How many labs has the ZTA accredited in Peru?", "The ZTA accredited 25 labs in Peru and Chile."
                  ).contradiction == ""
    # a sentence naming no country leans on its passage: one about other countries only answers for them
    committee = "The Zorvan Forum was set up in 2024 to coordinate action on borders."
    passage = f"Chile, Bolivia and Ecuador meet each spring. {committee}"
    asked = "What did Peru pledge to the Zorvan Forum?"
    assert check(parse(asked), committee, (), "", passage, None).contradiction == "name Peru"
    assert check(parse(asked), committee, (), "", f"{passage} Peru joined later.", None).contradiction == ""
    assert check(parse(asked), committee, (), "", committee, None).contradiction == ""  # a passage naming none
    # a country pinned by no name ("the US delegation") leaves the question's names to decide, as before
    assert _check("Who led the US delegation to the Zorvan Forum?", "Chile hosted the Zorvan Forum in May."
                  ).contradiction == ""


def test_a_word_the_question_gives_to_one_country_cannot_be_answered_for_another() -> None:
    """"US drug checking" asked, "Peruvian drug checking" said: another country's figure, though the question names
    the US by its code alone; a sentence naming both, or giving the word to no country, may answer."""
    asked = "How many new compounds did US drug checking find in 2031?"
    assert parse(asked).qualified == (("US", "drug", "US"),)
    assert _check(asked, "Peruvian drug checking found 11 new compounds in 2031.").contradiction == "name US"
    assert _check(asked, "US and Peruvian drug checking found 11 new compounds in 2031.").contradiction == ""
    assert _check(asked, "Drug checking found 11 new compounds in 2031.").contradiction == ""
    assert _check(asked, "Peru's chemists found 11 new compounds in 2031.").contradiction == ""  # another word
    assert _check("How many tonnes did Chile's ports handle in 2031?", "Peru's ports handled 40 tonnes in 2031."
                  ).contradiction == "name Chile's"
    assert near_miss_reason(parse("How many tonnes did Chile's ports handle?"), "name Chile's").endswith("(Chile).")
    # what the sentence is read with may name the country; a word the question gives to two countries pins neither
    assert _check(asked, "Unlike Peruvian drug checking, it found 11 new compounds in 2031.",
                  context="US drug checking report").contradiction == ""
    assert _check("How does US drug checking compare with Peruvian drug checking?",
                  "Peruvian drug checking found 11 new compounds in 2031.").contradiction == ""


@pytest.mark.parametrize(("question", "noun"), [
    ("How many new synthetic compounds did the labs find?", "compound"),  # the plural, not its first adjective
    ("How many people died?", "people"),
    ("How many multi-agency gun-smuggling teams were sent?", "team"),
    ("How many years did it take?", ""),
    ("How many people received benefits in 2031?", "people"),  # a verb ends the phrase: not its object
    ("How many were seized?", ""),
])
def test_a_how_many_question_counts_its_noun(question: str, noun: str) -> None:
    assert parse(question).counted == noun


def test_names_match_their_other_forms_and_acronyms() -> None:
    assert mentions("Norlandian exporters", "Norland")
    assert mentions("the United Provinces agreed", "UP")
    assert not mentions("Sudmark exporters", "Norland")


def test_a_near_miss_reason_names_what_was_asked_and_what_the_sources_hold() -> None:
    pinned = parse("How many widgets were exported in 2020?")
    assert near_miss_reason(pinned, "year 2021") == "The sources give no figure for 2020; the nearest is 2021."
    monthly = parse("What levy did the February 2025 order set?")
    assert "February 2025" in near_miss_reason(monthly, "month August 2025")


def test_a_plural_name_matches_the_place_it_is_formed_from() -> None:
    assert mentions("Deaths fell in Norland last year.", "Norlandians")
    assert not mentions("Deaths fell in Sudmark last year.", "Norlandians")


def test_a_date_that_opens_a_period_pins_its_year_not_its_month() -> None:
    since = parse("What is the levy on imported grain since March 2031?")
    assert since.years == {2031} and not since.months  # a rule set in February may still hold in March
    point = parse("What was the levy on imported grain in March 2031?")
    assert point.years == {2031} and point.months == {(2031, 3)}


def test_a_source_published_before_the_asked_month_does_not_say_what_it_brought() -> None:
    """A sentence naming no month of its own, in a source published before the month asked, was written before it:
    it is no answer for that month; one published in it, or one naming the month ("the levy will rise in July"),
    may be."""
    asked = "What levy did the July 2031 amendment set on grain from Norland?"
    promised = "The council promised in its manifesto to charge Norland a 25% levy on all grain."
    assert _check(asked, promised, date="2031-02-07").contradiction == "month February 2031"
    assert _check(asked, promised, date="2031-07-31").contradiction == ""
    assert _check(asked, "The levy on Norland grain will rise to 35% in July.", date="2031-02-07").contradiction == ""
    for ahead in ("The 25% levy on Norland grain takes effect next month.", "The 25% levy takes effect on 7/4/2031.",
                  "A 25% levy on Norland grain is scheduled for Q3 2031."):
        assert _check(asked, ahead, date="2031-02-07").contradiction == "", ahead
    # "fall" of bales that fall under a rule is no season: the sentence does not look ahead
    plain = "What levy applied to Norland grain in July 2031?"
    assert _check(plain, "A 10% levy on bales of grain that fall under the harbour rule.",
                  date="2031-02-07").contradiction == "month February 2031"
    for ahead in ("A lower 10% levy on grain applies in the fall.", "A 10% levy on grain applies from late summer.",
                  "A 10% levy on grain applies in early spring.", "The 10% levy on grain held through this past winter."):
        assert _check(plain, ahead, date="2031-02-07").contradiction == "", ahead
    # what held before a month may still hold in it; it does not tell what a thing of that month set
    held = "The 25% levy on grain remains in force."
    assert _check("What levy applied to Norland grain in July 2031?", held, date="2031-02-07").contradiction == ""
    assert _check(asked, held, date="2031-02-07").contradiction == "month February 2031"


def test_a_source_published_before_the_month_that_opens_the_asked_period_does_not_say_what_held_after_it() -> None:
    """"What levy applied to Norland grain after August 2031?": a February sentence tells what held until it was
    written, not after August, unless it looks ahead; one of August or later may say. "Since 2030" pins no month."""
    asked = "What levy applied to Norland grain after August 2031?"
    assert parse(asked).opened == {(2031, 8)} and parse(asked).years == {2031} and not parse(asked).months
    set_in_february = "Parallel orders put a 25% levy on Norland grain."
    assert _check(asked, set_in_february, date="2031-02-03").contradiction == "month February 2031"
    assert _check(asked, set_in_february, date="2031-08-01").contradiction == ""
    assert _check(asked, "The 25% levy on Norland grain will remain in force.", date="2031-02-03").contradiction == ""
    since_a_thing = "What levy applied to Norland grain since the July 2031 amendment?"
    assert _check(since_a_thing, set_in_february, date="2031-02-03").contradiction == "month February 2031"
    assert not parse("How many crossings were there since 2030?").opened


def test_a_thing_named_by_its_month_is_not_told_of_by_a_sentence_written_before_it() -> None:
    """"What did the October 2031 amendment set?": a sentence of July, however it looks ahead ("will be subject to"),
    cannot tell of it; asked what held in October, the same sentence may say."""
    ahead = "Grain shipped to evade the 35% levy will be subject, instead, to a levy of 40%."
    assert _check("What levy did the October 2031 amendment set on Norland grain?", ahead,
                  date="2031-07-31").contradiction == "month July 2031"
    assert _check("What levy applied to Norland grain in October 2031?", ahead, date="2031-07-31").contradiction == ""
    assert not parse("What did the 2031 budget set aside?").dated_thing
    # a source written after it tells of it, naming no time ("The amendment also raised ..."); asked what held in
    # October, such a sentence speaks of its own later time
    told = "The amendment also raised the levy on rerouted grain to 40%."
    assert _check("What levy did the October 2031 amendment set on Norland grain?", told,
                  date="2031-11-02").contradiction == ""
    assert _check("What levy applied to Norland grain in October 2031?", told,
                  date="2031-11-02").contradiction == "month November 2031"


def test_a_source_published_after_the_asked_month_speaks_of_its_own_time() -> None:
    """A sentence naming no month, in a source published after the month asked, tells what held when it was written:
    no answer for the earlier month, unless it names that month."""
    asked = "What was the levy on Norland grain in March 2031?"
    raised = "The council has found it necessary to increase the levy on Norland grain from 25% to 35%."
    assert _check(asked, raised, date="2031-07-31").contradiction == "month July 2031"
    assert _check(asked, raised, date="2031-03-06").contradiction == ""
    assert _check(asked, "In March the levy on Norland grain was 25%.", date="2031-07-31").contradiction == ""
    # nor when it names its time another way: a year, a season, a quarter, "last month", a date in figures
    for timed in ("The levy on Norland grain rose to 25% throughout 2031.", "Last month the levy rose to 25%.",
                  "The levy was cut to 10% in the spring.", "In Q1 the levy rose to 25%.", "On 3/4/2031 it rose to 25%."):
        assert _check(asked, timed, date="2031-07-31").contradiction == "", timed


def test_a_season_or_a_third_of_a_year_pins_its_months() -> None:
    assert parse("What levy did Norland settle on at the autumn 2031 summit?").months == {
        (2031, 9), (2031, 10), (2031, 11)}
    assert parse("How many bales were seized in the summer of 2030?").months == {(2030, 6), (2030, 7), (2030, 8)}
    mid = parse("In mid-2031, what share of bales held mould?")
    assert mid.years == {2031} and mid.months == {(2031, 5), (2031, 6), (2031, 7), (2031, 8)}
    assert not parse("What has the levy been since spring 2031?").months  # it opens a period
    # a verb or an adjective is no season: "did deaths fall 2031-2032", "how many late 2031 filings"
    assert not parse("How far did harbour deaths fall 2031-2032?").months
    assert not parse("How many late 2031 filings did the Harbour Board receive?").months
    # a sentence's own season is its months
    assert _check("What levy did Norland set in spring 2031?", "The levy was cut to 10% in spring 2031.",
                  date="2031-07-01").date == 1.0
    asked = "What levy did Norland settle on in late 2031?"
    assert _check(asked, "The February 2031 order set a 10% levy on Norland grain.").contradiction == "month February 2031"
    assert _check(asked, "The levy was cut to 10%, effective November 10, 2031.").contradiction == ""


def test_a_sentence_going_on_about_what_the_one_before_placed_elsewhere_is_not_of_the_asked_country() -> None:
    """"... more than 600 groups operate in Chile. These groups are linked to 48 countries, with Peru the most common
    link.": asked how many groups operate in Peru, the second sentence counts Chile's groups' links."""
    from crossbrief.rag.constraint_check import check
    asked = parse("How many smuggling groups operate in Peru?")
    before = "Officials report more than 600 smuggling groups operating in Chile."
    sentence = "These groups are linked to 48 countries, with Peru the most common link."
    found = check(asked, sentence, tuple(extract_figures(sentence)), before, f"{before} {sentence}", "2031-03-01",
                  previous=before)
    assert found.contradiction == "name Peru"
    # a sentence placing its own figure, or one whose subject is its own, is read as before
    own = "Smuggling groups in Peru are linked to 48 countries."
    assert not check(asked, own, tuple(extract_figures(own)), before, f"{before} {own}", "2031-03-01",
                     previous=before).contradiction


def test_a_fiscal_year_code_is_a_year() -> None:
    asked = parse("How many widgets did the agency inspect in FY22?")
    assert asked.years == {2022}
    assert not _check("How many widgets did the agency inspect in FY22?", "It inspected 4,000 widgets in FY 2022.").contradiction
    assert _check("How many widgets did the agency inspect in FY22?", "It inspected 4,000 widgets in FY2021.").contradiction == "year 2021"


def test_a_comparison_of_two_years_needs_evidence_of_both() -> None:
    question = "By how much did the FY24 widget budget exceed the FY21 budget?"
    assert parse(question).compares
    stands = _check(question, "The FY24 widget budget is $5 billion above the FY22 budget.")
    assert stands.contradiction == "lacks 2021"
    assert near_miss_reason(parse(question), stands.contradiction) == \
        "The sources give no figure for 2021 to compare with."
    assert not _check(question, "The FY24 widget budget is $5 billion above the FY21 budget.").contradiction
    # the years may be named once for the whole passage
    assert not check(parse(question), "It rose by $5 billion.", tuple(extract_figures("It rose by $5 billion.")), "",
                     "Budgets, FY24 against FY21. It rose by $5 billion.", None).contradiction
    # a year named relative to the source's date counts ("last year" in a 2025 source is 2024)
    relative = "By how much did widget deaths in 2024 fall compared with 2023?"
    said = "Widget deaths fell by 27% last year."
    assert not check(parse(relative), said, tuple(extract_figures(said)), "", said, "2025-05-14").contradiction
    # a sentence that names no year, in a passage that pairs other years or names none: no evidence of the pair
    plain = "The widget program will get $46 billion."
    for passage in (f"{plain} The FY24 widget budget is $5 billion above the FY22 budget.", plain):
        assert check(parse(question), plain, tuple(extract_figures(plain)), "", passage, None).contradiction == \
            "lacks 2021", passage
    # "by how much" is answered by a share or by an amount
    assert parse(question).answer == "change" and {"percent", "money", "count"} <= set(parse(question).kinds)
    # two years without a comparison: either year's evidence may answer
    assert not parse("How many widgets were exported in 2020 and 2021?").compares


def test_a_direction_narrows_its_noun() -> None:
    question = "How many widgets were seized at the northern border in 2023?"
    assert _check(question, "Agents seized 4,000 widgets at all borders in 2023.").contradiction == \
        "scope northern border"
    assert _check(question, "Agents seized 4,000 widgets at the Southwest Border in 2023.").contradiction == \
        "scope northern border"
    assert not _check(question, "Agents seized 4,000 widgets at the Northern border in 2023.").contradiction
    assert not _check(question, "Agents seized 4,000 widgets along the border in 2023.",
                      context="Northern border seizures").contradiction
    # "North America" is a name, not the border's direction
    assert _check(question, "Agents seized 4,000 widgets at the border in 2023.",
                  context="Widgets in North America").contradiction == "scope northern border"
    # nor does a unit that names no border: its figure is for every border
    assert _check(question, "Agents seized 4,000 widgets in 2023.").contradiction == "scope northern border"


def test_a_sentence_without_dates_is_read_with_the_months_of_its_context() -> None:
    question = "To what level was the widget duty raised in March 2025?"
    stands = _check(question, "In return, the exporters undertook to stop shipments.",
                    context="The duty was lowered to 10%, effective November 10, 2025.")
    assert stands.contradiction == "month November 2025"
    assert _check(question, "In return, the exporters undertook to stop shipments.",
                  context="The duty was raised to 20% on March 4, 2025.").date == 1
    # what was set before the asked month may still hold in it
    assert "month" not in _check(question, "Most imports face that duty.",
                                 context="The order of February 1, 2025 set a duty.").contradiction


def test_a_bracketed_comparative_gives_the_same_date_a_year_before() -> None:
    question = "What was the widget guarantee at 31 December 2018?"
    sentence = "At 31 December 2019 the widget guarantee totalled £13.0 million (2018: £12.4 million)."
    checked = _check(question, sentence)
    assert not checked.contradiction and checked.date == 1
    # without the comparative the sentence is of another December
    assert _check(question, "At 31 December 2019 the widget guarantee totalled £13.0 million.").contradiction == "year 2019"
    # it gives the figure at the date it follows, a year before, not at every month the sentence names; a
    # citation's bracket ("Smith (2019: 45)") is no comparative
    assert _check("What were the widget reserves in March 2018?", "Under the plan approved in March 2019, reserves at "
                  "31 December 2019 were £13.0 million (2018: £12.4 million).").contradiction
    assert _check("How many widget cases were recorded in March 2019?", "In March 2020, 40 cases were recorded, as "
                  "Smith (2019: 45) predicted.").contradiction == "month March 2020"
    # a bracketed year with no figure is no comparative
    assert _check(question, "At 31 December 2019 (2018: unchanged) the guarantee totalled £13.0 million."
                  ).contradiction == "month December 2019"


def test_when_something_holds_as_a_rule_is_answered_by_its_condition() -> None:
    question = "When does the widget exemption end?"
    assert parse(question).asks_condition and not parse("When did the widget exemption end?").asks_condition
    ruled = _check(question, "The widget exemption remains available until the Secretary notifies the Congress.")
    assert ruled.kind == 1 and not ruled.contradiction
    # an event asked in the past wants its date
    assert _check("When did the widget exemption end?", "The widget exemption remains available until the Secretary "
                  "notifies the Congress.").contradiction == "kind date"
    # a sentence with neither a date nor a condition does not say when
    assert _check(question, "The widget exemption covers small parcels.").contradiction == "kind date"
    assert _check(question, "The widget exemption was extended once again.").contradiction == "kind date"
    # a future event or a deadline asks its date: a condition does not give it
    for dated in ("When will the widget tariffs take effect?", "When is the widget filing deadline?"):
        assert not parse(dated).asks_condition, dated
    assert parse("When is widget goodwill considered impaired?").asks_condition


def test_review_regressions_of_the_new_constraints() -> None:
    # a year that opens a reference period is not another pair of years
    assert not _check("How much did spending increase in 2023 compared with 2022?",
                      "Spending rose in 2023 from the year before, to $3 billion, the highest since 2015.").contradiction
    # a sentence that names the asked month alone is of that month, whatever its title's date
    assert "month" not in _check("What was the widget rate in March 2025?", "The widget rate was 4.2 percent in March.",
                                 context="Widget report, April 2025").contradiction
    # a name that opens with a direction narrows nothing; "southwest" is one of the south's
    assert not parse("How many missiles did North Korea launch in 2022?").directed
    assert not parse("What was South Africa's widget rate?").directed
    assert not _check("How many widgets were seized at the southern border in 2023?",
                      "Agents seized 4,000 widgets at the Southwest Border in 2023.").contradiction
    # two-digit fiscal years of the last century
    assert parse("What was the widget budget in FY99?").years == {1999}


def test_a_possessive_acronym_is_met_by_the_acronym() -> None:
    assert mentions("HBC seized 40 crates.", "HBC's")
    assert mentions("The Harbour Board of Calder seized 40 crates.", "HBC's")


def test_a_fiscal_year_budget_may_come_from_the_calendar_year_before() -> None:
    """A budget for FY32 is published in 2031: money asked of it, or a plan ("would ... hire"), may come from a 2031
    source; what was done in FY32 ("did ... seize") cannot."""
    sentence = "The budget invests $12 million in harbour patrols."
    assert _check("How much does the FY32 budget invest in harbour patrols?", sentence, date="2031-03-11").date > 0
    assert _check("How many officers would the FY32 budget hire?", "It would hire 300 officers.",
                  date="2031-03-11").contradiction == ""
    assert _check("How many crates did harbour patrols seize in FY32?", "Patrols seized 300 crates.",
                  date="2031-03-11").contradiction == "published 2031"
    assert _check("How many crates have harbour patrols seized in FY32?", "Patrols seized 300 crates.",
                  date="2031-03-11").contradiction == "published 2031"


def test_a_year_a_figure_is_compared_with_is_not_its_year() -> None:
    asked = "How many ferries sailed in 2027?"
    assert _check(asked, "In 2031, 400 ferries sailed, 1.6 times more than in 2027.").contradiction == "year 2031"
    assert _check(asked, "In 2027, 250 ferries sailed, more than in 2025.").contradiction == ""


def test_a_half_or_quarter_of_a_year_is_pinned() -> None:
    asked = "How many crates were traced in the second half of FY31?"
    assert parse(asked).parts == frozenset({("half", 2)})
    stands = _check(asked, "Nearly 12,000 crates were traced in the first half of FY 31.")
    assert stands.contradiction == "part first half"
    assert near_miss_reason(parse(asked), stands.contradiction) == (
        "The sources give nothing for the second half; the nearest is the first half.")
    assert _check(asked, "Nearly 9,000 crates were traced in the second half of FY 31.").contradiction == ""
    assert _check(asked, "Nearly 9,000 crates were traced in FY 31.").contradiction == ""
    assert _check("How many crates in Q3 2031?", "There were 40 crates in Q1 2031.").contradiction == "part first quarter"
    assert parse("How many crates q2?").parts == frozenset()  # a code is written in capitals
    # any numbered thing: "the fifth meeting" is not answered from the fourth
    meeting = "When did the fifth meeting of the harbour board take place?"
    assert parse(meeting).parts == frozenset({("meeting", 5)})
    assert _check(meeting, "The fourth meeting of the board was held on May 2, 2031.").contradiction == (
        "part fourth meeting")
    assert _check(meeting, "The board's 5th meeting was held on June 2, 2031.").contradiction == ""
    assert _check(meeting, "The board first met on May 2, 2030.").contradiction == ""  # no numbered meeting
    # a name between the ordinal and the noun it numbers: the meeting is numbered, not the name
    named = "When did the fifth Harbour Board Trust meeting take place?"
    assert parse(named).parts == frozenset({("meeting", 5)})
    assert _check(named, "The fourth meeting of the Harbour Board Trust was held on May 2, 2031.").contradiction == (
        "part fourth meeting")
    assert parse("When was the second Harbour Board Trust held?").parts == frozenset({("harbour", 2)})
    from crossbrief.rag.dates import ordinal
    assert [ordinal(n) for n in (5, 11, 21, 22, 23, 112)] == ["fifth", "11th", "21st", "22nd", "23rd", "112th"]


def test_a_direction_does_not_narrow_a_country_named_by_its_relation() -> None:
    assert directed_nouns("What duty fell on goods from its northern neighbour?") == ()
    assert directed_nouns("What did the southern allies and partners pledge?") == ()
    assert directed_nouns("How much was seized at the northern border?") == (("northern border", "north", "border"),)



def test_a_sentence_naming_only_another_office_of_the_asked_kind_cannot_answer_for_it() -> None:
    asked = "What does the order direct the Secretary of Tides to do?"
    stands = _check(asked, "The order directs the Secretary of Harbours to map the coast.")
    assert stands.contradiction == "office secretary"
    assert "another secretary" in near_miss_reason(parse(asked), stands.contradiction)
    assert _check(asked, "It directs the Secretary of Harbours and the Secretary of Tides to map the coast."
                  ).contradiction == ""
    assert _check(asked, "The order directs the Secretary of Tides Ana Ruiz to map the coast.").contradiction == ""
    # a person named after the office in the question, not in the sentence
    assert _check("What did the Secretary of Tides Ana Ruiz say?", "The Secretary of Tides Ruiz said the coast "
                  "was mapped.").contradiction == ""
    assert _check(asked, "The order directs the Secretary to map the coast.").contradiction == ""  # which one: unsaid
    assert _check(asked, "The Department of Harbours maps the coast.").contradiction == ""  # another kind of office
    assert _check("What does the order ask of Tides officials?", "The Secretary of Harbours maps the coast."
                  ).contradiction == ""  # the question names no office


def test_a_word_of_a_countrys_longer_name_is_met_by_any_name_of_that_country() -> None:
    asked = parse("How many people in the United States died of poisonings in 2031?")
    said = "More than 100 000 Americans died of poisonings in 2031."
    stands = check(asked, said, tuple(extract_figures(said)), "", said, None)
    assert stands.names_near == 1.0 and not stands.contradiction
    assert check(asked, "The U.S. counted 100 000 deaths in 2031.", (), "", "", None).names_near == 1.0
    other = "More than 100 000 Chileans died of poisonings in 2031."
    assert check(asked, other, tuple(extract_figures(other)), "", other, None).names_near == 0.0
    # its words' other forms are other words: "States" is not met by "statistic" nor "United" by "units"
    plain = "Last month 400 units were sold, an equally worrying statistic."
    assert check(asked, plain, (), "", plain, None).names_near == 0.0


def test_a_sentence_placing_its_figure_in_another_country_cannot_answer_whatever_its_title_names() -> None:
    asked = "How many deaths a day were attributed to poisonings in Peru last year?"
    said = "Last year in Chile, 21 deaths a day were attributed to poisonings."
    assert _check(asked, said, context="Peru and its neighbours").contradiction == "name Peru"
    asked_long = "How many deaths a day were attributed to poisonings in the United States last year?"
    assert _check(asked_long, said, context="The United States border").contradiction == "name United States"
    # named, not placed ("the Chilean order" beside the asked country's plan), or placed in both: may answer
    assert _check(asked, "Under the Chilean order, 21 deaths a day were counted.", context="Peru").contradiction == ""
    assert _check(asked, "In Chile and Peru, 21 deaths a day were counted.").contradiction == ""
    # a capital may be a city elsewhere ("Victoria"): a question naming only a capital is not pinned so
    assert _check("How much did deaths fall in the province governed from Lima?",
                  "In Chile, the province of Tarapaca saw deaths fall by 13%.", context="Peru").contradiction == ""


def test_a_passage_of_other_numbered_things_does_not_answer_for_the_one_asked() -> None:
    meeting = "When did the fifth meeting of the harbour board take place?"
    said = "The board was set up on May 2, 2030."
    dated = tuple(extract_figures(said))
    assert check(parse(meeting), said, dated, "", f"{said} Its fourth meeting was in 2031.", None).contradiction == (
        "part fourth meeting")
    assert check(parse(meeting), said, dated, "", f"{said} The fifth meeting came later.", None).contradiction == ""
    assert check(parse(meeting), said, dated, "", said, None).contradiction == ""


def test_of_several_countries_the_one_the_question_places_its_figure_in_must_be_the_sentences() -> None:
    asked = "What share of the grain seized in Peru comes from Chile?"
    assert parse(asked).located == frozenset({"PE"})
    assert _check(asked, "About 97% of the grain seized by Bolivian officers comes from Chile.",
                  context="Peru").contradiction == "name Peru"
    assert _check(asked, "About 9% of the grain seized in Peru comes from Chile.").contradiction == ""
    assert _check(asked, "Peru traced 9% of its seized grain to Chile.").contradiction == ""
    assert parse("What share of the grain seized by Lima came from Chile?").located == frozenset()
    assert parse("What did Peru seize in Lima?").located == frozenset()  # a city, not where a country's figure lies


def test_a_sentence_placing_its_figure_in_a_province_does_not_answer_for_the_whole_country() -> None:
    asked = "What share of Canada's overdose deaths involved fentanyl?"
    said = "In Canada, the province of Ontario saw 70% of overdose deaths involve fentanyl."
    assert _reasoned(asked, said) == (
        "within Ontario", "The closest passages speak of Ontario alone, not of the whole country asked.")
    assert _check("What share of overdose deaths in Ontario involved fentanyl?", said).contradiction == ""
    assert _check(asked, "Canada saw 70% of overdose deaths involve fentanyl, Ontario most of all.").contradiction == ""
    # a state's name that names something else ("the Sinaloa Cartel") places nothing; nor does a province elsewhere
    assert _check("How much fentanyl did Mexico seize?", "In Mexico, the Sinaloa Cartel lost 900 kg of fentanyl."
                  ).contradiction == ""
    assert _check(asked, "In Texas, 70% of overdose deaths involved fentanyl.").contradiction != "within Texas"


def test_a_country_placed_by_its_code_alone_is_not_answered_by_a_figure_placed_in_another() -> None:
    """"in the US" names no country by a name to meet, but places the figure: a sentence placing its figure in
    another country only does not answer it; one naming the asked country too, or placing nothing, may."""
    asked = "How many people die from overdoses each day in the US?"
    assert parse(asked).located == frozenset({"US"}) and not parse(asked).names
    assert _check(asked, "Last year in Canada, 21 deaths a day were attributed to opioids.").contradiction == "name US"
    assert _check(asked, "In Canada and the US, 21 deaths a day were attributed to opioids.").contradiction == ""
    assert _check(asked, "Some 300 people a day die of overdoses.").contradiction == ""
    # so does a question asking what the country did, its subject after the auxiliary
    recorded = "How many opioid deaths did the US record in 2024?"
    assert parse(recorded).subjects == frozenset({"US"})
    assert _check(recorded, "Opioids killed 21 people a day in Canada in 2024.").contradiction == "name US"
    # a table row is placed by a cell naming a country; one naming no country places nothing
    assert _check(recorded, "Row 9: Substance: Opioids; Region: Canada; Year: 2024; Value: 7313").contradiction == \
        "name US"
    assert _check(recorded, "Row 9: Substance: Opioids; Region: United States; Year: 2024; Value: 81313"
                  ).contradiction == ""
    assert _check(recorded, "Row 9: Substance: Opioids; Year: 2024; Value: 81313").contradiction == ""
    # a cell naming where something came from, or whose it is, places nothing
    assert _check(recorded, "Row 2: Origin country: Canada; Year: 2024; Value: 7313").contradiction == ""
    assert _check(recorded, "Row 2: Trading partner: Canada; Year: 2024; Value: 7313").contradiction == ""
    # a code that only qualifies a word places nothing
    border = "How many lives did opioids claim a day north of the US border?"
    assert _check(border, "Opioids killed 21 people a day in Canada in 2024.").contradiction == ""


def test_today_in_a_source_dated_to_the_day_is_a_date() -> None:
    asked = "When did the Norland cabinet sign the widget accord?"
    said = "Today, the Norland cabinet signed the widget accord."
    assert _check(asked, said, date="2031-03-04").contradiction == ""
    assert _check("On what date did the Norland cabinet sign the accord?", said, date="2031-03-04").contradiction == ""
    assert _check(asked, said).contradiction == "kind date"  # no source date: no day
    # only an event "today" dates: not a state ("are", "is encouraging"), nor "Today's", "as of today", "USA Today"
    from crossbrief.rag.dates import dated_today
    assert dated_today("A NEW ACCORD: Today, the cabinet signed it.", "2031-03-04") == "March 4, 2031"
    for stated in ("Today, the drugs most responsible are synthetic.", "Today, the cabinet is also urging a vote.",
                   "Today's actions promote fair trade.", "The rules remain in place as of today.",
                   "USA Today reported 5 deaths."):
        assert dated_today(stated, "2031-03-04") == "", stated


def test_a_province_asked_is_a_requirement_its_evidence_must_name() -> None:
    """A question placing its figure in a province or state is answered only by evidence naming it (in the sentence,
    what it is read with, or its passage; in full or by initials): the country's figure is no province's."""
    asked = "How many opioid deaths were there in Ontario in 2023?"
    assert parse(asked).provinces == ("Ontario",)
    assert _reasoned(asked, "The national count for 2023 was 8,020 opioid deaths.") == (
        "province Ontario", "The sources give no figure for Ontario; the closest passages speak of other places.")
    assert _check(asked, "Ontario recorded 2,642 opioid deaths in 2023.").contradiction == ""
    assert _check(asked, "There were 2,642 such deaths in 2023.", context="Opioid deaths in Ontario").contradiction == ""
    assert _check(asked, "Ontarians saw 2,642 opioid deaths in 2023.").contradiction == ""
    bc = "How many opioid deaths were there in British Columbia in 2023?"
    assert _check(bc, "B.C. recorded 2,511 opioid deaths in 2023.").contradiction == ""
    assert _check(bc, "BC recorded 2,511 opioid deaths in 2023.").contradiction == ""
    assert _check(bc, "Canada recorded 8,020 opioid deaths in 2023.").contradiction == "province British Columbia"
    # a province only named, not where the figure is ("Texas officials"), pins nothing; nor does a name that is also
    # a country's or a capital's ("Washington")
    assert parse("How many seizures did Texas officials report in 2023?").provinces == ()
    assert parse("How many opioid deaths were there in Washington in 2023?").provinces == ()
    # initials and names are whole words, in any case or accent, never part of a longer province's name
    assert _check(bc, "BCE records show 2,511 opioid deaths in 2023.").contradiction == "province British Columbia"
    assert _check("How many deaths were there in Virginia in 2023?", "West Virginia recorded 1,500 deaths in 2023."
                  ).contradiction == "province Virginia"
    assert _check("How many deaths were there in Maine in 2023?", "Maintaining care, the US saw 1,500 deaths in 2023."
                  ).contradiction == "province Maine"
    assert _check(asked, "ONTARIO recorded 2,642 opioid deaths in 2023.").contradiction == ""
    assert _check("How many opioid deaths were there in Quebec in 2023?", "Québec recorded 600 opioid deaths in 2023."
                  ).contradiction == ""
    # a region's words ("Southern", "Central") are no province, nor is a name that runs on ("Northern Ontario")
    assert parse("How many deaths were there in Southern California in 2023?").provinces == ()
    assert parse("How many deaths were there in Central America in 2023?").provinces == ()
    assert parse("How many deaths were there in Northern Ontario in 2023?").provinces == ()
    # a follow-up naming no province asks of none, whatever the question it follows placed its figure in
    assert parse("What about the whole country?", context=asked).provinces == ()


def test_a_sentence_about_another_leaders_time_does_not_answer_for_the_one_asked() -> None:
    asked = "How many cartels did the Brandt administration designate as terrorist groups?"
    assert parse(asked).leaders == frozenset({"Brandt"})
    assert _reasoned(asked, "President Kohl designated eight cartels as terrorist groups.") == (
        "leader Kohl", "The closest passages speak of Kohl's time in office, not Brandt's.")
    assert _check(asked, "The Brandt-Scheel Administration designated six cartels.").contradiction == ""
    assert _check(asked, "President Kohl kept the six cartels President Brandt designated.").contradiction == ""
    assert _check(asked, "Vice President Scheel said six cartels were designated.").contradiction == ""
    assert _check(asked, "Six cartels were designated by the interior ministry, a step that President Kohl later "
                         "widened.").contradiction == ""  # not its subject


def test_a_change_the_other_way_does_not_answer_for_the_one_asked() -> None:
    asked = "From which day did the reduced levy on Norland's grain apply?"
    assert parse(asked).direction == "down"
    assert _reasoned(asked, "From March 4, 2031, the levy on Norland's grain rose to 20%.") == (
        "direction down", "The closest passages speak of a rise, not the change asked.")
    assert _check(asked, "The levy on Norland's grain was lowered to 10%, effective May 2, 2031.").contradiction == ""
    assert _check(asked, "The levy on Norland's grain applies from May 2, 2031.").contradiction == ""  # says no way
    # a question naming both ways, or none, pins none
    assert parse("Did the levy rise or fall in 2031?").direction == ""
    assert parse("What levy applies to Norland's grain?").direction == ""


def test_a_count_of_a_kind_called_by_a_proper_name_needs_evidence_naming_that_kind() -> None:
    asked = "How many Harbour Safety Zones operate in Peru?"
    assert _reasoned(asked, "More than 600 crime groups operate in Peru.") == (
        "counted Harbour Safety Zones", "The closest passages count something other than Harbour Safety Zones.")
    assert _check(asked, "Peru runs 12 Harbour Safety Zones.").contradiction == ""
    assert _check(asked, "Peru runs 12 HSZs along its coast.").contradiction == ""  # by its acronym
    assert _check("How many crime groups operate in Peru?", "Peru has 600 gangs.").contradiction == ""  # no name


def test_review_mends_of_the_country_province_leader_and_direction_checks() -> None:
    # an agency named "... Administration" is no leader's
    from crossbrief.rag.name_phrases import leaders_in
    assert leaders_in("The Widget Enforcement Administration designated six cartels.") == frozenset()
    assert leaders_in("the Food and Widget Administration") == frozenset()
    assert _check("How many cartels did the Brandt administration designate?",
                  "The Widget Enforcement Administration designated 6 cartels in 2031.").contradiction == ""
    # a country's figure that also names a province's share is the country's
    asked = "How many overdose deaths were there in Peru in 2031?"
    assert _check(asked, "In Peru, 7,000 people died of overdoses in 2031, 2,500 of them in Lima Province."
                  ).contradiction == ""
    assert _check("How many deaths were there in Canada in 2031?",
                  "In Canada, 7,000 people died in 2031, 2,500 of them in Ontario.").contradiction == ""
    assert _check("How many deaths were there in the US in 2031?", "In Texas, 2,500 people died in 2031."
                  ).contradiction.startswith("within Texas")
    # a sentence of one of the countries compared may answer
    assert _check("How many overdose deaths were there in Peru compared with Chile in 2031?",
                  "Chile recorded 7,000 overdose deaths in 2031.").contradiction == ""
    # a direction that dates the question is no attribute of what it asks
    assert parse("How many people were arrested in Peru after the levy was cut in 2031?").direction == ""
    assert parse("What was Peru's GDP growth in 2031?").direction == ""
    # a word of a long country name is met by that name's acronym too
    coast = parse("How much did the United States Coast Guard seize in 2031?")
    assert check(coast, "The USCG seized 400 kg in 2031.", (), "", "", None).names_near == 1.0


def test_a_sentence_naming_no_office_is_read_with_its_passages_offices() -> None:
    asked = parse("What does the harbour order direct the Secretary of Energy to do?")
    said = "The harbour order tasks the cabinet with new duties."
    tasked = f"{said} It directs the Secretary of War and the Secretary of State to act."
    assert check(asked, said, (), "", tasked, None).contradiction == "office secretary"
    assert check(asked, said, (), "", f"{tasked} The Secretary of Energy reports in May.", None).contradiction == ""
    assert check(asked, said, (), "", said, None).contradiction == ""  # a passage naming no office
    # a body or an account is not read with its passage: "Department of Justice" may be "DOJ" there
    bodies = parse("What did the Department of Justice announce?")
    assert check(bodies, "DOJ announced 40 charges.", (), "", "DOJ announced 40 charges. The Department of State "
                 "agreed.", None).contradiction == ""


def test_a_figure_per_another_period_does_not_answer_one_asked_per_period() -> None:
    """"How many ... a day" is answered by a figure per day, not by one per year nor by a year's count; a question per
    year may be answered by a year's count; "a year ago" is no period."""
    daily = "How many widgets a day were seized at the harbour in 2031?"
    assert parse(daily).periods == {"day"}
    assert _reasoned(daily, "Officers seize 90,000 widgets each year at the harbour.") == (
        "period year", "The closest passages give a figure per year, not per day.")
    assert _reasoned(daily, "Officers seized 90,000 widgets at the harbour in 2031.") == (
        "period year", "The closest passages give a figure per year, not per day.")  # a year's count
    assert _reasoned(daily, "Officers seized 90,000 widgets at the harbour.") == (
        "period", "The closest passages give no figure per day.")
    # a year's count with its daily equivalent answers either; a named month's count is one month's
    both = "In 2031, officers seized 90,000 widgets at the harbour, nearly 250 a day."
    assert _check(daily, both).contradiction == "" and _check("How many widgets a year were seized at the harbour?",
                                                              both).contradiction == ""
    assert _check("How many widgets were seized per month at the harbour in 2031?",
                  "In March 2031, officers seized 7,000 widgets at the harbour.").contradiction == ""
    # nor are "a week-long operation", "within a month of" or "on a typical day" misread
    assert not parse("How many widgets were seized in a week-long operation in 2031?").periods
    assert not parse("How many widgets were seized within a month of the order?").periods
    assert _check(daily, "On a typical day in 2031, officers seized 250 widgets at the harbour.").contradiction == ""
    assert _check(daily, "Officers seized 250 widgets a day at the harbour in 2031.").contradiction == ""
    assert _check(daily, "In 2031, the harbour's daily seizures came to 250 widgets.").contradiction == ""
    yearly = "How many widgets are seized each year at the harbour?"
    assert _check(yearly, "Officers seized 90,000 widgets at the harbour in 2031.").contradiction == ""
    assert _check(yearly, "Officers seize 250 widgets a day at the harbour.").contradiction == "period day"
    assert not parse("How many widgets were seized a year ago at the harbour?").periods


def test_a_rough_count_of_what_is_asked_answers_how_many() -> None:
    """"dozens of widget boats" is the sources' count of widget boats, as exact as they are; a rough count of something
    the question does not speak of is no count of it."""
    asked = "How many widget boats did the navy stop?"
    assert _check(asked, "The navy stopped dozens of widget boats off the coast.").kind == 1.0
    assert _check(asked, "The navy stopped hundreds of thousands of widget boats.").kind == 1.0
    # what the rough count counts is its noun phrase, not what follows it ("millions of doses of widgets")
    assert _check("How many widget labs did police close?", "Police seized millions of doses of widgets.").kind == 0.0
    stands = _check(asked, "The navy spent millions of dollars on patrols.")
    assert stands.kind == 0.0 and stands.contradiction == "kind count"
    assert _check("When did the navy stop widget boats?", "The navy stopped dozens of widget boats.").kind == 0.0


def test_the_words_of_a_source_named_by_its_date_are_not_words_the_answer_must_say() -> None:
    """"..., according to the March 2031 analysis?" is met by the analysis's date (source_dates); its words are not
    the question's own (Constraints.words, and the rarity and nearness features read the question without them)."""
    from crossbrief.rag.named_sources import without_named_source

    question = "Which guilds make widgets in Norland, according to the March 2031 analysis?"
    assert without_named_source(question) == "Which guilds make widgets in Norland?"
    assert without_named_source("According to the 2031 fact sheet, how many widgets were sold?") == (
        "how many widgets were sold?")
    assert without_named_source("What levy did the order of March 2031 set?") == (
        "What levy did the order of March 2031 set?")  # a date of the order asked of, no source named
    # what follows the source's name in its clause stays
    assert without_named_source("Under the March 2031 order what levy applies to widgets?") == (
        "what levy applies to widgets?")
    assert without_named_source("How many deaths per the 2031 fact sheet involved widgets in Norland?") == (
        "How many deaths sheet involved widgets in Norland?")
    parsed = parse(question)
    assert parsed.source_dates == {(2031, 3)} and "analysis" not in parsed.words and "widget" in parsed.words


def test_a_document_named_by_when_it_came_out_pins_no_month_of_the_figure() -> None:
    """"according to the tally released in May 2031" names the tally by its date (source_dates), as "according to the
    May 2031 tally" does: the deaths asked are of another time ("the last complete year")."""
    released = parse("How many died in the last complete year, according to the tally released in May 2031?")
    assert released.source_dates == {(2031, 5)} and not released.months and not released.years
    assert parse("Per the report published on March 3, 2031, how many ports closed?").source_dates == {(2031, 3)}
    assert parse("How many died, according to the counts released on 14 May 2031?").source_dates == {(2031, 5)}
    # an event's date is no source's: the order issued then is what is asked of
    issued = parse("What duty did the amending order issued on July 31, 2031 set?")
    assert issued.months == {(2031, 7)} and not issued.source_dates
    # a month the figure is of, not the document's
    assert parse("How many ports closed in May 2031?").months == {(2031, 5)}


def test_how_much_of_a_whole_is_answered_by_a_share_or_by_an_amount_of_it() -> None:
    """"How much of the cost was crime-related?" is answered by "Crime-related: $63 billion" as by "10 percent"; "how
    much of a difference" is no part of a whole."""
    from crossbrief.rag.question_types import expected_kinds
    assert set(expected_kinds("How much of the storm's cost was crime-related?")) == {"percent", "money", "quantity"}
    assert answer_type("How much of the storm's cost was crime-related?") == "percent"
    assert expected_kinds("What share of the cost was crime-related?") == ("percent",)
    assert "money" not in expected_kinds("How much of a difference did the levy make?")


def test_a_rate_per_day_is_no_year_s_count() -> None:
    """"How many ferry deaths were there in Norland in 2031?" is not answered by "40 deaths a day" (a rate); a
    sentence that gives the year's count beside its daily rate may answer, and so may the rate where one is asked."""
    from crossbrief.rag.refusal_reasons import near_miss_reason

    asked = "How many ferry deaths were there in Norland in 2031?"
    daily = "In 2031, Norland counted 40 deaths a day on its ferries."
    assert _check(asked, daily).contradiction == "period day"
    assert near_miss_reason(parse(asked), "period day") == \
        "The closest passages give a figure per day, not the count asked."
    assert _check(asked, "In 2031, Norland counted 14,600 ferry deaths, 40 deaths a day.").contradiction == ""
    assert _check("How many ferry deaths a day were there in Norland in 2031?", daily).contradiction == ""
