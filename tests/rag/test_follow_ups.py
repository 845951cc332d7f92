"""Follow-ups read offline: each is asked of the question the conversation has come to, as earlier follow-ups
rewrote it; a question word alone follows up."""

from __future__ import annotations

from crossbrief.rag.conversation import asked_of_else, condense_offline, looks_like_follow_up, standalone_subject


def test_a_follow_up_is_asked_of_the_question_as_the_follow_ups_before_it_rewrote_it() -> None:
    asked = ["How many ferry crossings were there in Norland in 2031?", "And in Eastshire?", "And in 2030?"]
    assert standalone_subject(asked[:2]) == "How many ferry crossings were there in Eastshire in 2031?"
    assert standalone_subject(asked) == "How many ferry crossings were there in Eastshire in 2030?"
    history = [("user", asked[0]), ("assistant", "..."), ("user", asked[1]), ("assistant", "...")]
    assert condense_offline(asked[2], history).standalone == (
        "How many ferry crossings were there in Eastshire in 2030?")
    # a follow-up that only leans on it ("Why?") leaves it as it was; a new question starts over
    assert standalone_subject([asked[0], "Why?", "And in 2030?"]) == (
        "How many ferry crossings were there in Norland in 2030?")
    assert standalone_subject([asked[0], "What did the harbour authority decide about tolls in 2031?"]) == (
        "What did the harbour authority decide about tolls in 2031?")


def test_a_place_by_its_name_takes_the_place_of_the_country_asked_of() -> None:
    assert asked_of_else("And in Eastshire?", "How many crossings were there in Canada in 2031?") == (
        "How many crossings were there in Eastshire in 2031?")
    assert asked_of_else("And in Mexico?", "How many crossings were there in Canada in 2031?") == (
        "How many crossings were there in Mexico in 2031?")
    # a lower-case phrase is no place's name: the country stays unless a phrase of that preposition holds no country
    assert asked_of_else("And in winter?", "How many crossings were there in Canada in 2031?") is None


def test_a_question_word_alone_follows_up() -> None:
    assert all(looks_like_follow_up(q) for q in ("Why?", "And how?", "When?", "so why"))
    assert not looks_like_follow_up("Why did the levy rise in 2031?")
    condensed = condense_offline("Why?", [("user", "What did Norland raise the levy to in 2031?"),
                                          ("assistant", "...")])
    assert condensed.context == "What did Norland raise the levy to in 2031?"


def test_who_announced_it_asks_of_the_announcement_not_the_source() -> None:
    from crossbrief.rag.conversation import asks_source
    assert asks_source("Who said that?") and asks_source("Who reported that?") and asks_source("What's the source?")
    assert not asks_source("Who announced it?")
    condensed = condense_offline("Who announced it?", [("user", "How much is Norland's ferry plan worth?"),
                                                       ("assistant", "...")])
    assert condensed.context == "How much is Norland's ferry plan worth?"


def test_a_country_is_swapped_where_a_phrase_names_it_and_a_people_for_a_people() -> None:
    # the country the levy falls on, not the one that levies it; "Chilean goods" become "Peruvian goods"
    assert asked_of_else("What about Peru?", "What is the US levy on Chile?") == "What is the US levy on Peru?"
    assert asked_of_else("What about Peru?", "What is the current US levy on Chilean wool?") == (
        "What is the current US levy on Peruvian wool?")
    assert asked_of_else("What about Peru?", "What did Chile's delegation pledge?") == "What did Peru's delegation pledge?"


def test_a_month_or_a_year_dates_a_question_that_had_none() -> None:
    assert asked_of_else("And in February 2031?", "What is the current levy on Norland wool?") == (
        "What is the levy on Norland wool in February 2031?")
    assert asked_of_else("And in March 2031?", "What levy did the February 2031 order set?") == (
        "What levy did the March 2031 order set?")
    assert asked_of_else("And in May 2031?", "How many crossings were there in 2031?") == (
        "How many crossings were there in May 2031?")
    assert asked_of_else("And in 2032?", "What is the levy on Norland wool now?") == (
        "What is the levy on Norland wool in 2032?")
    assert asked_of_else("And in 2032?", "How many crossings were there between 2028 and 2031?") is None


def test_one_name_takes_the_place_of_another() -> None:
    assert asked_of_else("What about the Port Trust?", "When was the Harbour Board set up?") == (
        "When was the Port Trust set up?")
    assert asked_of_else("What about HPX?", "How many bales did NWA seize in 2031?") == (
        "How many bales did HPX seize in 2031?")
    # a province for the country a figure is placed in; no name to swap with leaves the question to lean on
    assert asked_of_else("What about Ontario?", "How many crossings were there in Canada in 2031?") == (
        "How many crossings were there in Ontario in 2031?")
    assert asked_of_else("What about the Port Trust?", "How many crossings were there in Chile?") is None
    assert asked_of_else("What about the Port Trust?", "Did NWA or HPX set the tolls?") is None
    # and what is asked after it is asked of it
    assert standalone_subject(["When was the Harbour Board set up?", "What about the Port Trust?"]) == (
        "When was the Port Trust set up?")


def test_a_pointing_word_with_nothing_earlier_to_point_at_is_no_follow_up() -> None:
    assert not looks_like_follow_up("What is ferrocite and why do smugglers use it?")
    assert not looks_like_follow_up("What did Norland announce, and what did it include?")
    assert not looks_like_follow_up("Who chairs the harbour board this year?")
    assert all(looks_like_follow_up(q) for q in ("And what did it include?", "How much was it and who paid?",
                                                 "How many crossed that year?", "What does it do?"))
