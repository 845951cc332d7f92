"""`crossbrief doctor`: checks the vector store, the sentence vectors, the manifest (in the catalog) and the BM25
cache against each other, and rebuilds what is damaged from the source files. Feedback and eval reports are never
touched: a damaged on-disk Chroma folder is moved aside (not deleted), the manifest's entries whose chunks are gone
are re-ingested from their files, and derived data is dropped and rebuilt (the BM25 cache on the next question; a
damaged sentence collection at once, from the stored chunks).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from crossbrief.config import Settings
from crossbrief.errors import CrossbriefError, IndexNotFound, IngestError
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_embedder, build_ingester, drop_sentences, open_sentences, open_store
from crossbrief.index.ingest import IngestReport, ingest_lock
from crossbrief.index.manifest import Manifest

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Finding:
    """One thing doctor looked at: `ok`, or what is wrong with it."""

    part: str  # "catalog", "store", "sentences", "manifest", "bm25"
    ok: bool
    detail: str


@dataclass
class Diagnosis:
    findings: list[Finding] = field(default_factory=list)
    # the sources to rebuild: the manifest's; the store's own record of its sources only when the manifest is
    # empty (a catalog recreated or restored from an old backup), else stray chunks would become sources
    sources: set[str] = field(default_factory=set)
    # why the manifest could not be read: "legacy" (an unreadable manifest.json from before the catalog),
    # "records" (unreadable rows in the catalog), "database" (the catalog itself); "" when it was read
    manifest_fault: str = ""

    @property
    def healthy(self) -> bool:
        return all(f.ok for f in self.findings)

    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]


@dataclass
class Repair:
    diagnosis: Diagnosis
    actions: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # sources whose chunks were gone and whose files are gone too
    ingest: IngestReport | None = None


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _read_store(settings: Settings) -> tuple[set[str] | None, set[str], str]:
    """(chunk ids, sources named in the store, problem) — ids None when the store cannot be read."""
    try:
        store = open_store(settings, create=False)
        sources = {str(c.metadata.get("source", "")) for c in store.get_all()}
        return store.all_ids(), sources - {""}, ""
    except CrossbriefError as exc:
        if not settings.index.chroma_url and not settings.chroma_dir.exists():
            return set(), set(), ""  # nothing ingested yet is not damage
        return None, set(), _why(exc.__cause__) if exc.__cause__ is not None else str(exc)
    except Exception as exc:  # noqa: BLE001 - a damaged chroma.sqlite3 raises whatever sqlite or chroma raise
        return None, set(), _why(exc)


def diagnose(settings: Settings) -> Diagnosis:
    """Looks at every part without changing anything."""
    diagnosis = Diagnosis()
    try:
        manifest: Manifest | None = Manifest.load(settings)
        diagnosis.findings.append(Finding("catalog", True, "readable"))
    except Exception as exc:  # noqa: BLE001 - any failure to read it is the finding
        manifest = None
        legacy = isinstance(exc, IngestError) and settings.manifest_path.exists()
        diagnosis.manifest_fault = ("legacy" if legacy else "records" if isinstance(exc, IngestError) else
                                    "database" if isinstance(exc, CrossbriefError) else "records")
        diagnosis.findings.append(Finding("catalog", False, f"the manifest cannot be read ({_why(exc)})"))
    ids, store_sources, problem = _read_store(settings)
    if ids is None:
        diagnosis.findings.append(Finding("store", False, f"the vector store cannot be read ({problem})"))
    else:
        diagnosis.findings.append(Finding("store", True, f"{len(ids)} chunks"))
    if manifest is None:
        return diagnosis
    diagnosis.sources = set(manifest.sources) or store_sources
    if ids is not None:
        wanted = manifest.all_chunk_ids()
        missing = [key for key, record in manifest.sources.items() if not set(record.chunk_ids) <= ids]
        orphans = ids - wanted
        if missing or orphans:
            diagnosis.findings.append(Finding(
                "manifest", False, f"{len(missing)} sources miss chunks in the store, {len(orphans)} stored chunks "
                                   "belong to no source"))
        else:
            diagnosis.findings.append(Finding("manifest", True, f"{len(manifest.sources)} sources match the store"))
    if ids is not None and settings.index.sentence_vectors:
        diagnosis.findings.append(_check_sentences(settings, manifest))
    diagnosis.findings.append(_check_bm25(settings, manifest))
    return diagnosis


def _check_sentences(settings: Settings, manifest: Manifest) -> Finding:
    """The sentence vectors are there and can be searched (one query exercises the vector index itself, not only
    its records)."""
    sentences = open_sentences(settings, create=False)
    if sentences is None:
        return Finding("sentences", True, "off")
    try:
        ids = sentences.store.all_ids()
        if ids:
            sentences.store.query(sentences.store.vectors([next(iter(ids))])[0], 1)
    except IndexNotFound:
        if manifest.sources:
            return Finding("sentences", False, "the sentence vectors are missing")
        return Finding("sentences", True, "none yet")
    except Exception as exc:  # noqa: BLE001 - a damaged vector segment raises whatever chroma raises
        return Finding("sentences", False, f"the sentence vectors cannot be searched ({_why(exc)})")
    # entries of chunks no source holds (left by an interrupted ingest) are never retrieved: the next ingest prunes them
    return Finding("sentences", True, f"{len(ids)} sentences")


def _rebuild_sentences(settings: Settings, embedder: Embedder, problem: str) -> str:
    """Drops the sentence collection and writes it anew from the stored chunks (derived data: every chunk keeps its
    sentences, whether or not its file is still on disk)."""
    try:
        drop_sentences(settings)
    except Exception:  # noqa: BLE001 - a collection missing or too damaged to delete is rebuilt all the same
        pass
    sentences = open_sentences(settings, create=True)
    assert sentences is not None  # only checked when sentence vectors are on
    written = sentences.rebuild(open_store(settings, create=False), embedder.embed)
    return f"rebuilt the sentence vectors from the stored chunks ({problem}): {written} entries"


def _check_bm25(settings: Settings, manifest: Manifest) -> Finding:
    """The BM25 cache for the manifest's current version, when one was built, must hold exactly its chunks."""
    folder = settings.bm25_dir / manifest.stamp.key
    if not folder.exists():
        return Finding("bm25", True, "built on the next question")
    try:
        ids = set(json.loads((folder / "meta.json").read_text())["ids"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Finding("bm25", False, f"the keyword index is unreadable ({exc.__class__.__name__})")
    if ids != manifest.all_chunk_ids():
        return Finding("bm25", False, "the keyword index does not hold the manifest's chunks")
    return Finding("bm25", True, f"{len(ids)} chunks")


def quick_check(settings: Settings) -> str | None:
    """None when the store opens and holds as many chunks as the manifest names; else what is wrong (cheap:
    one count, for `crossbrief sources`)."""
    try:
        expected = len(Manifest.load(settings).all_chunk_ids())
    except Exception as exc:  # noqa: BLE001
        return f"the manifest cannot be read ({_why(exc)})"
    try:
        held = open_store(settings, create=False).count()
    except Exception as exc:  # noqa: BLE001 - a damaged chroma.sqlite3 raises whatever sqlite or chroma raise
        return f"the vector store cannot be read ({_why(exc)})"
    if held != expected:
        return f"the vector store holds {held} chunks, the manifest names {expected}"
    return None


def repair(settings: Settings, embedder: Embedder | None = None, progress: Progress | None = None) -> Repair:
    """Diagnoses, then rebuilds what is damaged from the source files, holding the ingest lock."""
    with ingest_lock(settings):
        diagnosis = diagnose(settings)
        result = Repair(diagnosis)
        if diagnosis.healthy:
            return result
        if diagnosis.manifest_fault in ("legacy", "records"):
            result.actions.append(_reset_manifest(settings, diagnosis.manifest_fault))
            diagnosis = result.diagnosis = diagnose(settings)
        catalog = next(f for f in diagnosis.findings if f.part == "catalog")
        if not catalog.ok:
            # the catalog also holds feedback: doctor never replaces it
            raise CrossbriefError(f"The catalog database cannot be read ({catalog.detail}); it also holds feedback, "
                                  f"so doctor leaves it alone: restore it from a backup or check "
                                  f"CROSSBRIEF_CATALOG__URL ({settings.catalog_url})")
        store = next(f for f in diagnosis.findings if f.part == "store")
        if not store.ok:
            result.actions.append(_set_aside_store(settings, store.detail))
        sentences = next((f for f in diagnosis.findings if f.part == "sentences"), None)
        if store.ok and sentences is not None and not sentences.ok:
            embedder = embedder or build_embedder(settings)
            result.actions.append(_rebuild_sentences(settings, embedder, sentences.detail))
        if settings.bm25_dir.exists():
            shutil.rmtree(settings.bm25_dir, ignore_errors=True)
            result.actions.append(f"dropped the keyword index cache {settings.bm25_dir} (rebuilt on the next question)")
        ingester = build_ingester(settings, embedder)
        on_disk = sorted(s for s in diagnosis.sources if Path(s).is_file())
        result.ingest = ingester.ingest([Path(s) for s in on_disk], progress=progress,
                                        provenance={"via": "doctor"})
        kept = set(ingester.manifest.sources)
        result.lost = sorted(diagnosis.sources - kept)
        result.actions.append(f"re-indexed {result.ingest.files_new + result.ingest.files_changed} sources from "
                              f"their files, removed {result.ingest.repaired_chunks} stray chunks")
        return result


def _reset_manifest(settings: Settings, fault: str) -> str:
    """Sets an unreadable manifest aside so that it is rebuilt from the sources the vector store names: the old
    manifest.json is renamed; unreadable rows in the catalog are deleted (only the manifest's own rows: feedback
    and every other table stay)."""
    if fault == "legacy":
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        aside = settings.manifest_path.with_name(f"{settings.manifest_path.name}.damaged-{stamp}")
        settings.manifest_path.rename(aside)
        return f"moved the unreadable manifest to {aside}; the sources are taken from the vector store"
    from sqlalchemy import delete

    from crossbrief import catalog
    from crossbrief.index.manifest import sources_table

    with catalog.engine(settings.catalog_url).begin() as conn:
        conn.execute(delete(sources_table))
    return "cleared the manifest's unreadable rows in the catalog; the sources are taken from the vector store"


def _set_aside_store(settings: Settings, detail: str) -> str:
    if settings.index.chroma_url:
        raise CrossbriefError(f"The Chroma server at {settings.index.chroma_url} cannot be read ({detail}); repair "
                              "or recreate it there, then run `crossbrief doctor` again")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    aside = settings.chroma_dir.with_name(f"{settings.chroma_dir.name}.damaged-{stamp}")
    settings.chroma_dir.rename(aside)
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # Chroma keeps the failed client for this path: open a fresh one
    return f"moved the damaged vector store to {aside} (delete it once the index works again)"


def as_dict(result: Repair | Diagnosis) -> dict[str, Any]:
    diagnosis = result.diagnosis if isinstance(result, Repair) else result
    out: dict[str, Any] = {"healthy": diagnosis.healthy,
                           "findings": [{"part": f.part, "ok": f.ok, "detail": f.detail} for f in diagnosis.findings]}
    if isinstance(result, Repair):
        out.update(actions=result.actions, lost=result.lost,
                   ingest=result.ingest.as_dict() if result.ingest else None)
    return out
