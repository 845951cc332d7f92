"""The Slack bot's shared state in the catalog database: the event ids already answered (Slack retries an event
it thinks we missed) and per-user rate-limit windows, so that every bot process and machine sharing one catalog
answers a retried event once and counts a user's questions together."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Column, Engine, Float, Integer, String, Table, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crossbrief.catalog import metadata

log = logging.getLogger("crossbrief.slack")

slack_events = Table(
    "slack_events", metadata,
    Column("event_key", String(255), primary_key=True),
    Column("seen_at", Float, nullable=False, index=True),
)

# One row per user and one-minute window; the count is updated in one atomic statement.
slack_rate_windows = Table(
    "slack_rate_windows", metadata,
    Column("user_id", String(64), primary_key=True),
    Column("window", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)

EVENT_TTL_S = 24 * 3600  # Slack retries within minutes; a day of ids is plenty
WINDOW_S = 60


@dataclass
class _Pruner:
    """Deletes old rows now and then (every `every_s` seconds per process), not on every call."""

    every_s: float = 600.0
    _last: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._last and now - self._last < self.every_s:
                return False
            self._last = now
            return True


@dataclass
class SeenEvents:
    """Slack retries an event it thinks we missed; each event is answered once, by whichever process sees it first."""

    engine: Engine
    _pruner: _Pruner = field(default_factory=_Pruner)

    def first_time(self, key: str) -> bool:
        now = time.time()
        try:
            with self.engine.begin() as connection:
                if self._pruner.due():
                    connection.execute(delete(slack_events).where(slack_events.c.seen_at < now - EVENT_TTL_S))
                connection.execute(insert(slack_events).values(event_key=key[:255], seen_at=now))
            return True
        except IntegrityError:
            return False
        except SQLAlchemyError as exc:  # the catalog is unreachable: a rare double answer beats a dropped question
            log.warning("could not record Slack event %s in the catalog (%s); answering it anyway", key,
                        exc.__class__.__name__)
            return True


@dataclass
class RateLimiter:
    """At most `per_minute` questions per user over a sliding minute, counted in the catalog across processes.

    The sliding minute is estimated from two fixed windows (the previous one weighted by how much of it still
    overlaps), so each check is one atomic upsert and one read, whatever the number of bot processes."""

    engine: Engine
    per_minute: int
    _pruner: _Pruner = field(default_factory=_Pruner)

    def _increment(self, connection, user: str, window: int) -> int:  # type: ignore[no-untyped-def]
        table = slack_rate_windows
        key = and_(table.c.user_id == user, table.c.window == window)
        bumped = connection.execute(update(table).where(key).values(count=table.c.count + 1))
        if bumped.rowcount == 0:
            try:
                with connection.begin_nested():
                    connection.execute(insert(table).values(user_id=user, window=window, count=1))
            except IntegrityError:  # another process inserted the row first
                connection.execute(update(table).where(key).values(count=table.c.count + 1))
        return int(connection.execute(select(table.c.count).where(key)).scalar_one())

    def allow(self, user: str) -> bool:
        try:
            return self._allow(user)
        except SQLAlchemyError as exc:  # the catalog is unreachable: let the question through, say so in the log
            log.warning("rate limit not checked (%s)", exc.__class__.__name__)
            return True

    def _allow(self, user: str) -> bool:
        now = time.time()
        window, elapsed = divmod(now, WINDOW_S)
        current = int(window)
        user = user[:64]
        table = slack_rate_windows
        with self.engine.begin() as connection:
            if self._pruner.due():
                connection.execute(delete(table).where(table.c.window < current - 1))
            count = self._increment(connection, user, current)
            previous = connection.execute(select(table.c.count).where(
                and_(table.c.user_id == user, table.c.window == current - 1))).scalar() or 0
            if previous * (1 - elapsed / WINDOW_S) + count <= self.per_minute:
                return True
            # refused questions do not count against the user
            connection.execute(update(table).where(and_(table.c.user_id == user, table.c.window == current))
                               .values(count=table.c.count - 1))
            return False
