"""The Slack bot in Socket Mode (`crossbrief slack` with SLACK_APP_TOKEN set), run as a real process against
two local servers standing in for Slack: the Web API (tests/fake_slack.py, which also answers
apps.connections.open) and the Socket Mode websocket endpoint that URL points at (below)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from crossbrief.index.embedding import Embedder
from tests.conftest import CROSSBRIEF, isolate
from tests.fake_slack import FakeSlack
from tests.ui.test_slack import TOKEN, border_plan_answer_in_thread, reply_ts, sample_index_plus, wait_for_log

pytestmark = pytest.mark.integration
APP_TOKEN = "xapp-1-A1-5678-secret-app-token"


class SocketModeServer:
    """A real local websocket server standing in for Slack's Socket Mode endpoint: greets each connection with
    Slack's `hello`, sends the envelopes a test hands it, and records every message a client sends (its acks)."""

    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []  # in the order they opened
        self.closed: set[int] = set()  # indexes into `connections`
        self.received: list[tuple[int, dict[str, Any], float]] = []  # (connection, message, monotonic time)
        self._changed = threading.Condition()
        self._server = serve(self._serve, "127.0.0.1", 0, compression=None)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=t1&app_id=A1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()

    def _serve(self, connection: ServerConnection) -> None:
        with self._changed:
            self.connections.append(connection)
            index = len(self.connections) - 1
            self._changed.notify_all()
        try:
            connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                        "connection_info": {"app_id": "A1"},
                                        "debug_info": {"host": "local", "approximate_connection_time": 18060}}))
            for raw in connection:
                with self._changed:
                    self.received.append((index, json.loads(raw), time.monotonic()))
                    self._changed.notify_all()
        except ConnectionClosed:
            pass  # the bot went away without a close frame (a stopped process)
        finally:
            with self._changed:
                self.closed.add(index)
                self._changed.notify_all()

    def _wait(self, ready: Any, timeout: float, what: str) -> Any:
        """Blocks until `ready()` returns something truthy (woken by every change, no polling)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (found := ready()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{what} within {timeout}s; received: {self.received}")
                self._changed.wait(left)
            return found

    def wait_connection(self, index: int, timeout: float = 1) -> bool:
        """Whether connection number `index` (0 = the first ever) has opened within `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.connections) > index, timeout)

    def wait_closed(self, index: int, timeout: float = 60) -> None:
        self._wait(lambda: index in self.closed, timeout, f"connection {index} not closed")

    def wait_for_ack(self, envelope_id: str, timeout: float = 60) -> tuple[dict[str, Any], float]:
        """The client's message that names `envelope_id`, and when it arrived."""
        return self._wait(lambda: next(((m, at) for _, m, at in self.received if m.get("envelope_id") == envelope_id),
                                       None), timeout, f"no ack for {envelope_id}")

    def send(self, connection: int, envelope: dict[str, Any]) -> None:
        self.connections[connection].send(json.dumps(envelope))


def mention_envelope(envelope_id: str, text: str, ts: str, user: str = "U1", event_id: str | None = None,
                     thread_ts: str | None = None, retry_attempt: int = 0, retry_reason: str = "") -> dict[str, Any]:
    """An Events API envelope as Slack's Socket Mode sends it: the event callback under `payload`."""
    event = {"type": "app_mention", "user": user, "text": f"<@UBOT> {text}", "ts": ts, "channel": "C1",
             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    payload = {"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
               "event_id": event_id or f"Ev{ts}", "event_time": 1, "event": event}
    return {"envelope_id": envelope_id, "type": "events_api", "payload": payload, "accepts_response_payload": False,
            "retry_attempt": retry_attempt, "retry_reason": retry_reason}


def start_socket_bot(home: Path, slack: FakeSlack, log_path: Path) -> subprocess.Popen[bytes]:
    """`crossbrief slack` with SLACK_APP_TOKEN set (Socket Mode: no signing secret, no port)."""
    env = {**os.environ, "CROSSBRIEF_HOME": str(home), "SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
           "SLACK_API_URL": slack.url, "CROSSBRIEF_SLACK__ALLOWED_CHANNELS": '["C1"]'}
    env.pop("SLACK_SIGNING_SECRET", None)
    return subprocess.Popen([CROSSBRIEF, "slack"], env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)


def connect_bot(server: SocketModeServer, home: Path, slack: FakeSlack,
                log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Starts the bot and waits until it has opened its websocket; returns the process and its connection."""
    index = len(server.connections)
    process = start_socket_bot(home, slack, log_path)
    deadline = time.monotonic() + 120
    while not server.wait_connection(index, timeout=1):  # woken by the connection; checks the process each second
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the bot never opened its websocket; its log ends: " + log_path.read_text()[-1500:])
    return process, index


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, sample_home: Path, embedder: Embedder,  # type: ignore[no-untyped-def]
        model_cache: Path):
    base = tmp_path_factory.mktemp("slack-socket")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = isolate(monkeypatch, base, model_cache)  # the bot gets the environment a test's processes get
        sample_index_plus(base, sample_home, embedder)
        slack, server = FakeSlack(), SocketModeServer()
        slack.socket_url = server.url
        log_path = base / "bot.log"
        process, connection = connect_bot(server, home, slack, log_path)
    yield {"slack": slack, "server": server, "connection": connection, "home": home, "log": log_path,
           "base": base}
    process.terminate()
    process.wait(timeout=60)
    server.close()
    slack.close()


def test_the_bot_opens_the_websocket_url_that_apps_connections_open_returned(bot) -> None:  # type: ignore[no-untyped-def]
    assert bot["slack"].calls_to("apps.connections.open")
    request = bot["server"].connections[bot["connection"]].request
    assert request is not None and request.path == "/link/?ticket=t1&app_id=A1"


def test_a_mention_envelope_is_acknowledged_and_answered_in_its_thread(bot) -> None:  # type: ignore[no-untyped-def]
    slack, server = bot["slack"], bot["server"]
    server.send(bot["connection"], mention_envelope("env-answer-1", "How much is Canada's border plan worth?",
                                                    "3100.1"))
    ack, _ = server.wait_for_ack("env-answer-1")
    assert ack == {"envelope_id": "env-answer-1"}  # an Events API ack carries no payload
    border_plan_answer_in_thread(slack, "3100.1")
    log = bot["log"].read_text()
    assert TOKEN not in log and APP_TOKEN not in log


def test_an_envelope_is_acknowledged_while_its_answer_is_still_being_made(bot) -> None:  # type: ignore[no-untyped-def]
    slack, server = bot["slack"], bot["server"]
    slack.threads["3200.1"] = [
        {"ts": "3200.1", "user": "U2", "text": "<@UBOT> What tariff did the US put on most Canadian imports in February 2025?"},
        {"ts": "3200.2", "user": "UBOT", "bot_id": "BBOT", "text": "Most Canadian imports face a 25% tariff under the order. [1]"},
    ]
    slack.replies_open.clear()  # the answer stops inside its thread-history lookup until released
    try:
        server.send(bot["connection"], mention_envelope("env-held-1", "And how long was it paused?", "3200.3",
                                                        user="U2", thread_ts="3200.1"))
        slack.wait_for("conversations.replies", ts="3200.1")
        server.wait_for_ack("env-held-1")  # arrives while the answer cannot have finished
        assert not slack.calls_to("chat.update", ts=reply_ts(slack, "3200.1"))
    finally:
        slack.replies_open.set()
    update = slack.wait_for("chat.update", ts=reply_ts(slack, "3200.1"))[-1]
    assert "30 days" in update["text"]


@pytest.mark.parametrize("n, retry_envelope_id", [(1, "env-dup-1"), (2, "env-dup-2-retry")],
                         ids=["same-envelope", "new-envelope-with-retry-attempt"])
def test_an_event_delivered_twice_is_answered_once(bot, n: int, retry_envelope_id: str) -> None:  # type: ignore[no-untyped-def]
    slack, server = bot["slack"], bot["server"]
    ts, event_id = f"330{n}.1", f"EvSockDup{n}"
    question = "How many organized crime groups operate in Canada?"
    first = mention_envelope(f"env-dup-{n}", question, ts, user=f"U3{n}", event_id=event_id)
    again = mention_envelope(retry_envelope_id, question, ts, user=f"U3{n}", event_id=event_id,
                             retry_attempt=1, retry_reason="timeout")
    server.send(bot["connection"], first)
    server.send(bot["connection"], again)
    server.wait_for_ack(again["envelope_id"])
    slack.wait_for("chat.update", ts=reply_ts(slack, ts))
    # whichever delivery came second says so in the log; after that line it does nothing more
    wait_for_log(bot["log"], f"duplicate event {event_id} ignored")
    assert len(slack.calls_to("chat.postMessage", thread_ts=ts)) == 1


def test_sigterm_closes_the_websocket_first_then_finishes_the_answers_in_hand(bot) -> None:  # type: ignore[no-untyped-def]
    slack, server = bot["slack"], bot["server"]
    log_path = bot["base"] / "bot-stopping.log"
    stopping, connection = connect_bot(server, bot["home"], slack, log_path)
    slack.threads["3400.1"] = [
        {"ts": "3400.1", "user": "U4", "text": "<@UBOT> What tariff did the US put on most Canadian imports in February 2025?"},
        {"ts": "3400.2", "user": "UBOT", "bot_id": "BBOT", "text": "Most Canadian imports face a 25% tariff under the order. [1]"},
    ]
    slack.replies_open.clear()
    try:
        server.send(connection, mention_envelope("env-stop-1", "And how long was it paused?", "3400.3", user="U4",
                                                 thread_ts="3400.1"))
        server.wait_for_ack("env-stop-1")
        slack.wait_for("conversations.replies", ts="3400.1")
        stopping.terminate()  # SIGTERM while the answer is held in flight
        # the socket goes before the answer is done: Slack sends new envelopes to another connection
        server.wait_closed(connection)
        assert not slack.calls_to("chat.update", ts=reply_ts(slack, "3400.1"))
    finally:
        slack.replies_open.set()
    update = slack.wait_for("chat.update", ts=reply_ts(slack, "3400.1"))[-1]
    assert "30 days" in update["text"]
    assert stopping.wait(timeout=60) == 0
    log = log_path.read_text()
    assert "stopping: finishing the questions in hand" in log
    assert "Traceback" not in log and APP_TOKEN not in log


def test_a_refused_app_token_exits_with_one_line_that_says_what_to_do(bot) -> None:  # type: ignore[no-untyped-def]
    slack = FakeSlack()  # socket_url unset: apps.connections.open answers {"ok": false, "error": "invalid_auth"}
    log_path = bot["base"] / "bot-bad-token.log"
    try:
        process = start_socket_bot(bot["home"], slack, log_path)
        code = process.wait(timeout=120)
        assert slack.calls_to("apps.connections.open")
    finally:
        slack.close()
    log = log_path.read_text()
    ours = [line for line in log.splitlines() if line.startswith("crossbrief:")]
    assert code != 0
    assert len(ours) == 1 and "SLACK_APP_TOKEN" in ours[0] and "invalid_auth" in ours[0], log
    assert "Traceback" not in log and APP_TOKEN not in log
