"""What a figure measures: a change or a level, a share of what, and where (rag/measures.py)."""

from __future__ import annotations

import pytest

from crossbrief.rag.figures import extract_figures
from crossbrief.rag.measures import Measure, measure, same_measure, same_scope, states_a_change, states_a_multiple


def _measure(sentence: str, text: str) -> Measure:
    figure = next(f for f in extract_figures(sentence) if f.text == text)
    return measure(sentence, figure)


@pytest.mark.parametrize(("sentence", "figure", "change"), [
    ("Ticket sales fell 14% in the year.", "14%", True),
    ("Ticket sales saw a 13% fall last year.", "13%", True),
    ("The increase of 31 percent surprised the board.", "31 percent", True),
    ("The fare was raised from 25% to 35%.", "35%", False),
    ("The fare was lowered to 10%.", "10%", False),
    ("More than 100,000 visitors came each year.", "More than 100,000", False),
    ("Exports make up 62% of sales.", "62%", False),
    ("The plan gives $2 million to cut queues.", "$2 million", False),  # what the money is for
])
def test_a_figure_beside_a_change_word_states_a_change(sentence: str, figure: str, change: bool) -> None:
    assert _measure(sentence, figure).change is change


@pytest.mark.parametrize(("sentence", "states"), [
    ("Ticket sales fell 14% in the year.", True),
    ("Sales were 4,000 tickets, up from 3,000.", True),
    ("Sales were up 14% on the year.", True),
    ("Visitors numbered 7,400, 1.6 times more than in 2017.", True),
    ("Sales went from 3,000 in 2030 to 4,000 in 2031.", True),
    ("Sales were 3,000 in 2030 and rose to 4,000 in 2031.", True),
    ("Sales were 4,000 in 2031, against 3,000 in 2030.", True),
    ("The fare rose 5% to $3 a ride.", True),
    ("Sales were 4,000 tickets in 2031.", False),
    ("The plan gives $2 million to cut queues, including $1 million for staff.", False),
    ("The levy may reach up to 10%.", False),
    ("Ticket sales have started to fall.", False),
    ("Police shut down 30 drug labs in 2031.", False),  # a phrasal verb, not a way of change
    ("Prosecutors filed 40 charges against 12 defendants.", False),  # figures of two things
    ("Cocaine was shipped from 3 ports to 12 countries.", False),
    ("The hospital hired 40 surgeons.", False),  # "surg..." is no surge
    ("The town lies 200 metres above sea level.", False),
    ("Deaths fell to 80,000 in 2031 from 110,000 in 2030.", True),
    ("Deaths were 110,000 in 2030 and 80,000 in 2031.", True),
    ("Row 2: Share of sales; 2031: 47%; 2030: 41%", False),  # a row's columns: the table answerer works it out
    ("Deaths were down 3% in 2031.", True),
])
def test_a_sentence_states_a_change_only_with_a_figure_of_it(sentence: str, states: bool) -> None:
    assert states_a_change(sentence, tuple(extract_figures(sentence))) is states


def test_a_share_names_its_whole_and_shares_of_different_wholes_differ() -> None:
    visitors = _measure("About 62% of the visitors came by train.", "About 62%")
    assert visitors.whole == {"visitor", "came"}
    freight = _measure("Rail carries 15% of the freight.", "15%")
    other_visitors = _measure("Some 48% of visitors stayed overnight.", "Some 48%")
    assert not same_measure(visitors, freight)
    assert same_measure(visitors, other_visitors)
    assert not same_measure(_measure("Sales fell 14% in the year.", "14%"), _measure("Sales grew to 40%.", "40%"))


