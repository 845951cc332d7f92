"""CLI commands that answer questions: `ask` and `chat`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from crossbrief.errors import CrossbriefError, InvalidQuestion
from crossbrief.text_safety import terminal_safe

if TYPE_CHECKING:
    from crossbrief.rag.service import Filters


def _filters(source: tuple[str, ...], date_from: str | None, date_to: str | None) -> Filters:
    from crossbrief.rag.service import Filters  # on use: the service's imports cost every command ~0.5 s

    return Filters(sources=tuple(source), date_from=date_from, date_to=date_to)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A real calendar date as YYYY-MM-DD (2025-13-01 is bad usage: exit 2 with one line)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-02-01") from None


def _service():  # type: ignore[no-untyped-def]
    from crossbrief.config import load_settings
    from crossbrief.rag.service import build

    return build(load_settings())


_answer_options = [
    click.option("--answerer", type=click.Choice(["offline", "openai", "ollama"]), default=None,
                 help="Who writes the answer (default: the setting, offline unless configured)."),
    click.option("-k", "k", type=click.IntRange(1, 50), default=None, help="Passages given to the answerer."),
    click.option("--source", multiple=True, help="Only this source (file name or path); repeatable."),
    click.option("--from", "date_from", default=None, callback=_iso_date,
                 help="Only sources dated on or after YYYY-MM-DD (undated sources are left out)."),
    click.option("--to", "date_to", default=None, callback=_iso_date,
                 help="Only sources dated on or before YYYY-MM-DD (undated sources are left out)."),
]


def answer_options(func):  # type: ignore[no-untyped-def]
    for option in reversed(_answer_options):
        func = option(func)
    return func


@click.command()
@click.argument("question")
@answer_options
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as one JSON object.")
@click.option("--stream/--no-stream", default=True, help="Print tokens as they arrive (LLM answerers).")
def ask(question: str, answerer: str | None, k: int | None, source: tuple[str, ...], date_from: str | None,
        date_to: str | None, as_json: bool, stream: bool) -> None:
    """Answer QUESTION from the index, with numbered sources."""
    from crossbrief.ui.cli.render import render_answer

    if not question.strip():
        raise InvalidQuestion("The question is empty: ask something, e.g. crossbrief ask \"What tariff did the US put on Canada?\"")
    service = _service()
    streaming = stream and not as_json and (answerer or service.settings.generation.answerer) != "offline"
    on_token = (lambda token: (sys.stdout.write(terminal_safe(token)), sys.stdout.flush())) if streaming else None
    result = service.answer(question, filters=_filters(source, date_from, date_to), answerer=answerer, k=k,
                            on_token=on_token)
    if as_json:
        click.echo(json.dumps(result.as_dict(), default=str))
        return
    if streaming:
        click.echo("")
    click.echo(render_answer(result, show_answer=not streaming or result.answer != ""))
    click.echo(f"({result.timings.get('total', 0):.0f} ms, {result.answerer}, settings {result.settings_hash})")


@click.command()
@answer_options
def chat(answerer: str | None, k: int | None, source: tuple[str, ...], date_from: str | None,
         date_to: str | None) -> None:
    """A terminal conversation; follow-up questions use the conversation. Empty line or Ctrl-D ends it."""
    from crossbrief.ui.cli.render import render_answer

    service = _service()
    history: list[tuple[str, str]] = []
    click.echo("Ask about your sources. Empty line or Ctrl-D to quit; /new starts a new conversation.")
    while True:
        try:
            question = input("> ")
        except EOFError:
            break
        if not question.strip():
            break
        if question.strip() == "/new":
            history.clear()
            continue
        try:
            result = service.answer(question, history=history, filters=_filters(source, date_from, date_to),
                                    answerer=answerer, k=k)
        except CrossbriefError as exc:
            click.echo(f"crossbrief: {terminal_safe(str(exc))}")
            continue
        click.echo(render_answer(result))
        history.extend([("user", question), ("assistant", result.answer)])


COMMANDS = [ask, chat]
