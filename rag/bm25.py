"""BM25 over the indexed chunks (bm25s), persisted under `<home>/bm25/<version key>/` and rebuilt whenever the
catalog's version of the index changes (index/manifest.py `Stamp`). The index's vocabulary, embedded
(rag/word_neighbours.py), is saved with it: a question's words also look for their nearest words in the sources."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from crossbrief.index.store import StoredChunk
from crossbrief.rag.spelling import spellings
from crossbrief.rag.word_neighbours import Embed, ExpansionSettings, WordNeighbours

_TMP_PREFIX = ".tmp-"
_TMP_MAX_AGE_S = 3600  # a temporary folder this old belongs to a process that died while saving


def _prune(root: Path, key: str) -> None:
    """Removes saved versions older than the one before `key`, a pre-catalog layout, and abandoned temporary
    folders. A process still reading a removed version finds it gone and rebuilds (BM25Index.load)."""
    version, catalog_id = _parse(key)
    for entry in root.iterdir():
        if entry.name == key:
            continue
        if entry.name.startswith(_TMP_PREFIX):
            try:
                stale = time.time() - entry.stat().st_mtime > _TMP_MAX_AGE_S
            except OSError:
                continue
            if not stale:
                continue
        elif entry.name in ("meta.json", "bm25"):
            pass  # the layout before the catalog
        else:
            other_version, other_catalog = _parse(entry.name)
            if other_catalog == catalog_id and other_version >= version - 1:
                continue  # this version or the one before it: a reader may be loading it right now
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _parse(key: str) -> tuple[int, str]:
    """(version, catalog id) from a folder name made by manifest.Stamp.key; (-1, "") for anything else."""
    number, _, catalog_id = key[1:].partition("-")
    return (int(number), catalog_id) if key.startswith("v") and number.isdigit() else (-1, "")


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
    _frequencies: dict[str, int] | None = None
    neighbours: WordNeighbours | None = None  # the vocabulary's vectors (None: built without an embedder)

    @classmethod
    def build(cls, chunks: list[StoredChunk], embed: Embed | None = None) -> "BM25Index":
        bm25s = _bm25s()

        retriever = bm25s.BM25()
        if chunks:
            tokens = bm25s.tokenize([bm25_text(c) for c in chunks], stopwords="en", show_progress=False)
            retriever.index(tokens, show_progress=False)
        index = cls([c.id for c in chunks], [str(c.metadata.get("source", "")) for c in chunks],
                    [int(c.metadata.get("date_num", 0) or 0) for c in chunks], retriever)
        if embed is not None:
            index.neighbours = WordNeighbours.of(index.document_frequencies(), embed)
        return index

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

    def top(self, query: str, n: int, keep: np.ndarray | None,
            expansions: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
        """The n best-scoring chunks with a positive score, best first (partial sort: O(chunks))."""
        scores = self.scores(query, expansions)
        if keep is not None and len(scores):
            scores = np.where(keep, scores, 0.0)
        if not len(scores):
            return []
        n = min(n, len(scores))
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]

    @classmethod
    def load_or_build(cls, root: Path, key: str, chunks_loader: Callable[[], list[StoredChunk]],
                      embed: Embed | None = None) -> "BM25Index":
        """The index saved under `root/key`, else one built from `chunks_loader()` and saved there. Safe when
        several threads or processes do this at once: each builds in its own temporary folder and renames it into
        place; the first rename wins and a folder in place is never changed (one saved before word vectors were
        kept gets them in memory, from its vocabulary)."""
        loaded = cls.load(root / key)
        if loaded is not None:
            if loaded.neighbours is None and embed is not None:
                loaded.neighbours = WordNeighbours.of(loaded.document_frequencies(), embed)
            return loaded
        index = cls.build(chunks_loader(), embed)
        index.save(root, key)
        return index

    @classmethod
    def load(cls, directory: Path) -> "BM25Index | None":
        """The index saved in `directory`; None when there is none (or it was pruned or damaged meanwhile)."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
            retriever = _bm25s().BM25.load(str(directory / "bm25"), load_corpus=False) if meta["ids"] else None
            index = cls(meta["ids"], meta["sources"], meta["date_nums"], retriever)
        except Exception:  # noqa: BLE001  (derived data: anything unreadable is rebuilt from the store)
            return None
        try:
            index.neighbours = WordNeighbours.load(directory)
        except (OSError, ValueError, EOFError):
            pass  # saved without them, or damaged: load_or_build embeds the vocabulary again
        return index

    def save(self, root: Path, key: str) -> None:
        root.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=root))
        try:
            if self.ids:
                self._retriever.save(str(partial / "bm25"))  # type: ignore[attr-defined]
            if self.neighbours is not None:
                self.neighbours.save(partial)
            (partial / "meta.json").write_text(json.dumps({"ids": self.ids, "sources": self.sources,
                                                          "date_nums": self.date_nums}))
            try:
                partial.rename(root / key)
            except OSError:
                # another thread or process saved this version first: theirs stays, unless it is damaged
                if BM25Index.load(root / key) is None:
                    shutil.rmtree(root / key, ignore_errors=True)
                    try:
                        partial.rename(root / key)
                    except OSError:
                        pass  # replaced by a third writer meanwhile: that copy is as good as ours
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        _prune(root, key)

    def document_frequencies(self) -> dict[str, int]:
        """How many chunks use each indexed word (lower-cased, as BM25 tokenises)."""
        if self._frequencies is None:
            if not self.ids:
                self._frequencies = {}
            else:
                vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
                pointers = np.asarray(self._retriever.scores["indptr"])  # type: ignore[attr-defined]
                counts = np.diff(pointers)
                self._frequencies = {word: int(counts[i]) for word, i in vocab.items() if word and i < len(counts)}
        return self._frequencies

    @staticmethod
    def tokens(query: str) -> list[str]:
        """The question's words as BM25 reads them (lower-cased, stop words out)."""
        return list(_bm25s().tokenize([query], stopwords="en", show_progress=False, return_ids=False)[0])

    def expansions(self, query: str, embed: Embed, settings: ExpansionSettings) -> dict[str, float]:
        """The indexed words nearest the question's words, with their weights (none without word vectors)."""
        if self.neighbours is None or settings.weight <= 0:
            return {}
        return self.neighbours.expansions(self.tokens(query), embed, settings)

    def scores(self, query: str, expansions: Mapping[str, float] | None = None) -> np.ndarray:
        """A BM25 score per chunk, in the order of `ids`; each word of `expansions` adds its own BM25 score times
        its weight."""
        if not self.ids:
            return np.zeros(0)
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        # a word the index lacks in the question's spelling is looked up in its other one ("tranquilliser")
        known = [next((s for s in spellings(t) if s in vocab), t) for t in self.tokens(query)]
        known = [t for t in known if t in vocab]
        scores = np.asarray(self._retriever.get_scores(known)) if known else np.zeros(len(self.ids))  # type: ignore[attr-defined]
        for word, weight in (expansions or {}).items():
            if word in vocab and word not in known:
                scores = scores + weight * np.asarray(self._retriever.get_scores([word]))  # type: ignore[attr-defined]
        return scores
