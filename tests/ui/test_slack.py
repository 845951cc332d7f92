"""The Slack bot in HTTP mode on a local port, with a local server standing in for Slack's Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CROSSBRIEF, isolate
from tests.fake_slack import FakeSlack
from crossbrief.config import Settings
from crossbrief.feedback import FeedbackStore
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_ingester

pytestmark = pytest.mark.integration
SECRET = "test-signing-secret-8f2a"
TOKEN = "xoxb-1234-secret-bot-token"


SERVING = re.compile(r"serving HTTP mode on (http://127\.0\.0\.1:\d+)/slack/events")


def wait_for_log(path: Path, pattern: str | re.Pattern[str], timeout: float = 90) -> re.Match[str]:
    """Polls the bot's log until `pattern` appears (a condition with a deadline, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, path.read_text(errors="replace")) if path.exists() else None
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{pattern!r} not in the bot's log within {timeout}s: " + path.read_text()[-800:])


def start_bot(home: Path, slack: FakeSlack, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`crossbrief slack --port 0` (a free port, read back from its log) against the Web API stand-in."""
    env = {**os.environ, "CROSSBRIEF_HOME": str(home), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": slack.url, "CROSSBRIEF_SLACK__RATE_LIMIT_PER_MINUTE": "3",
           "CROSSBRIEF_SLACK__ALLOWED_CHANNELS": '["C1", "D1"]'}
    process = subprocess.Popen([CROSSBRIEF, "slack", "--port", "0"], env=env, stdout=log_path.open("w"),
                               stderr=subprocess.STDOUT)
    try:
        base = wait_for_log(log_path, SERVING).group(1)
    except AssertionError:
        process.kill()
        raise
    return process, f"{base}/slack/events"


def sample_index_plus(base: Path, sample_home: Path, embedder: Embedder, *notes: tuple[str, str]) -> Path:
    """A copy of the session's sample-corpus index in `base/home`, with `notes` (name, text) ingested on top: the
    corpus is not embedded again for each module."""
    home = base / "home"
    shutil.copytree(sample_home, home)
    if notes:
        folder = base / "notes"
        folder.mkdir()
        for name, text in notes:
            (folder / name).write_text(text)
        report = build_ingester(Settings(home=home), embedder).ingest([folder])
        assert report.files_new == len(notes) and not report.files_failed, report.files_failed
    return home


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, sample_home: Path, embedder: Embedder,  # type: ignore[no-untyped-def]
        model_cache: Path):
    base = tmp_path_factory.mktemp("slack")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = isolate(monkeypatch, base, model_cache)  # the bot gets the environment a test's processes get
        sample_index_plus(base, sample_home, embedder, ("2025-04-02-hostile-note.md",
            "---\ntitle: Port alert <!channel>\ndate: 2025-04-02\n---\n\n"
            "Alert <!channel> and <@U0ADMIN>: officers at the port of Halifax seized 77 kilograms of fentanyl "
            "precursors, see <https://evil.example|the official record>.\n"))
        slack = FakeSlack()
        log_path = base / "bot.log"
        process, url = start_bot(home, slack, log_path)
    yield {"url": url, "slack": slack, "home": home, "log": log_path, "base": base}
    process.terminate()
    process.wait(timeout=30)
    slack.close()


def post(url: str, body: bytes, content_type: str = "application/json", timestamp: int | None = None,
         secret: str = SECRET, headers: dict[str, str] | None = None) -> tuple[int, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def mention(text: str, ts: str, user: str = "U1", thread_ts: str | None = None, event_id: str | None = None,
            channel: str = "C1") -> bytes:
    event = {"type": "app_mention", "user": user, "text": f"<@UBOT> {text}", "ts": ts, "channel": channel,
             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return json.dumps({"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                       "event_id": event_id or f"Ev{ts}", "event_time": 1, "event": event}).encode()


def reply_ts(slack: FakeSlack, thread_ts: str) -> str:
    """The ts of the bot's "looking it up" message in that thread (the message it then updates)."""
    return str(slack.wait_for("chat.postMessage", thread_ts=thread_ts)[0]["_reply_ts"])


def border_plan_answer_in_thread(slack: FakeSlack, thread_ts: str) -> dict[str, Any]:
    """Waits for the "looking it up" message in that thread and its update, which must answer the border-plan
    question with its figure and a source card; returns the update."""
    (looking,) = slack.wait_for("chat.postMessage", thread_ts=thread_ts)
    assert "Looking it up" in looking["text"] and looking["channel"] == "C1"
    update = slack.wait_for("chat.update", ts=reply_ts(slack, thread_ts))[-1]
    blocks = json.dumps(update["blocks"])
    assert "US$1.3 billion" in update["text"]
    assert "[1]" in blocks and "Canada's border plan" in blocks and "pm.gc.ca" in blocks
    return update


def test_url_verification_echoes_the_challenge(bot) -> None:  # type: ignore[no-untyped-def]
    status, body = post(bot["url"], json.dumps({"type": "url_verification", "challenge": "abc123"}).encode())
    assert status == 200 and "abc123" in body


def test_bad_signature_and_stale_timestamp_get_401_and_no_answer(bot) -> None:  # type: ignore[no-untyped-def]
    wrong = post(bot["url"], mention("How much is Canada's border plan worth?", "1100.1"), secret="wrong")
    stale = post(bot["url"], mention("How much is Canada's border plan worth?", "1100.2"),
                 timestamp=int(time.time()) - 6 * 60)
    assert wrong[0] == 401 and stale[0] == 401
    # refused before Bolt saw them (the response came after the check), so nothing can still be on its way
    assert not bot["slack"].calls_to("chat.postMessage", thread_ts="1100.1")
    assert not bot["slack"].calls_to("chat.postMessage", thread_ts="1100.2")


def test_signed_mention_gets_a_threaded_answer_with_sources(bot) -> None:  # type: ignore[no-untyped-def]
    status, _ = post(bot["url"], mention("How much is Canada's border plan worth?", "1200.1"))
    assert status == 200
    blocks = json.dumps(border_plan_answer_in_thread(bot["slack"], "1200.1")["blocks"])
    assert "feedback_helpful" in blocks and "feedback_not_helpful" in blocks
    assert TOKEN not in bot["log"].read_text()


def test_a_retried_event_is_answered_once(bot) -> None:  # type: ignore[no-untyped-def]
    body = mention("How many organized crime groups operate in Canada?", "1300.1", user="U3", event_id="EvRetry")
    assert post(bot["url"], body)[0] == 200
    assert post(bot["url"], body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})[0] == 200
    slack = bot["slack"]
    slack.wait_for("chat.update", ts=reply_ts(slack, "1300.1"))
    wait_for_log(bot["log"], "duplicate event EvRetry ignored")
    assert len(slack.calls_to("chat.postMessage", thread_ts="1300.1")) == 1


