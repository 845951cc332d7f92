"""`crossbrief slack`: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode on --port at /slack/events."""

from __future__ import annotations

import logging
import os

import click


@click.command("slack")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="HTTP mode port (default 3000).")
def slack_command(port: int | None) -> None:
    """Run the Slack bot."""
    from crossbrief.config import load_settings
    from crossbrief.rag.service import build
    from crossbrief.ui.slack.bot import RedactSecrets, build_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    settings = load_settings()
    app, _ = build_app(build(settings))
    app_token = os.environ.get("SLACK_APP_TOKEN")
    if app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app, app_token).start()
    else:
        app.start(port=port or settings.slack.port, path="/slack/events", http_server_logger_enabled=False)


COMMANDS = [slack_command]
