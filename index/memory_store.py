"""A `ChunkStore` held in memory: exact cosine search over a dict. It keeps the same promises as the Chroma
store (the contract tests in tests/contracts/ hold both to them), so tests about our own logic can run on it
without a database, and a short-lived tool can use it without touching disk."""

from __future__ import annotations

import threading
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from crossbrief.index.documents import Chunk
from crossbrief.index.store import StoredChunk, Where

_COMPARE = {
    "$eq": lambda value, bound: value == bound,
    "$ne": lambda value, bound: value != bound,
    "$gt": lambda value, bound: value > bound,
    "$gte": lambda value, bound: value >= bound,
    "$lt": lambda value, bound: value < bound,
    "$lte": lambda value, bound: value <= bound,
    "$in": lambda value, bound: value in bound,
    "$nin": lambda value, bound: value not in bound,
}


def matches(metadata: dict[str, Any], where: Where | None) -> bool:
    """Whether `metadata` passes a Chroma-style `where` filter."""
    if not where:
        return True
    for key, condition in where.items():
        if key == "$and":
            if not all(matches(metadata, part) for part in condition):
                return False
        elif key == "$or":
            if not any(matches(metadata, part) for part in condition):
                return False
        elif key not in metadata:
            return False
        elif isinstance(condition, dict):
            for op, bound in condition.items():
                if op not in _COMPARE:
                    raise ValueError(f"Unsupported filter operator {op!r}; use one of {', '.join(_COMPARE)}")
                if not _COMPARE[op](metadata[key], bound):
                    return False
        elif metadata[key] != condition:
            return False
    return True


class MemoryStore:
    """Chunks and unit vectors in a dict, insertion-ordered; safe to share between threads."""

    def __init__(self, location: str = "memory") -> None:
        self.location = location
        self._chunks: dict[str, StoredChunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def count(self) -> int:
        return len(self._chunks)

    def all_ids(self) -> set[str]:
        with self._lock:
            return set(self._chunks)

    def put(self, chunks: Sequence[StoredChunk], vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        with self._lock:
            for chunk, vector in zip(chunks, vectors):
                self._chunks[chunk.id] = StoredChunk(chunk.id, chunk.text, dict(chunk.metadata))
                self._vectors[chunk.id] = np.asarray(vector, dtype=np.float32).copy()

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.put([StoredChunk.of(c) for c in chunks], vectors)

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock:
            for chunk_id in ids:
                self._chunks.pop(chunk_id, None)
                self._vectors.pop(chunk_id, None)

    def delete_where(self, where: Where) -> None:
        with self._lock:
            for chunk_id in [i for i, chunk in self._chunks.items() if matches(chunk.metadata, where)]:
                self._chunks.pop(chunk_id)
                self._vectors.pop(chunk_id)

    def get(self, ids: Sequence[str]) -> list[StoredChunk]:
        with self._lock:
            return [self._chunks[i] for i in ids if i in self._chunks]

    def get_all(self) -> list[StoredChunk]:
        with self._lock:
            return list(self._chunks.values())

    def pages(self, size: int = 5000) -> Iterator[tuple[list[StoredChunk], np.ndarray]]:
        chunks = self.get_all()
        for start in range(0, len(chunks), size):
            part = chunks[start:start + size]
            yield part, np.stack(self.vectors([c.id for c in part]))

    def vectors(self, ids: Sequence[str]) -> list[np.ndarray]:
        found = self.vectors_by_id(ids)
        return [found[i] for i in ids if i in found]

    def vectors_by_id(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        with self._lock:
            return {i: self._vectors[i].copy() for i in ids if i in self._vectors}

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        with self._lock:
            ids = [i for i, chunk in self._chunks.items() if matches(chunk.metadata, where)]
            if not ids:
                return []
            matrix = np.stack([self._vectors[i] for i in ids])
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
        similarity = (matrix @ query) / np.clip(norms, 1e-12, None)
        order = sorted(range(len(ids)), key=lambda j: (-float(similarity[j]), ids[j]))[:max(n, 1)]
        return [(ids[j], float(similarity[j])) for j in order]
