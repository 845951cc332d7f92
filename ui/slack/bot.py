"""The Slack bot (slack-bolt): answers mentions and DMs in the thread of the question, through the same
`answer()` as every other front end, with cited sources and Helpful / Not helpful buttons."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from crossbrief.errors import ConfigError, CrossbriefError
from crossbrief.rag.service import Crossbrief
from crossbrief.catalog import engine as catalog_engine
from crossbrief.catalog import ensure_tables
from crossbrief.feedback import FeedbackStore
from crossbrief.ui.slack.state import RateLimiter, SeenEvents
from crossbrief.ui.slack.format import FEEDBACK_DOWN, FEEDBACK_UP, LOOKING_UP, answer_blocks, escape

log = logging.getLogger("crossbrief.slack")
_SECRET = re.compile(r"xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
_MENTION = re.compile(r"<@[A-Z0-9]+>")


class RedactSecrets(logging.Filter):
    """Tokens never reach a log line, whatever logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _SECRET.sub("[redacted]", str(record.msg))
        if record.args:
            record.args = tuple(_SECRET.sub("[redacted]", str(a)) for a in record.args)
        return True


class AnswerPool:
    """A bounded pool: `workers` questions answered at once, `queue` more waiting; beyond that `submit` says no,
    so a burst costs a "busy" reply instead of unbounded memory and answers that arrive minutes late."""

    def __init__(self, workers: int, queue: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crossbrief-answer")
        self._slots = threading.BoundedSemaphore(workers + queue)

    def submit(self, job: Callable[[], None]) -> bool:
        if not self._slots.acquire(blocking=False):
            return False

        def run() -> None:
            try:
                job()
            finally:
                self._slots.release()

        try:
            self._executor.submit(run)
        except RuntimeError:  # shut down
            self._slots.release()
            return False
        return True

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"{name} is not set: export it (see the Slack section of the README)")
    return value


@dataclass
class SlackBot:
    service: Crossbrief
    feedback: FeedbackStore
    seen: SeenEvents
    limiter: RateLimiter
    pool: AnswerPool
    bot_user_id: str = ""

    def allowed(self, channel: str) -> bool:
        allowed = self.service.settings.slack.allowed_channels
        return not allowed or channel in allowed

    def history(self, client: Any, channel: str, thread_ts: str, current_ts: str) -> list[tuple[str, str]]:
        """The thread's earlier messages as (role, text), oldest first."""
        try:
            replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
        except Exception as exc:  # noqa: BLE001 - no history is better than no answer
            log.warning("could not read thread history: %s", exc.__class__.__name__)
            return []
        turns: list[tuple[str, str]] = []
        for message in replies.get("messages", []):
            if message.get("ts") == current_ts:
                continue
            text = _MENTION.sub("", message.get("text") or "").strip()
            if not text or text == LOOKING_UP:
                continue
            is_bot = message.get("user") == self.bot_user_id or bool(message.get("bot_id"))
            turns.append(("assistant" if is_bot else "user", text))
        return turns

    def handle(self, event: dict[str, Any], client: Any, event_id: str) -> None:
        """Runs on Bolt's listener thread after the event is acknowledged: the quick checks, then the answer is
        queued on the bounded pool."""
        channel, user = event.get("channel", ""), event.get("user", "")
        ts = event.get("ts", "")
        thread_ts = event.get("thread_ts") or ts
        if not self.seen.first_time(event_id or f"{channel}:{ts}"):
            log.info("duplicate event %s ignored", event_id)
            return
        if not self.allowed(channel):
            client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                    text="Sorry, I'm not enabled in this channel.")
            return
        if not self.limiter.allow(user):
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=(
                "You're asking faster than I can look things up. Please wait a minute and ask again."))
            return
        question = _MENTION.sub("", event.get("text") or "").strip()
        if not self.pool.submit(lambda: self.answer(client, channel, ts, thread_ts, question)):
            log.warning("answer queue full; event %s turned away", event_id)
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=(
                "I'm answering many questions right now. Please ask again in a minute."))

    def answer(self, client: Any, channel: str, ts: str, thread_ts: str, question: str) -> None:
        """Runs on a pool worker: a "looking it up" line in the thread, then the answer in its place."""
        try:
            posted = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=LOOKING_UP)
        except Exception as exc:  # noqa: BLE001 - Slack unreachable: nothing to update, say so in the log
            log.error("could not post to Slack: %s", exc.__class__.__name__)
            return
        reply_ts = posted["ts"]
        try:
            history = self.history(client, channel, thread_ts, ts) if thread_ts != ts else []
            answer = self.service.answer(question, history=history)
            text, blocks = answer_blocks(answer)
            client.chat_update(channel=channel, ts=reply_ts, text=text, blocks=blocks)
        except CrossbriefError as exc:
            client.chat_update(channel=channel, ts=reply_ts, text=f":warning: {escape(str(exc))}")
        except Exception as exc:  # noqa: BLE001 - one friendly line in the thread, the details in the log
            log.exception("answering failed: %s", exc.__class__.__name__)
            client.chat_update(channel=channel, ts=reply_ts,
                               text=":warning: Sorry, something went wrong while answering. Please try again.")

    def record_click(self, body: dict[str, Any]) -> None:
        action = body["actions"][0]
        rating = 1 if action["action_id"] == FEEDBACK_UP else -1
        try:
            data = json.loads(action.get("value") or "{}")
        except ValueError:
            data = {}
        citations = [{"n": n, "source": source, "title": title} for n, source, title in data.get("c", [])]
        self.feedback.record(channel="slack", user=body.get("user", {}).get("id", ""), question=data.get("q", ""),
                             answer=data.get("a", ""), citations=citations, settings_hash=data.get("h", ""),
                             rating=rating)


