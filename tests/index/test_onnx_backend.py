"""The onnx-int8 embedding backend: exported and quantised offline, close to the torch vectors, and an index
built with one backend refuses queries from the other."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from crossbrief.index.embedding import load_embedder
from crossbrief.errors import ConfigError
from crossbrief.index.factory import build_ingester
from crossbrief.config import Settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def onnx_embedder(embedder):  # type: ignore[no-untyped-def]
    """The session's default embedder, exported once per test session into the shared model cache."""
    assert embedder.backend == "onnx-int8"
    return embedder


def test_a_texts_int8_vector_does_not_depend_on_the_texts_embedded_with_it(onnx_embedder) -> None:  # type: ignore[no-untyped-def]
    """Dynamic int8 quantisation scales a run's activations over the whole run: batched, a sentence's vector moved
    with its neighbours (cosine 0.988 to its own). Alone or with any others, it is now one vector (so a question
    and the sentence it rewords meet as the same model sees them, and an index does not depend on ingest order)."""
    sentence = "Criminal Intelligence Service Canada counts more than 600 organized crime groups."
    others = [(CORPUS / "2025-02-07-canada-border-plan.md").read_text()[:1500], "short", "x " * 300]
    alone = onnx_embedder.embed([sentence])[0]
    for batch in ([sentence, *others], [*others, sentence]):
        vectors = onnx_embedder.embed(batch)
        assert float(vectors[batch.index(sentence)] @ alone) > 0.99999


def test_int8_vectors_stay_close_to_torch(onnx_embedder, torch_embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["The tariff on Canadian goods rose from 25% to 35% on August 1, 2025.",
             "Criminal Intelligence Service Canada counts more than 600 organized crime groups.", "short",
             (CORPUS / "2025-02-07-canada-border-plan.md").read_text()[:1500]]
    a, b = torch_embedder.embed(texts), onnx_embedder.embed(texts)
    assert b.shape == a.shape and np.allclose(np.linalg.norm(b, axis=1), 1, atol=1e-4)
    assert float((a * b).sum(axis=1).min()) >= 0.98
    assert onnx_embedder.count_word_pieces(texts[3]) == torch_embedder.count_word_pieces(texts[3])
    assert onnx_embedder.backend == "onnx-int8"


def test_one_thread_or_many_give_the_same_vectors(model_cache: Path) -> None:
    texts = ["The tariff on Canadian goods rose from 25% to 35% on August 1, 2025.", "short",
             (CORPUS / "2025-02-07-canada-border-plan.md").read_text()[:1500]]
    one = load_embedder("onnx-int8", cache_dir=model_cache, threads=1)
    several = load_embedder("onnx-int8", cache_dir=model_cache, threads=2)
    assert np.array_equal(one.embed(texts), several.embed(texts))  # index.onnx_threads never moves a baseline


def _copy_export(source_dir: Path, target_dir: Path) -> Path:
    """The session's export (made once by the `embedder` fixture) and its checksum, copied into `target_dir`."""
    from crossbrief.index.onnx_embedding import checksum_path, int8_model_path

    source, target = int8_model_path(source_dir), int8_model_path(target_dir)
    shutil.copy2(source, target)
    shutil.copy2(checksum_path(source), checksum_path(target))
    return target


def test_an_intact_export_is_reused_not_rebuilt(tmp_path: Path, embedder, model_cache: Path) -> None:  # type: ignore[no-untyped-def]
    cached = _copy_export(model_cache, tmp_path)
    stamp = cached.stat().st_mtime_ns
    load_embedder("onnx-int8", cache_dir=tmp_path)
    assert cached.stat().st_mtime_ns == stamp and not list(tmp_path.glob("*.fp32.onnx"))
    assert not list(tmp_path.glob("*.part"))


def test_an_index_refuses_queries_from_another_backend(tmp_path: Path, torch_embedder, onnx_embedder) -> None:  # type: ignore[no-untyped-def]
    from crossbrief.rag.service import build

    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, onnx_embedder).ingest([CORPUS / "2025-02-07-canada-border-plan.md"])
    with pytest.raises(ConfigError, match="built with the 'onnx-int8' embedding backend"):
        build(settings, torch_embedder)


def test_a_damaged_export_is_rebuilt_to_a_checked_working_model(tmp_path: Path, embedder,  # type: ignore[no-untyped-def]
                                                                 model_cache: Path) -> None:
    from crossbrief.index.onnx_embedding import checksum_path

    cached = _copy_export(model_cache, tmp_path)
    good = cached.read_bytes()
    texts = ["border", "The tariff on Canadian goods rose from 25% to 35% on August 1, 2025."]
    reference = embedder.embed(texts)
    cached.write_bytes(good[:1000])  # truncated, as after a full disk
    rebuilt_embedder = load_embedder("onnx-int8", cache_dir=tmp_path)
    rebuilt = cached.read_bytes()
    assert rebuilt != good[:1000] and len(rebuilt) > len(good) // 2
    assert hashlib.sha256(rebuilt).hexdigest() == checksum_path(cached).read_text().strip()
    vectors = rebuilt_embedder.embed(texts)
    assert vectors.shape == (2, rebuilt_embedder.dim) == reference.shape
    assert float((vectors * reference).sum(axis=1).min()) >= 0.999  # the same model, not just some file
