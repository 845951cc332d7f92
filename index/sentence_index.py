"""Sentence vectors beside the chunk store: each prose sentence and each small table's row embedded on its own.

A question worded unlike any whole chunk ("What share of lethal poisonings...") may still sit close to the one
sentence it paraphrases; a chunk's single vector averages that sentence with its neighbours. Retrieval searches
these vectors as a third ranked list (rag/retrieval.py) and maps each sentence back to its chunk.

The sentences live in a second collection of the same kind of store as the chunks (Chroma on disk, a Chroma
server, or memory), named `<collection>-sentences`. Each entry's id is `<chunk id>~s<n>` and its metadata is its
chunk's, so retrieval's filters apply unchanged. The ingester writes a chunk's sentences before the chunk and
deletes them after it (index/ingest.py): a crash leaves extra sentences, which `prune` removes, never a chunk
without its sentences. A small table's rows (index/tables.py packs tables of up to 200 rows into "table" chunks) are
its sentences, one entry a row ("Row 2: Column 1: Revenues; Third Quarter: $ 88,495"); a big table's description
chunks are one entry each, with the chunk's own vector (no embedding of their own: a 24k-row table is never embedded
row by row). Without entries a table would lose every fusion to prose, which has three rankings to its two.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np

from crossbrief.index.chunking import split_sentences
from crossbrief.index.documents import Chunk
from crossbrief.errors import IndexNotFound, StoreUnavailable
from crossbrief.index.store import ChunkStore, StoredChunk, Where

T = TypeVar("T")
SEPARATOR = "~s"
# shorter pieces (a heading, "Sources:", a list number) say too little to be searched on their own
MIN_CHARS = 25
# chunk ids per filtered delete (SQLite limits how many values one query may bind)
_DELETE_BATCH = 500
# how many sentences are read for each chunk asked for: several sentences of one chunk come back together
_PER_CHUNK = 3


def _kind(chunk: StoredChunk) -> str:
    return str(chunk.metadata.get("kind", "text"))


def _stored(chunks: Sequence[Chunk | StoredChunk]) -> list[StoredChunk]:
    return [c if isinstance(c, StoredChunk) else StoredChunk.of(c) for c in chunks]


def _unavailable(exc: Exception) -> StoreUnavailable:
    detail = " ".join(str(exc).split())[:120]
    return StoreUnavailable(f"The sentence vectors cannot be read or written ({exc.__class__.__name__}: {detail}); "
                            "run `crossbrief doctor` to rebuild them from the stored chunks")


def chunk_of(sentence_id: str) -> str:
    """The chunk id a sentence entry belongs to."""
    return sentence_id.rsplit(SEPARATOR, 1)[0]


def sentences_of(text: str, kind: str = "text") -> list[str]:
    """What of a chunk gets a vector of its own: a prose chunk's sentences worth one, a small table's rows (under
    the chunk's first line, the table's label); nothing of a big table's description chunks (`kind`)."""
    if kind == "table":
        return [line.strip() for line in text.split("\n")[1:] if line.strip()]
    if kind != "text":
        return []
    found = []
    for span in split_sentences(text):
        sentence = " ".join(text[span.start:span.end].split())
        if len(sentence) >= MIN_CHARS:
            found.append(sentence)
    return found


