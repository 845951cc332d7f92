"""A unit that counts something other than what a "how many" question counts (rag/counted_near.py): the rule's
conditions on their own, then with the packaged model's word vectors at the fitted floor."""

from __future__ import annotations

from collections.abc import Sequence

from crossbrief.config import GenerationSettings
from crossbrief.index.embedding import Embedder
from crossbrief.rag.bm25 import BM25Index
from crossbrief.rag.counted_near import asked_word, counted_nearness
from crossbrief.rag.figures import extract_figures
from crossbrief.rag.models import Question
from crossbrief.rag.offline import OfflineAnswerer
from crossbrief.rag.word_neighbours import WordNeighbours
from tests.rag.test_offline_answers import _calibration, _passage


def _nearness(question: str, counted: str, sentence: str, context: str = "") -> float | None:
    def near(word: str, words: Sequence[str]) -> float:
        return 0.9 if word in words else 0.1  # a stand-in: only the word itself is near

    return counted_nearness(asked_word(question, counted), counted, sentence, context,
                            tuple(extract_figures(sentence)), near)


def test_the_rule_reads_what_every_count_figure_counts() -> None:
    asked = "How many heroin deaths did Norland record in 2031?"
    assert asked_word(asked, "death") == "deaths"
    assert _nearness(asked, "death", "Eleven new synthetic substances were found in Norland in 2031.") == 0.1
    # a figure counting nothing named ("in 2031"), or people, may count the asked thing: no verdict
    assert _nearness(asked, "death", "Norland recorded 7,300 in 2031.") is None
    assert _nearness(asked, "death", "Some 7,300 people died in Norland in 2031.") is None
    # the counted noun named in the unit or what it is read with, or spelt by a figure's initials
    assert _nearness(asked, "death", "Eleven substances were found; deaths rose.") is None
    assert _nearness(asked, "death", "Eleven substances were found.", context="Heroin deaths in Norland") is None
    assert _nearness("How many DTOs were dismantled?", "dto",
                     "Police dismantled 54 drug trafficking organizations.") is None
    assert _nearness(asked, "death", "No figure is given.") is None  # no count at all


def test_a_count_of_something_else_is_a_near_miss_and_a_synonym_is_not(embedder: Embedder) -> None:
    passages = [_passage(1, "Eleven new synthetic substances were identified in the Norland drug market in 2031.",
                         "2032-01-10", "Drug checking in Norland")]
    vocabulary = WordNeighbours.of({w for p in passages for w in BM25Index.tokens(f"{p.title} {p.text}")},
                                   embedder.embed)
    floor = GenerationSettings().counted_near_floor
    answerer = OfflineAnswerer(embedder, _calibration(), word_vectors=lambda: vocabulary, counted_near_floor=floor)
    _, scored = answerer.score(Question("How many heroin deaths did Norland record in 2031?"), passages)
    assert [s.check.contradiction for s in scored] == ["counted deaths"]
    _, scored = answerer.score(Question("How many novel compounds were found in Norland in 2031?"), passages)
    assert [s.check.contradiction for s in scored] == [""]  # "compounds" is near "substances"
    off = OfflineAnswerer(embedder, _calibration(), word_vectors=lambda: vocabulary)
    assert off.score(Question("How many heroin deaths did Norland record in 2031?"), passages)[1][0].eligible
