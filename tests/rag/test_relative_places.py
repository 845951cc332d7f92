"""A country named by where it lies ("the northern neighbour") is asked by its name: geography from countryinfo,
the country reckoned from taken from the phrase, the question, or what the sources are clearly about."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.rag.relative_places import neighbour_to, with_countries_named

US_VIEW = (("US", 300), ("CA", 150), ("MX", 90))


def never() -> tuple[tuple[str, int], ...]:
    raise AssertionError("the sources' countries were read though the question names the country to reckon from")


def test_neighbours_come_from_borders_and_coordinates() -> None:
    assert neighbour_to("US", "north") == "CA" and neighbour_to("US", "south") == "MX"
    assert neighbour_to("CA", "south") == "US" and neighbour_to("CA", "north") is None
    assert neighbour_to("ZZ", "north") is None  # not a country


def test_a_phrase_naming_the_country_it_reckons_from_is_read_without_the_sources() -> None:
    asked = "What share is seized at the country immediately south of the United States?"
    assert with_countries_named(asked, never) == "What share is seized at Mexico?"
    assert with_countries_named("What does Mexico's northern neighbour export?", never) == \
        "What does the United States export?"
    # "its" with one other country in the question: that country's neighbour
    assert with_countries_named("How much reaching America comes from its northern neighbour?", never) == \
        "How much reaching America comes from Canada?"


def test_without_a_country_to_reckon_from_the_sources_clearly_about_one_decide() -> None:
    asked = "How many gangs are active within the northern neighbour's territory?"
    assert with_countries_named(asked, lambda: US_VIEW) == "How many gangs are active within Canada's territory?"
    # two countries named about as often: either's neighbour could be meant, and the question is left as it is
    assert with_countries_named(asked, lambda: (("CA", 34), ("US", 26))) == asked
    assert with_countries_named(asked, lambda: ()) == asked


@pytest.mark.parametrize("asked", [
    "What about the northern border?",  # a part of a country, not another country
    "How many crossed from the south?",
    "Which neighbours signed the pact?",
    "What did the northern neighbourhood association say?",
])
def test_other_directions_name_no_country(asked: str) -> None:
    assert with_countries_named(asked, lambda: US_VIEW) == asked


def test_a_question_naming_the_northern_neighbour_is_answered_of_it(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Real index: the sources speak mostly of one country, so "the northern neighbour" is the one north of it, and
    the answer is the figure the sources give for that country."""
    from crossbrief.config import Settings
    from crossbrief.index.factory import build_ingester
    from crossbrief.rag.service import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour-note.md").write_text(
        "# Harbour note\n\nThe United States counted 410 harbour inspections in 2031. United States inspectors worked "
        "in every port of the United States.\n\nCanada counted 75 harbour inspections in 2031.\n\nMexico counted 52 "
        "harbour inspections in 2031. The United States trained them.\n")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([corpus])
    answer = build(settings, embedder).answer("How many harbour inspections did the northern neighbour count in 2031?")
    assert "Canada" in answer.standalone_question
    assert not answer.refused and "75" in answer.answer and "410" not in answer.answer, answer.answer


def test_a_neighbour_of_a_named_country_or_province_and_phrases_naming_none() -> None:
    assert with_countries_named("What did the northern neighbour of Mexico say?", never) == \
        "What did the United States say?"
    assert with_countries_named("What did Ontario's southern neighbour buy?", never) == \
        "What did the United States buy?"
    assert with_countries_named("What share of Ontario's exports did its southern neighbour buy?", never) == \
        "What share of Ontario's exports did the United States buy?"
    assert with_countries_named("What does the country immediately south of the United States' army do?", never) == \
        "What does Mexico's army do?"
    asked = "Which is the country north of the border?"  # of no country: left as it is
    assert with_countries_named(asked, lambda: US_VIEW) == asked
