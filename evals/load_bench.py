"""`crossbrief bench --load`: the concurrent front ends under load, on loopback only and bounded in count and time.

- Slack: a real `crossbrief slack` process in HTTP mode against a local stand-in for Slack's Web API; 20 signed
  events from 5 threads within 2 s must all be acknowledged within 3 s and each answered exactly once (each thread
  also sends Slack's retry of one of its events, which must not be answered again).
- UI: 8 concurrent browser sessions (headless Chromium, one context each) against one Streamlit process (one
  shared model and index, as `crossbrief ui` serves them) each ask 3 questions; their p95 must stay within 3x of
  one session asking alone. (AppTest cannot stand in: concurrent AppTests replace each other's runtime.)

The front ends are started by path or command (given by the CLI), so this module imports nothing from ui/."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

from crossbrief.evals.bench import QUESTIONS, percentile

SERVING = re.compile(r"serving HTTP mode on (http://127\.0\.0\.1:\d+)/slack/events")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadPlan:
    events: int = 20
    event_threads: int = 5
    send_within_s: float = 2.0
    ack_within_s: float = 3.0
    answer_deadline_s: float = 300.0
    ui_sessions: int = 8
    ui_questions: int = 3
    p95_ratio: float = 3.0


class SlackStandIn:
    """A local server answering the Web API methods the bot calls, recording each call with its arrival time."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self._lock = threading.RLock()  # wait_until's condition is checked while holding it
        self._changed = threading.Condition(self._lock)
        self._ts = 5000
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = json.loads(raw or "{}") if "json" in (self.headers.get("Content-Type") or "") \
                    else dict(parse_qsl(raw))
                data = json.dumps(stand_in.reply(urlparse(self.path).path.rsplit("/", 1)[-1], params)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reply(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            self._ts += 1
            params["_reply_ts"] = ts = f"{self._ts}.000100"
            self.calls.append((method, params, time.monotonic()))
            self._changed.notify_all()
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "crossbrief"}
        if method == "chat.postMessage":
            return {"ok": True, "ts": ts, "channel": params.get("channel")}
        if method == "conversations.replies":
            return {"ok": True, "messages": []}
        return {"ok": True}

    def matching(self, method: str, **match: str) -> list[tuple[dict[str, Any], float]]:
        with self._lock:
            return [(p, at) for m, p, at in self.calls
                    if m == method and all(str(p.get(k)) == v for k, v in match.items())]

    def wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 1.0))
        return True

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _signed_post(url: str, secret: str, body: bytes, retry: bool = False) -> int:
    ts = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
    if retry:  # what Slack adds when it resends an event it thinks was missed
        headers.update({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _mention(i: int, question: str) -> tuple[str, bytes]:
    ts = f"{7000 + i}.000001"
    event = {"type": "app_mention", "user": f"ULOAD{i}", "text": f"<@UBOT> {question}", "ts": ts,
             "channel": "CLOAD", "event_ts": ts}
    return ts, json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": f"EvLoad{i}",
                           "event_time": 1, "event": event}).encode()


def _answered(stand_in: SlackStandIn, thread_ts: str) -> bool:
    posts = stand_in.matching("chat.postMessage", thread_ts=thread_ts)
    return bool(posts) and bool(stand_in.matching("chat.update", ts=str(posts[0][0]["_reply_ts"])))


