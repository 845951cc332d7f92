"""The offline answerer reads more passages than a reader is shown: a passage it quotes from beyond the shown ones
is added after them, renumbered, with the answer's markers renumbered to match; and an answer's citations are
numbered in the order it makes them."""

from __future__ import annotations

from crossbrief.rag.models import Passage
from crossbrief.rag.citations import cited_first, shown_passages


def _passages(count: int) -> list[Passage]:
    return [Passage(n=n, chunk_id=f"c{n}", text=f"Sentence number {n}.", source=f"s{n}.md",
                    title="", date=None, page=None, heading="", start=0, end=0) for n in range(1, count + 1)]


def test_a_cited_passage_beyond_the_shown_ones_is_added_and_renumbered() -> None:
    read = _passages(12)
    text, shown = shown_passages("First [9]. Second [2]. Again [9, 11].", read, 6)
    assert [p.n for p in shown] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [p.chunk_id for p in shown[6:]] == ["c9", "c11"]
    assert text == "First [7]. Second [2]. Again [7, 8]."


def test_an_answer_citing_only_shown_passages_keeps_them_and_its_markers() -> None:
    read = _passages(12)
    text, shown = shown_passages("Only [3].", read, 6)
    assert text == "Only [3]." and [p.n for p in shown] == [1, 2, 3, 4, 5, 6]


def test_the_passages_an_answer_cites_come_first_numbered_as_it_first_cites_them() -> None:
    read = _passages(7)
    text, shown = cited_first("Row 8: Value: 8020 [7]. Also [3, 7].", read)
    assert text == "Row 8: Value: 8020 [1]. Also [2, 1]."
    assert [p.chunk_id for p in shown] == ["c7", "c3", "c1", "c2", "c4", "c5", "c6"]
    assert [p.n for p in shown] == list(range(1, 8))
    # already in order: untouched
    assert cited_first("First [1]. Then [2].", read) == ("First [1]. Then [2].", read)
