"""The guard in front of Bolt's WSGI adapter, called as a WSGI app: what is refused, with which status, before
anything is parsed."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import time
from typing import Any

import pytest

from crossbrief.ui.slack.server import MAX_BODY_BYTES, GuardedSlackApp, body_problem, signature_ok

SECRET = "unit-signing-secret"


class RecordingBolt:
    """Stands in for the Bolt app: records what reaches it and answers 200."""

    def __init__(self) -> None:
        self.dispatched: list[bytes] = []

    def dispatch(self, request: Any) -> Any:
        from slack_bolt.response import BoltResponse

        self.dispatched.append(request.raw_body if hasattr(request, "raw_body") else b"")
        return BoltResponse(status=200, body="ok")


def call(app: GuardedSlackApp, body: bytes, *, method: str = "POST", path: str = "/slack/events",
         secret: str = SECRET, timestamp: int | None = None, content_type: str = "application/json",
         length: str | None = None) -> tuple[str, bytes]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
               "CONTENT_TYPE": content_type, "CONTENT_LENGTH": length if length is not None else str(len(body)),
               "wsgi.input": io.BytesIO(body), "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts, "HTTP_X_SLACK_SIGNATURE": signature}
    status: list[str] = []
    chunks = app(environ, lambda s, headers: status.append(s))
    return status[0], b"".join(chunks)


@pytest.fixture
def guarded() -> tuple[GuardedSlackApp, RecordingBolt]:
    bolt = RecordingBolt()
    return GuardedSlackApp(bolt, SECRET), bolt


def test_requests_that_are_not_a_signed_post_to_the_events_path_never_reach_bolt(guarded) -> None:  # type: ignore[no-untyped-def]
    app, bolt = guarded
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    assert call(app, body, path="/other")[0].startswith("404")
    assert call(app, body, method="GET")[0].startswith("405")
    assert call(app, body, secret="wrong")[0].startswith("401")
    assert call(app, body, timestamp=int(time.time()) - 6 * 60)[0].startswith("401")
    assert call(app, b"x" * 10, length=str(MAX_BODY_BYTES + 1))[0].startswith("413")
    assert call(app, body, length="abc")[0].startswith("413")
    assert not bolt.dispatched


def test_a_signed_well_formed_body_reaches_bolt(guarded) -> None:  # type: ignore[no-untyped-def]
    app, bolt = guarded
    status, _ = call(app, json.dumps({"type": "event_callback", "event": {"type": "app_mention"}}).encode())
    assert status.startswith("200") and len(bolt.dispatched) == 1


def test_bolt_failing_gives_a_plain_500_not_an_exception(guarded) -> None:  # type: ignore[no-untyped-def]
    app, bolt = guarded

    def broken(request: Any) -> Any:
        raise RuntimeError("listener blew up")

    bolt.dispatch = broken
    status, text = call(app, b'{"type": "event_callback"}')
    assert status.startswith("500") and text == b"Internal error"


@pytest.mark.parametrize("body, content_type, problem", [
    (b"\xff\xfe", "application/json", "not UTF-8"),
    (b"", "application/json", "empty"),
    (b'{"a": ', "application/json", "not valid JSON"),
    (b"[1]", "application/json", "not a JSON object"),
    (b"payload=%5B1%5D", "application/x-www-form-urlencoded", "not a JSON object"),
])
def test_body_problem_names_what_is_wrong(body: bytes, content_type: str, problem: str) -> None:
    assert problem in (body_problem(body, content_type) or "")


def test_form_bodies_bolt_reads_are_accepted() -> None:
    assert body_problem(b"payload=%7B%22type%22%3A%22block_actions%22%7D", "application/x-www-form-urlencoded") is None
    assert body_problem(b"ssl_check=1&token=x", "application/x-www-form-urlencoded") is None


def test_signature_needs_a_numeric_fresh_timestamp() -> None:
    body, now = b"{}", 1_700_000_000
    good = "v0=" + hmac.new(SECRET.encode(), f"v0:{now}:".encode() + body, hashlib.sha256).hexdigest()
    assert signature_ok(SECRET, body, str(now), good, now=now)
    assert not signature_ok(SECRET, body, str(now), good, now=now + 301)
    assert not signature_ok(SECRET, body, "1e9", good, now=now)
    assert not signature_ok(SECRET, body, None, good, now=now)
