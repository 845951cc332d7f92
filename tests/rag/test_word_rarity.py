"""Rarity-weighted question words: a qualifier the index knows but the evidence lacks weighs by how rare it is."""

from __future__ import annotations

from pathlib import Path

from crossbrief.index.store import StoredChunk
from crossbrief.rag.bm25 import BM25Index
from crossbrief.rag.words import stem
from crossbrief.rag.evidence import missing_shares, question_words

# chunks using each word, in an index of 100 chunks
FREQUENCIES = {"border": 40, "northern": 5, "seized": 30, "firearms": 10}


def test_a_rare_known_word_missing_from_the_evidence_weighs_more_than_a_common_one() -> None:
    asked = question_words("How many firearms were seized at the northern border?", FREQUENCIES, 100)
    assert {w.stem for w in asked} == {stem(w) for w in ("firearms", "seized", "northern", "border")}
    without_northern = missing_shares(asked, {stem(w) for w in ("firearms", "seized", "border")})
    without_border = missing_shares(asked, {stem(w) for w in ("firearms", "seized", "northern")})
    assert without_northern[0] > without_border[0] > 0.0
    assert missing_shares(asked, {w.stem for w in asked}) == (0.0, 0.0)


def test_words_no_chunk_uses_count_as_unknown_not_as_missing() -> None:
    asked = question_words("What did Ottawa pledge for the border?", FREQUENCIES, 100)
    missing_known, unknown = missing_shares(asked, {"border"})
    assert missing_known == 0.0 and 0.5 < unknown < 1.0  # "ottawa" and "pledge" are not in the index


def test_without_an_index_there_are_no_weighted_words() -> None:
    assert question_words("How many firearms?", {}, 0) == []
    assert missing_shares([], set()) == (0.0, 0.0)


def test_the_bm25_index_counts_the_chunks_using_each_word(tmp_path: Path) -> None:
    chunks = [StoredChunk("a", "northern border seizures", {"source": "/a.md"}),
              StoredChunk("b", "southern border seizures", {"source": "/b.md"}),
              StoredChunk("c", "tariff on steel", {"source": "/c.md"})]
    built = BM25Index.build(chunks)
    built.save(tmp_path, "v1")
    for index in (built, BM25Index.load(tmp_path / "v1")):
        assert index is not None
        frequencies = index.document_frequencies()
        assert frequencies["border"] == 2 and frequencies["northern"] == 1 and frequencies["steel"] == 1
        assert "the" not in frequencies and "" not in frequencies