def slack_load(home: Path, bot_command: list[str], plan: LoadPlan, progress: Progress) -> dict[str, Any]:
    """Starts the bot on a free loopback port, sends a warm-up event, then the burst; figures in ms."""
    stand_in, secret = SlackStandIn(), secrets.token_hex(16)
    env = {**os.environ, "CROSSBRIEF_HOME": str(home), "SLACK_BOT_TOKEN": "xoxb-load-" + secrets.token_hex(6),
           "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": stand_in.url, "CROSSBRIEF_SLACK__ADDRESS": "127.0.0.1"}
    env.pop("SLACK_APP_TOKEN", None)
    log_path = home / "load-bench-slack.log"
    process = subprocess.Popen([*bot_command, "--port", "0"], env=env, stdout=log_path.open("w"),
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        found = None
        while found is None and time.monotonic() < deadline and process.poll() is None:
            found = SERVING.search(log_path.read_text(errors="replace"))
            time.sleep(0.2)
        if found is None:
            raise RuntimeError("the Slack bot did not start: " + log_path.read_text(errors="replace")[-500:])
        url = f"{found.group(1)}/slack/events"
        progress("slack: bot up; warm-up question")
        warm_ts, warm_body = _mention(plan.events, QUESTIONS[1])
        _signed_post(url, secret, warm_body)
        stand_in.wait_until(lambda: _answered(stand_in, warm_ts), plan.answer_deadline_s)

        progress(f"slack: {plan.events} events from {plan.event_threads} threads, and one retry from each")
        events = [_mention(i, QUESTIONS[i % len(QUESTIONS)]) for i in range(plan.events)]
        per_thread = plan.events // plan.event_threads
        gap = plan.send_within_s * 0.8 / max(per_thread, 1)
        sent: dict[str, tuple[float, float, int]] = {}  # thread_ts -> (sent at, acked at, status)
        retried: list[int] = []
        start = time.monotonic()

        def send(worker: int) -> None:
            for j in range(per_thread):
                ts, body = events[worker * per_thread + j]
                at = time.monotonic()
                status = _signed_post(url, secret, body)
                sent[ts] = (at, time.monotonic(), status)
                time.sleep(max(0.0, start + (j + 1) * gap - time.monotonic()))
            # and Slack's retry of this thread's first event, which must not be answered a second time
            retried.append(_signed_post(url, secret, events[worker * per_thread][1], retry=True))

        with ThreadPoolExecutor(plan.event_threads) as pool:
            list(pool.map(send, range(plan.event_threads)))
        last_sent = max(at for at, _, _ in sent.values()) - start
        stand_in.wait_until(lambda: all(_answered(stand_in, ts) for ts in sent), plan.answer_deadline_s)
        acks = [(acked - at) * 1000 for at, acked, _ in sent.values()]
        answers, once = [], 0
        for ts, (at, _, _) in sent.items():
            posts = stand_in.matching("chat.postMessage", thread_ts=ts)
            updates = stand_in.matching("chat.update", ts=str(posts[0][0]["_reply_ts"])) if posts else []
            once += len(posts) == 1 and len(updates) == 1
            if updates:
                answers.append((updates[0][1] - at) * 1000)
        return {
            "events": len(sent), "send_threads": plan.event_threads, "sent_within_s": round(last_sent, 2),
            "retries_sent": len(retried), "retries_acked_200": sum(status == 200 for status in retried),
            "acked_200": sum(status == 200 for _, _, status in sent.values()),
            "ack_p50_ms": percentile(acks, 50), "ack_max_ms": round(max(acks), 1),
            "all_acked_within_s": plan.ack_within_s,
            "acks_ok": all(s == 200 for _, _, s in sent.values()) and max(acks) <= plan.ack_within_s * 1000,
            "answered_exactly_once": once, "answer_p50_ms": percentile(answers, 50),
            "answer_p95_ms": percentile(answers, 95), "answer_max_ms": round(max(answers, default=0.0), 1),
            "ok": once == len(sent) == plan.events and max(acks) <= plan.ack_within_s * 1000
            and all(status == 200 for status in retried)
            and last_sent <= plan.send_within_s,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        stand_in.close()


_DONE_JS = """k => document.querySelectorAll('[data-testid="stChatMessage"]').length >= 2 * k &&
    document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""


def _start_ui(home: Path, ui_command: Callable[[int], list[str]], log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The Streamlit page served by one process on a free loopback port, like `crossbrief ui`."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(ui_command(port), env={**os.environ, "CROSSBRIEF_HOME": str(home)},
                               stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the UI did not start: " + log_path.read_text(errors="replace")[-500:])


async def _sessions(url: str, chromium: str, runs: list[list[str]]) -> tuple[list[list[float]], float | None]:
    """Each list of questions asked in its own browser context (its own Streamlit session), all at once; the
    time from Enter to the finished answer, in ms, and the CPU seconds that the server, the browser and this
    driver used from the moment every session is open until the last answer (before any session closes)."""
    import asyncio

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])

        all_open, all_asked = asyncio.Barrier(len(runs)), asyncio.Barrier(len(runs))
        busy: dict[str, float | None] = {}

        async def session(questions: list[str]) -> list[float]:
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(url, wait_until="networkidle")
            box = page.get_by_test_id("stChatInputTextArea")
            await box.wait_for(timeout=120_000)
            # every session is open before any asks: the sessions' questions run at once, not against the
            # other sessions' page loads (opening a page is not part of a question's time)
            await all_open.wait()
            busy.setdefault("open", tree_cpu_seconds())
            times = []
            for k, question in enumerate(questions, 1):
                started = time.perf_counter()
                await box.fill(question)
                await box.press("Enter")
                await page.wait_for_function(_DONE_JS, arg=k, timeout=120_000, polling=50)
                times.append((time.perf_counter() - started) * 1000)
            await all_asked.wait()  # measured before any page closes: a closing page's CPU is not a question's
            busy.setdefault("asked", tree_cpu_seconds())
            await context.close()
            return times

        try:
            times = list(await asyncio.gather(*(session(run) for run in runs)))
            start, end = busy.get("open"), busy.get("asked")
            return times, (end - start if start is not None and end is not None else None)
        finally:
            await browser.close()


def tree_cpu_seconds(root: int | None = None) -> float | None:
    """CPU seconds used so far by process `root` (this one by default) and every process below it, with the
    children each has already waited for; None off Linux. The load check starts the UI server and the browser
    below this process, so the figure is theirs (and the driver's), not the rest of the machine's."""
    root = os.getpid() if root is None else root
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                raw = stat.read()
        except OSError:
            continue  # ended meanwhile
        fields = raw[raw.rindex(")") + 2:].split()  # from field 3 (state) on: the name may hold spaces
        parent[pid] = int(fields[1])
        ticks[pid] = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    if root not in ticks:
        return None
    tree, frontier = {root}, {root}
    while frontier:
        frontier = {pid for pid, up in parent.items() if up in frontier and pid not in tree}
        tree |= frontier
    return sum(ticks[pid] for pid in tree) / os.sysconf("SC_CLK_TCK")


def ui_load(home: Path, ui_command: Callable[[int], list[str]], plan: LoadPlan, progress: Progress) -> dict[str, Any]:
    """p95 of one browser session alone against `ui_sessions` sessions at once, on one UI process (one shared
    model and index, as `crossbrief ui` serves them), warmed up first. Needs Debian's chromium."""
    import asyncio
    import shutil

    chromium = shutil.which("chromium")
    if not chromium:
        return {"ok": False, "error": "Debian's chromium is not installed (apt-get install chromium)"}
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(plan.ui_questions)]
    process, url = _start_ui(home, ui_command, home / "load-bench-ui.log")
    try:
        progress("ui: warm-up session")
        asyncio.run(_sessions(url, chromium, [questions]))
        progress("ui: one session")
        (single,), single_cpu = asyncio.run(_sessions(url, chromium, [questions]))
        progress(f"ui: {plan.ui_sessions} sessions at once")
        rotated = [questions[i % len(questions):] + questions[:i % len(questions)] for i in range(plan.ui_sessions)]
        runs, concurrent_cpu = asyncio.run(_sessions(url, chromium, rotated))
        concurrent = [t for run in runs for t in run]
    finally:
        process.terminate()
        process.wait(timeout=30)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ratio = percentile(concurrent, 95) / max(percentile(single, 95), 1e-9)
    figures: dict[str, Any] = {
        "sessions": plan.ui_sessions, "questions_each": plan.ui_questions, "answers": len(concurrent),
        "single_p50_ms": percentile(single, 50), "single_p95_ms": percentile(single, 95),
        "concurrent_p50_ms": percentile(concurrent, 50), "concurrent_p95_ms": percentile(concurrent, 95),
        "p95_ratio": round(ratio, 2), "p95_ratio_limit": plan.p95_ratio, "cpus": cpus,
        "ok": len(concurrent) == plan.ui_sessions * plan.ui_questions and ratio <= plan.p95_ratio}
    if single_cpu is not None and single:
        # what one question costs (server, browser and driver together), and the ratio no scheduling can beat
        # with that cost: a round of `sessions` questions needs that many times it on `cpus` cores
        per_answer = single_cpu / len(single)
        figures["cpu_s_per_answer"] = round(per_answer, 3)
        if concurrent_cpu is not None and concurrent:
            figures["concurrent_cpu_s_per_answer"] = round(concurrent_cpu / len(concurrent), 3)
        figures["p95_ratio_floor"] = round(plan.ui_sessions * per_answer / cpus
                                           / max(percentile(single, 95) / 1000, 1e-9), 2)
    return figures


def run_load(home: Path, bot_command: list[str], ui_command: Callable[[int], list[str]], progress: Progress,
             plan: LoadPlan | None = None) -> dict[str, Any]:
    """Both load checks against the index in `home` (ingested beforehand). `bot_command` starts `crossbrief
    slack` (a port is appended); `ui_command(port)` serves the Streamlit page on 127.0.0.1:port."""
    plan = plan or LoadPlan()
    return {"slack": slack_load(home, bot_command, plan, progress), "ui": ui_load(home, ui_command, plan, progress)}
