"""The `ChunkStore` port (chunk texts, vectors and metadata, searched by cosine similarity) and its Chroma
adapter: on disk by default, or a Chroma server over HTTP when `index.chroma_url` is set (the same code path,
through `HttpClient`). index/memory_store.py holds a small in-memory implementation of the same port."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol, Sequence, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from crossbrief.errors import IndexNotFound, StoreUnavailable
from crossbrief.index.documents import Chunk

# Chroma's telemetry stays off, whatever the client.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_BATCH = 1000
_PAGE = 5000


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the store holds it: id, text and flat metadata (`Chunk.metadata()`)."""

    id: str
    text: str
    metadata: dict[str, Any]

    @classmethod
    def of(cls, chunk: Chunk) -> "StoredChunk":
        return cls(chunk.id, chunk.text, dict(chunk.metadata()))


Where = dict[str, Any]
"""A metadata filter in Chroma's `where` syntax; stores support `$and`, `$in`, `$eq`, `$gte`, `$lte`, `$gt`, `$lt`
and a bare value for equality. A chunk that lacks the key does not match."""


@runtime_checkable
class ChunkStore(Protocol):
    """Chunks with their vectors. Writes are upserts by chunk id; reads return what exists, in the order asked."""

    location: str

    def count(self) -> int: ...

    def all_ids(self) -> set[str]: ...

    def put(self, chunks: Sequence[StoredChunk], vectors: np.ndarray) -> None:
        """Upserts chunks (row i of `vectors` belongs to chunks[i])."""

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def delete_where(self, where: Where) -> None:
        """Deletes every chunk whose metadata matches `where`."""

    def get(self, ids: Sequence[str]) -> list[StoredChunk]: ...

    def get_all(self) -> list[StoredChunk]: ...

    def pages(self, size: int = _PAGE) -> Iterator[tuple[list[StoredChunk], np.ndarray]]:
        """Every chunk with its vectors, `size` at a time (to copy one store into another)."""

    def vectors(self, ids: Sequence[str]) -> list[np.ndarray]:
        """The stored vectors of those of `ids` the store holds, in their order (a missing id is left out)."""

    def vectors_by_id(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """id -> stored vector, for those of `ids` the store holds."""

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks that match `where`, best first."""


def _client_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class ChromaStore:
    """Chunks in one Chroma collection (cosine space). Never uses Chroma's own embedding function."""

    def __init__(self, client: Any, collection_name: str, location: str, create: bool) -> None:
        self.location = location
        self._client = client
        self._name = collection_name
        self._collection: Any = None
        if create:
            self._collection = self._open(create=True)

    @classmethod
    def open(cls, chroma_dir: Path, chroma_url: str | None, collection: str, create: bool) -> "ChromaStore":
        import chromadb

        if chroma_url:
            parsed = urlparse(chroma_url)
            try:
                client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000, ssl=parsed.scheme == "https",
                    settings=_client_settings(),
                )
                client.heartbeat()
            except Exception as exc:  # httpx and chroma raise many kinds when a server is down
                raise StoreUnavailable(
                    f"Cannot reach the Chroma server at {chroma_url} ({exc.__class__.__name__}); start it with "
                    "`chroma run --path DIR` or unset CROSSBRIEF_INDEX__CHROMA_URL to use the on-disk index"
                ) from exc
            return cls(client, collection, chroma_url, create)
        if not create and not chroma_dir.exists():
            raise IndexNotFound(f"No index at {chroma_dir}: run `crossbrief ingest PATH` first")
        chroma_dir.mkdir(parents=True, exist_ok=True)
        try:
            client = chromadb.PersistentClient(path=str(chroma_dir), settings=_client_settings())
            return cls(client, collection, str(chroma_dir), create)
        except Exception as exc:  # a damaged chroma.sqlite3 surfaces as chroma's InternalError, sqlite errors...
            raise StoreUnavailable(
                f"The vector store at {chroma_dir} is damaged ({exc.__class__.__name__}: {' '.join(str(exc).split())[:100]}); "
                "run `crossbrief doctor` to rebuild it from the sources (feedback and reports are kept)"
            ) from exc

    def _open(self, create: bool) -> Any:
        if create:
            return self._client.get_or_create_collection(
                self._name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        try:
            return self._client.get_collection(self._name, embedding_function=None)
        except Exception as exc:  # chroma raises NotFoundError / ValueError by version
            raise IndexNotFound(
                f"No collection {self._name!r} in the index at {self.location}: run `crossbrief ingest PATH` first"
            ) from exc

    @property
    def _chroma(self) -> Any:
        if self._collection is None:
            self._collection = self._open(create=False)
        return self._collection

    def as_langchain(self, embeddings: Any) -> Any:
        """LangChain's own Chroma vector store over this collection (the plain peer `crossbrief bench` compares
        against)."""
        from langchain_chroma import Chroma

        return Chroma(client=self._client, collection_name=self._name, embedding_function=embeddings)

    def count(self) -> int:
        return int(self._chroma.count())

    def drop(self) -> None:
        """Deletes this collection and everything in it (doctor rebuilds a derived collection this way)."""
        self._client.delete_collection(self._name)
        self._collection = None

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            page = self._chroma.get(include=[], limit=_PAGE, offset=offset)
            ids.update(page["ids"])
            if len(page["ids"]) < _PAGE:
                return ids
            offset += _PAGE

    def put(self, chunks: Sequence[StoredChunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            # Chroma's upsert merges metadata into what a stored chunk had (a key the new metadata lacks, such as
            # a date removed from the source, would survive): chunks stored before are replaced whole instead
            stored_before = self._chroma.get(ids=[c.id for c in part], include=[])["ids"]
            if stored_before:
                self._chroma.delete(ids=stored_before)
            self._chroma.upsert(
                ids=[c.id for c in part], documents=[c.text for c in part],
                metadatas=[c.metadata for c in part], embeddings=np.asarray(vectors[i:i + _BATCH]),
            )

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.put([StoredChunk.of(c) for c in chunks], vectors)

    def delete(self, ids: Iterable[str]) -> None:
        id_list = list(ids)
        for i in range(0, len(id_list), _BATCH):
            self._chroma.delete(ids=id_list[i:i + _BATCH])

    def delete_where(self, where: Where) -> None:
        self._chroma.delete(where=where)

    def get_all(self) -> list[StoredChunk]:
        out: list[StoredChunk] = []
        offset = 0
        while True:
            page = self._chroma.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            out.extend(StoredChunk(i, d, m) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"]))
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def pages(self, size: int = _PAGE) -> Iterator[tuple[list[StoredChunk], np.ndarray]]:
        offset = 0
        while True:
            page = self._chroma.get(include=["documents", "metadatas", "embeddings"], limit=size, offset=offset)
            if not page["ids"]:
                return
            yield ([StoredChunk(i, d, m) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])],
                   np.asarray(page["embeddings"], dtype=np.float32))
            if len(page["ids"]) < size:
                return
            offset += size

    def get(self, ids: Sequence[str]) -> list[StoredChunk]:
        found: dict[str, StoredChunk] = {}
        for i in range(0, len(ids), _BATCH):  # SQLite refuses a query binding ~32k ids
            page = self._chroma.get(ids=list(ids[i:i + _BATCH]), include=["documents", "metadatas"])
            found.update((c, StoredChunk(c, d, m)) for c, d, m in zip(page["ids"], page["documents"], page["metadatas"]))
        return [found[i] for i in ids if i in found]

    def vectors(self, ids: Sequence[str]) -> list[np.ndarray]:
        found = self.vectors_by_id(ids)
        return [found[i] for i in ids if i in found]

    def vectors_by_id(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), _BATCH):
            page = self._chroma.get(ids=list(ids[i:i + _BATCH]), include=["embeddings"])
            found.update((c, np.asarray(v, dtype=np.float32)) for c, v in zip(page["ids"], page["embeddings"]))
        return found

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks, best first; texts are fetched by the caller
        for the few it keeps (`get`), which is cheaper than carrying every candidate's text back."""
        # Chroma returns fewer than n when the collection (or the filter) holds fewer: no count call needed
        result = self._chroma.query(query_embeddings=[vector], n_results=max(n, 1), where=where or None,
                                    include=["distances"])
        return [(i, 1.0 - float(dist)) for i, dist in zip(result["ids"][0], result["distances"][0])]
