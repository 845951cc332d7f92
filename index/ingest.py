"""Ingest sources into the index: incremental, idempotent, and consistent after a crash.

Order of writes for each group of files: upsert their new chunks' sentence vectors (index/sentence_index.py), then
the chunks, then save the manifest (atomic), then delete their old chunks, then those chunks' sentences. A kill
between any two steps leaves either extra chunks or sentences no manifest entry claims (deleted on the next run) or
an entry whose chunks and sentences are all still present. `reconcile` runs first on every ingest and also drops an
entry whose chunks went missing, so that file is ingested again.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import numpy as np

from crossbrief import catalog
from crossbrief.index.chunking import Chunker
from crossbrief.index.documents import Chunk, Table
from crossbrief.index.embedding import Embedder
from crossbrief.errors import IngestError
from crossbrief.index.loaders import SUPPORTED_SUFFIXES
from crossbrief.index.safe_load import LoaderProcess, LoadLimits, shared_loader
from crossbrief.index.manifest import Manifest, SourceRecord
from crossbrief.index.sentence_index import SentenceIndex
from crossbrief.index.store import ChunkStore, StoredChunk
from crossbrief.index.table_store import TableStore

if TYPE_CHECKING:
    from crossbrief.config import Settings

Progress = Callable[[int, int, str], None]
# Bump when loading or chunking changes what a file turns into: those sources are then re-ingested once.
# Tables (CSV) and prose are versioned apart, so a change to sentence handling does not re-embed a big table.
PIPELINE_VERSIONS = {"table": "8", "prose": "12"}


# files are embedded and stored together until a group holds this many chunks (fewer, larger batches)
_GROUP_CHUNKS = 256
_LOOKAHEAD = 8


@dataclass(frozen=True)
class Prepared:
    """A changed or new file, loaded and chunked, waiting to be embedded and stored."""

    record: SourceRecord
    chunks: list[Chunk]
    old: SourceRecord | None
    tables: tuple[Table, ...] = ()


@dataclass
class IngestReport:
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_failed: list[dict[str, str]] = field(default_factory=list)
    files_removed: int = 0
    # files in the folders given that settings.index.skip_files names (a README describing the folder): not ingested
    files_skipped: list[str] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    repaired_chunks: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def source_key(path: Path) -> str:
    """A source's identity in the index: its absolute path."""
    return str(path.resolve())


def discover(paths: Sequence[Path], skip: Sequence[str] = ()) -> list[Path]:
    """Supported files under `paths` (folders recursively; hidden entries, and files whose stem a `skip` pattern
    names, skipped: `skipped`), sorted, no repeats. A path that is a file is taken whatever its name."""
    return discover_with_skipped(paths, skip)[0]


def discover_with_skipped(paths: Sequence[Path], skip: Sequence[str] = ()) -> tuple[list[Path], list[Path]]:
    """`discover`'s files, and the supported files in folders it skipped by name."""
    found: dict[str, Path] = {}
    passed_over: dict[str, Path] = {}
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder")
        # a path that is not a folder is taken as given (a FIFO or device then fails as that file, not silently)
        candidates = [path] if not path.is_dir() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(path) if path.is_dir() else Path(candidate.name)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.is_dir() and candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_dir() and skipped(candidate, skip):
                passed_over.setdefault(source_key(candidate), candidate)
                continue
            found.setdefault(source_key(candidate), candidate)
    return [found[key] for key in sorted(found)], [passed_over[k] for k in sorted(passed_over) if k not in found]


def skipped(path: Path, skip: Sequence[str]) -> bool:
    """Whether a file found in a folder is one whose stem (its name before the first dot) `skip` names, in any case
    (a README.md or LICENSE.txt describing the folder; not licenses-2024.csv)."""
    stem = path.name.split(".", 1)[0].lower()
    return any(fnmatch.fnmatchcase(stem, pattern.lower()) for pattern in skip)


@contextmanager
def ingest_lock(settings: "Settings") -> Iterator[None]:
    """One writer at a time per index, across processes and machines (a lock in the catalog database)."""
    with catalog.exclusive(catalog.engine(settings.catalog_url), "ingest"):
        yield


def reconcile(manifest: Manifest, store: ChunkStore, sentences: SentenceIndex | None = None) -> int:
    """Brings manifest, store and sentence vectors into agreement after an interrupted run; returns chunks
    deleted."""
    present = store.all_ids()
    broken = [key for key, record in manifest.sources.items() if not set(record.chunk_ids) <= present]
    for key in broken:
        del manifest.sources[key]
    if broken:
        manifest.save()
    orphans = present - manifest.all_chunk_ids()
    store.delete(orphans)
    if sentences is not None:
        sentences.prune(manifest.all_chunk_ids())
    return len(orphans)


