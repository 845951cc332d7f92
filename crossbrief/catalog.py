"""The catalog database: everything that is not vectors (the manifest and its version counter, tables, feedback,
Slack state), reached through SQLAlchemy Core so that one code path serves the embedded SQLite default
(`<home>/catalog.sqlite3`) and a PostgreSQL server shared by several machines (`catalog.url`).

Schema convention (every module that keeps state here follows it):
- Define your tables as SQLAlchemy Core `Table` objects on the one shared `metadata` below, at module level in
  your own module (e.g. index/manifest.py, index/table_store.py, crossbrief/feedback.py), with names prefixed by
  what owns them (`manifest_sources`, `feedback_...`, `slack_...`). No ORM, no migrations tool.
- Get an engine with `engine(url)` (one per URL and process, cached) and call `ensure_tables(engine)` before first
  use: it runs `metadata.create_all` (checkfirst) for every table defined so far, once per engine and table set.
  Schema changes are additive (new tables or nullable columns that a `create_all` can add in a new table);
  a breaking change gets a new table name.
- Writes that must land together go in one `with engine.begin() as conn:` transaction. Cross-process writers of
  one kind take `exclusive(engine, name)` (a PostgreSQL advisory lock, or a file lock beside a SQLite file).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from crossbrief.errors import StoreUnavailable

metadata = MetaData()

_engines: dict[str, Engine] = {}
_created: dict[str, frozenset[str]] = {}
_guard = threading.Lock()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def is_missing(url: str) -> bool:
    """True when `url` is a SQLite file that does not exist yet (reading it would find nothing)."""
    path = sqlite_path(url)
    return path is not None and not path.exists()


def open_engine(url: str) -> Engine:
    """A new engine for `url`; SQLite gets WAL and a busy timeout so that readers and one writer share the file.
    Most code wants the cached `engine(url)` instead."""
    try:
        if url.startswith("sqlite"):
            path = sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            created = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(created, "connect")
            def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()

            return created
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreUnavailable(f"Cannot open the catalog database {url!r}: {exc}. Check CROSSBRIEF_CATALOG__URL") from exc


def engine(url: str) -> Engine:
    """The process's engine for `url`, opened on first use (a forked child opens its own)."""
    key = f"{os.getpid()}|{url}"
    with _guard:
        if key not in _engines:
            _engines[key] = open_engine(url)
        return _engines[key]


def ensure_tables(db: Engine) -> None:
    """Creates every table defined on `metadata` so far that the database lacks (cheap after the first call)."""
    key = f"{os.getpid()}|{db.url}"
    names = frozenset(metadata.tables)
    if _created.get(key) == names:
        return
    try:
        metadata.create_all(db, checkfirst=True)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"Cannot create the catalog tables in {db.url!r}: {exc}. "
                               "Check CROSSBRIEF_CATALOG__URL and that the database accepts writes") from exc
    _created[key] = names


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"crossbrief:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(db: Engine, name: str) -> Iterator[None]:
    """Holds the lock `name` for the whole catalog: one holder at a time across processes and machines.
    PostgreSQL: a session advisory lock (released by the server if this process dies). SQLite: a file lock on
    `<database>.<name>.lock` beside the database file (one machine is all a SQLite file serves)."""
    if db.dialect.name == "postgresql":
        with db.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _lock_key(name)})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _lock_key(name)})
                conn.commit()
        return
    path = sqlite_path(str(db.url)) if db.dialect.name == "sqlite" else None
    if path is None:
        if db.dialect.name == "sqlite":  # in-memory: one process only
            yield
            return
        raise StoreUnavailable(f"The catalog database {db.url.render_as_string()!r} is neither SQLite nor PostgreSQL: "
                               "use one of those for CROSSBRIEF_CATALOG__URL")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f"{path.name}.{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
