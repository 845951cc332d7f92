"""The check every committed baseline gets: `crossbrief eval` on its case set passes the gate against it."""

from __future__ import annotations

import json
import traceback
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import ROOT


def run_eval(*args: str, env: dict[str, str]) -> Result:
    """`crossbrief eval ARGS` with `env` added to the environment, run in this process through the same click
    command the CLI runs. A separate process would first spend about 3 s of CPU importing Chroma, SQLAlchemy and
    matplotlib and loading tiktoken's encodings, every run; here each run pays only for its own work (building
    its embedder and service, the cases, the reports). The `crossbrief` process itself is run by
    test_gate.py::test_eval_with_a_missing_case_file_is_one_line."""
    from crossbrief.ui.cli.evals_command import eval_command

    return CliRunner().invoke(eval_command, list(args), env=env)


def outcome(result: Result) -> str:
    """What a run printed, and the traceback when it raised (a run that raised is not a gate that failed)."""
    raised = ""
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        raised = "".join(traceback.format_exception(*result.exc_info))
    return f"{result.stdout}\n{result.stderr}\n{raised}"


def exited(result: Result, code: int) -> bool:
    """The run finished and exited with `code` (0 or sys.exit's), rather than raising."""
    return result.exit_code == code and (result.exception is None or isinstance(result.exception, SystemExit))


def committed_baseline_holds(name: str, eval_home: Path) -> None:
    """Runs the case set `name` against evals/baselines/<name>.json with the eval index kept in `eval_home`."""
    baseline = ROOT / "evals" / "baselines" / f"{name}.json"
    assert baseline.exists(), f"no committed baseline for {name}: run `crossbrief eval --cases ... --update-baseline`"
    result = run_eval("--json", "--cases", str(ROOT / "evals" / "cases" / f"{name}.yaml"),
                      env={"CROSSBRIEF_HOME": str(eval_home)})
    assert exited(result, 0), outcome(result)
    summary = json.loads(result.stdout)
    assert summary["regressions"] == [] and summary["baseline"] == str(baseline)
