"""HTTP mode for production: Bolt's WSGI adapter behind a guard, served by waitress.

waitress reads each request on its own I/O loop and hands only complete requests to its worker threads, so an
idle or slow connection holds no worker and is closed after `channel_timeout`. The guard checks the Slack
signature on the raw bytes *before* anything is parsed, and answers a body that is not UTF-8 or not the JSON /
form Slack sends with a 4xx and one log line, never a traceback."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger("crossbrief.slack")

MAX_BODY_BYTES = 1 << 20  # Slack's events and interactions are a few KB
MAX_CLOCK_SKEW_S = 5 * 60
StartResponse = Callable[..., Any]


def signature_ok(secret: str, body: bytes, timestamp: str | None, signature: str | None,
                 now: float | None = None) -> bool:
    """Slack's v0 request signature over the raw bytes, with a fresh timestamp (replays older than 5 minutes fail)."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def body_problem(body: bytes, content_type: str) -> str | None:
    """Why Bolt could not parse `body` (None when it can): mirrors how Bolt reads events and interactions."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if not text:
        return "the body is empty"
    try:
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except ValueError:
        return "the body is not valid JSON"
    return None if isinstance(parsed, dict) else "the body is not a JSON object"


class GuardedSlackApp:
    """A WSGI app: signature and shape checks, then Bolt's own WSGI adapter (which checks the signature again)."""

    def __init__(self, bolt_app: Any, signing_secret: str, path: str = "/slack/events") -> None:
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        self.path = path
        self.secret = signing_secret
        self.bolt = SlackRequestHandler(bolt_app, path=path)

    @staticmethod
    def _reply(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
        data = text.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
        return [data]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != self.path:
            return self._reply(start_response, "404 Not Found", "Not Found")
        if environ.get("REQUEST_METHOD") != "POST":
            return self._reply(start_response, "405 Method Not Allowed", "POST only")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            return self._reply(start_response, "413 Content Too Large", "Request body too large")
        body = environ["wsgi.input"].read(length) if length else b""
        if not signature_ok(self.secret, body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                            environ.get("HTTP_X_SLACK_SIGNATURE")):
            log.warning("request refused: missing, stale or wrong Slack signature")
            return self._reply(start_response, "401 Unauthorized", "Invalid signature")
        problem = body_problem(body, environ.get("CONTENT_TYPE") or "")
        if problem:
            log.warning("signed request refused: %s", problem)
            return self._reply(start_response, "400 Bad Request", f"Bad request: {problem}")
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            return self.bolt(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - one line in the log, a plain 500 to Slack (which retries)
            log.error("request failed: %s", exc.__class__.__name__)
            return self._reply(start_response, "500 Internal Server Error", "Internal error")


def make_server(wsgi_app: Callable[..., Any], host: str, port: int, threads: int = 8,
                channel_timeout: int = 30) -> Any:
    """A waitress server bound now (port 0: a free one, see `.effective_port`); `.run()` serves until closed."""
    from waitress import create_server

    return create_server(wsgi_app, host=host, port=port, threads=threads, channel_timeout=channel_timeout,
                         max_request_body_size=MAX_BODY_BYTES, connection_limit=200, ident="crossbrief",
                         clear_untrusted_proxy_headers=True)
