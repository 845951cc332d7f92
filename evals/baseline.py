"""The committed baseline per case set, and the gate: a run fails when a metric falls below the baseline by
more than the tolerance, or a case that passed now fails."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from crossbrief.evals.runner import EvalRun
from crossbrief.evals.scoring import HIGHER_IS_BETTER, LOWER_IS_BETTER


@dataclass(frozen=True)
class Regression:
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what}: {self.detail}"


def baseline_payload(run: EvalRun) -> dict[str, object]:
    return {
        "case_set": run.case_set.name,
        "answerer": run.answerer,
        "settings_hash": run.settings_hash,
        "metrics": {k: run.metrics[k] for k in (*HIGHER_IS_BETTER, *LOWER_IS_BETTER)},
        "passed": sorted(r.id for r in run.results if r.passed),
    }


def write_baseline(path: Path, run: EvalRun) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline_payload(run), indent=2, sort_keys=True) + "\n")


def compare(run: EvalRun, baseline: dict, tolerance: float) -> list[Regression]:  # type: ignore[type-arg]
    regressions: list[Regression] = []
    old = baseline.get("metrics", {})
    for name in HIGHER_IS_BETTER:
        if name in old and run.metrics[name] < old[name] - tolerance:
            regressions.append(Regression(name, f"{run.metrics[name]:.3f} < baseline {old[name]:.3f}"))
    for name in LOWER_IS_BETTER:
        if name in old and run.metrics[name] > old[name] + tolerance:
            regressions.append(Regression(name, f"{run.metrics[name]:.3f} > baseline {old[name]:.3f}"))
    now = {r.id: r for r in run.results}
    for case_id in baseline.get("passed", []):
        result = now.get(case_id)
        if result is None:
            regressions.append(Regression(f"case {case_id}", "passed in the baseline but is no longer in the set"))
        elif not result.passed:
            why = result.error or (f"missing {', '.join(result.missing)}" if result.missing else
                                   f"unsupported {', '.join(result.unsupported)}" if result.unsupported else
                                   "refused" if result.refused else "answered instead of refusing")
            regressions.append(Regression(f"case {case_id}", f"passed in the baseline, now fails ({why})"))
    return regressions
