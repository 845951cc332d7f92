"""The embedding model's vectors of short texts, kept between questions: the same passages, sentences and table values
come back, and the offline answerer and the table linker (rag/table_meaning.py) share one cache (built in
rag/service.py build())."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class VectorCache:
    """`vectors(texts)` with a bounded cache (the oldest entry goes first). Safe when several threads (UI sessions,
    Slack workers) ask at once: vectors are taken from the cache under a lock into a local dict, so an eviction by
    another thread cannot remove one a caller still needs; the model runs outside the lock.

    A text's vector never depends on the texts embedded with it (the int8 embedder runs each alone:
    index/onnx_embedding.py), so a cached vector does not depend on which question first asked for it, and one
    seeded from the index is the one the model gives now."""

    vectors: Callable[[Sequence[str]], np.ndarray]
    size: int = 50_000
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            found = {t: self._cache[t] for t in wanted if t in self._cache}
        missing = [t for t in wanted if t not in found]
        if missing:
            vectors = list(self.vectors(missing))  # outside the lock: other questions keep going
            with self._lock:
                for text, vector in zip(missing, vectors):
                    # one seeded meanwhile (stored at ingest) is kept: every question gets that one
                    found[text] = self._put(text, vector)
        return np.stack([found[t] for t in texts])

    def _put(self, text: str, vector: np.ndarray) -> np.ndarray:
        """The cached vector of `text`, `vector` when there was none (caller holds the lock)."""
        if text not in self._cache:
            if len(self._cache) >= self.size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = vector
        return self._cache[text]

    def missing(self, texts: Sequence[str]) -> list[str]:
        """Those of `texts` the cache does not hold."""
        with self._lock:
            return [t for t in dict.fromkeys(texts) if t not in self._cache]

    def seed(self, known: dict[str, np.ndarray]) -> None:
        """Adds vectors computed elsewhere (stored at ingest) for texts the cache does not hold yet."""
        with self._lock:
            for text, vector in known.items():
                self._put(text, vector)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
