"""The benchmark in quick mode with tiny sizes: it must produce every figure (timings are never asserted)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossbrief.ui.cli.bench_command import bench_command
from tests.conftest import CORPUS
from tests.evals.gate_check import exited, outcome

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_quick_bench_produces_every_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"  # where the run's indexes, server data and eval homes go: removed when it ends
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("2025-02-07-canada-border-plan.md", "2025-08-01-tariff-rate-update.md"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    out = tmp_path / "bench"
    # in this process, through the command's click entry (as tests/evals/gate_check.py runs `crossbrief eval`): a
    # process of its own would spend its first seconds importing what this one has loaded already
    result = CliRunner().invoke(bench_command, ["--quick", "--json", "--corpus", str(corpus), "--sizes", "60,150",
                                                "--repeat", "1", "--out", str(out)])
    assert exited(result, 0), outcome(result)[-3000:]
    data = json.loads(result.stdout)
    figures = data["figures"]
    for key in ("raw_chunks_per_s", "raw_tokens_per_s", "pipeline_chunks_per_s", "ingest_ratio", "reingest_fraction",
                "ingest_peak_rss_mb", "query_peak_rss_mb", "embedding_backend"):
        assert isinstance(figures[key], (int, float, str)) and figures[key] != 0, key
    assert {"server_hybrid_p95_ms", "embedded_hybrid_p95_ms"} <= set(figures["chroma_server"])
    assert {"figure_accuracy", "refusal_precision", "refusal_recall"} <= set(figures["eval_sample"])
    assert [row["chunks"] for row in data["latency"]] == [60, 150]
    for row in data["latency"]:
        for key in ("hybrid_p50_ms", "hybrid_p95_ms", "answer_p95_ms", "answer_cold_p95_ms", "langchain_p95_ms",
                    "hybrid_vs_langchain_p95"):
            assert row[key] > 0, key
        assert row["first_answer_ms"] > 0 and row["indexed_words"] > 100  # the vocabulary embedded for expansion
    assert json.loads((out / "bench.json").read_text())["figures"]["ingest_ratio"] == figures["ingest_ratio"]
    assert (out / "latency.png").read_bytes()[:4] == b"\x89PNG"
    # nothing of the run's left behind (tiktoken's seeded cache and torch's are other libraries' own)
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("crossbrief")]



def test_a_question_counts_by_the_median_of_its_timings() -> None:
    """One slow call among a question's timings (another process took the core) does not become its latency, and
    the untimed preparation (emptying the answerer's cache for a cold answer) runs before every timing."""
    import time

    from crossbrief.evals.bench import typical_ms

    calls: list[str] = []

    def answer() -> None:
        calls.append("answer")
        if calls.count("answer") == 2:
            time.sleep(0.2)

    typical = typical_ms(answer, samples=3, before=lambda: calls.append("forget"))
    assert typical < 100
    assert calls == ["forget", "answer"] * 3
