"""Thumbs up/down on answers, from the Streamlit page and the Slack bot, in one SQLite file under the data
directory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Sequence


class RatedAnswer(Protocol):
    """What feedback keeps of an answer (crossbrief.rag.models.Answer has these fields)."""

    question: str
    answer: str
    settings_hash: str
    citations: Sequence[Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT ''
)
"""
COLUMNS = ("id", "created_at", "channel", "user", "question", "answer", "citations", "settings_hash", "rating",
           "comment")


@dataclass
class FeedbackStore:
    path: Path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        connection.execute(_SCHEMA)
        return connection

    def record(self, *, channel: str, question: str, answer: str, citations: list[dict], settings_hash: str,
               rating: int, user: str = "", comment: str = "") -> int:
        if rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1 (got {rating})")
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created_at, channel, user, question, answer, citations, settings_hash, rating,"
                " comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), channel, user, question, answer,
                 json.dumps(citations), settings_hash, rating, comment[:2000]),
            )
            return int(cursor.lastrowid or 0)

    def record_answer(self, answer: RatedAnswer, rating: int, channel: str, user: str = "", comment: str = "") -> int:
        citations = [{"n": c.n, "source": c.source, "title": c.title, "quote": c.quote} for c in answer.citations]
        return self.record(channel=channel, question=answer.question, answer=answer.answer, citations=citations,
                           settings_hash=answer.settings_hash, rating=rating, user=user, comment=comment)

    def add_comment(self, row_id: int, comment: str) -> None:
        with self._connect() as connection:
            connection.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment[:2000], row_id))

    def rows(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        with self._connect() as connection:
            cursor = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")
            return [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(self.rows())
        return buffer.getvalue()
