"""Reciprocal-rank fusion orders the same two rankings the same way whatever the chunk ids are: ids hash the
source's path, so a corpus in another folder (a CI clone, an eval home) has other ids, and an id tie-break ordered
its passages differently there (TAT-QA dev answers moved between 0.596 and 0.624 from one fresh ingest to the next)."""

from __future__ import annotations

from crossbrief.rag.retrieval import fuse


def _order(dense: list[str], bm25: list[str], rename: dict[str, str]) -> list[str]:
    back = {new: old for old, new in rename.items()}
    fused = fuse([rename[c] for c in dense], [rename[c] for c in bm25], rrf_k=1, dense_weight=1.0, bm25_weight=1.0)
    return [back[cid] for cid, _ in fused]


def test_equal_fused_scores_go_to_the_better_dense_rank_whatever_the_ids() -> None:
    dense, bm25 = ["a", "b", "c"], ["b", "a", "d"]  # a: dense 1st + BM25 2nd; b: dense 2nd + BM25 1st (equal)
    one = _order(dense, bm25, {"a": "0001", "b": "0002", "c": "0003", "d": "0004"})
    other = _order(dense, bm25, {"a": "ffff", "b": "0000", "c": "eeee", "d": "1111"})
    assert one == other == ["a", "b", "c", "d"]


def test_a_chunk_only_one_retriever_found_ties_toward_the_dense_one() -> None:
    # c is 2nd in dense only, d 2nd in BM25 only: equal fused scores, dense wins under either naming
    dense, bm25 = ["a", "c"], ["a", "d"]
    assert _order(dense, bm25, {"a": "m", "c": "z", "d": "b"}) == ["a", "c", "d"]
    assert _order(dense, bm25, {"a": "m", "c": "b", "d": "z"}) == ["a", "c", "d"]


def test_a_higher_fused_score_still_comes_first() -> None:
    fused = fuse(["x", "y"], ["y"], rrf_k=1, dense_weight=1.0, bm25_weight=1.0)
    assert [cid for cid, _ in fused] == ["y", "x"]  # y: 1/3 + 1/2 beats x: 1/2
