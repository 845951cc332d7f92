"""One service shared by several sessions (Streamlit's cache_resource, the Slack bot's workers) answers correctly
when they ask at once."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from crossbrief.config import Settings
from crossbrief.index.factory import build_ingester
from crossbrief.rag.service import Crossbrief, build
from tests.conftest import CORPUS
from tests.fakes import ToyEmbedder

QUESTIONS = ["How much is Canada's border plan worth?", "How many organized crime groups operate in Canada?",
             "What tariff did the US put on most Canadian imports in February 2025?"]


@pytest.fixture(scope="module")
def toy_service(tmp_path_factory: pytest.TempPathFactory) -> Crossbrief:
    """The sample corpus under the toy embedder: a text's vector never depends on what it is batched with (the
    int8 model's dynamic activation scale does, which can flip near ties), so any difference is our threading."""
    base = tmp_path_factory.mktemp("concurrent")
    shutil.copytree(CORPUS, base / "corpus")
    settings = Settings(home=base / "home")
    embedder = ToyEmbedder(dim=256)
    build_ingester(settings, embedder).ingest([base / "corpus"])
    return build(settings, embedder)


def test_concurrent_sessions_get_the_answers_a_single_session_gets(toy_service: Crossbrief,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {q: toy_service.answer(q).answer for q in QUESTIONS}
    # a tiny sentence-vector cache makes every question evict what other threads are using
    monkeypatch.setattr(toy_service.offline.vectors, "size", 4)
    toy_service.offline.forget_vectors()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: (QUESTIONS[i % 3], toy_service.answer(QUESTIONS[i % 3]).answer), range(24)))
    different = [(q, text) for q, text in answers if text != expected[q]]
    assert not different, f"{len(different)} of 24 differ, e.g. {different[0]} vs {expected[different[0][0]]!r}"
