"""`crossbrief doctor`: checks the vector store, sentence vectors, manifest, catalog and BM25 cache against each other and rebuilds
what is damaged from the source files; feedback and reports are left alone."""

from __future__ import annotations

import json
import sys

import click

from crossbrief.ui.cli.render import clean


@click.command("doctor")
@click.option("--check", "check_only", is_flag=True, help="Only report; change nothing (exit 1 when damaged).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def doctor_command(check_only: bool, as_json: bool) -> None:
    """Check the index and rebuild what is damaged from the sources (feedback and reports are kept)."""
    from crossbrief.config import load_settings
    from crossbrief.rag.service import doctor

    settings = load_settings()
    result = doctor.diagnose(settings) if check_only else doctor.repair(settings)
    diagnosis = result if isinstance(result, doctor.Diagnosis) else result.diagnosis
    if as_json:
        click.echo(json.dumps(doctor.as_dict(result)))
    else:
        for finding in diagnosis.findings:
            click.echo(f"{'ok     ' if finding.ok else 'DAMAGED'}  {finding.part:<8} {clean(finding.detail)}")
        if isinstance(result, doctor.Repair):
            for action in result.actions:
                click.echo(f"repaired: {clean(action)}")
            for failure in (result.ingest.files_failed if result.ingest else []):
                click.echo(f"failed: {clean(failure['error'])}", err=True)
            for source in result.lost:
                click.echo(f"lost: {clean(source)} (its file is gone; ingest it again from a copy)", err=True)
        if isinstance(result, doctor.Repair) and result.actions:
            after = doctor.diagnose(settings)
            click.echo("The index is healthy now." if after.healthy else
                       "Still damaged: " + "; ".join(clean(f.detail) for f in after.problems()))
        elif diagnosis.healthy:
            click.echo("The index is healthy.")
        elif check_only:
            click.echo("Run `crossbrief doctor` to rebuild what is damaged from the sources.")
    if check_only and not diagnosis.healthy:
        sys.exit(1)
    if isinstance(result, doctor.Repair) and (result.lost or (result.ingest and result.ingest.files_failed)):
        sys.exit(1)


COMMANDS = [doctor_command]
