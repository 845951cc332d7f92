"""Builds the index-side objects from settings, in one place."""

from __future__ import annotations

from crossbrief.index.chunking import Chunker
from crossbrief.index.embedding import Embedder, load_embedder
from crossbrief.index.ingest import Ingester
from crossbrief.index.manifest import Manifest
from crossbrief.config import Settings
from crossbrief.index.store import ChunkStore


def open_store(settings: Settings, create: bool = False) -> ChunkStore:
    return ChunkStore.open(settings.chroma_dir, settings.index.chroma_url, settings.index.collection, create)


def build_embedder(settings: Settings) -> Embedder:
    return load_embedder(settings.index.embedding_backend, settings.index.embed_batch_size, settings.model_cache)


def build_ingester(settings: Settings, embedder: Embedder | None = None) -> Ingester:
    embedder = embedder or build_embedder(settings)
    return Ingester(
        store=open_store(settings, create=True),
        embedder=embedder,
        chunker=Chunker(
            embedder.count_word_pieces, settings.index.chunk_tokens, settings.index.overlap_tokens,
            settings.index.csv_rows_per_chunk,
        ),
        manifest=Manifest.load(settings),
        max_file_bytes=int(settings.index.max_file_mb * 1e6),
    )
