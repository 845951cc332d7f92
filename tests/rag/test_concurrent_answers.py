"""One service shared by several sessions (Streamlit's cache_resource, the Slack bot's workers) answers correctly
when they ask at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import crossbrief.rag.offline as offline

QUESTIONS = ["How much is Canada's border plan worth?", "How many organized crime groups operate in Canada?",
             "What tariff did the US put on most Canadian imports in February 2025?"]


def test_concurrent_sessions_get_the_answers_a_single_session_gets(sample_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    expected = {q: sample_service.answer(q).answer for q in QUESTIONS}
    # a tiny sentence-vector cache makes every question evict what other threads are using
    monkeypatch.setattr(offline, "_CACHE_SIZE", 4)
    sample_service.offline._cache.clear()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: (QUESTIONS[i % 3], sample_service.answer(QUESTIONS[i % 3]).answer), range(24)))
    assert all(text == expected[q] for q, text in answers)