def test_counts_of_different_things_differ() -> None:
    """A count names what it counts: counts of things with no word in common measure different things (no dated
    conflict between "10-15 grains of table salt" and "442 million potentially lethal doses"); counts of the same
    thing, however qualified, may conflict."""
    grains = _measure("Two milligrams, some 10-15 grains of table salt, can kill.", "some 10-15")
    doses = _measure("Agents seized over 442 million potentially lethal doses.", "over 442 million")
    assert grains.counted == {"grain"} and not same_measure(grains, doses)
    deaths = _measure("There were 8,020 opioid deaths in 2023.", "8,020")
    toxicity = _measure("Some 8,049 apparent opioid toxicity deaths were counted.", "Some 8,049")
    assert same_measure(deaths, toxicity)
    assert same_measure(_measure("About 7,000 of those deaths were in 2022.", "About 7,000"), deaths)  # no noun after
    # a count of people may be another source's count of deaths; a clause's end or a function word ends the phrase
    assert same_measure(_measure("Some 7,300 people died that year.", "Some 7,300"), deaths)
    assert same_measure(_measure("It killed 105,000 Americans.", "105,000"), deaths)
    assert _measure("Canada recorded 7,300 in 2022, the highest yet.", "7,300").counted == frozenset()


def test_sentences_naming_different_places_are_different_scopes() -> None:
    # (a sentence's first word is not read as a name: it is capitalised anyway)
    norland = ("The register of Norland counts 420 widget makers.", "")
    assert not same_scope(norland, ("The register of Sudmark counts 610 widget makers.", ""))
    assert same_scope(norland, ("The Norlandic register lists 450.", ""))
    # a sentence naming nothing takes the scope of the one before it, and one naming nothing at all may be any
    assert not same_scope(("The register lists 450.", "Widget makers thrive in Sudmark."), norland)
    assert same_scope(("The register lists 450.", ""), norland)
    assert same_scope(("Exports to the United States rose.", ""), ("Buyers in the US took 40% of the output.", ""))


def test_a_level_reached_after_a_change_word_and_a_share_of_a_subject_doing_something() -> None:
    assert not _measure("Deaths increased in 2023, reaching 7,146 in all.", "7,146").change
    assert _measure("Sales rose 12% in the year.", "12%").change
    passengers = _measure("About 40% of those passengers travelled at night.", "About 40%")
    freight = _measure("Some 97% of the freight carried went by rail.", "Some 97%")
    assert passengers.whole == {"passenger"} and freight.whole == {"freight"}
    assert not same_measure(passengers, freight)


def test_table_rows_are_scoped_by_their_cells_not_their_column_names() -> None:
    lakeside = ("Row 3: Place: Lakeside; Year: 2020; Value: 40", "")
    assert not same_scope(lakeside, ("Row 7: Place: Hillside; Year: 2020; Value: 60", ""))
    assert same_scope(lakeside, ("Row 9: Place: Lakeside; Year: 2021; Value: 30", ""))


@pytest.mark.parametrize("sentence, states", [
    ("The toxin is 50 times more potent than salt.", True),
    ("Crossings were 1.6 times the decade's first.", True),
    ("A 10-fold rise in ferry crossings.", True),
    ("The city saw a threefold increase in floods.", True),
    ("Twice as many ferries crossed in 2031.", True),
    ("Crossings doubled in 2031.", True),
    ("Last year, 21 crossings a day were recorded.", False),  # a rate alone
    ("The council met 12 times in 2031.", False),  # occurrences, not a multiple
    ("Trucks were inspected twice.", False),
    ("Officers were told to double-check manifests.", False),
    ("Crossings grew by 2.7 times to 5.7 million.", True),
    ("The new widget is a hundred times stronger.", True),
    ("Crossings were up 10x.", True),
    ("Crossings nearly trebled.", True),
    ("The scaffold held 30 workers.", False),
    ("The council counted 4,000 ferries.", False),
])
def test_a_sentence_states_a_multiple_only_with_times_or_a_multiplying_word(sentence: str, states: bool) -> None:
    assert states_a_multiple(sentence, tuple(extract_figures(sentence))) is states
