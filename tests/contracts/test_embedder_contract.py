"""The `Embedder` contract, run against every implementation: torch, onnx-int8 and the toy embedder."""

from __future__ import annotations

import numpy as np
import pytest

from crossbrief.index.embedding import Embedder
from tests.fakes import ToyEmbedder


@pytest.fixture(params=["torch", "onnx-int8", "toy"])
def implementation(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "torch":
        return request.getfixturevalue("torch_embedder")
    if request.param == "onnx-int8":
        embedder = request.getfixturevalue("embedder")  # the default backend, built once per session
        assert embedder.backend == "onnx-int8"
        return embedder
    return ToyEmbedder()


TEXTS = ["Tariffs on imported steel rose to 25% in March.", "short", "",
         "A recipe for banana bread with walnuts and a little cinnamon, baked for an hour."]


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_it_is_an_embedder_with_a_named_backend(implementation: Embedder) -> None:
    assert isinstance(implementation, Embedder)
    assert isinstance(implementation.backend, str) and implementation.backend
    assert isinstance(implementation.dim, int) and implementation.dim > 0


def test_one_unit_float32_row_per_text_of_width_dim(implementation: Embedder) -> None:
    vectors = implementation.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), implementation.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_no_texts_give_zero_rows_of_width_dim(implementation: Embedder) -> None:
    vectors = implementation.embed([])
    assert vectors.shape == (0, implementation.dim) and vectors.dtype == np.float32


def test_a_text_gets_the_same_vector_alone_and_in_any_batch(implementation: Embedder) -> None:
    alone = implementation.embed([TEXTS[0]])[0]
    batched = implementation.embed([TEXTS[3], TEXTS[1], TEXTS[0]])
    again = implementation.embed([TEXTS[0]])[0]
    assert np.allclose(alone, again, atol=1e-6)
    assert _cosine(alone, batched[2]) >= 0.99  # int8 activations are quantised per batch: near, not equal
    assert _cosine(batched[0], implementation.embed([TEXTS[3]])[0]) >= 0.99


def test_texts_that_share_meaning_are_closer_than_unrelated_ones(implementation: Embedder) -> None:
    steel, steel_again, bread = implementation.embed(
        [TEXTS[0], "In March the tariff on steel imports rose to 25%.", TEXTS[3]])
    assert _cosine(steel, steel_again) > _cosine(steel, bread) + 0.2


def test_word_pieces_count_the_special_tokens_and_grow_with_the_text(implementation: Embedder) -> None:
    assert implementation.count_word_pieces("") == 2  # [CLS] and [SEP]
    one = implementation.count_word_pieces(TEXTS[0])
    assert implementation.count_word_pieces(f"{TEXTS[0]} {TEXTS[0]}") == 2 * one - 2
