"""The manifest: the record of which sources the index holds, their content hashes and chunk ids, kept in the
catalog database (crossbrief/catalog.py) beside a version counter that every change of the index bumps.

Each `save` is one transaction (the changed records and the counter together), so a kill at any moment leaves
either the old or the new manifest, never a torn one, and every replica sees a change as one new version.
A `manifest.json` from before the catalog is read once on first open, written into the catalog and renamed
`manifest.json.migrated`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crossbrief import catalog
from crossbrief.errors import IngestError, StoreUnavailable

if TYPE_CHECKING:
    from crossbrief.config import Settings

sources_table = Table(
    "manifest_sources", catalog.metadata,
    Column("source", String(2048), primary_key=True),
    Column("record", Text, nullable=False),  # the SourceRecord as JSON: new fields need no schema change
)
state_table = Table(
    "manifest_state", catalog.metadata,
    Column("id", Integer, primary_key=True),  # one row, id 1
    Column("version", BigInteger, nullable=False),  # bumped by every save that changes something
    Column("catalog_id", String(32), nullable=False),  # tells a recreated catalog from the old one
    Column("embedding_backend", String(64), nullable=True),
)

_BATCH = 500
_saves = [0]  # manifest saves made by this process: a reader here need not wait for its next look


def saves_in_this_process() -> int:
    return _saves[0]


@dataclass(frozen=True)
class SourceRecord:
    source: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    title: str
    date: str | None
    source_url: str | None
    kind: str
    ingested_at: str
    pipeline: str = ""
    # how the source arrived: via (cli, upload), by (user or UI session), path, at (UTC); {} in older manifests
    provenance: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "SourceRecord":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        values["chunk_ids"] = tuple(values["chunk_ids"])
        return cls(**values)


@dataclass(frozen=True)
class Stamp:
    """Which state of the index a reader saw: changes whenever the manifest does (BM25 rebuilds on it)."""

    catalog_id: str
    version: int

    @property
    def key(self) -> str:
        return f"v{self.version:012d}-{self.catalog_id}"


EMPTY = Stamp("", 0)


def read_stamp(url: str) -> Stamp:
    """The current version of the index in the catalog at `url`: one small SELECT."""
    if catalog.is_missing(url):
        return EMPTY
    db = catalog.engine(url)
    catalog.ensure_tables(db)
    try:
        with db.connect() as conn:
            row = conn.execute(select(state_table.c.catalog_id, state_table.c.version)
                               .where(state_table.c.id == 1)).first()
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"Cannot read the catalog database: {exc}. Check CROSSBRIEF_CATALOG__URL") from exc
    return Stamp(row.catalog_id, int(row.version)) if row else EMPTY


@dataclass
class Manifest:
    url: str
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    embedding_backend: str | None = None
    stamp: Stamp = EMPTY
    legacy_path: Path | None = None
    _saved: dict[str, SourceRecord] = field(default_factory=dict, repr=False)
    _saved_backend: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, settings: "Settings") -> "Manifest":
        """The manifest in the settings' catalog (migrating `<home>/manifest.json` on first open)."""
        return cls.open(settings.catalog_url, settings.manifest_path)

    @classmethod
    def open(cls, url: str, legacy_path: Path | None = None) -> "Manifest":
        manifest = cls(url, legacy_path=legacy_path)
        manifest.reload()
        return manifest

    @property
    def indexed(self) -> bool:
        """True once anything was ever ingested into this catalog (an index, possibly emptied since)."""
        return self.stamp.version > 0

    def reload(self) -> None:
        """Re-reads the catalog, dropping unsaved changes."""
        legacy = self.legacy_path if self.legacy_path is not None and self.legacy_path.exists() else None
        if catalog.is_missing(self.url) and legacy is None:
            self._set({}, None, EMPTY)
            return
        db = catalog.engine(self.url)
        catalog.ensure_tables(db)
        try:
            records, backend, stamp = self._read(db)
            if stamp == EMPTY and legacy is not None:
                self._migrate(db, legacy)
                records, backend, stamp = self._read(db)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"Cannot read the manifest from the catalog: {exc}. "
                                   "Check CROSSBRIEF_CATALOG__URL") from exc
        self._set(records, backend, stamp)

    def _set(self, records: dict[str, SourceRecord], backend: str | None, stamp: Stamp) -> None:
        self.sources, self.embedding_backend, self.stamp = dict(records), backend, stamp
        self._saved, self._saved_backend = dict(records), backend

    @staticmethod
    def _read(db: Any) -> tuple[dict[str, SourceRecord], str | None, Stamp]:
        """Records and version from one state: re-read when a save landed in between (each SELECT may see a
        newer commit under READ COMMITTED; a save changes the version in the same commit as the records)."""
        with db.connect() as conn:
            for _ in range(20):
                before = conn.execute(select(state_table).where(state_table.c.id == 1)).first()
                rows = conn.execute(select(sources_table.c.record)).scalars().all()
                after = conn.execute(select(state_table.c.version).where(state_table.c.id == 1)).scalar()
                if (before.version if before else None) == after:
                    break
                conn.rollback()
            else:
                raise StoreUnavailable("The manifest kept changing while it was read; try again")
        records = {}
        for raw in rows:
            try:
                record = SourceRecord.from_dict(json.loads(raw))
            except (ValueError, KeyError, TypeError) as exc:
                raise IngestError(f"The manifest in the catalog holds an unreadable record ({exc.__class__.__name__}): "
                                  "run `crossbrief doctor` to rebuild it from the sources (feedback and reports are "
                                  "kept)") from exc
            records[record.source] = record
        if before is None:
            return records, None, EMPTY
        return records, before.embedding_backend, Stamp(before.catalog_id, int(before.version))

    def _migrate(self, db: Any, legacy: Path) -> None:
        try:
            raw = json.loads(legacy.read_text(encoding="utf-8"))
            records = [SourceRecord.from_dict(value) for value in raw["sources"].values()]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IngestError(
                f"The old manifest {legacy} is unreadable ({exc.__class__.__name__}): run `crossbrief doctor` to "
                "rebuild it from the sources (feedback and reports are kept)"
            ) from exc
        try:
            with db.begin() as conn:
                conn.execute(insert(state_table).values(id=1, version=1, catalog_id=uuid.uuid4().hex,
                                                        embedding_backend=raw.get("embedding_backend")))
                _insert(conn, records)
        except IntegrityError:
            return  # another process migrated or initialised the catalog first
        legacy.replace(legacy.with_name(legacy.name + ".migrated"))

    def save(self) -> None:
        """Writes what changed since the last load or save in one transaction and bumps the version; a save
        that changes nothing writes nothing."""
        changed = [r for k, r in self.sources.items() if self._saved.get(k) != r]
        removed = [k for k in self._saved if k not in self.sources]
        if not changed and not removed and self.embedding_backend == self._saved_backend and self.indexed:
            return
        db = catalog.engine(self.url)
        catalog.ensure_tables(db)
        try:
            with db.begin() as conn:
                # the write comes first, so SQLite takes its write lock before any read in this transaction
                bumped = conn.execute(update(state_table).where(state_table.c.id == 1).values(
                    version=state_table.c.version + 1, embedding_backend=self.embedding_backend)).rowcount
                if not bumped:
                    conn.execute(insert(state_table).values(id=1, version=1, catalog_id=uuid.uuid4().hex,
                                                            embedding_backend=self.embedding_backend))
                stale = removed + [r.source for r in changed]
                for start in range(0, len(stale), _BATCH):
                    conn.execute(delete(sources_table).where(sources_table.c.source.in_(stale[start:start + _BATCH])))
                _insert(conn, changed)
                row = conn.execute(select(state_table.c.catalog_id, state_table.c.version)
                                   .where(state_table.c.id == 1)).one()
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"Cannot write the manifest to the catalog: {exc}. "
                                   "Check CROSSBRIEF_CATALOG__URL") from exc
        self.stamp = Stamp(row.catalog_id, int(row.version))
        _saves[0] += 1
        self._saved, self._saved_backend = dict(self.sources), self.embedding_backend

    def all_chunk_ids(self) -> set[str]:
        return {chunk_id for record in self.sources.values() for chunk_id in record.chunk_ids}


def _insert(conn: Any, records: list[SourceRecord]) -> None:
    rows = [{"source": r.source, "record": json.dumps(asdict(r), sort_keys=True)} for r in records]
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(sources_table), rows[start:start + _BATCH])
