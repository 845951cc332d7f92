"""The Slack bot (slack-bolt): answers mentions and DMs in the thread of the question, through the same
`answer()` as every other front end, with cited sources and Helpful / Not helpful buttons."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from crossbrief.errors import ConfigError, CrossbriefError
from crossbrief.rag.service import Crossbrief
from crossbrief.feedback import FeedbackStore
from crossbrief.ui.slack.format import FEEDBACK_DOWN, FEEDBACK_UP, LOOKING_UP, answer_blocks, escape

log = logging.getLogger("crossbrief.slack")
_SECRET = re.compile(r"xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
_MENTION = re.compile(r"<@[A-Z0-9]+>")


class RedactSecrets(logging.Filter):
    """Tokens never reach a log line, whatever logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _SECRET.sub("[redacted]", str(record.msg))
        if record.args:
            record.args = tuple(_SECRET.sub("[redacted]", str(a)) for a in record.args)  # type: ignore[assignment]
        return True


@dataclass
class RateLimiter:
    per_minute: int
    _seen: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))  # type: ignore[type-arg]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, user: str) -> bool:
        now = time.monotonic()
        with self._lock:
            window = self._seen[user]
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= self.per_minute:
                return False
            window.append(now)
            return True


@dataclass
class SeenEvents:
    """Slack retries an event it thinks we missed; each event is answered once."""

    size: int = 5000
    _ids: OrderedDict = field(default_factory=OrderedDict)  # type: ignore[type-arg]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._ids:
                return False
            self._ids[key] = True
            if len(self._ids) > self.size:
                self._ids.popitem(last=False)
            return True


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"{name} is not set: export it (see the Slack section of the README)")
    return value


@dataclass
class SlackBot:
    service: Crossbrief
    feedback: FeedbackStore
    bot_user_id: str = ""
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(6))
    seen: SeenEvents = field(default_factory=SeenEvents)

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
        posted = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=LOOKING_UP)
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


def build_app(service: Crossbrief) -> tuple[Any, SlackBot]:
    """The Bolt app with its listeners. Tokens come from SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET."""
    from slack_bolt import App
    from slack_sdk import WebClient

    logging.getLogger().addFilter(RedactSecrets())
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    token = required_env("SLACK_BOT_TOKEN")
    base_url = os.environ.get("SLACK_API_URL")
    client = WebClient(token=token, base_url=(base_url.rstrip("/") + "/") if base_url else WebClient.BASE_URL)
    signing_secret = None if os.environ.get("SLACK_APP_TOKEN") else required_env("SLACK_SIGNING_SECRET")
    app = App(token=token, client=client, signing_secret=signing_secret,
              request_verification_enabled=signing_secret is not None, logger=log)
    bot = SlackBot(service, FeedbackStore(service.settings.feedback_db),
                   limiter=RateLimiter(service.settings.slack.rate_limit_per_minute))
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
