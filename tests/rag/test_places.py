"""A country's other names (capital, demonym, short form, code) stand for it; a city or province inside it does not."""

from __future__ import annotations

from crossbrief.rag.constraint_check import check
from crossbrief.rag.constraints import parse
from crossbrief.rag.evidence import name_known, question_words
from crossbrief.rag.figures import extract_figures
from crossbrief.rag.places import countries_in, countries_named, names_same_country


def test_a_capital_a_demonym_a_short_form_and_a_code_name_their_country() -> None:
    assert countries_named("Canberra") == {"AU"}
    assert countries_named("Canberra's") == {"AU"}  # a possessive names the same place
    assert countries_named("Kenyan") == countries_named("Kenyans") == {"KE"}
    assert countries_named("America") == {"US"}  # the short form of "United States of America"
    assert countries_named("Washington") == {"US"}  # "Washington D.C." as a sentence writes it
    assert countries_named("UK") == {"GB"}


def test_a_city_a_province_or_an_invented_name_is_no_country() -> None:
    assert not countries_named("Melbourne")  # a city of Australia, not Australia
    assert not countries_named("Norland")
    assert not countries_named("White")


def test_a_text_names_countries_by_any_of_their_names_but_not_by_lower_case_words_or_currencies() -> None:
    assert countries_in("Talks with the Kenyan government and Australia") == {"KE", "AU"}
    assert countries_in("The UN sent a team to the Japanese port") == {"JP"}
    assert countries_in("U.S. agents and U.K. officials") == {"US", "GB"}  # initials written with dots
    assert not countries_in("It costs US$4 billion and helps us all")  # "US$" is a currency, "us" a word
    assert names_same_country(("Nairobi said it would act",), "Kenya")
    assert not names_same_country(("Nairobi said it would act",), "Canberra")


def test_a_word_inside_a_longer_name_or_a_heading_in_capitals_names_no_country() -> None:
    assert countries_in("Deaths rose in New Mexico and across North America") == set()
    assert countries_in("Clinics in Papua New Guinea") == {"PG"}  # not Guinea as well
    assert countries_in("British Columbia recorded 2,000 deaths") == set()  # a province, not Britain
    assert countries_in("New South Wales and New Mexico reported") == set()
    assert countries_in("In Kenya and the United Kingdom, deaths fell") == {"KE", "GB"}
    assert countries_in("DEATHS PER 100,000 PEOPLE, BY REGION AND YEAR") == set()  # PER, AND: words
    assert countries_named("Spain") == {"ES"}  # not Trinidad and Tobago's capital, "Port of Spain"
    assert countries_named("China") == {"CN"}  # another's official name ending "of China" is not China


def test_a_three_letter_code_names_its_country_only_when_it_spells_an_official_name() -> None:
    assert countries_named("USA") == {"US"}  # United States of America
    # an ISO code that spells no official name is another thing's acronym in prose (a bureau, a verb); initials are
    # not names of their own either: many spell something else ("CPR", "SAR")
    assert countries_in("INL and ATF have trained forensic experts") == set()
    assert not countries_named("ATF") and not countries_named("CAN")
    assert countries_in("In 2031, 12,000 people received naloxone and CPR training.") == set()


def _check(question: str, sentence: str):  # type: ignore[no-untyped-def]
    return check(parse(question), sentence, tuple(extract_figures(sentence)), "", sentence, None)


def test_a_question_naming_a_capital_is_met_by_evidence_naming_its_country() -> None:
    met = _check("How many arrests did Canberra report?", "Australia reported 1,200 arrests.")
    assert met.names == 1 and met.names_near == 1 and met.other_names == 0
    other = _check("How many arrests did Tokyo report?", "Officials in Australia reported 1,200 arrests.")
    assert other.names == 0 and other.other_names == 1  # Tokyo is Japan's capital: another country


def test_a_country_name_the_index_lacks_is_known_when_it_uses_another_name_of_that_country() -> None:
    frequencies = {"australia": 12, "arrests": 30}
    asked = question_words("How many arrests did Canberra report?", frequencies, 100, parse(
        "How many arrests did Canberra report?").names)
    assert next(w for w in asked if w.stem == "canberra").known
    asked_elsewhere = question_words("How many arrests did Tokyo report?", frequencies, 100, ("Tokyo",))
    assert not next(w for w in asked_elsewhere if w.stem == "tokyo").known
    assert name_known("Canberra's", frequencies) and not name_known("Tokyo's", frequencies)


def test_a_capital_running_on_into_another_capitalised_word_names_no_country() -> None:
    assert countries_in("How many deaths did Washington State record?") == frozenset()
    assert countries_in("Lima Police arrested four people.") == frozenset()
    assert countries_in("What did Washington threaten?") == {"US"}
    assert countries_in("Officials in Lima and Ottawa met.") == {"PE", "CA"}


