"""A real local HTTP server standing in for Slack's Web API: records every call and answers auth.test,
apps.connections.open, chat.postMessage, chat.update, chat.postEphemeral and conversations.replies."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.local_http import LocalServer, QuietHandler


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.threads: dict[str, list[dict[str, Any]]] = {}
        self._ts = 2000
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.replies_open = threading.Event()  # cleared: conversations.replies waits (an answer held in flight)
        self.replies_open.set()
        # apps.connections.open (Socket Mode) hands out this websocket URL; None: the app token is refused
        self.socket_url: str | None = None
        self._server = LocalServer(self._handler())
        self.url = f"{self._server.base_url}/api/"

    def close(self) -> None:
        self._server.close()

    def _matching(self, method: str, match: dict[str, str]) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method and all(str(p.get(k)) == v for k, v in match.items())]

    def calls_to(self, method: str, **match: str) -> list[dict[str, Any]]:
        with self._lock:
            return self._matching(method, match)

    def wait_for(self, method: str, timeout: float = 60, count: int = 1, **match: str) -> list[dict[str, Any]]:
        """Blocks until `count` matching calls have arrived (woken by each call, no polling)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := self._matching(method, match)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} {match} within {timeout}s; calls: {[m for m, _ in self.calls]}")
                self._changed.wait(left)
            return found

    def _reply(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append((method, params))
            self._ts += 1
            ts = f"{self._ts}.000100"
            params["_reply_ts"] = ts
            params["_at"] = time.monotonic()
            self._changed.notify_all()
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "Test",
                    "user": "crossbrief", "url": "https://test.slack.com/"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "invalid_auth"}
        if method == "chat.postMessage":
            return {"ok": True, "ts": ts, "channel": params.get("channel")}
        if method == "conversations.replies":
            self.replies_open.wait(timeout=60)
            return {"ok": True, "messages": self.threads.get(str(params.get("ts")), [])}
        return {"ok": True}

    def _handler(self):  # type: ignore[no-untyped-def]
        fake = self

        class Handler(QuietHandler):
            def _respond(self, params: dict[str, Any]) -> None:
                self.send_json(fake._reply(urlparse(self.path).path.rsplit("/", 1)[-1], params))

            def do_GET(self) -> None:  # noqa: N802
                self._respond(dict(parse_qsl(urlparse(self.path).query)))

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                params.update(dict(parse_qsl(urlparse(self.path).query)))
                self._respond(params)

        return Handler
