"""`crossbrief eval`: run a case set, print a summary table, write reports, gate on the baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crossbrief import evals

CASES_DIR = Path(evals.__file__).resolve().parent / "cases"
BASELINES_DIR = Path(evals.__file__).resolve().parent / "baselines"


@click.command("eval")
@click.option("--cases", "cases_path", type=click.Path(path_type=Path), default=CASES_DIR / "sample.yaml",
              show_default=True, help="A case file or a folder of them.")
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="Corpus to index (default: the case file's).")
@click.option("--answerer", type=click.Choice(["offline", "openai", "ollama"]), default=None)
@click.option("--baseline", type=click.Path(path_type=Path), default=None,
              help="Baseline file (default: evals/baselines/<case set>.json).")
@click.option("--update-baseline", is_flag=True, help="Rewrite the baseline from this run.")
@click.option("--report", "report_dir", type=click.Path(path_type=Path), default=None,
              help="Report folder (default: <data dir>/reports/<case set>).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as one JSON object.")
@click.option("--tatqa", is_flag=True, help="Run the TAT-QA span questions (md / html / csv reports) instead.")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True,
              help="TAT-QA split (tune on dev only).")
@click.option("--limit", type=click.IntRange(1), default=40, show_default=True, help="TAT-QA reports to sample.")
def eval_command(cases_path: Path, corpus: Path | None, answerer: str | None, baseline: Path | None,
                 update_baseline: bool, report_dir: Path | None, as_json: bool, tatqa: bool = False,
                 split: str = "dev", limit: int = 40) -> None:
    """Run the eval cases through answer(); exit 1 when answers got worse than the baseline."""
    if tatqa:
        from crossbrief.ui.cli.tatqa_command import run_tatqa_command

        run_tatqa_command(split, limit, as_json)
        return
    from crossbrief.evals.baseline import compare, newly_failing, write_baseline
    from crossbrief.evals.cases import load_cases
    from crossbrief.evals.report import git_commit, write_reports
    from crossbrief.evals.runner import run_eval
    from crossbrief.config import load_settings

    settings = load_settings()
    case_set = load_cases(cases_path)
    run = run_eval(settings, case_set, corpus=corpus, answerer=answerer)
    baseline_path = baseline or BASELINES_DIR / f"{case_set.name}.json"
    regressions: list[str] = []
    flipped: list[str] = []  # passed in the baseline, fail now (within the allowance when not in regressions)
    if update_baseline:
        write_baseline(baseline_path, run)
    elif baseline_path.exists():
        recorded = json.loads(baseline_path.read_text())
        regressions = [str(r) for r in compare(run, recorded, settings.eval.tolerance, settings.eval.flip_allowance)]
        flipped = [r.case for r in newly_failing(run, recorded)]
    report_paths = write_reports(run, report_dir or settings.home / "reports" / case_set.name,
                                 git_commit(Path(evals.__file__).resolve().parent), regressions)
    if as_json:
        click.echo(json.dumps({"case_set": case_set.name, "metrics": run.metrics, "regressions": regressions,
                               "baseline": str(baseline_path), "report": str(report_paths["markdown"]),
                               "settings_hash": run.settings_hash, "answerer": run.answerer,
                               "failed_cases": [r.id for r in run.results if not r.passed],
                               "flipped_cases": flipped}))
    else:
        click.echo(f"Eval {case_set.name}: {len(run.results)} cases, answerer {run.answerer}, "
                   f"settings {run.settings_hash}, {run.seconds:.0f}s")
        for name, value in run.metrics.items():
            click.echo(f"  {name:<26}{value}")
        failed = [r for r in run.results if not r.passed]
        if failed:
            click.echo(f"  failing cases: {', '.join(r.id for r in failed)}")
        if flipped and not regressions:
            click.echo(f"  passed in the baseline, fail now (within eval.flip_allowance): {', '.join(flipped)}")
        click.echo(f"Report: {report_paths['markdown']}")
        if update_baseline:
            click.echo(f"Baseline written: {baseline_path}")
        elif not baseline_path.exists():
            click.echo(f"No baseline at {baseline_path}: run with --update-baseline to record one")
        for regression in regressions:
            click.echo(f"REGRESSION {regression}", err=True)
    if regressions:
        sys.exit(1)


COMMANDS = [eval_command]
