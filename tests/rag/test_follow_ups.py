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
