"""Hybrid retrieval: dense similarity from Chroma (of whole chunks, and of their single sentences:
index/sentence_index.py) and BM25 over the same chunks, fused by reciprocal rank. Filters on source and publication
date apply to all three."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from crossbrief.index.embedding import Embedder
from crossbrief.index.manifest import Manifest, Stamp, read_stamp, saves_in_this_process
from crossbrief.index.sentence_index import SentenceIndex
from crossbrief.index.store import ChunkStore, StoredChunk
from crossbrief.config import RetrievalSettings
from crossbrief.rag.bm25 import BM25Index
from crossbrief.errors import IndexNotFound, RetrievalError, StoreUnavailable
from crossbrief.rag.models import Filters, Passage
from crossbrief.rag.places import country_names_at
from crossbrief.rag.vector_cache import VectorCache
from crossbrief.rag.word_neighbours import ExpansionSettings, WordNeighbours
from pathlib import Path


log = logging.getLogger(__name__)
_CHUNK_CACHE = 20_000  # retrieved chunks kept in memory between questions


@dataclass
class Retrieved:
    passages: list[Passage]
    best_similarity: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def relevant(self) -> bool:
        return bool(self.passages)


def _date_num(value: str, name: str) -> int:
    import datetime as dt

    try:
        return int(dt.date.fromisoformat(value).strftime("%Y%m%d"))
    except ValueError as exc:
        raise RetrievalError(f"{name} must be a date like 2025-02-01 (got {value!r})") from exc


def chroma_where(filters: Filters) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.date_from:
        clauses.append({"date_num": {"$gte": _date_num(filters.date_from, "date_from")}})
    if filters.date_to:
        clauses.append({"date_num": {"$lte": _date_num(filters.date_to, "date_to")}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def to_passage(n: int, chunk: StoredChunk, dense: float | None, bm25: float | None, fused: float) -> Passage:
    meta = chunk.metadata
    return Passage(
        n=n, chunk_id=chunk.id, text=chunk.text, source=str(meta.get("source", "")), title=str(meta.get("title", "")),
        date=meta.get("date"), page=meta.get("page"), heading=str(meta.get("heading", "")),
        start=int(meta.get("start", 0)), end=int(meta.get("end", 0)), source_url=meta.get("source_url"),
        dense_score=dense, bm25_score=bm25, fused_score=fused, kind=str(meta.get("kind", "text")),
        page_breaks=tuple(int(b) for b in str(meta.get("page_breaks") or "").split(",") if b),
    )


def fuse(dense: list[str], bm25: list[str], rrf_k: float, dense_weight: float,
         bm25_weight: float, sentences: list[str] | None = None, sentence_weight: float = 0.0) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion of rankings of chunk ids (dense, BM25, and optionally the chunks of the nearest
    sentences), best first. Equal fused scores (frequent with a small constant: ranks 1 and 2 fuse like ranks 2 and 1)
    go to the better dense rank, then the better BM25 rank, never to the id: ids hash the source's path, so an id
    tie-break would order the same corpus differently on another machine or in another folder."""
    fused: dict[str, float] = {}
    for weight, ranking in ((dense_weight, dense), (bm25_weight, bm25), (sentence_weight, sentences or [])):
        if not weight:
            continue
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank + 1)
    absent = len(dense) + len(bm25) + len(sentences or [])
    dense_rank = {cid: rank for rank, cid in enumerate(dense)}
    bm25_rank = {cid: rank for rank, cid in enumerate(bm25)}
    return sorted(fused.items(), key=lambda item: (-round(item[1], 12), dense_rank.get(item[0], absent),
                                                   bm25_rank.get(item[0], absent), item[0]))


def keyword_index(store: ChunkStore, catalog_url: str, bm25_dir: Path,
                  embed: Callable[[Sequence[str]], np.ndarray] | None) -> tuple[BM25Index, Stamp]:
    """The BM25 index of the catalog's current version of the index (with its vocabulary's word vectors when `embed`
    is given), loaded from `bm25_dir`, else built from the store and saved there; and that version's stamp."""
    manifest = Manifest.open(catalog_url)
    wanted = manifest.all_chunk_ids()
    # only what this version lists: chunks of an ingest still running, or stale ones it has yet to delete, would
    # otherwise become ids that retrieval cannot fetch
    index = BM25Index.load_or_build(bm25_dir, manifest.stamp.key,
                                    lambda: [c for c in store.get_all() if c.id in wanted], embed)
    return index, manifest.stamp


