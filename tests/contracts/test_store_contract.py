"""The `ChunkStore` contract, run against every implementation: Chroma on disk, a real `chroma run` server, and
the in-memory store."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from crossbrief.index.documents import Chunk
from crossbrief.index.memory_store import MemoryStore
from crossbrief.index.store import ChromaStore, ChunkStore, StoredChunk
from tests.local_http import ServedProcess, start_chroma

DIM = 16
_collections = itertools.count()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedProcess]:
    server = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    yield server
    server.close()


@pytest.fixture(params=["chroma-disk", "chroma-server", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ChunkStore:
    if request.param == "chroma-disk":
        return ChromaStore.open(tmp_path / "chroma", None, "contract", create=True)
    if request.param == "chroma-server":
        server: ServedProcess = request.getfixturevalue("chroma_server")
        return ChromaStore.open(tmp_path, server.url, f"contract-{next(_collections)}", create=True)
    return MemoryStore()


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def stored(i: int, **meta: object) -> StoredChunk:
    return StoredChunk(f"c{i:03d}", f"text of chunk {i}", {"source": f"/s/{i % 3}.md", "start": i, **meta})


def fill(store: ChunkStore, count: int = 6) -> list[StoredChunk]:
    chunks = [stored(i, date_num=20250100 + i) for i in range(count)]
    store.put(chunks, np.stack([unit(i) for i in range(count)]))
    return chunks


def test_it_is_a_chunk_store_with_a_location(store: ChunkStore) -> None:
    assert isinstance(store, ChunkStore) and store.location
    assert store.count() == 0 and store.all_ids() == set() and store.get_all() == []


def test_put_chunks_come_back_by_id_in_the_order_asked(store: ChunkStore) -> None:
    chunks = fill(store)
    assert store.count() == 6 and store.all_ids() == {c.id for c in chunks}
    assert store.get(["c004", "missing", "c001"]) == [chunks[4], chunks[1]]
    assert sorted(store.get_all(), key=lambda c: c.id) == chunks
    assert store.get([]) == [] and store.vectors([]) == []


def test_vectors_come_back_as_stored(store: ChunkStore) -> None:
    fill(store)
    back = store.vectors(["c002", "nope", "c000"])
    assert len(back) == 2
    assert np.allclose(back[0], unit(2), atol=1e-5) and np.allclose(back[1], unit(0), atol=1e-5)


def test_put_again_replaces_a_chunk_instead_of_adding_one(store: ChunkStore) -> None:
    fill(store)
    changed = StoredChunk("c001", "new text", {"source": "/s/new.md", "start": 9})
    store.put([changed], unit(99)[None, :])
    assert store.count() == 6 and store.get(["c001"]) == [changed]
    assert np.allclose(store.vectors(["c001"])[0], unit(99), atol=1e-5)


def test_add_stores_a_chunk_with_its_metadata(store: ChunkStore) -> None:
    chunk = Chunk(id="k1", text="body", source="/s/a.md", title="A", start=0, end=4, index=0, date="2025-02-03")
    store.add([chunk], unit(5)[None, :])
    assert store.get(["k1"]) == [StoredChunk("k1", "body", dict(chunk.metadata()))]
    assert store.get(["k1"])[0].metadata["date_num"] == 20250203


def test_deleted_chunks_are_gone_and_unknown_ids_are_ignored(store: ChunkStore) -> None:
    fill(store)
    store.delete(["c000", "c003", "never-stored"])
    store.delete([])
    assert store.all_ids() == {"c001", "c002", "c004", "c005"} and store.get(["c000"]) == []
    assert "c000" not in dict(store.query(unit(0), 10))


def test_query_returns_the_nearest_first_with_cosine_similarity(store: ChunkStore) -> None:
    fill(store)
    hits = store.query(unit(3), 3)
    assert len(hits) == 3 and hits[0][0] == "c003" and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    expected = sorted(range(6), key=lambda i: -float(unit(i) @ unit(3)))[:3]
    assert [i for i, _ in hits] == [f"c{i:03d}" for i in expected]
    assert hits[1][1] == pytest.approx(float(unit(expected[1]) @ unit(3)), abs=1e-4)


def test_query_returns_fewer_when_the_store_holds_fewer(store: ChunkStore) -> None:
    fill(store, 2)
    assert len(store.query(unit(0), 10)) == 2


def test_query_filters_on_metadata(store: ChunkStore) -> None:
    fill(store)
    store.put([stored(9)], unit(9)[None, :])  # no date_num: a date filter never matches it
    by_source = store.query(unit(0), 10, {"source": {"$in": ["/s/0.md"]}})
    assert {i for i, _ in by_source} == {"c000", "c003", "c009"}
    dated = store.query(unit(0), 10, {"$and": [{"date_num": {"$gte": 20250102}}, {"date_num": {"$lte": 20250104}}]})
    assert {i for i, _ in dated} == {"c002", "c003", "c004"}
    assert store.query(unit(0), 10, {"source": {"$in": ["/nowhere.md"]}}) == []


def test_pages_hold_every_chunk_once_with_its_vector(store: ChunkStore) -> None:
    chunks = fill(store)
    seen: dict[str, np.ndarray] = {}
    for page, vectors in store.pages(4):
        assert len(page) == len(vectors) <= 4
        for chunk, vector in zip(page, vectors):
            assert chunk.id not in seen
            seen[chunk.id] = vector
            assert chunk == chunks[int(chunk.id[1:])]
    assert set(seen) == {c.id for c in chunks}
    assert all(np.allclose(seen[f"c{i:03d}"], unit(i), atol=1e-5) for i in range(6))


def test_a_get_of_more_ids_than_sqlite_binds_at_once_works(store: ChunkStore) -> None:
    # removing or changing a source of ~33k chunks reads them all back (their sentence ids follow from their text)
    store.put([stored(1)], np.eye(4, dtype=np.float32)[:1])
    many = [f"absent-{i}" for i in range(33_000)] + [stored(1).id]
    assert [c.id for c in store.get(many)] == [stored(1).id]
    assert len(store.vectors(many)) == 1


def test_delete_where_removes_exactly_the_matching_chunks(store: ChunkStore) -> None:
    fill(store)
    store.delete_where({"source": {"$in": ["/s/0.md", "/s/2.md"]}})
    assert store.all_ids() == {"c001", "c004"}
