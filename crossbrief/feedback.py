"""Thumbs up/down on answers, from the Streamlit page and the Slack bot, in the catalog database (a SQLite file in
the data directory by default, a shared PostgreSQL server when `catalog.url` names one), so that feedback written
by any process or machine is read by all. Rows from the older `<home>/feedback.sqlite3` are imported once."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from sqlalchemy import CheckConstraint, Column, Engine, Integer, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crossbrief.catalog import engine as catalog_engine
from crossbrief.catalog import ensure_tables, metadata
from crossbrief.errors import StoreUnavailable

if TYPE_CHECKING:
    from crossbrief.config import Settings

log = logging.getLogger("crossbrief.feedback")


class RatedAnswer(Protocol):
    """What feedback keeps of an answer (crossbrief.rag.models.Answer has these fields)."""

    @property
    def question(self) -> str: ...

    @property
    def answer(self) -> str: ...

    @property
    def settings_hash(self) -> str: ...

    @property
    def citations(self) -> Sequence[Any]: ...


feedback_rows = Table(
    "feedback_rows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(40), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("user", String(255), nullable=False, server_default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("settings_hash", String(64), nullable=False),
    Column("rating", Integer, CheckConstraint("rating IN (-1, 1)", name="feedback_rows_rating"), nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
)

# One row per legacy feedback.sqlite3 imported (by content hash), so that an import happens once even when several
# processes start at the same moment.
feedback_imports = Table(
    "feedback_imports", metadata,
    Column("digest", String(64), primary_key=True),
    Column("source", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("imported_at", String(40), nullable=False),
)

COLUMNS = ("id", "created_at", "channel", "user", "question", "answer", "citations", "settings_hash", "rating",
           "comment")
_LEGACY_COLUMNS = COLUMNS[1:]
_imported: set[tuple[str, str, int]] = set()  # legacy files this process has checked (not hashed on every open)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class FeedbackStore:
    engine: Engine

    @classmethod
    def open(cls, settings: Settings, engine: Engine | None = None) -> FeedbackStore:
        """The store in the catalog database that `settings` name, with legacy rows imported on first open."""
        store = cls(engine or catalog_engine(settings.catalog_url))
        ensure_tables(store.engine)
        store.import_legacy(settings.feedback_db)
        return store

    def record(self, *, channel: str, question: str, answer: str, citations: list[dict[str, Any]], settings_hash: str,
               rating: int, user: str = "", comment: str = "") -> int:
        if rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1 (got {rating})")
        row = dict(created_at=_now(), channel=channel, user=user, question=question, answer=answer,
                   citations=json.dumps(citations), settings_hash=settings_hash, rating=rating, comment=comment[:2000])
        try:
            with self.engine.begin() as connection:
                result = connection.execute(insert(feedback_rows).values(**row).returning(feedback_rows.c.id))
                return int(result.scalar_one())
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"Could not store the feedback ({exc.__class__.__name__}); "
                                   "check that the catalog database is reachable") from exc

    def record_answer(self, answer: RatedAnswer, rating: int, channel: str, user: str = "", comment: str = "") -> int:
        citations = [{"n": c.n, "source": c.source, "title": c.title, "quote": c.quote} for c in answer.citations]
        return self.record(channel=channel, question=answer.question, answer=answer.answer, citations=citations,
                           settings_hash=answer.settings_hash, rating=rating, user=user, comment=comment)

    def add_comment(self, row_id: int, comment: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(feedback_rows).where(feedback_rows.c.id == row_id)
                               .values(comment=comment[:2000]))

    def rows(self) -> list[dict[str, object]]:
        with self.engine.connect() as connection:
            result = connection.execute(select(*(feedback_rows.c[name] for name in COLUMNS)).order_by(feedback_rows.c.id))
            return [dict(zip(COLUMNS, row)) for row in result]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(self.rows())
        return buffer.getvalue()

    def import_legacy(self, path: Path) -> int:
        """Copies the rows of an older feedback.sqlite3 into the catalog once (keyed by the file's content hash,
        in the same transaction as the rows); the file is left in place. Returns the number of rows imported."""
        marker = (str(self.engine.url), str(path.resolve()), path.stat().st_mtime_ns if path.is_file() else 0)
        if not path.is_file() or marker in _imported:
            return 0
        _imported.add(marker)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self.engine.connect() as connection:
            done = connection.execute(select(feedback_imports.c.digest).where(feedback_imports.c.digest == digest))
            if done.first() is not None:
                return 0
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as legacy:
                legacy_rows = legacy.execute(
                    f"SELECT {', '.join(_LEGACY_COLUMNS)} FROM feedback ORDER BY id").fetchall()
        except sqlite3.Error as exc:
            log.warning("could not read the old feedback file %s (%s); it was not imported", path, exc)
            return 0
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(feedback_imports).values(
                    digest=digest, source=str(path), rows=len(legacy_rows), imported_at=_now()))
                if legacy_rows:
                    connection.execute(insert(feedback_rows), [dict(zip(_LEGACY_COLUMNS, row)) for row in legacy_rows])
        except IntegrityError:  # another process imported it first
            return 0
        log.info("imported %d feedback rows from %s into the catalog", len(legacy_rows), path)
        return len(legacy_rows)