def test_a_people_named_in_the_plural_names_its_country() -> None:
    assert countries_in("More than 100 Kenyans and Peruvians died.") == {"KE", "PE"}
    assert countries_in("The Thompsons and Swiss met.") <= {"CH"}  # a family name is no people
    assert countries_in("Sales of Jordans and Turkeys rose.") == frozenset()  # only a people's name takes the plural



def test_a_country_ending_a_bodys_name_names_that_bodys_country_but_not_a_regions() -> None:
    assert countries_in("Criminal Intelligence Service Canada counts 600 groups in the country") == {"CA"}
    assert countries_in("Figures from Public Safety Kenya's annual report") == {"KE"}
    assert countries_in("Across Latin America and Central Mexico, and in New Guinea") == set()


def test_a_person_whose_name_ends_in_a_country_s_is_no_body_of_that_country() -> None:
    assert countries_in("Rep. Ann Jordan said 2,000 people died") == set()
    assert countries_in("Deaths in Texas and across the Northwest Territories rose") == set()  # provinces
    from crossbrief.rag.places import provinces_located_in
    assert set(provinces_located_in("Deaths in Texas and across the Northwest Territories rose")) == {
        "Texas", "Northwest Territories"}


def test_a_state_is_placed_by_being_called_one_or_asked_what_it_did() -> None:
    """"Washington State" and "the state of Washington" are the state (a capital's name otherwise: "What did
    Washington pledge?" names none); "did Ohio record" asks of Ohio; a region that runs on is not its province."""
    from crossbrief.rag.places import provinces_located_in
    assert set(provinces_located_in("How many deaths did Washington State record in 2023?")) == {"Washington"}
    assert set(provinces_located_in("How many deaths were there in the state of Washington?")) == {"Washington"}
    assert set(provinces_located_in("How many deaths did New York State record?")) == {"New York"}
    assert set(provinces_located_in("How many deaths did Ohio record in 2023?")) == {"Ohio"}
    assert provinces_located_in("What did Washington pledge?") == {}
    assert provinces_located_in("What did Mexico record?") == {}
    assert provinces_located_in("How many died in Northern Ontario?") == {}
    assert set(provinces_located_in("How many deaths did Washington state record?")) == {"Washington"}
    assert set(provinces_located_in("What did the State of Washington report?")) == {"Washington"}
    assert set(provinces_located_in("In New York State, deaths fell.")) == {"New York"}
    # another body named after a state, and a noun the name qualifies, place nothing
    assert provinces_located_in("Washington State University researchers counted 107,000 deaths.") == {}
    assert provinces_located_in("How many deaths did Texas officials in Austin report?") == {}


def test_a_country_asked_of_is_the_subject_after_an_auxiliary_and_a_code_needs_its_article() -> None:
    """"did the US record" asks of the US; "US goods" and "north of the US border" only name it; a bare code may be
    an acronym of something else ("IT spending", "GP")."""
    from crossbrief.rag.places import countries_asked_of, named_as_country
    assert countries_asked_of("How many opioid deaths did the US record in 2024?") == {"US"}
    assert countries_asked_of("How many deaths did the U.S. record?") == {"US"}
    assert countries_asked_of("What has Canada pledged?") == {"CA"}
    assert countries_asked_of("What tariff applies to US goods?") == frozenset()
    assert countries_asked_of("How much did IT spending rise in 2024?") == frozenset()
    text = "What did GP sell, and what did the UK buy?"
    assert not named_as_country(text, text.index("GP"), text.index("GP") + 2)
    assert named_as_country(text, text.index("UK"), text.index("UK") + 2)


def test_the_names_a_text_places_its_figure_in_are_read_after_in_across_or_within() -> None:
    from crossbrief.rag.places import names_placed_in
    assert names_placed_in("How many opioid deaths were recorded in Toronto in 2023?") == ("Toronto",)
    assert names_placed_in("What did shelters across Northern Ontario report?") == ("Northern Ontario",)
    assert names_placed_in("In New Brunswick, how many died?") == ("New Brunswick",)
    assert names_placed_in("How many died in Toronto in March 2031?") == ("Toronto",)
    # a name only named, a year or a month after "in", or a possessive (a person's may be what follows: "in Trump's
    # February order") places nothing
    assert names_placed_in("What did Toronto police seize in 2024?") == ()
    assert names_placed_in("What tariff applied in February 2025?") == ()
    assert names_placed_in("What tariff did the US put on Canadian imports in Trump's February 2025 order?") == ()
    assert names_placed_in("How many died in Toronto's east end?") == ()
    # a word ending in a lower-case part describes a place: "the Norland-coast province" names none
    assert names_placed_in("How many died in the Norland-coast province in 2031?") == ()
    assert names_placed_in("How many died in Stratford-upon-Avon?") == ("Stratford-upon-Avon",)
