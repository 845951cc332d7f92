"""A real local HTTP server that speaks Ollama's /api/chat (NDJSON streaming) with scripted replies."""

from __future__ import annotations

import json
from typing import Any

from tests.local_http import LocalServer, QuietHandler


class FakeOllama:
    def __init__(self) -> None:
        self.replies: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self._server = LocalServer(self._handler())
        self.url = self._server.base_url

    def close(self) -> None:
        self._server.close()

    def _handler(self):  # type: ignore[no-untyped-def]
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                reply = fake.replies.pop(0) if fake.replies else "The sources do not say."
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                base = {"model": body.get("model", "m"), "created_at": "2025-01-01T00:00:00Z"}
                for word in reply.split(" "):
                    line = {**base, "message": {"role": "assistant", "content": word + " "}, "done": False}
                    self.wfile.write((json.dumps(line) + "\n").encode())
                done = {**base, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop",
                        "total_duration": 1, "load_duration": 1, "prompt_eval_count": 1, "eval_count": 1}
                self.wfile.write((json.dumps(done) + "\n").encode())

        return Handler
