"""Superlative questions over a table of records: the row with the highest (lowest) figure across the column the
question's "which" names, the overall value left out, counts unless a rate is asked, and its figures checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.index.documents import render_table
from crossbrief.index.table_store import TableStore
from crossbrief.rag.citations import check_answer
from crossbrief.rag.models import Question
from crossbrief.rag.table_ranking import pick_column, ranked, superlative
from crossbrief.rag.tables import TableAnswerer, words
from tests.rag.test_tables import SOURCE, _passages, harms_answerer


@pytest.fixture
def answerer(tmp_path: Path) -> TableAnswerer:
    return harms_answerer(tmp_path)


def test_superlatives_are_read_from_english_words() -> None:
    most = superlative("Which province had the most opioid deaths in 2023?")
    assert most is not None and most.highest and most.subject == "province"
    fewest = superlative("Which region recorded the fewest deaths?")
    assert fewest is not None and not fewest.highest
    assert superlative("Which department has the second highest goodwill?") is None  # a rank, not the top
    assert superlative("In which year was the ratio the largest?") is None  # the row's years answer it
    assert superlative("How many deaths were recorded in 2023?") is None


def test_the_column_is_named_by_words_or_else_by_similarity() -> None:
    candidates: list[tuple[int, str, tuple[str, ...]]] = [(0, "Region", ("Canada", "Yukon", "Ontario")), (2, "Time_Period", ("By year", "By quarter", "x"))]
    assert pick_column("region", candidates, None, words) == 0
    assert pick_column("province", candidates, None, words) is None  # no shared word and no model: not guessed
    assert pick_column("province", candidates, lambda _, texts: [1.0 if "Yukon" in t else 0.0 for t in texts],
                       words) == 0


def test_rows_are_ranked_by_their_figure_and_marks_are_skipped() -> None:
    rows: list[tuple[int, tuple[str, ...]]] = [(1, ("North", "5")), (2, ("South", "Suppr.")), (3, ("East", "9")), (4, ("West", "1,200"))]
    assert [n for n, _ in ranked(rows, 1, highest=True)] == [4, 3, 1]
    assert [n for n, _ in ranked(rows, 1, highest=False)] == [1, 3, 4]


def test_the_highest_row_across_the_named_column_answers_with_the_next(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("Which place had the most deaths in 2020?"), _passages())
    assert found is not None and found.passage is not None and "table_ranked" in found.draft.notes
    assert "the highest Value across Place, row 3:" in found.draft.text and "Place: Hillside" in found.draft.text
    assert "Whole country" not in found.draft.text, "the overall value stands for all places, not one of them"
    assert "Rate" not in found.draft.text, "a count unless a rate is asked"
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert checked.figures and all(f.supported for f in checked.figures)
    (citation,) = checked.citations
    assert citation.quote.startswith("Row 3: Place: Hillside") and "Row 2: Place: Lakeside" in citation.quote
    fewest = answerer.answer(Question("Which place had the fewest deaths in 2020?"), _passages())
    assert fewest is not None and "row 2:" in fewest.draft.text and "Place: Lakeside" in fewest.draft.text
    rate = answerer.answer(Question("Which place had the highest rate in 2020?"), _passages())
    assert rate is not None and "Unit: Rate per 100,000" in rate.draft.text


def test_a_single_figure_or_an_unpinned_question_is_not_ranked(answerer: TableAnswerer) -> None:
    # in 2021 Hillside's count is suppressed: one figure is no ranking
    assert answerer.answer(Question("Which place had the most deaths in 2021?"), _passages()) is None
    # no year pinned: each place has a row per year, so there is nothing single to rank
    assert answerer.answer(Question("Which place had the most deaths?"), _passages()) is None


def _regions(tmp_path: Path, values: dict[str, str]) -> TableAnswerer:
    store = TableStore.open(f"sqlite:///{tmp_path / 'regions.sqlite3'}")
    rows = [[region, "2020", value] for region, value in values.items()]
    _, table = render_table("regions.csv", ["Region", "Year", "Deaths"], rows, "Deaths by region", 0)
    store.write(SOURCE, "hash3", [table])
    return TableAnswerer(store)


def test_rows_without_a_figure_are_named_after_the_highest_and_stop_the_lowest(tmp_path: Path) -> None:
    answerer = _regions(tmp_path, {"North": "5", "South": "9", "East": "n/a", "West": "7"})
    most = answerer.answer(Question("Which region had the most deaths in 2020?"), _passages())
    assert most is not None and most.passage is not None and "Region: South" in most.draft.text
    assert 'No figure in row 3: Region East, Deaths "n/a"' in most.draft.text
    checked = check_answer(most.draft.text, [*_passages(), most.passage])
    assert all(f.supported for f in checked.figures)
    # a missing figure may be the smallest: the lowest is not given
    assert answerer.answer(Question("Which region had the fewest deaths in 2020?"), _passages()) is None


def test_a_total_row_is_not_the_highest_and_bounds_are_not_rankings(tmp_path: Path) -> None:
    answerer = _regions(tmp_path, {"North": "5", "South": "9", "East": "7", "Total": "21"})
    most = answerer.answer(Question("Which region had the most deaths in 2020?"), _passages())
    assert most is not None and "Region: South" in most.draft.text and "row 2" in most.draft.text
    assert superlative("Which regions had at least 6 deaths in 2020?") is None
    assert superlative("Which regions had at most 6 deaths in 2020?") is None


def test_a_ranking_for_a_year_the_table_lacks_is_a_near_miss_refusal(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("Which place had the most deaths in 2019, as a number?"), _passages())
    assert found is not None and found.draft.refused and found.passage is None
    assert "no row for Year 2019" in found.draft.reason
