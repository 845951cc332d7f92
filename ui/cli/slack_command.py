"""`crossbrief slack`: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode at /slack/events, served by
waitress (a production WSGI server) through Bolt's WSGI adapter."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

import click


@click.command("slack")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="HTTP mode port (default 3000; 0 picks a free one and logs it).")
@click.option("--address", default=None, help="HTTP mode address (default 127.0.0.1; CROSSBRIEF_SLACK__ADDRESS).")
def slack_command(port: int | None, address: str | None) -> None:
    """Run the Slack bot."""
    from crossbrief.config import load_settings
    from crossbrief.errors import ConfigError
    from crossbrief.rag.service import build
    from crossbrief.ui.slack.bot import RedactSecrets, build_app, required_env

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    settings = load_settings()
    app, bot = build_app(build(settings))
    app_token = os.environ.get("SLACK_APP_TOKEN")
    log = logging.getLogger("crossbrief.slack")
    signal.signal(signal.SIGTERM, _stop)  # a stopping container or supervisor: stop listening, finish answers
    try:
        if app_token:
            _serve_socket_mode(app, app_token, log)
            return
        from crossbrief.ui.slack.server import GuardedSlackApp, make_server

        host, chosen = address or settings.slack.address, settings.slack.port if port is None else port
        try:
            server = make_server(GuardedSlackApp(app, required_env("SLACK_SIGNING_SECRET")), host, chosen,
                                 threads=max(4, settings.slack.workers))
        except OSError as exc:
            raise ConfigError(f"Cannot listen on {host}:{chosen} ({exc.strerror or exc}): choose another --port "
                              "or --address") from exc
        log.info("serving HTTP mode on http://%s:%s/slack/events", server.effective_host, server.effective_port)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    except KeyboardInterrupt:
        pass
    finally:
        # questions already acknowledged are answered before the process ends (Slack will not send them again)
        log.info("stopping: finishing the questions in hand")
        bot.pool.shutdown(wait=True)


def _serve_socket_mode(app: Any, app_token: str, log: logging.Logger) -> None:
    """Serves Slack's Socket Mode until interrupted. On the way out the websocket is closed before the answers in
    hand are finished, so an envelope arriving meanwhile stays unacknowledged and Slack delivers it again,
    instead of being acknowledged and turned away as "busy"."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from crossbrief.errors import ConfigError

    handler = SocketModeHandler(app, app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        handler.close()
        reason = exc.response.get("error") or "no reason given"
        raise ConfigError(f"Slack refused SLACK_APP_TOKEN ({reason}): set it to the app-level token (xapp-...) "
                          "with the connections:write scope, or unset it to serve HTTP mode") from exc
    log.info("serving Socket Mode")
    try:
        threading.Event().wait()
    finally:
        handler.close()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


COMMANDS = [slack_command]
