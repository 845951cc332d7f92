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
    condensed = condense_offline("Why?", [("user", "How many ferries did Norland buy in 2031?"),
                                          ("assistant", "...")])
    assert condensed.context == "How many ferries did Norland buy in 2031?"
    # how much something changed, asked why: why it changed ("How?" of it asks how it was done: the context)
    condensed = condense_offline("Why?", [("user", "By how much did Norland raise the levy in 2031?"),
                                          ("assistant", "...")])
    assert condensed.query == "Why did Norland raise the levy in 2031?" and condensed.context == ""
    condensed = condense_offline("And how?", [("user", "By how much did Norland raise the levy in 2031?"),
                                              ("assistant", "...")])
    assert condensed.context == "By how much did Norland raise the levy in 2031?"
    # a question opening with its question word and verb is asked again with the new one: its reason, not its figure
    condensed = condense_offline("Why?", [("user", "What was the levy on Norland wool in 2031?"), ("assistant", "...")])
    assert condensed.query == "Why was the levy on Norland wool in 2031?" and condensed.context == ""
    assert condense_offline("And how?", [("user", "What was the toll rise on the harbour bridge?"),
                                         ("assistant", "...")]).query == "How was the toll rise on the harbour bridge?"
    # nothing else: a verb to move, "who", another question word, two sentences are leaned on as before
    for follow_up, subject in (("Why?", "What did Norland raise the levy to in 2031?"),
                               ("Why?", "Who would pay the harbour tolls?"), ("Who?", "What was the levy in 2031?"),
                               ("Why?", "What can importers do to avoid the levy?"),
                               ("Why?", "What was the levy in 2031? And how did it change?"), ("Why?", "what was ?")):
        asked = condense_offline(follow_up, [("user", subject), ("assistant", "...")])
        assert asked.context == subject, (follow_up, subject, asked.query)


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
    assert asked_of_else("What about Peru?", "How many Chileans crossed in 2031?") == "How many Peruvians crossed in 2031?"
    # a people's name countryinfo does not form from the country's is not trusted: the country's possessive instead
    assert asked_of_else("What about the United Kingdom?", "What is the levy on Chilean wool?") == (
        "What is the levy on the United Kingdom's wool?")


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
    # a month only for a year the figure is placed in, never inside another way of naming a time
    for timed in ("What was the toll in Q1 2031?", "What was the toll in fiscal 2031?", "What was the toll in FY2031?",
                  "What was the toll in the first half of 2031?", "What was the toll in March-April 2031?",
                  "What was the toll since 2030?", "What was the toll in March?"):
        assert asked_of_else("And in February 2031?", timed) is None, timed
    assert asked_of_else("And in 2032?", "What is the toll this year?") is None


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
    assert asked_of_else("What about the Port Trust?", "Did NWA and HPX set the tolls?") is None
    assert asked_of_else("What about the Port Trust?", "What did I say?") is None
    # a name opening the question is a name; its article goes with the name it replaces
    assert asked_of_else("What about the Port Trust?", "Harbour Board fees: how high are they?") == (
        "The Port Trust fees: how high are they?")
    assert asked_of_else("What about the Port Trust?", "The Harbour Board said what about tolls?") == (
        "The Port Trust said what about tolls?")
    # a province takes a country's place, never a body's
    assert asked_of_else("What about Ontario?", "What did the Harbour Board charge in Canada in 2031?") == (
        "What did the Harbour Board charge in Ontario in 2031?")
    # and what is asked after it is asked of it
    assert standalone_subject(["When was the Harbour Board set up?", "What about the Port Trust?"]) == (
        "When was the Port Trust set up?")


def test_a_pointing_word_with_nothing_earlier_to_point_at_is_no_follow_up() -> None:
    assert not looks_like_follow_up("What is ferrocite and why do smugglers use it?")
    assert not looks_like_follow_up("What did Norland announce, and what did it include?")
    assert not looks_like_follow_up("Who chairs the harbour board this year?")
    assert all(looks_like_follow_up(q) for q in ("And what did it include?", "How much was it and who paid?",
                                                 "How many crossed that year?", "What does it do?"))