@dataclass
class Ingester:
    store: ChunkStore
    embedder: Embedder
    chunker: Chunker
    manifest: Manifest
    max_file_bytes: int
    tables: TableStore | None = None
    # parses each file in a worker process under memory/time limits (index/safe_load.py); None: the shared one
    loader: "LoaderProcess | None" = None
    # each prose chunk's sentences and small table's rows, embedded one by one for retrieval (None: chunks only)
    sentences: SentenceIndex | None = None
    # stems of files skipped inside folders (settings.index.skip_files)
    skip_files: tuple[str, ...] = ()

    def pipeline(self, path: Path) -> str:
        """What a file's chunks depend on besides its bytes: code version, chunking settings, embedding backend."""
        c = self.chunker
        # files ingested without sentence vectors are ingested again when they are turned on (and the other way)
        sentences = "/sentences" if self.sentences is not None else ""
        if path.suffix.lower() == ".csv":
            return f"table{PIPELINE_VERSIONS['table']}/{c.csv_rows_per_chunk}/{self.embedder.backend}{sentences}"
        return (f"prose{PIPELINE_VERSIONS['prose']}/{c.chunk_tokens}/{c.overlap_tokens}/{self.embedder.backend}"
                f"{sentences}")

    def _check_backend(self) -> None:
        recorded = self.manifest.embedding_backend
        if recorded and recorded != self.embedder.backend:
            raise IngestError(
                f"This index was built with the {recorded!r} embedding backend, not {self.embedder.backend!r}: "
                f"set CROSSBRIEF_INDEX__EMBEDDING_BACKEND={recorded} or ingest into a new CROSSBRIEF_HOME"
            )
        self.manifest.embedding_backend = self.embedder.backend

    def ingest(self, paths: Sequence[Path], prune: bool = False, progress: Progress | None = None,
               provenance: dict[str, str] | None = None) -> IngestReport:
        """Ingests files and folders; `provenance` says how they arrived (via, by), recorded with each source."""
        started = time.perf_counter()
        report = IngestReport()
        self.manifest.reload()  # what the catalog holds now (callers hold ingest_lock while this runs)
        self._check_backend()
        self._reconcile_tables()
        report.repaired_chunks = reconcile(self.manifest, self.store, self.sentences)
        files, passed_over = discover_with_skipped(paths, self.skip_files)
        report.files_skipped = [str(p) for p in passed_over]
        group: list[Prepared] = []
        # one thread reads, loads and chunks the next files while this one embeds and stores (the model runs
        # outside the GIL); results are taken in order, so the writes happen exactly as without it
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crossbrief-load") as loader, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="crossbrief-store") as storer:
            stored: list[Future[None]] = []
            pending = [loader.submit(self._prepare, path, provenance) for path in files[:_LOOKAHEAD]]
            for number, path in enumerate(files, 1):
                if number - 1 + _LOOKAHEAD < len(files):
                    pending.append(loader.submit(self._prepare, files[number - 1 + _LOOKAHEAD], provenance))
                if progress:
                    progress(number, len(files), str(path))
                try:
                    prepared = pending[number - 1].result()
                except IngestError as exc:
                    report.files_failed.append({"path": str(path), "error": str(exc)})
                    continue
                except Exception as exc:  # noqa: BLE001 - a bad file never costs the other files of the run
                    detail = " ".join(str(exc).split())[:120]
                    report.files_failed.append({"path": str(path), "error": f"{path}: could not be indexed "
                                                f"({exc.__class__.__name__}{': ' + detail if detail else ''})"})
                    continue
                if prepared is None:
                    report.files_unchanged += 1
                    continue
                group.append(prepared)
                if sum(len(p.chunks) for p in group) >= _GROUP_CHUNKS:
                    stored.append(self._commit(group, report, storer))
                    group = []
            stored.append(self._commit(group, report, storer))
            for future in stored:
                future.result()  # in order; re-raises a store failure here
        if prune:
            # sources deleted from disk, and those inside the folders given that are skipped now (a README ingested
            # before skip_files named it)
            folders = [p.resolve() for p in paths if p.is_dir()]
            for key in [k for k in self.manifest.sources if not Path(k).exists() or (
                    skipped(Path(k), self.skip_files) and any(Path(k).is_relative_to(f) for f in folders))]:
                report.chunks_removed += self.remove(key)
                report.files_removed += 1
        self.manifest.save()
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _prepare(self, path: Path, provenance: dict[str, str] | None = None) -> "Prepared | None":
        """Reads, loads and chunks a file; None when it is unchanged since the last ingest."""
        key = source_key(path)
        if not path.is_file():  # a FIFO or a device (/dev/zero) would block or never end
            raise IngestError(f"{path}: not a regular file (a device, pipe or socket); give files or folders")
        try:
            size = path.stat().st_size
            if size > self.max_file_bytes:
                raise IngestError(f"{path}: {size / 1e6:.1f} MB is over the {self.max_file_bytes / 1e6:.0f} MB limit")
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path}: cannot be read ({exc.strerror})") from exc
        content_hash = hashlib.sha256(data).hexdigest()
        old = self.manifest.sources.get(key)
        if old and old.content_hash == content_hash and old.pipeline == self.pipeline(path):
            return None
        loader = self.loader or shared_loader(LoadLimits())
        document = replace(loader.load(path, data), source=key)
        chunks = self.chunker.chunk(document)
        if not chunks:
            raise IngestError(f"{path}: no text to index")
        record = SourceRecord(
            source=key, content_hash=content_hash, chunk_ids=tuple(c.id for c in chunks), title=document.title,
            date=document.date, source_url=document.source_url, kind=document.kind,
            ingested_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), pipeline=self.pipeline(path),
        )
        record = replace(record, provenance={"via": "cli", **(provenance or {}), "path": str(path),
                                             "at": record.ingested_at})
        return Prepared(record, chunks, old, document.tables)

    def _reconcile_tables(self) -> None:
        """The table store agrees with the manifest: versions it does not name are dropped, and a source whose
        tables are missing is dropped from the manifest (its chunks go next, and it is ingested again)."""
        if self.tables is None:
            return
        recorded = {k: r.content_hash for k, r in self.manifest.sources.items()}
        missing, _ = self.tables.reconcile(recorded)
        for key in missing:
            del self.manifest.sources[key]
        if missing:
            self.manifest.save()

    def _commit(self, group: list["Prepared"], report: IngestReport, storer: ThreadPoolExecutor) -> "Future[None]":
        """Embeds a group of files in one go here; stores and records them on the single store thread, in order
        (see the module docstring), while the next group is embedded."""
        chunks = [c for p in group for c in p.chunks]
        sentences = SentenceIndex.entries(chunks) if self.sentences is not None else []
        # one call, so that the model batches chunks and sentences together
        vectors = self.embedder.embed([c.embedding_text for c in chunks] + [s.text for s in sentences])
        return storer.submit(self._store, group, chunks, vectors, report, sentences)

    def _store(self, group: list["Prepared"], chunks: list[Chunk], vectors: np.ndarray, report: IngestReport,
               sentences: list[StoredChunk] | None = None) -> None:
        if not group:
            return
        if self.sentences is not None:
            self.sentences.write(chunks, vectors[:len(chunks)], sentences or [], vectors[len(chunks):])
        self.store.add(chunks, vectors[:len(chunks)])
        for prepared in group:
            if self.tables is not None:  # the new version's tables, before the manifest names it
                self.tables.write(prepared.record.source, prepared.record.content_hash, prepared.tables)
            self.manifest.sources[prepared.record.source] = prepared.record
        self.manifest.save()
        gone: list[str] = []
        for prepared in group:
            old_ids = set(prepared.old.chunk_ids if prepared.old else ())
            new_ids = set(prepared.record.chunk_ids)
            stale = [i for i in (prepared.old.chunk_ids if prepared.old else ()) if i not in new_ids]
            self.store.delete(stale)
            gone.extend(stale)
            if self.tables is not None and prepared.old and prepared.old.content_hash != prepared.record.content_hash:
                self.tables.drop(prepared.old.source, prepared.old.content_hash)
            report.chunks_added += len(new_ids - old_ids)
            report.chunks_removed += len(stale)
            if prepared.old:
                report.files_changed += 1
            else:
                report.files_new += 1
        if self.sentences is not None:
            self.sentences.delete_chunks(gone)

    def remove(self, source: str) -> int:
        """Removes one source (by absolute path) and its chunks; returns the chunks removed."""
        record = self.manifest.sources.pop(source)
        self.manifest.save()
        self.store.delete(record.chunk_ids)
        if self.sentences is not None:
            self.sentences.delete_chunks(record.chunk_ids)
        if self.tables is not None:
            self.tables.drop(source)
        return len(record.chunk_ids)

    def resolve_source(self, name: str) -> str:
        """The manifest key for `name`: an exact path, or a unique file name or path suffix."""
        as_path = source_key(Path(name))
        if as_path in self.manifest.sources:
            return as_path
        matches = [k for k in self.manifest.sources if k.endswith("/" + name.lstrip("/")) or k == name]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise IngestError(f"{name}: not in the index; `crossbrief sources` lists what it holds")
        raise IngestError(f"{name}: matches {len(matches)} sources; give more of the path")


