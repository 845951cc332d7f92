"""The `crossbrief` command line. It parses, calls the library and renders; errors become one line.

Exit codes: 0 ok; 1 the work ran but something failed (a bad file, an eval regression, a refused question is
NOT a failure); 2 bad usage (unknown option, missing path, empty or oversized question, bad setting).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from crossbrief.errors import ConfigError, CrossbriefError, InvalidQuestion
from crossbrief.ui.cli.render import clean, short_source

USAGE_ERRORS = (ConfigError, InvalidQuestion)


class UsageProblem(CrossbriefError):
    """Bad input from the command line: exits 2."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """crossbrief: cited, figure-checked answers about cross-border crime from your sources."""


def _settings(**overrides: Any):  # type: ignore[no-untyped-def]
    from crossbrief.config import load_settings

    return load_settings(**overrides)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Drop sources that no longer exist on disk.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def ingest(paths: tuple[Path, ...], prune: bool, as_json: bool) -> None:
    """Index files and folders (.txt .md .html .pdf .docx .csv)."""
    from crossbrief.rag.service import ingest_sources

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageProblem(f"No such file or folder: {', '.join(missing)}")
    settings = _settings()
    bar = TerminalProgress(enabled=not as_json and sys.stderr.isatty())
    try:
        report, chunks_in_index = ingest_sources(settings, list(paths), prune=prune, progress=bar,
                                                 provenance={"via": "cli", "by": _user()})
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        for failure in report.files_failed:
            click.echo(f"failed: {clean(failure['error'])}", err=True)
        if report.files_skipped:
            names = ", ".join(clean(Path(p).name) for p in report.files_skipped[:5])
            more = f" and {len(report.files_skipped) - 5} more" if len(report.files_skipped) > 5 else ""
            click.echo(f"skipped {names}{more}: notes describing a folder, not sources (name a file to ingest it, or "
                       "set index.skip_files)", err=True)
        click.echo(
            f"Ingested {report.files_new} new, {report.files_changed} changed, {report.files_unchanged} unchanged, "
            f"{len(report.files_failed)} failed files; +{report.chunks_added} / -{report.chunks_removed} chunks "
            f"in {report.seconds:.1f}s ({chunks_in_index} chunks in the index)"
        )
    if report.files_failed:
        sys.exit(1)


def _user() -> str:
    """Who ran the command, for the sources' provenance."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return f"uid {os.getuid()}"


class TerminalProgress:
    """A tqdm bar on a terminal, nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Any = None
        self._enabled = enabled

    def __call__(self, number: int, total: int, path: str) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="file", file=sys.stderr)
        self._bar.set_postfix_str(Path(path).name[-40:])
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def sources(as_json: bool) -> None:
    """List what the index holds: source, title, date, chunks."""
    from crossbrief.rag.service import list_sources, require_index

    settings = _settings()
    require_index(settings)
    rows: list[dict[str, Any]] = [
        {"source": r.source, "title": r.title, "date": r.date, "chunks": len(r.chunk_ids), "kind": r.kind,
         "source_url": r.source_url, "ingested_at": r.ingested_at, "provenance": r.provenance}
        for r in list_sources(settings)
    ]
    from crossbrief.rag.service import quick_check

    problem = quick_check(settings)  # the manifest alone cannot tell that the vector store is damaged
    if as_json:
        click.echo(json.dumps({"sources": rows, "chunks": sum(r["chunks"] for r in rows), "healthy": problem is None,
                               "problem": problem}))
    else:
        for row in rows:
            click.echo(f"{row['date'] or '----------'}  {row['chunks']:>5}  {clean(row['title'])[:70]:<70}  "
                       f"{clean(short_source(row['source']))}")
        click.echo(f"{len(rows)} sources, {sum(r['chunks'] for r in rows)} chunks")
    if problem:
        click.echo(f"crossbrief: the index is damaged: {clean(problem)}; run `crossbrief doctor` to rebuild it "
                   "from the sources", err=True)
        sys.exit(1)


@cli.command()
@click.argument("source")
def remove(source: str) -> None:
    """Remove one source (path or file name) and its chunks from the index."""
    from crossbrief.rag.service import remove_source

    key, removed = remove_source(_settings(), source)
    click.echo(f"Removed {clean(short_source(key))} ({removed} chunks)")


def _register_more() -> None:
    """Commands defined in their own modules (answers, evals, UI, Slack, bench)."""
    from crossbrief.ui.cli import answers, bench_command, doctor_command, evals_command, slack_command, ui_command

    for command in [*answers.COMMANDS, *evals_command.COMMANDS, *ui_command.COMMANDS, *slack_command.COMMANDS,
                    *bench_command.COMMANDS, *doctor_command.COMMANDS]:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    _register_more()
    try:
        cli.main(args=argv, prog_name="crossbrief", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        click.echo(f"crossbrief: {exc.format_message()} (see `crossbrief --help`)", err=True)
        sys.exit(2)
    except (UsageProblem, *USAGE_ERRORS) as exc:
        click.echo(f"crossbrief: {clean(str(exc))}", err=True)
        sys.exit(2)
    except CrossbriefError as exc:
        click.echo(f"crossbrief: {clean(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - one line for the user; the traceback only on request
        if os.environ.get("CROSSBRIEF_DEBUG"):
            raise
        click.echo(f"crossbrief: unexpected error ({exc.__class__.__name__}: {str(exc)[:200]}); "
                   "rerun with CROSSBRIEF_DEBUG=1 for the details and report it", err=True)
        sys.exit(1)