def test_what_a_follow_up_names_takes_the_place_of_its_like() -> None:
    # the country a preposition leads, not one the sentence names on the way ("entering the US")
    assert asked_of_else("What about Peru?", "What share of the wool entering the US comes from Chile?") == (
        "What share of the wool entering the US comes from Peru?")
    # a province for a city the figure is placed in, and the next for it
    asked = ["How many ferry crossings were there in Port Vale in 2031?", "What about Eastshire?", "And Ontario?"]
    assert standalone_subject(asked[:2]) == "How many ferry crossings were there in Eastshire in 2031?"
    assert standalone_subject(asked) == "How many ferry crossings were there in Ontario in 2031?"
    # a name with an article inside it; a fiscal year's code is no name
    assert asked_of_else("What about Operation Without a Trace?", "How many bales were seized in FY31 through "
                         "Operation Southgate?") == "How many bales were seized in FY31 through Operation Without a Trace?"
    assert asked_of_else("What about HPX?", "How many bales did NWA seize in FY 2031?") == (
        "How many bales did HPX seize in FY 2031?")
    # a month asked of a question put under a thing of another month: the question of that month
    assert asked_of_else("And in August 2031?", "What was the levy on Chilean wool under the February 2031 order?") == (
        "What was the levy on Chilean wool in August 2031?")


def test_comparing_with_the_year_before_asks_the_change_from_it() -> None:
    history = [("user", "How many ferry crossings were there in Norland in 2031?"), ("assistant", "About 400 [1].")]
    asked = condense_offline("How does that compare with the year before?", history)
    assert asked.query == ("How many ferry crossings were there in Norland in 2031? How did it change from 2030 to "
                           "2031?") and asked.context == ""
    assert condense_offline("And compared to the previous year?", history).query.endswith("from 2030 to 2031?")
    assert condense_offline("How does that compare with the year before?",
                            [("user", "How many bales did NWA seize in FY 2031?"), ("assistant", "...")]).query == (
        "How many bales did NWA seize in FY 2031? How did it change from 2030 to 2031?")
    # a question naming no year, two, a year opening a period, a range, a month or a dated thing is leaned on
    for subject in ("How many ferry crossings were there?", "How many crossings were there in Norland since 2019?",
                    "How many crossings were there in fiscal year 2030-31?", "How many crossings were there in March 2031?",
                    "What levy was set under the February 2031 order?"):
        assert condense_offline("How does that compare with the year before?",
                                [("user", subject), ("assistant", "...")]).context == subject, subject


def test_a_follow_up_points_at_what_the_sources_answered() -> None:
    """After "What about Peru?" was refused, "How many ports are they linked to?" asks of the groups answered before;
    a follow-up asking the refused question of something else still asks it; a refused question standing on its own
    stays what the conversation is about."""
    first = "How many smuggling groups operate in Chile?"
    history = [("user", first), ("assistant", "More than 600 [1]."), ("user", "What about Peru?"),
               ("assistant", "The sources do not say.")]
    assert condense_offline("How many ports are they linked to?", history).context == first
    assert condense_offline("And in 2031?", history).query == "How many smuggling groups operate in Peru in 2031?"
    new = "How many ferries sail to Sudmark?"
    history += [("user", new), ("assistant", "The sources do not say.")]
    assert condense_offline("Why?", history).context == new


def test_a_measure_named_by_a_bare_noun_is_the_one_just_spoken_of() -> None:
    assert looks_like_follow_up("What was the rate in 2031?") and looks_like_follow_up("And the total?")
    # a measure saying whose, or a question naming its own subject, stands on its own
    for standalone in ("What was the number of crossings in 2031?", "What is the rate of inflation?",
                       "What was the toll in Norland in 2031?", "How many ferries sailed in 2031?",
                       "What is the total cost of the harbour plan?"):
        assert not looks_like_follow_up(standalone), standalone
    history = [("user", "How many ferry crossings were there in Norland in 2031?"), ("assistant", "About 400 [1].")]
    assert condense_offline("What was the rate in 2030?", history).context == history[0][1]