@dataclass
class SentenceIndex:
    """The sentence entries of a chunk store (see the module docstring)."""

    store: ChunkStore

    @staticmethod
    def entries(chunks: Sequence[Chunk | StoredChunk]) -> list[StoredChunk]:
        """The sentence entries of `chunks` (prose sentences and small tables' rows), to embed (their `text`) and
        `put`."""
        return [StoredChunk(f"{chunk.id}{SEPARATOR}{n}", sentence, {**chunk.metadata, "chunk_id": chunk.id})
                for chunk in _stored(chunks) for n, sentence in enumerate(sentences_of(chunk.text, _kind(chunk)))]

    @staticmethod
    def whole_entries(chunks: Sequence[Chunk | StoredChunk]) -> tuple[list[StoredChunk], list[int]]:
        """One entry for each big table's description chunk of `chunks`, and the positions in `chunks` whose vectors
        they reuse."""
        stored = _stored(chunks)
        positions = [i for i, chunk in enumerate(stored) if _kind(chunk) not in ("text", "table")]
        return ([StoredChunk(f"{stored[i].id}{SEPARATOR}0", stored[i].text, {**stored[i].metadata,
                                                                           "chunk_id": stored[i].id})
                 for i in positions], positions)

    def put(self, entries: Sequence[StoredChunk], vectors: np.ndarray) -> None:
        if entries:
            self._guarded(lambda: self.store.put(entries, vectors))

    def write(self, chunks: Sequence[Chunk | StoredChunk], chunk_vectors: np.ndarray, entries: Sequence[StoredChunk],
              entry_vectors: np.ndarray) -> int:
        """Stores `chunks`' entries: `entries` (theirs, from `entries()`) with their own vectors, and one entry for
        each big table's description chunk with the chunk's vector; returns how many were stored."""
        self.put(entries, entry_vectors)
        whole, positions = self.whole_entries(chunks)
        self.put(whole, chunk_vectors[positions])
        return len(entries) + len(whole)

    def delete_chunks(self, chunk_ids: Iterable[str]) -> None:
        """Deletes the entries of `chunk_ids`, found by the chunk id each entry carries (exact, whatever the sentence
        splitting was when they were written)."""
        ids = list(chunk_ids)
        for i in range(0, len(ids), _DELETE_BATCH):
            where = {"chunk_id": {"$in": ids[i:i + _DELETE_BATCH]}}
            self._guarded(partial(self.store.delete_where, where))

    def prune(self, chunk_ids: set[str]) -> int:
        """Deletes sentences whose chunk is not in `chunk_ids` (left by an interrupted ingest); returns how many."""
        orphans = [i for i in self._guarded(self.store.all_ids) if chunk_of(i) not in chunk_ids]
        self._guarded(lambda: self.store.delete(orphans))
        return len(orphans)

    def rebuild(self, chunks: ChunkStore, embed: Callable[[list[str]], np.ndarray]) -> int:
        """Writes every stored chunk's entries anew (doctor, into an emptied collection): sentences and rows are
        embedded, description chunks reuse their stored vectors; returns the entries written."""
        written = 0
        for page, vectors in chunks.pages():
            sentences = self.entries(page)
            embedded = embed([e.text for e in sentences]) if sentences else vectors[:0]
            written += self.write(page, vectors, sentences, embedded)
        return written

    @staticmethod
    def _guarded(action: Callable[[], T]) -> T:
        """Runs a write or listing; a damaged collection becomes one error that points to doctor."""
        try:
            return action()
        except (IndexNotFound, StoreUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 - chroma raises many kinds for a damaged segment
            raise _unavailable(exc) from exc

    def stored_vectors(self, chunks: Sequence[tuple[str, str, str]]) -> dict[str, np.ndarray]:
        """The vectors stored for the sentences and rows of `chunks` ((chunk id, text, kind) each), by their text:
        what the offline answerer would otherwise embed again for each retrieved passage. Empty when they cannot be
        read (a damaged collection costs the time saved, never the answer)."""
        wanted = {f"{chunk_id}{SEPARATOR}{n}": sentence for chunk_id, text, kind in chunks
                  for n, sentence in enumerate(sentences_of(text, kind))}
        if not wanted:
            return {}
        try:
            found = self.store.vectors_by_id(list(wanted))
        except Exception:  # noqa: BLE001 - chroma raises many kinds for a damaged segment; the caller embeds instead
            return {}
        return {wanted[i]: vector for i, vector in found.items()}

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """(chunk id, its best sentence's cosine similarity) of the chunks of the nearest sentences, best first,
        at most `n` chunks."""
        best: dict[str, float] = {}
        for sentence_id, score in self.store.query(vector, n * _PER_CHUNK, where):
            chunk = chunk_of(sentence_id)
            if chunk not in best:
                best[chunk] = score
            if len(best) == n:
                break
        return list(best.items())
