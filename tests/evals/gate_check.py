"""The check every committed baseline gets: `crossbrief eval` on its case set passes the gate against it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli


def committed_baseline_holds(name: str, eval_home: Path) -> None:
    """Runs the case set `name` against evals/baselines/<name>.json with the eval index kept in `eval_home`."""
    baseline = ROOT / "evals" / "baselines" / f"{name}.json"
    assert baseline.exists(), f"no committed baseline for {name}: run `crossbrief eval --cases ... --update-baseline`"
    result = run_cli("eval", "--json", "--cases", str(ROOT / "evals" / "cases" / f"{name}.yaml"),
                     env={"CROSSBRIEF_HOME": str(eval_home)}, timeout=3000)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["regressions"] == [] and summary["baseline"] == str(baseline)