def test_a_follow_up_pointing_back_at_a_time_is_asked_of_that_time_at_any_length() -> None:
    from crossbrief.rag.constraints import parse

    earlier = "How many ferry crossings did Eastshire record in 2031?"
    asked = "What share of the ferry crossings in Norland that year were made at night by cargo boats?"
    assert looks_like_follow_up(asked) and not looks_like_follow_up(asked.replace("that year", "in 2030"))
    condensed = condense_offline(asked, [("user", earlier), ("assistant", "...")])
    assert condensed.context == earlier
    # the year is the one asked before, a requirement as if written; its own year or none without a pointer
    assert parse(condensed.text, condensed.context).years == {2031}
    assert parse("What about cargo boats the same month?", "How many crossings were there in March 2031?").months \
        == {(2031, 3)}
    assert parse("What about cargo boats?", earlier).years == frozenset()
    assert parse("What about cargo boats in 2030?", earlier).years == {2030}


def test_which_one_points_back() -> None:
    assert looks_like_follow_up("Which one was the most common?") and looks_like_follow_up("And which ones grew?")
    assert not looks_like_follow_up("Which harbour was the busiest in 2031?")


def test_a_thing_named_by_its_month_takes_the_place_of_the_one_asked_of() -> None:
    asked = "What levy did the February 2031 order put on Norland wool?"
    assert asked_of_else("And after the July 2031 amendment?", asked) == (
        "What levy did the July 2031 amendment put on Norland wool?")
    assert asked_of_else("What about the March 4, 2031 proclamation?", asked) == (
        "What levy did the March 4, 2031 proclamation put on Norland wool?")
    # a subject naming two such things is not guessed at
    assert asked_of_else("And after the July 2031 amendment?",
                         "Did the February 2031 order or the March 2031 notice set the levy?") is None


def test_how_many_of_nothing_named_is_the_count_just_asked_of() -> None:
    earlier = "How many ferry crossings were there in Norland in 2031?"
    for asked in ("How many in Eastshire in 2030?", "And how much for 2030?"):
        assert looks_like_follow_up(asked), asked
        assert condense_offline(asked, [("user", earlier), ("assistant", "...")]).context == earlier
    assert not looks_like_follow_up("How many ferries sail in winter?")
    assert not looks_like_follow_up("How much in tolls did Eastshire collect in 2030?")  # its own verb and object


def test_what_only_looks_like_a_pointer_back_is_read_on_its_own() -> None:
    """A review's cases: "at the same time", "the same period", "then" of what comes next, a count with its own
    verb, and "how much" of no change asked "why"."""
    from crossbrief.rag.constraints import parse

    earlier = "How many ferry crossings did Eastshire record in 2031?"
    assert not looks_like_follow_up("Which harbours raised their tolls on ferries and on barges at the same time?")
    assert not looks_like_follow_up("How many in Eastshire sailed at night in 2030?")
    assert parse("If a ferry is seized, what happens then?", earlier).years == frozenset()
    why = condense_offline("Why?", [("user", "How much has been seized at the northern harbour?"),
                                    ("assistant", "...")])
    assert why.context == "How much has been seized at the northern harbour?"
    # a dated thing of another case, or a range of months, is no thing to swap
    assert asked_of_else("And under the July 2031 amendment?", "What did the February 2031 Harbour Order set?") is None
    ranged = asked_of_else("And in the July 2031 report?", "How many sailed in the January 2031 to March 2031 period?")
    assert ranged is None or "March 2031 period" not in ranged.replace("January 2031 to March 2031 period", "")
