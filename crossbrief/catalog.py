"""The catalog database: everything that is not vectors (tables, and more as it moves here), reached through
SQLAlchemy Core so that one code path serves the embedded SQLite default and a shared PostgreSQL server."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from crossbrief.errors import StoreUnavailable


def open_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so that readers and one writer share the file."""
    try:
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                from pathlib import Path

                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()

            return engine
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreUnavailable(f"Cannot open the catalog database {url!r}: {exc}. Check CROSSBRIEF_CATALOG__URL") from exc