def build_app(service: Crossbrief, engine: Engine | None = None) -> tuple[Any, SlackBot]:
    """The Bolt app with its listeners. Tokens come from SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET; event ids, rate
    limits and feedback go to the catalog database (`engine`, default: the one `catalog.url` names)."""
    from slack_bolt import App
    from slack_sdk import WebClient

    logging.getLogger().addFilter(RedactSecrets())
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    settings = service.settings
    token = required_env("SLACK_BOT_TOKEN")
    base_url = os.environ.get("SLACK_API_URL")
    client = WebClient(token=token, base_url=(base_url.rstrip("/") + "/") if base_url else WebClient.BASE_URL)
    signing_secret = None if os.environ.get("SLACK_APP_TOKEN") else required_env("SLACK_SIGNING_SECRET")
    app = App(client=client, signing_secret=signing_secret,
              request_verification_enabled=signing_secret is not None, logger=log)
    engine = engine or catalog_engine(settings.catalog_url)
    ensure_tables(engine)
    bot = SlackBot(service, FeedbackStore.open(settings, engine), seen=SeenEvents(engine),
                   limiter=RateLimiter(engine, settings.slack.rate_limit_per_minute),
                   pool=AnswerPool(settings.slack.workers, settings.slack.queue))
    try:
        bot.bot_user_id = client.auth_test().get("user_id", "")
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({exc.__class__.__name__}); check the token") from exc

    @app.event("app_mention")
    def on_mention(event: dict, client: Any, body: dict) -> None:  # type: ignore[type-arg]
        bot.handle(event, client, body.get("event_id", ""))

    @app.event("message")
    def on_message(event: dict, client: Any, body: dict) -> None:  # type: ignore[type-arg]
        # direct messages only (channel messages arrive as app_mention), and never our own or edits
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        bot.handle(event, client, body.get("event_id", ""))

    @app.action(FEEDBACK_UP)
    @app.action(FEEDBACK_DOWN)
    def on_feedback(ack: Any, body: dict, client: Any) -> None:  # type: ignore[type-arg]
        ack()
        bot.record_click(body)
        channel = body.get("channel", {}).get("id")
        user = body.get("user", {}).get("id")
        if channel and user:
            try:
                client.chat_postEphemeral(channel=channel, user=user, text="Thanks for the feedback.")
            except Exception:  # noqa: BLE001 - the row is stored; the thank-you is a courtesy
                pass

    return app, bot
