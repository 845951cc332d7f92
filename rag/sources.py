"""What the front ends do to the index besides asking: list its sources, ingest files, remove a source. Each
takes the settings (and optionally an already-loaded embedder), holds the ingest lock while it writes, and
raises crossbrief errors with a message the user can act on."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from crossbrief.config import Settings
from crossbrief.errors import IndexNotFound
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_ingester
from crossbrief.index.ingest import Ingester, IngestReport, Progress, ingest_lock
from crossbrief.index.loaders import SUPPORTED_SUFFIXES
from crossbrief.index.manifest import Manifest, SourceRecord
from crossbrief.rag.retrieval import keyword_index

log = logging.getLogger(__name__)
__all__ = ["SUPPORTED_SUFFIXES", "IngestReport", "Progress", "SourceRecord", "ingest_sources", "list_sources",
           "remove_source", "require_index"]


def require_index(settings: Settings) -> None:
    """Raises IndexNotFound when nothing was ingested under the settings' home yet."""
    if not Manifest.load(settings).indexed:
        raise IndexNotFound(f"No index at {settings.home}: run `crossbrief ingest PATH` first")


def list_sources(settings: Settings) -> list[SourceRecord]:
    """The sources the index holds, oldest publication date first (undated first); empty when there is no index."""
    manifest = Manifest.load(settings)
    return sorted(manifest.sources.values(), key=lambda r: (r.date or "", r.source))


def ingest_sources(settings: Settings, paths: Sequence[Path], prune: bool = False, progress: Progress | None = None,
                   embedder: Embedder | None = None,
                   provenance: dict[str, str] | None = None) -> tuple[IngestReport, int]:
    """Ingests files and folders; returns the report and the number of chunks the index then holds.
    `provenance` (via, by) is recorded with each source."""
    with ingest_lock(settings):
        ingester = build_ingester(settings, embedder)
        report = ingester.ingest(list(paths), prune=prune, progress=progress, provenance=provenance)
        if report.chunks_added or report.chunks_removed:
            _prepare_keyword_index(settings, ingester)
        return report, ingester.store.count()


def _prepare_keyword_index(settings: Settings, ingester: Ingester) -> None:
    """Builds the new version's BM25 index and embeds its vocabulary now, so that the first question after an
    ingest does not wait for them (seconds on a large corpus). Derived data: a failure here costs that wait only,
    never the ingest (the first question builds it)."""
    try:
        keyword_index(ingester.store, settings.catalog_url, settings.bm25_dir, ingester.embedder.embed)
    except Exception as exc:  # noqa: BLE001 - the store, catalog and model raise many kinds; the ingest is saved
        log.warning("the keyword index was not prepared (%s: %s); the first question builds it",
                    exc.__class__.__name__, exc)


def remove_source(settings: Settings, name: str, embedder: Embedder | None = None) -> tuple[str, int]:
    """Removes one source, named by path, file name or unique path suffix; returns its key and the chunks
    removed."""
    require_index(settings)
    with ingest_lock(settings):
        ingester = build_ingester(settings, embedder)
        key = ingester.resolve_source(name)
        return key, ingester.remove(key)
