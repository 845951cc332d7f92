"""The answerer's cache of the embedding model's vectors: each text embedded once and kept, and a text's vector does
not depend on which texts it was asked for with, nor on which question asked first (the int8 embedder runs each text
alone: index/onnx_embedding.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crossbrief.rag.vector_cache import VectorCache


def test_each_missing_text_is_embedded_once_and_kept() -> None:
    calls: list[list[str]] = []

    def embed(texts: Sequence[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[float(len(t)), 1.0] for t in texts])

    cache = VectorCache(embed)
    out = cache(["aa", "b", "aa"])
    assert calls == [["aa", "b"]] and out[:, 0].tolist() == [2.0, 1.0, 2.0]
    cache(["b", "ccc"])
    assert calls[-1] == ["ccc"]  # "b" from the cache
    cache.seed({"dddd": np.array([9.0, 9.0]), "b": np.array([0.0, 0.0])})  # a held text keeps its vector
    assert cache(["dddd", "b"]).tolist() == [[9.0, 9.0], [1.0, 1.0]] and calls[-1] == ["ccc"]
    assert cache.missing(["b", "eeeee"]) == ["eeeee"]


def test_with_the_packaged_model_a_vector_is_the_same_whatever_it_is_asked_with(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["Officers seized 40 kilograms of cocaine at the harbour.",
             "The committee met on Tuesday to discuss the school budget and the long list of repairs it needs."]
    first, second = VectorCache(embedder.embed), VectorCache(embedder.embed)
    together = first(texts)[0]
    alone = second(texts[:1])[0]
    assert np.array_equal(together, alone)
    assert np.array_equal(together, embedder.embed(texts[:1])[0])
