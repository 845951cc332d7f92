"""Another body of the kind a question names ("South Florida HIDTA" for the Northwest HIDTA asked) is a near miss;
a person, a country or an acronym named otherwise is not another body."""

from __future__ import annotations

import pytest

from crossbrief.rag.constraints import parse
from crossbrief.rag.named_bodies import another_of_its_kind
from crossbrief.rag.refusal_reasons import near_miss_reason


def _runs(question: str) -> tuple[tuple[str, ...], ...]:
    return parse(question).name_runs


def test_a_sentence_naming_the_same_kind_of_body_qualified_otherwise_speaks_of_another() -> None:
    question = "How many gangs did the Eastport Harbour Patrol disband in 2031?"
    runs = _runs(question)
    found = another_of_its_kind(runs, "In 2031 the Westport Harbour Patrol disbanded 54 gangs.")
    assert found == "body Eastport Harbour Patrol|Westport Harbour Patrol"
    assert near_miss_reason(parse(question), found) == (
        "The closest passages speak of Westport Harbour Patrol, not Eastport Harbour Patrol.")
    # the body asked, named as asked, or the kind named without qualifiers: no other body
    assert another_of_its_kind(runs, "The Eastport Harbour Patrol disbanded 54 gangs in 2031.") == ""
    assert another_of_its_kind(runs, "The Patrol disbanded 54 gangs in 2031.") == ""
    # a sentence that names nothing of that kind is read with the sentence before it
    assert another_of_its_kind(runs, "Its officers disbanded 54 gangs.",
                               "In 2031 the Westport Harbour Patrol grew.").startswith("body")
    assert another_of_its_kind(runs, "Its officers disbanded 54 gangs.",
                               "In 2031 the Eastport Harbour Patrol grew.") == ""
    assert another_of_its_kind(runs, "The Patrol disbanded 54 gangs.", "The Westport Harbour Patrol grew.") == ""


@pytest.mark.parametrize("question, sentence", [
    ("What did the Biden Administration announce?", "The Biden-Harris Administration announced new rules."),
    ("What share of Sudmark's GDP does trade make up?", "Trade makes up 67% of Sudmark’s GDP."),
    ("Which guilds did the Treasury's Office of Ports name?", "The Department of the Treasury’s Office of Ports named 12."),
    # a sentence's first word is no qualifier
    ("How many deaths did the Norland CDC count?", "Provisional CDC figures count 80,000 deaths in Norland."),
    # a person: titles, honorifics and given names name one man
    ("What did Mr Trudeau announce?", "Prime Minister Justin Trudeau set out a border plan."),
    ("What did Justin Trudeau announce?", "Prime Minister Trudeau set out a border plan."),
    ("What did President Trump sign?", "Donald J. Trump signed the order."),
    # a country named otherwise is the places' to read; an acronym may stand for the question's name
    ("What share of Canada's GDP is trade?", "Trade is 67% of Canadian GDP."),
    ("What does the National Drug Control Strategy fund?", "The ONDCP Strategy funds 33 areas."),
])
def test_names_of_one_person_country_or_body_in_other_words_are_no_other_body(question: str, sentence: str) -> None:
    assert another_of_its_kind(_runs(question), sentence) == ""


def test_another_body_doing_what_the_question_asks_of_one_by_its_acronym_is_a_near_miss() -> None:
    """"How many pounds did HSI seize in FY 2031?" is not answered by "KPB seized 11,201 pounds in FY 2031", nor by
    a figure "seized by KPB"; a sentence naming HSI, or telling of another deed, or of a country, is not another
    body's."""
    from crossbrief.rag.constraint_check import check
    from crossbrief.rag.figures import extract_figures
    from crossbrief.rag.named_bodies import another_actor

    question = "How many pounds of cocaine did HSI seize in FY 2031?"
    asked = parse(question)
    assert asked.actor == ("HSI", "seiz")
    other = "KPB seized 14,700 pounds of cocaine in FY 2032, up from the amount seized in FY 2031 (11,201 pounds)."
    assert another_actor(asked, other) == "body HSI|KPB"
    assert check(asked, other, tuple(extract_figures(other)), "", other, "2032-01-01").contradiction == "body HSI|KPB"
    assert near_miss_reason(asked, "body HSI|KPB") == "The closest passages speak of KPB, not HSI."
    assert another_actor(asked, "In FY 2031, 11,201 pounds were seized by KPB.") == "body HSI|KPB"
    assert another_actor(asked, "KPB has also seized 9 pounds.") == "body HSI|KPB"
    for same in ("KPB and HSI seized 11,201 pounds in FY 2031.", "HSI seized 11,201 pounds in FY 2031.",
                 "KPB trained 40 officers; 11,201 pounds were seized in FY 2031.",
                 "The US seized 11,201 pounds in FY 2031."):
        assert another_actor(asked, same) == "", same
    # a country asked of is places.py's; a question asking of no body by an acronym pins none
    assert parse("How many pounds did the US seize in 2031?").actor == ()
    assert parse("How many pounds were seized in 2031?").actor == ()
    # a body the question asks of too, or the asked one spelt out, is no other body
    assert another_actor(parse("How much more cocaine did HSI seize than KPB in FY 2031?"), other) == ""
    assert another_actor(asked, "Homeland Security Investigations seized 9 pounds, more than KPB seized.") == ""
    # what a body told (its data, its report) is another body's deed told; a possessive's noun is no verb
    for telling in ("How many deaths did CDC data show in 2031?", "How many pounds did KPB report seizing?",
                    "How many did KPB's officers seize?", "How many deaths did the CDC record in 2031?"):
        assert parse(telling).actor == (), telling
    assert another_actor(asked, "Title III intercepted 9 calls; KPB seizes 9 pounds.") == ""
    from crossbrief.rag.name_phrases import is_body_code
    assert not is_body_code("III") and not is_body_code("XIV") and is_body_code("ICC") and is_body_code("CIC")


def test_a_thing_of_another_body_by_its_acronym_is_a_near_miss() -> None:
    """"Targeting Teams at the KPB" do not answer what the budget gave the Targeting Teams at the HSI; the same teams,
    or the asked body named too, or a country, or a fiscal year's code, are no other body's."""
    from crossbrief.rag.name_phrases import bodies_of
    from crossbrief.rag.named_bodies import another_owner

    asked = parse("How much did the 2031 budget request for Threat Targeting Teams at the HSI?")
    assert asked.owned == (("team", "HSI"),)
    assert another_owner(asked, "It adds $18 million in Threat Targeting Teams at the KPB.") == "body HSI|KPB"
    assert near_miss_reason(asked, "body HSI|KPB") == "The closest passages speak of KPB, not HSI."
    for same in ("It adds $18 million in Threat Targeting Teams at the HSI.",
                 "It adds $18 million in teams at the KPB and $9 million for the HSI.",
                 "It adds $18 million in Targeting Teams in the US."):
        assert another_owner(asked, same) == "", same
    assert bodies_of("Spending in FY 2031 rose; agents of the KPB's unit left.") == ()
    # a code with no article is no body: a currency, a measure, a fiscal year ("in FY’31")
    assert bodies_of("Goods in USD, growth in GDP, 300 more agents in FY’31.") == ()
    # the other body asked of too
    both = parse("How much for Threat Targeting Teams at the HSI and at the KPB?")
    assert another_owner(both, "It adds $18 million in Threat Targeting Teams at the KPB.") == ""