def test_thread_follow_up_uses_the_thread_history(bot) -> None:  # type: ignore[no-untyped-def]
    slack = bot["slack"]
    slack.threads["1400.1"] = [
        {"ts": "1400.1", "user": "U4", "text": "<@UBOT> What tariff did the US put on most Canadian imports in February 2025?"},
        {"ts": "1400.2", "user": "UBOT", "bot_id": "BBOT", "text": "Most Canadian imports face a 25% tariff under the order. [1]"},
        {"ts": "1400.3", "user": "U4", "text": "<@UBOT> And how long was it paused?"},
    ]
    post(bot["url"], mention("And how long was it paused?", "1400.3", user="U4", thread_ts="1400.1"))
    update = slack.wait_for("chat.update", ts=reply_ts(slack, "1400.1"))[-1]
    assert slack.calls_to("conversations.replies", ts="1400.1")
    assert "30 days" in update["text"]


def test_source_text_with_mentions_and_links_comes_out_inert(bot) -> None:  # type: ignore[no-untyped-def]
    slack = bot["slack"]
    post(bot["url"], mention("How many kilograms of precursors were seized at the port of Halifax?", "1500.1", user="U5"))
    update = slack.wait_for("chat.update", ts=reply_ts(slack, "1500.1"))[-1]
    # what Slack renders: the text and every block but the buttons (whose values are never shown)
    payload = json.dumps([update["text"], [b for b in update["blocks"] if b["type"] != "actions"]])
    assert "77 kilograms" in payload
    for raw in ("<!channel>", "<@U0ADMIN>", "<https://evil.example|"):
        assert raw not in payload
    assert "&lt;!channel&gt;" in payload


def test_rate_limit_gets_a_polite_reply(bot) -> None:  # type: ignore[no-untyped-def]
    slack = bot["slack"]
    for i in range(4):
        post(bot["url"], mention("What share of fentanyl comes from Canada?", f"1600.{i + 1}", user="U6"))
    # the four are handled concurrently, so which one is over the limit is not fixed: exactly one of them is
    first_replies = [slack.wait_for("chat.postMessage", thread_ts=f"1600.{i + 1}")[0]["text"] for i in range(4)]
    assert sum("wait a minute" in text for text in first_replies) == 1
    assert sum("Looking it up" in text for text in first_replies) == 3


def test_a_button_click_writes_a_feedback_row(bot) -> None:  # type: ignore[no-untyped-def]
    value = json.dumps({"q": "How much is the plan worth?", "a": "US$1.3 billion [1]", "h": "abc123",
                        "c": [[1, "2025-02-07-canada-border-plan.md", "Canada's border plan"]]})
    payload = {"type": "block_actions", "user": {"id": "U7"}, "channel": {"id": "C1"}, "team": {"id": "T1"},
               "api_app_id": "A1", "trigger_id": "t1", "container": {"type": "message", "message_ts": "1.0"},
               "actions": [{"action_id": "feedback_not_helpful", "block_id": "feedback", "type": "button",
                            "value": value, "action_ts": "1.1"}]}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    status, _ = post(bot["url"], body, content_type="application/x-www-form-urlencoded")
    assert status == 200
    store = FeedbackStore.open(Settings(home=Path(bot["home"])))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not store.rows():
        time.sleep(0.1)
    (row,) = store.rows()
    assert (row["channel"], row["user"], row["rating"], row["settings_hash"]) == ("slack", "U7", -1, "abc123")
    assert "canada-border-plan" in str(row["citations"])


