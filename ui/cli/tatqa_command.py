"""`crossbrief eval --tatqa`: the TAT-QA span questions over reports written as md / html / csv files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "tatqa"
FILES = {"dev": "tatqa_dataset_dev.json", "test": "tatqa_dataset_test_gold.json"}


def run_tatqa_command(split: str, limit: int, as_json: bool) -> None:
    from crossbrief.config import load_settings
    from crossbrief.evals.tatqa import run_tatqa

    dataset = BENCH / FILES[split]
    if not dataset.exists():
        raise click.UsageError(f"No TAT-QA {split} split at {dataset}")
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="crossbrief-tatqa-") as work:
        run = run_tatqa(settings, dataset, Path(work), limit=limit)
    metrics = run.metrics()
    if as_json:
        click.echo(json.dumps({"split": split, "reports": limit, "metrics": metrics, "seconds": run.seconds,
                               "failed": [{"report": r.report, "format": r.fmt, "filtered": r.filtered,
                                           "question": r.question, "gold": r.gold, "answer": r.answer}
                                          for r in run.results if not r.passed]}))
        return
    click.echo(f"TAT-QA {split}: {limit} reports, {len(run.results)} asked, {run.seconds:.0f}s")
    for name, value in metrics.items():
        click.echo(f"  {name:<26}{value}")
