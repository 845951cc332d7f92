"""`crossbrief eval` end to end: reports, baseline gate, and the committed baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.evals.gate_check import committed_baseline_holds, exited, outcome, run_eval

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-home")


def test_reports_hold_the_numbers_and_a_broken_setting_fails_the_gate(tmp_path: Path, eval_home: Path) -> None:
    baseline, reports = tmp_path / "baseline.json", tmp_path / "reports"
    env = {"CROSSBRIEF_HOME": str(eval_home)}
    recorded = run_eval("--update-baseline", "--baseline", str(baseline), "--report", str(reports), "--json", env=env)
    assert exited(recorded, 0), outcome(recorded)
    summary = json.loads(recorded.stdout)
    saved = json.loads(baseline.read_text())
    assert saved["metrics"]["figure_accuracy"] == summary["metrics"]["figure_accuracy"] > 0.8
    assert len(saved["passed"]) > 40
    latest = json.loads((reports / "latest.json").read_text())
    assert latest["settings_hash"] == summary["settings_hash"] and latest["git_commit"]
    assert latest["metrics"] == summary["metrics"] and len(latest["cases"]) >= 50
    markdown = (reports / "report.md").read_text()
    assert f"| figure_accuracy | {summary['metrics']['figure_accuracy']} |" in markdown
    assert "| id | question | expected | got | pass | citations |" in markdown
    assert (reports / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    same = run_eval("--baseline", str(baseline), "--report", str(reports), env=env)
    assert exited(same, 0), outcome(same)
    assert len((reports / "history.jsonl").read_text().splitlines()) == 2

    broken = run_eval("--baseline", str(baseline), "--report", str(reports), "--json",
                      env={**env, "CROSSBRIEF_RETRIEVAL__K": "1", "CROSSBRIEF_RETRIEVAL__ANSWER_K": "1",
                           "CROSSBRIEF_RETRIEVAL__DENSE_WEIGHT": "0"})
    assert exited(broken, 1), outcome(broken)  # the gate failed: the run itself finished
    regressions = json.loads(broken.stdout)["regressions"]
    assert any(r.startswith("figure_accuracy") for r in regressions)
    assert any(r.startswith("case ") and "now fails" in r for r in regressions)
    assert json.loads(broken.stdout)["settings_hash"] != summary["settings_hash"]


# Every development case set is gated against its committed baseline (evals/baselines/<name>.json). The sample
# sets share the sample corpus's eval index in eval_home, so each extra set costs only its questions; the
# reference sets are in test_gate_reference.py, with their own index.
SAMPLE_SETS = ["sample", "reworded", "near_miss"]


@pytest.mark.parametrize("name", SAMPLE_SETS)
def test_committed_baseline_holds_on_the_sample_corpus(name: str, eval_home: Path) -> None:
    committed_baseline_holds(name, eval_home)


def test_eval_with_a_missing_case_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("eval", "--cases", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "no such case file" in result.stderr and "Traceback" not in result.stderr