def test_a_direct_message_is_answered_in_its_thread(bot) -> None:  # type: ignore[no-untyped-def]
    event = {"type": "message", "channel_type": "im", "user": "U8", "text": "How many organized crime groups are in Canada?",
             "ts": "1700.1", "channel": "D1", "event_ts": "1700.1"}
    body = json.dumps({"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                       "event_id": "EvDm1", "event_time": 1, "event": event}).encode()
    assert post(bot["url"], body)[0] == 200
    slack = bot["slack"]
    update = slack.wait_for("chat.update", ts=reply_ts(slack, "1700.1"))[-1]
    assert "more than 600" in update["text"]


def test_a_channel_that_is_not_allowed_gets_a_polite_line(bot) -> None:  # type: ignore[no-untyped-def]
    post(bot["url"], mention("How much is Canada's border plan worth?", "1800.1", user="U9", channel="C9"))
    (reply,) = bot["slack"].wait_for("chat.postMessage", thread_ts="1800.1")
    assert "not enabled in this channel" in reply["text"]
    # the polite line is the handler's last act for a refused channel: no answer can follow it
    assert not bot["slack"].calls_to("chat.update", channel="C9")


def test_an_idle_connection_does_not_stop_the_bot(bot) -> None:  # type: ignore[no-untyped-def]
    host, port = urllib.parse.urlsplit(bot["url"]).hostname, urllib.parse.urlsplit(bot["url"]).port
    idle = socket.create_connection((host, port))  # connects and never sends a byte
    half = socket.create_connection((host, port))  # starts a request and stalls mid-headers
    half.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n")
    try:
        status, _ = post(bot["url"], mention("How much is Canada's border plan worth?", "1900.1", user="U10"))
        assert status == 200
        slack = bot["slack"]
        update = slack.wait_for("chat.update", ts=reply_ts(slack, "1900.1"))[-1]
        assert "US$1.3 billion" in update["text"]
    finally:
        idle.close()
        half.close()


@pytest.mark.parametrize("body, content_type", [
    (b'{"type": "event_callback", "event": {', "application/json"),
    (b"\xff\xfe{\x00\"type\x00", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
], ids=["truncated-json", "not-utf8", "json-array", "bad-form-payload"])
def test_a_signed_malformed_body_gets_400_and_no_traceback(bot, body: bytes, content_type: str) -> None:  # type: ignore[no-untyped-def]
    status, text = post(bot["url"], body, content_type=content_type)
    assert status == 400 and "Bad request" in text
    assert "Traceback" not in bot["log"].read_text(errors="replace")


def test_a_malformed_body_without_a_signature_gets_401_before_parsing(bot) -> None:  # type: ignore[no-untyped-def]
    status, _ = post(bot["url"], b"\xff{{{", secret="wrong")
    assert status == 401
    assert "Traceback" not in bot["log"].read_text(errors="replace")


def test_two_bot_processes_on_one_catalog_answer_a_retried_event_once(bot) -> None:  # type: ignore[no-untyped-def]
    slack = bot["slack"]
    second_log = bot["base"] / "bot2.log"
    second, second_url = start_bot(bot["home"], slack, second_log)  # same home, so the same catalog database
    try:
        body = mention("How many organized crime groups operate in Canada?", "2100.1", user="U11", event_id="EvTwo")
        assert post(bot["url"], body)[0] == 200
        assert post(second_url, body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})[0] == 200
        slack.wait_for("chat.update", ts=reply_ts(slack, "2100.1"))
        # whichever process saw the event second says so in its log
        deadline = time.monotonic() + 30
        while not any("duplicate event EvTwo ignored" in p.read_text() for p in (bot["log"], second_log)):
            assert time.monotonic() < deadline, "neither bot process logged the retry as a duplicate"
            time.sleep(0.1)
        assert len(slack.calls_to("chat.postMessage", thread_ts="2100.1")) == 1
    finally:
        second.terminate()
        second.wait(timeout=30)


def test_a_stopped_bot_answers_the_questions_it_already_acknowledged(bot) -> None:  # type: ignore[no-untyped-def]
    slack = bot["slack"]
    log_path = bot["base"] / "bot-stopping.log"
    stopping, url = start_bot(bot["home"], slack, log_path)
    slack.replies_open.clear()  # the answer below stops inside its history lookup until released
    try:
        post(url, mention("And how long was it paused?", "2200.2", user="U12", thread_ts="2200.1"))
        slack.wait_for("conversations.replies", ts="2200.1")
        stopping.terminate()  # SIGTERM while the answer is in flight
        wait_for_log(log_path, "stopping: finishing the questions in hand")
    finally:
        slack.replies_open.set()
    slack.wait_for("chat.update", ts=reply_ts(slack, "2200.1"))
    assert stopping.wait(timeout=60) == 0
