"""The baseline gate's arithmetic on hand-made runs: a flipped near tie within the allowance passes, more fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crossbrief.evals.baseline import baseline_payload, compare
from crossbrief.evals.cases import CaseSet
from crossbrief.evals.runner import EvalRun
from crossbrief.evals.scoring import CaseResult, summarise
from crossbrief.index.ingest import IngestReport


def _run(passing: set[str], total: int = 10) -> EvalRun:
    results = [CaseResult(id=f"c{i}", question="q", expected=["1"], refuse_expected=False, passed=f"c{i}" in passing,
                          figure_hits=int(f"c{i}" in passing), figures_expected=1, figures_stated=1,
                          figures_supported=1, retrieved_expected_source=True)
               for i in range(total)]
    return EvalRun(CaseSet(name="toy", path=Path("toy.yaml"), corpus=None), Path("."), "h", "offline", results,
                   summarise(results), IngestReport(), 0.0)


def _baseline(passing: set[str]) -> dict[str, Any]:
    return baseline_payload(_run(passing))


def test_the_same_run_passes_and_one_flip_is_forgiven_only_with_an_allowance() -> None:
    baseline = _baseline({"c0", "c1", "c2", "c3"})
    assert compare(_run({"c0", "c1", "c2", "c3"}), baseline, 0.02, allowance=1) == []
    one_flip = _run({"c0", "c1", "c2"})
    assert compare(one_flip, baseline, 0.02, allowance=1) == []
    exact = [str(r) for r in compare(one_flip, baseline, 0.02, allowance=0)]
    assert any(r.startswith("pass_rate") for r in exact) and any("case c3" in r for r in exact)


def test_two_flips_fail_the_gate_and_name_both_cases() -> None:
    baseline = _baseline({"c0", "c1", "c2", "c3"})
    regressions = [str(r) for r in compare(_run({"c0", "c1"}), baseline, 0.02, allowance=1)]
    assert any("case c2" in r for r in regressions) and any("case c3" in r for r in regressions)
    assert any(r.startswith("pass_rate") for r in regressions)


def test_a_flip_balanced_by_a_new_pass_is_still_within_the_allowance() -> None:
    baseline = _baseline({"c0", "c1"})
    assert compare(_run({"c0", "c5"}), baseline, 0.02, allowance=1) == []
