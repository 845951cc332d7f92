"""The TAT-QA adapter writes reports in all three formats, ingests them and scores span answers strictly."""

from __future__ import annotations

from pathlib import Path

from crossbrief.config import Settings
from crossbrief.evals.tatqa import FORMATS, holds, holds_change, run_tatqa
from tests.conftest import ROOT, missing_prerequisite

DEV = ROOT.parent / "shared" / "bench" / "tatqa" / "tatqa_dataset_dev.json"


def test_gold_spans_are_matched_after_normalising() -> None:
    assert holds("Revenue was $1,452.4 million in 2019 [1]", ["1452.4"])
    assert holds("It uses the Black–Scholes model.", ["black–scholes model"])
    assert not holds("Revenue was $1,452.4 million", ["1,146.2"])


def test_a_stated_change_is_scored_signed_and_a_difference_either_way_round() -> None:
    answer = "Row 5 [1] From 636 in 2018 to 613 in 2019: a decrease of 23 (3.62%). [1]"
    assert holds_change(answer, -23.0) and holds_change(answer, -3.62)
    assert not holds_change(answer, 23.0) and holds_change(answer, 23.0, unsigned=True)
    assert not holds_change("Revenue fell by 23 [1]", -23.0), "only a stated change is scored"


def test_adapter_runs_a_handful_of_reports_in_every_format(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    if not DEV.exists():
        missing_prerequisite(f"TAT-QA dev split not found at {DEV}")
    run = run_tatqa(Settings(home=tmp_path / "home"), DEV, tmp_path / "work", limit=3, embedder=embedder)
    written = sorted(p.suffix for p in (tmp_path / "work" / "reports").iterdir())
    assert {".md", ".html", ".csv"} <= set(written)
    assert {r.fmt for r in run.results} == set(FORMATS)
    assert {r.filtered for r in run.results} == {True, False}
    metrics = run.metrics()
    assert all(metrics[f"{fmt}_filtered_n"] > 0 for fmt in FORMATS)
    assert {"change_filtered", "change_unfiltered_n"} <= set(metrics)
    assert metrics["all"] == round(sum(r.passed for r in run.results if r.kind == "span")
                                   / sum(r.kind == "span" for r in run.results), 3)
    assert sum(r.passed for r in run.results) > 0
