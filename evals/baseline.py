"""The committed baseline per case set, and the gate: a run fails when a case that passed now fails, or a metric
falls below the baseline by more than the tolerance.

The gate forgives `allowance` such cases (and the metric drop they alone can explain): the int8 model's float
kernels differ in their last bits between CPUs (AVX2, AVX-512), so a question whose two best sentences are a near
tie can fall the other way on another machine than the one that recorded the baseline. More flips than that, or a
larger drop, is a regression.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from crossbrief.evals.runner import EvalRun
from crossbrief.evals.scoring import HIGHER_IS_BETTER, LOWER_IS_BETTER, one_case_effects


@dataclass(frozen=True)
class Regression:
    what: str
    detail: str
    case: str = ""  # the case id, for a case that passed in the baseline and fails now

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


def newly_failing(run: EvalRun, baseline: dict) -> list[Regression]:  # type: ignore[type-arg]
    """The cases that passed in `baseline` and fail (or are gone) in `run`, each with why."""
    now = {r.id: r for r in run.results}
    flipped: list[Regression] = []
    for case_id in baseline.get("passed", []):
        result = now.get(case_id)
        if result is None:
            flipped.append(Regression(f"case {case_id}", "passed in the baseline but is no longer in the set", case_id))
        elif not result.passed:
            why = result.error or (f"missing {', '.join(result.missing)}" if result.missing else
                                   f"unsupported {', '.join(result.unsupported)}" if result.unsupported else
                                   "refused" if result.refused else "answered instead of refusing")
            flipped.append(Regression(f"case {case_id}", f"passed in the baseline, now fails ({why})", case_id))
    return flipped


def compare(run: EvalRun, baseline: dict, tolerance: float,  # type: ignore[type-arg]
            allowance: int = 0) -> list[Regression]:
    """What got worse than `baseline`, forgiving `allowance` flipped cases (see the module docstring)."""
    flipped = newly_failing(run, baseline)
    forgiven = min(allowance, len(flipped))
    effects = one_case_effects(run.results)
    regressions: list[Regression] = []
    old = baseline.get("metrics", {})
    for name in (*HIGHER_IS_BETTER, *LOWER_IS_BETTER):
        if name not in old:
            continue
        slack = tolerance + forgiven * effects[name]
        worse = run.metrics[name] < old[name] - slack if name in HIGHER_IS_BETTER else \
            run.metrics[name] > old[name] + slack
        if worse:
            sign = "<" if name in HIGHER_IS_BETTER else ">"
            regressions.append(Regression(name, f"{run.metrics[name]:.3f} {sign} baseline {old[name]:.3f}"))
    if len(flipped) > allowance or regressions:
        regressions.extend(flipped)
    return regressions
