"""BM25 over the indexed chunks (bm25s), persisted beside the Chroma data and rebuilt whenever the
manifest's fingerprint changes."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crossbrief.index.store import StoredChunk



def _bm25s():  # type: ignore[no-untyped-def]
    """bm25s, imported on first use; it sets its own logger to DEBUG on import, which we undo."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def bm25_text(chunk: StoredChunk) -> str:
    meta = chunk.metadata
    return " ".join(part for part in (str(meta.get("title", "")), str(meta.get("heading", "")), chunk.text) if part)


@dataclass
class BM25Index:
    """BM25 scores for every chunk, with each chunk's source and date kept beside it so that filters apply as a
    mask over all chunks (no candidate list that a narrow filter could empty)."""

    ids: list[str]
    sources: list[str]
    date_nums: list[int]  # YYYYMMDD, 0 when the source gives no date
    _retriever: object
    _vocabulary: set[str] | None = None

    @classmethod
    def build(cls, chunks: list[StoredChunk]) -> "BM25Index":
        bm25s = _bm25s()

        retriever = bm25s.BM25()
        if chunks:
            tokens = bm25s.tokenize([bm25_text(c) for c in chunks], stopwords="en", show_progress=False)
            retriever.index(tokens, show_progress=False)
        return cls([c.id for c in chunks], [str(c.metadata.get("source", "")) for c in chunks],
                   [int(c.metadata.get("date_num", 0) or 0) for c in chunks], retriever)

    def mask(self, sources: tuple[str, ...], date_from: int | None, date_to: int | None) -> np.ndarray | None:
        """True for the chunks a filter keeps; None when there is no filter."""
        if not sources and date_from is None and date_to is None:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if sources:
            keep &= np.isin(np.asarray(self.sources), list(sources))
        dates = np.asarray(self.date_nums)
        if date_from is not None:
            keep &= dates >= date_from
        if date_to is not None:
            keep &= (dates <= date_to) & (dates > 0)
        return keep

    def top(self, query: str, n: int, keep: np.ndarray | None) -> list[tuple[str, float]]:
        """The n best-scoring chunks with a positive score, best first (partial sort: O(chunks))."""
        scores = self.scores(query)
        if keep is not None and len(scores):
            scores = np.where(keep, scores, 0.0)
        if not len(scores):
            return []
        n = min(n, len(scores))
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]

    @classmethod
    def load_or_build(cls, directory: Path, fingerprint: str, chunks_loader) -> "BM25Index":  # type: ignore[no-untyped-def]
        """Loads the saved index when its fingerprint matches, else rebuilds from `chunks_loader()` and saves."""
        bm25s = _bm25s()

        meta_path = directory / "meta.json"
        if meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text())
                if meta.get("fingerprint") == fingerprint:
                    retriever = bm25s.BM25.load(str(directory / "bm25"), load_corpus=False) if meta["ids"] else None
                    return cls(meta["ids"], meta["sources"], meta["date_nums"], retriever)
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache is rebuilt below
        index = cls.build(chunks_loader())
        index.save(directory, fingerprint)
        return index

    def save(self, directory: Path, fingerprint: str) -> None:
        partial = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self.ids:
            self._retriever.save(str(partial / "bm25"))  # type: ignore[attr-defined]
        (partial / "meta.json").write_text(json.dumps({"fingerprint": fingerprint, "ids": self.ids,
                                                      "sources": self.sources, "date_nums": self.date_nums}))
        shutil.rmtree(directory, ignore_errors=True)
        partial.rename(directory)

    def vocabulary(self) -> set[str]:
        if self._vocabulary is None:
            self._vocabulary = set(self._retriever.vocab_dict) if self.ids else set()  # type: ignore[attr-defined]
        return self._vocabulary

    def scores(self, query: str) -> np.ndarray:
        """A BM25 score per chunk, in the order of `ids`."""
        bm25s = _bm25s()

        if not self.ids:
            return np.zeros(0)
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)[0]
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(len(self.ids))
        return np.asarray(self._retriever.get_scores(known))  # type: ignore[attr-defined]