@dataclass
class HybridRetriever:
    store: ChunkStore
    embedder: Embedder
    settings: RetrievalSettings
    catalog_url: str
    bm25_dir: Path
    refresh_s: float = 1.0  # how often the catalog's version is looked at (at once after a save in this process)
    sentences: SentenceIndex | None = None  # the chunks' sentence vectors (None: chunk vectors and BM25 only)
    _bm25: BM25Index | None = None
    _stamp: Stamp | None = None
    _checked: tuple[float, int] = (float("-inf"), -1)  # (monotonic time, saves_in_this_process) of the last look
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _chunks: dict[str, StoredChunk] = field(default_factory=dict)
    _countries: tuple[BM25Index, tuple[tuple[str, int], ...]] | None = None  # countries_named's, for its BM25 index
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="crossbrief-bm25"))
    # the vectors of question words the index does not hold (the indexed ones come from its table): kept between
    # questions, and shared with the offline answerer's overlap_near (rag/service.py build())
    word_cache: VectorCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.word_cache = VectorCache(self.embedder.embed, size=20_000)

    def _bm25_index(self) -> BM25Index:
        """The BM25 index for the catalog's current version of the index. The version is read at most every
        `refresh_s` seconds (one small SELECT), and at once after this process saved the manifest; one thread at a
        time rebuilds, the others wait for its result."""
        with self._lock:
            now, saves = time.monotonic(), saves_in_this_process()
            if self._bm25 is not None and now - self._checked[0] < self.refresh_s and saves == self._checked[1]:
                return self._bm25
            try:
                stamp = read_stamp(self.catalog_url)
            except StoreUnavailable as exc:
                if self._bm25 is None:
                    raise
                # keep answering from the index we have; look again after the next interval
                log.warning("the catalog cannot be read (%s); BM25 stays at the version it has", exc)
                self._checked = (now, saves)
                return self._bm25
            if self._bm25 is None or stamp != self._stamp:
                self._bm25, self._stamp = keyword_index(self.store, self.catalog_url, self.bm25_dir,
                                                        self.embedder.embed)
                self._chunks = {}
            self._checked = (now, saves)
            return self._bm25

    def _chunk_meta(self, ids: list[str]) -> dict[str, StoredChunk]:
        if len(self._chunks) > _CHUNK_CACHE:
            self._chunks = {}  # swapped, not cleared: a question on another thread keeps the dict it holds
        cache = self._chunks  # a new index swaps in a new dict; this question keeps using its own
        found = {i: chunk for i in ids if (chunk := cache.get(i)) is not None}
        for chunk in self.store.get([i for i in ids if i not in found]):
            cache[chunk.id] = found[chunk.id] = chunk
        return {i: found[i] for i in ids if i in found}

    def countries_named(self) -> tuple[tuple[str, int], ...]:
        """(ISO code, times named) of the countries the indexed prose passages name (places.country_names_at), most
        named first: read from every passage once per version of the index, when a question first needs them."""
        index = self._bm25_index()
        known = self._countries
        if known is not None and known[0] is index:
            return known[1]
        counts: Counter[str] = Counter()
        for chunk in self.store.get_all():  # texts and metadata only, not vectors
            if chunk.metadata.get("kind", "text") == "text":  # a table names a place once a row: no point of view
                counts.update(code for codes, _, _ in country_names_at(chunk.text) for code in codes)
        found = tuple(counts.most_common())
        self._countries = (index, found)
        return found

    def word_rarity(self) -> tuple[dict[str, int], int]:
        """(chunks using each indexed word, chunks indexed): how rare a question's words are in this index."""
        index = self._bm25_index()
        return index.document_frequencies(), len(index.ids)

    @property
    def expansion(self) -> ExpansionSettings:
        s = self.settings
        return ExpansionSettings(s.expansion_similarity, s.expansion_weight, s.expansion_words)

    def word_vectors(self) -> WordNeighbours | None:
        """The indexed words' vectors, kept with the BM25 index (None for an index saved without them)."""
        return self._bm25_index().neighbours

    def _timed_bm25(self, bm25: BM25Index, question: str, keep: np.ndarray | None,
                    expansions: dict[str, float]) -> tuple[list[tuple[str, float]], float]:
        started = time.perf_counter()
        ranked = bm25.top(question, self.settings.candidates, keep, expansions)
        return ranked, time.perf_counter() - started

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.embed([question])[0]

    def candidate_lists(self, question: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]],
                                                      list[tuple[str, float]]]:
        """The dense, BM25 and sentence candidates (id, score), best first, that `retrieve()` fuses (no filters);
        for scripts/fit_retrieval.py."""
        vector = self.embed_query(question)
        dense = self.store.query(vector, self.settings.candidates, None)
        return dense, self.bm25_candidates(question, self.expansion), self._sentence_hits(vector, None)

    def bm25_candidates(self, question: str, expansion: ExpansionSettings) -> list[tuple[str, float]]:
        """BM25's candidates (no filters) with the query expansion `expansion` (scripts/fit_retrieval.py tries
        several)."""
        bm25 = self._bm25_index()
        return bm25.top(question, self.settings.candidates, None,
                        bm25.expansions(question, self.word_cache, expansion))

    def _sentence_hits(self, vector: np.ndarray, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """The chunks of the sentences nearest the question (none when sentence vectors are off, or the index was
        built before them: the next ingest adds them). A damaged sentence collection costs this ranking only, with a
        warning (`crossbrief doctor` rebuilds it), never the answer."""
        if self.sentences is None:
            return []
        try:
            return self.sentences.query(vector, self.settings.candidates, where)
        except IndexNotFound:
            return []
        except Exception as exc:  # noqa: BLE001 - chroma raises many kinds for a damaged segment
            log.warning("the sentence vectors cannot be searched (%s: %s); run `crossbrief doctor`",
                        exc.__class__.__name__, " ".join(str(exc).split())[:120])
            return []

    def retrieve(self, question: str, filters: Filters | None = None, k: int | None = None) -> Retrieved:
        filters = filters or Filters()
        k = k or self.settings.k
        if k < 1:
            raise RetrievalError(f"k must be at least 1 (got {k})")
        timings: dict[str, float] = {}
        began = started = time.perf_counter()
        vector = self.embed_query(question)
        timings["embed_query"] = time.perf_counter() - started

        # BM25 runs on a second thread while Chroma answers the dense query (both release the GIL for the work)
        bm25 = self._bm25_index()
        keep = bm25.mask(filters.sources,
                         _date_num(filters.date_from, "date_from") if filters.date_from else None,
                         _date_num(filters.date_to, "date_to") if filters.date_to else None)
        started = time.perf_counter()
        expansions = bm25.expansions(question, self.word_cache, self.expansion)
        timings["expand"] = time.perf_counter() - started
        started = time.perf_counter()
        bm25_future = self._pool.submit(self._timed_bm25, bm25, question, keep, expansions)
        where = chroma_where(filters)
        dense_hits = self.store.query(vector, self.settings.candidates, where)
        timings["dense"] = time.perf_counter() - started
        started = time.perf_counter()
        sentence_hits = self._sentence_hits(vector, where) if self.settings.sentence_weight else []
        timings["sentences"] = time.perf_counter() - started
        bm25_ranked, timings["bm25"] = bm25_future.result()

        dense_score, bm25_score = dict(dense_hits), dict(bm25_ranked)
        ordered = fuse([cid for cid, _ in dense_hits], [cid for cid, _ in bm25_ranked], self.settings.rrf_k,
                       self.settings.dense_weight, self.settings.bm25_weight, [cid for cid, _ in sentence_hits],
                       self.settings.sentence_weight)
        ranked: list[tuple[str, float]] = []
        chunks: dict[str, StoredChunk] = {}
        summaries: Counter[str] = Counter()  # table summaries taken, per source
        limit = self.settings.summaries_per_source
        skipped: list[tuple[str, float]] = []  # summaries beyond a source's limit: taken only to fill up to k
        while len(ranked) < k and ordered:
            # an id the store no longer holds (deleted since this BM25 version was read) gives way to the next, and
            # so does a big table's summary beyond the source's first few: the summaries describe the table's rows
            # (the table answerer reads the table itself), and a dozen of them near a question about the table's
            # topic would leave no room for the prose that answers it
            size = max(k - len(ranked), min(k, 16))  # a few more than needed: skipped summaries make room
            batch, ordered = ordered[:size], ordered[size:]
            found = self._chunk_meta([cid for cid, _ in batch])
            chunks.update(found)
            for cid, score in batch:
                chunk = found.get(cid)
                if chunk is None:
                    continue
                if limit and chunk.metadata.get("kind") == "table-summary":
                    source = str(chunk.metadata.get("source", ""))
                    if summaries[source] >= limit:
                        skipped.append((cid, score))
                        continue
                    summaries[source] += 1
                if len(ranked) < k:
                    ranked.append((cid, score))
        # a question filtered to one big table has nothing but its summaries: they fill the rest, best first
        ranked.extend(skipped[:k - len(ranked)])
        # a BM25-only hit has no dense score yet: compute it so the relevance floor sees every passage
        missing = [cid for cid, _ in ranked if cid not in dense_score and cid in chunks]
        if missing:
            for cid, vec in self.store.vectors_by_id(missing).items():  # by id: one deleted meanwhile is left out
                dense_score[cid] = float(np.dot(vec, vector))
        passages = [
            to_passage(n, chunks[cid], dense_score.get(cid), bm25_score.get(cid), score)
            for n, (cid, score) in enumerate(((c, s) for c, s in ranked if c in chunks), 1)
        ]
        best = max((p.dense_score or 0.0 for p in passages), default=0.0)
        timings["retrieve_total"] = time.perf_counter() - began
        return Retrieved(passages, best, timings)
