"""`crossbrief eval` end to end: reports, baseline gate, and the committed baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import CORPUS, ROOT, run_cli
from tests.evals.gate_check import committed_baseline_holds, exited, outcome, run_eval

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-home")


def every_third_sample_case(folder: Path) -> tuple[Path, list[str]]:
    """A case file of every third case of the sample set (figures and refusals), over the sample corpus, so it
    shares the eval index of the sample sets below; returns it and its case ids. The three runs below prove how
    reports and the gate work, which a third of the cases proves as well; the whole set is gated against its
    committed baseline by test_committed_baseline_holds_on_the_sample_corpus."""
    data = yaml.safe_load((ROOT / "evals" / "cases" / "sample.yaml").read_text())
    cases = data["cases"][::3]
    assert any(case.get("refuse") for case in cases) and any(not case.get("refuse") for case in cases)
    path = folder / "sample-third.yaml"
    path.write_text(yaml.safe_dump({"name": "sample-third", "corpus": str(CORPUS), "cases": cases}))
    return path, [case["id"] for case in cases]


def test_reports_hold_the_numbers_and_a_broken_setting_fails_the_gate(tmp_path: Path, eval_home: Path) -> None:
    baseline, reports = tmp_path / "baseline.json", tmp_path / "reports"
    cases, ids = every_third_sample_case(tmp_path)
    env = {"CROSSBRIEF_HOME": str(eval_home)}
    recorded = run_eval("--cases", str(cases), "--update-baseline", "--baseline", str(baseline), "--report",
                        str(reports), "--json", env=env)
    assert exited(recorded, 0), outcome(recorded)
    summary = json.loads(recorded.stdout)
    saved = json.loads(baseline.read_text())
    assert saved["metrics"]["figure_accuracy"] == summary["metrics"]["figure_accuracy"] > 0.8
    assert sorted(saved["passed"]) == sorted(set(ids) - set(summary["failed_cases"])) and len(saved["passed"]) > 15
    latest = json.loads((reports / "latest.json").read_text())
    assert latest["settings_hash"] == summary["settings_hash"] and latest["git_commit"]
    assert latest["metrics"] == summary["metrics"] and [case["id"] for case in latest["cases"]] == ids
    markdown = (reports / "report.md").read_text()
    assert f"| figure_accuracy | {summary['metrics']['figure_accuracy']} |" in markdown
    assert "| id | question | expected | got | pass | citations |" in markdown
    assert (reports / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    same = run_eval("--cases", str(cases), "--baseline", str(baseline), "--report", str(reports), env=env)
    assert exited(same, 0), outcome(same)
    assert len((reports / "history.jsonl").read_text().splitlines()) == 2

    broken = run_eval("--cases", str(cases), "--baseline", str(baseline), "--report", str(reports), "--json",
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
SAMPLE_SETS = ["sample", "reworded", "near_miss", "probe5_sample", "probe6_sample", "probe7_sample",
               "probe8_sample", "probe9_sample"]


@pytest.mark.parametrize("name", SAMPLE_SETS)
def test_committed_baseline_holds_on_the_sample_corpus(name: str, eval_home: Path) -> None:
    committed_baseline_holds(name, eval_home)


def test_eval_with_a_missing_case_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("eval", "--cases", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "no such case file" in result.stderr and "Traceback" not in result.stderr
