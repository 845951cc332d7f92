"""The table store: every table of every ingested source, in the catalog database (SQLAlchemy Core, so the
embedded SQLite file and a shared PostgreSQL server run the same code), for questions answered by filtering.

One generic schema, whatever the tables' columns: `table_store_versions` (one row per ingested version of a
source: source, content hash), `table_store_tables` (columns and profile as JSON), `table_store_rows` (each row's cells as
JSON) and `table_store_cells` (the cells of categorical columns, indexed, for filtering in SQL). A version's
tables are written in one transaction, so a version is either whole or absent; ingest writes the new version
before the manifest names it and drops the old one after (see index/ingest.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sqlalchemy import Column, Engine, Index, Integer, String, Table as SqlTable, Text, and_, delete, insert, intersect, select

from crossbrief import catalog
from crossbrief.index.documents import Table
from crossbrief.index.tables import ColumnProfile, TableProfile, profile_table

_METADATA = catalog.metadata
VERSIONS = SqlTable(
    "table_store_versions", _METADATA,
    Column("source", String(2000), primary_key=True),
    Column("content_hash", String(64), primary_key=True),
    Column("tables", Integer, nullable=False),
)
TABLES = SqlTable(
    "table_store_tables", _METADATA,
    Column("table_id", String(64), primary_key=True),
    Column("source", String(2000), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("caption", Text, nullable=False),
    Column("columns", Text, nullable=False),  # JSON list of names
    Column("profile", Text, nullable=False),  # JSON list of {numeric, values, overall}
    Column("n_rows", Integer, nullable=False),
    Index("ix_table_store_tables_source", "source", "content_hash"),
)
ROWS = SqlTable(
    "table_store_rows", _METADATA,
    Column("table_id", String(64), primary_key=True),
    Column("row_number", Integer, primary_key=True),  # 1-based, as rendered ("Row 3: ...")
    Column("cells", Text, nullable=False),  # JSON list of strings
)
CELLS = SqlTable(
    "table_store_cells", _METADATA,
    Column("table_id", String(64), nullable=False),
    Column("column_index", Integer, nullable=False),
    Column("value", Text, nullable=False),
    Column("row_number", Integer, nullable=False),
    Index("ix_table_store_cells_lookup", "table_id", "column_index", "value"),
)
_BATCH = 5000


@dataclass(frozen=True)
class StoredTable:
    """A table as the store holds it (rows are read on demand)."""

    table_id: str
    source: str
    name: str
    caption: str
    columns: tuple[str, ...]
    profile: TableProfile
    n_rows: int

    @property
    def label(self) -> str:
        return self.caption or self.name


def table_id(source: str, content_hash: str, position: int) -> str:
    return hashlib.sha256(f"{source}\x00{content_hash}\x00{position}".encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=64)
def _profile_from_json(raw: str, columns: tuple[str, ...]) -> TableProfile:
    return TableProfile(tuple(ColumnProfile(name, bool(p["numeric"]), tuple(p["values"]), p["overall"])
                              for name, p in zip(columns, json.loads(raw))))


class TableStore:
    """Reads and writes tables in the catalog database (its tables are created when missing)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        catalog.ensure_tables(engine)

    @classmethod
    def open(cls, url: str) -> "TableStore":
        """The table store in the catalog database at `url` (settings.catalog_url)."""
        return cls(catalog.engine(url))

    # -- writing (ingest) -------------------------------------------------------------------------------------
    def write(self, source: str, content_hash: str, tables: Sequence[Table]) -> None:
        """Stores one version of a source's tables (replacing that same version if present), in one transaction."""
        with self.engine.begin() as conn:
            self._delete(conn, source, content_hash)
            for position, table in enumerate(tables):
                tid = table_id(source, content_hash, position)
                profile = profile_table(table)
                conn.execute(insert(TABLES).values(
                    table_id=tid, source=source, content_hash=content_hash, position=position, name=table.name,
                    caption=table.caption, columns=json.dumps(list(table.columns)), n_rows=len(table.rows),
                    profile=json.dumps([{"numeric": c.numeric, "values": list(c.values), "overall": c.overall}
                                        for c in profile.columns]),
                ))
                rows = [{"table_id": tid, "row_number": n, "cells": json.dumps(list(row))}
                        for n, row in enumerate(table.rows, 1)]
                for i in range(0, len(rows), _BATCH):
                    conn.execute(insert(ROWS), rows[i:i + _BATCH])
                categorical = [i for i, c in enumerate(profile.columns) if c.values]
                cells = [{"table_id": tid, "column_index": i, "value": row[i], "row_number": n}
                         for n, row in enumerate(table.rows, 1) for i in categorical]
                for i in range(0, len(cells), _BATCH):
                    conn.execute(insert(CELLS), cells[i:i + _BATCH])
            conn.execute(insert(VERSIONS).values(source=source, content_hash=content_hash, tables=len(tables)))

    def drop(self, source: str, content_hash: str | None = None) -> None:
        """Drops one version of a source's tables, or every version when `content_hash` is None."""
        with self.engine.begin() as conn:
            self._delete(conn, source, content_hash)

    @staticmethod
    def _delete(conn, source: str, content_hash: str | None) -> None:  # type: ignore[no-untyped-def]
        where = [TABLES.c.source == source] + ([TABLES.c.content_hash == content_hash] if content_hash else [])
        ids = [r[0] for r in conn.execute(select(TABLES.c.table_id).where(and_(*where)))]
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            conn.execute(delete(CELLS).where(CELLS.c.table_id.in_(part)))
            conn.execute(delete(ROWS).where(ROWS.c.table_id.in_(part)))
            conn.execute(delete(TABLES).where(TABLES.c.table_id.in_(part)))
        version_where = [VERSIONS.c.source == source] + (
            [VERSIONS.c.content_hash == content_hash] if content_hash else [])
        conn.execute(delete(VERSIONS).where(and_(*version_where)))

    def versions(self) -> set[tuple[str, str]]:
        """(source, content hash) of every whole version the store holds."""
        with self.engine.connect() as conn:
            return {(r[0], r[1]) for r in conn.execute(select(VERSIONS.c.source, VERSIONS.c.content_hash))}

    def reconcile(self, recorded: Mapping[str, str]) -> tuple[list[str], int]:
        """Agreement with the manifest (`recorded`: source -> content hash) after an interrupted run: drops
        versions the manifest does not name; returns (sources whose version is missing, versions dropped)."""
        held = self.versions()
        orphans = [(s, h) for s, h in held if recorded.get(s) != h]
        for source, content_hash in orphans:
            self.drop(source, content_hash)
        missing = [s for s, h in recorded.items() if (s, h) not in held]
        return missing, len(orphans)

    # -- reading (answers) ------------------------------------------------------------------------------------
    def tables(self, sources: Iterable[str] | None = None) -> list[StoredTable]:
        """The tables of the current versions, of `sources` only when given."""
        query = select(TABLES).join(VERSIONS, and_(VERSIONS.c.source == TABLES.c.source,
                                                   VERSIONS.c.content_hash == TABLES.c.content_hash))
        if sources is not None:
            query = query.where(TABLES.c.source.in_(list(sources)))
        with self.engine.connect() as conn:
            result = conn.execute(query.order_by(TABLES.c.source, TABLES.c.position)).mappings().all()
        out = []
        for r in result:
            columns = tuple(json.loads(r["columns"]))
            out.append(StoredTable(r["table_id"], r["source"], r["name"], r["caption"], columns,
                                   _profile_from_json(r["profile"], columns), r["n_rows"]))
        return out

    def row_numbers(self, table: str, pinned: Mapping[int, Sequence[str]], limit: int | None = None) -> set[int]:
        """Numbers of the rows whose cell, in every pinned (categorical) column, is one of the pinned values (at
        most `limit` of them)."""
        with self.engine.connect() as conn:
            if not pinned:
                every = select(ROWS.c.row_number).where(ROWS.c.table_id == table)
                return {r[0] for r in conn.execute(every.limit(limit) if limit is not None else every)}
            selects = [select(CELLS.c.row_number).where(CELLS.c.table_id == table, CELLS.c.column_index == column,
                                                        CELLS.c.value.in_(list(values)))
                       for column, values in pinned.items()]
            query = selects[0] if len(selects) == 1 else intersect(*selects)
            return {r[0] for r in conn.execute(query.limit(limit) if limit is not None else query)}

    def rows(self, table: str, numbers: Iterable[int]) -> list[tuple[int, tuple[str, ...]]]:
        wanted = sorted(numbers)
        out: list[tuple[int, tuple[str, ...]]] = []
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                query = select(ROWS.c.row_number, ROWS.c.cells).where(
                    ROWS.c.table_id == table, ROWS.c.row_number.in_(wanted[i:i + 500]))
                out.extend((r[0], tuple(json.loads(r[1]))) for r in conn.execute(query))
        return sorted(out)
