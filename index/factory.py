"""Builds the index-side objects from settings, in one place."""

from __future__ import annotations

from crossbrief.index.chunking import Chunker
from crossbrief.index.embedding import Embedder, load_embedder
from crossbrief.index.ingest import Ingester
from crossbrief.index.manifest import Manifest
from crossbrief.config import Settings
from crossbrief.index.store import ChromaStore, ChunkStore
from crossbrief.index.safe_load import LoadLimits, shared_loader
from crossbrief.index.sentence_index import SentenceIndex
from crossbrief.index.table_store import TableStore


def open_chroma(settings: Settings, create: bool = False) -> ChromaStore:
    """The Chroma collection the settings name: a server when `index.chroma_url` is set, else on disk."""
    return ChromaStore.open(settings.chroma_dir, settings.index.chroma_url, settings.index.collection, create)


def open_store(settings: Settings, create: bool = False) -> ChunkStore:
    return open_chroma(settings, create)


def open_sentences(settings: Settings, create: bool = False) -> SentenceIndex | None:
    """The chunks' sentence vectors, in a second collection beside the chunks' (None when `index.sentence_vectors`
    is off)."""
    if not settings.index.sentence_vectors:
        return None
    return SentenceIndex(_sentence_collection(settings, create))


def drop_sentences(settings: Settings) -> None:
    """Deletes the sentence vectors' collection (derived data: doctor writes it again from the stored chunks)."""
    _sentence_collection(settings, create=False).drop()


def _sentence_collection(settings: Settings, create: bool) -> ChromaStore:
    return ChromaStore.open(settings.chroma_dir, settings.index.chroma_url, f"{settings.index.collection}-sentences",
                            create)


def build_embedder(settings: Settings) -> Embedder:
    return load_embedder(settings.index.embedding_backend, settings.index.embed_batch_size, settings.model_cache,
                         settings.index.onnx_threads)


def build_ingester(settings: Settings, embedder: Embedder | None = None, store: ChunkStore | None = None,
                   sentences: SentenceIndex | None = None) -> Ingester:
    """The ingester for `settings`; `embedder` and `store` default to the ones the settings name, and so do the
    sentence vectors unless `store` is given (then only `sentences` when given: they live beside that store)."""
    embedder = embedder or build_embedder(settings)
    if store is None and sentences is None:
        sentences = open_sentences(settings, create=True)
    return Ingester(
        store=store if store is not None else open_store(settings, create=True),
        embedder=embedder,
        chunker=Chunker(
            embedder.count_word_pieces, settings.index.chunk_tokens, settings.index.overlap_tokens,
            settings.index.csv_rows_per_chunk,
        ),
        manifest=Manifest.load(settings),
        max_file_bytes=int(settings.index.max_file_mb * 1e6),
        tables=TableStore.open(settings.catalog_url),
        loader=shared_loader(LoadLimits.from_settings(settings.index)),
        sentences=sentences,
        skip_files=settings.index.skip_files,
    )
