"""BM25 rebuilds are atomic per process and follow the catalog's version: concurrent questions after an ingest,
from threads and from several processes, never fail on each other's half-written index (issue 12, finding 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from crossbrief.index.store import StoredChunk
from crossbrief.rag.bm25 import BM25Index
from tests.conftest import CORPUS, CROSSBRIEF, ROOT, run_cli

VERSIONS = 6


def _chunks(version: int) -> list[StoredChunk]:
    return [StoredChunk(f"c{version}-{i}", f"seizure {i} of precursor batch {version} at port {i % 7}",
                        {"source": f"/s{i % 3}.md", "date_num": 20250101 + i % 20}) for i in range(200)]


def _key(version: int) -> str:
    return f"v{version:012d}-testcatalog"


def test_threads_rebuilding_the_same_versions_at_once_all_get_the_full_index(tmp_path: Path) -> None:
    root = tmp_path / "bm25"
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            for version in range(1, VERSIONS + 1):
                barrier.wait(timeout=60)
                index = BM25Index.load_or_build(root, _key(version), lambda v=version: _chunks(v))  # type: ignore[misc]
                assert index.ids == [c.id for c in _chunks(version)]
                assert index.top(f"batch {version}", 3, None)
        except BaseException as exc:  # noqa: BLE001  (reported below, with every other thread's)
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    kept = sorted(p.name for p in root.iterdir())
    assert kept == [_key(VERSIONS - 1), _key(VERSIONS)]  # older versions pruned, no temporary folder left


_REBUILDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from tests.rag.test_bm25 import VERSIONS, _chunks, _key
    from crossbrief.rag.bm25 import BM25Index
    root, go = Path(sys.argv[1]), Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.01)
    for version in range(1, VERSIONS + 1):
        for _ in range(3):
            index = BM25Index.load_or_build(root, _key(version), lambda: _chunks(version))
            assert index.ids == [c.id for c in _chunks(version)], version
    print("ok")
""")


@pytest.mark.integration
def test_processes_rebuilding_the_same_versions_at_once_all_succeed(tmp_path: Path) -> None:
    root, go = tmp_path / "bm25", tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", _REBUILDER, str(root), str(go)], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    go.touch()  # all start together
    results = [p.communicate(timeout=240) for p in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0 and out.strip() == "ok", err[-1500:]


def test_concurrent_questions_after_an_ingest_all_get_k_passages(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from crossbrief.config import Settings
    from crossbrief.index.factory import build_ingester
    from crossbrief.rag.service import build

    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([CORPUS / "2025-02-07-canada-border-plan.md",
                                               CORPUS / "2025-08-01-tariff-rate-update.md"])
    service = build(settings, embedder)
    k = 3
    assert len(service.retriever.retrieve("border plan", k=k).passages) == k
    build_ingester(settings, embedder).ingest([CORPUS / "2024-11-15-new-synthetic-substances.pdf"])
    new_source = str((CORPUS / "2024-11-15-new-synthetic-substances.pdf").resolve())
    barrier = threading.Barrier(8)
    results: list[object] = []

    def ask() -> None:
        try:
            barrier.wait(timeout=60)
            results.append(service.retriever.retrieve("new synthetic substances identified in Canada", k=k))
        except BaseException as exc:  # noqa: BLE001
            results.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    assert len(results) == 8
    for retrieved in results:
        passages = retrieved.passages  # type: ignore[attr-defined]
        assert len(passages) == k
        assert any(p.source == new_source and p.bm25_score for p in passages)


@pytest.mark.integration
def test_parallel_asks_from_several_processes_after_an_ingest_all_answer(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("2025-02-07-canada-border-plan.md", "2025-08-01-tariff-rate-update.md"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    assert run_cli("ingest", str(corpus)).returncode == 0
    env = dict(os.environ)
    processes = [subprocess.Popen([CROSSBRIEF, "ask", "--json", "How much is Canada's border plan worth?"], env=env,
                                  cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
    results = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, err[-1500:]
        assert "1.3 billion" in json.loads(out)["answer"]


def test_a_damaged_saved_version_is_rebuilt_and_replaced(tmp_path: Path) -> None:
    root = tmp_path / "bm25"
    BM25Index.load_or_build(root, _key(1), lambda: _chunks(1))
    (root / _key(1) / "meta.json").write_text("{damaged")
    rebuilt = BM25Index.load_or_build(root, _key(1), lambda: _chunks(1))
    assert rebuilt.ids == [c.id for c in _chunks(1)]
    reloaded = BM25Index.load(root / _key(1))
    assert reloaded is not None and reloaded.ids == rebuilt.ids


def test_the_cache_layout_from_before_the_catalog_is_cleared_on_the_first_build(tmp_path: Path) -> None:
    root = tmp_path / "bm25"
    (root / "bm25").mkdir(parents=True)
    (root / "meta.json").write_text('{"fingerprint": "0123", "ids": []}')
    BM25Index.load_or_build(root, _key(1), lambda: _chunks(1))
    assert sorted(p.name for p in root.iterdir()) == [_key(1)]


NOTES = {  # invented notes, no corpus text
    "ferry.md": "# Ferry service\n\nFerry crossings were suspended for two weeks after a storm damaged the pier.\n",
    "toll.md": "# Harbour toll\n\nThe harbour bridge toll rose by 12% in June 2025.\n",
}


def _fake_service(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A service on the in-process fakes whose retriever counts how often it reads the catalog's version."""
    import crossbrief.rag.retrieval as retrieval
    from crossbrief.config import Settings
    from crossbrief.index.factory import build_ingester
    from crossbrief.rag.service import build
    from tests.fakes import MemoryStore, ToyEmbedder

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ferry.md").write_text(NOTES["ferry.md"])
    settings, embedder, store = Settings(home=tmp_path / "home"), ToyEmbedder(dim=64), MemoryStore()
    ingest = lambda: build_ingester(settings, embedder, store=store).ingest([folder])  # noqa: E731
    ingest()
    reads: list[int] = []
    real = retrieval.read_stamp

    def counted(url: str):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(url)

    monkeypatch.setattr(retrieval, "read_stamp", counted)
    return build(settings, embedder, store=store), folder, ingest, reads


def test_questions_read_the_catalog_version_once_per_interval_and_at_once_after_a_local_ingest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service, folder, ingest, reads = _fake_service(tmp_path, monkeypatch)
    service.retriever.refresh_s = 3600
    for _ in range(10):
        service.retriever.retrieve("ferry crossings")
    assert len(reads) == 1
    (folder / "toll.md").write_text(NOTES["toll.md"])
    ingest()  # a save in this process: the next question looks at once
    passages = service.retriever.retrieve("harbour bridge toll").passages
    assert len(reads) == 2 and passages[0].source.endswith("toll.md") and passages[0].bm25_score
    service.retriever.refresh_s = 0
    for _ in range(3):
        service.retriever.retrieve("ferry crossings")
    assert len(reads) == 5


def test_an_unreachable_catalog_keeps_the_bm25_it_has(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crossbrief.rag.retrieval as retrieval
    from crossbrief.errors import StoreUnavailable

    service, _, _, _ = _fake_service(tmp_path, monkeypatch)
    service.retriever.refresh_s = 0
    assert service.retriever.retrieve("ferry crossings").passages[0].bm25_score

    def down(url: str) -> None:
        raise StoreUnavailable("Cannot read the catalog database: connection refused")

    monkeypatch.setattr(retrieval, "read_stamp", down)
    assert service.retriever.retrieve("ferry crossings").passages[0].bm25_score


def test_a_word_spelt_the_other_way_finds_the_chunks_that_use_it() -> None:
    """A user writes British spellings, the sources American (or the reverse): BM25, the index's word counts and the
    question's stems treat both spellings as one word."""
    from crossbrief.rag.words import stem
    from crossbrief.rag.evidence import chunks_using

    chunks = [StoredChunk("a", "The harbour police seized a veterinary tranquilizer at the port.", {"source": "/a.md"}),
              StoredChunk("b", "Widget exports rose in the third quarter.", {"source": "/b.md"}),
              StoredChunk("c", "The defence ministry counted 40 ferries.", {"source": "/c.md"})]
    index = BM25Index.build(chunks)
    assert [cid for cid, _ in index.top("tranquilliser", 3, None)] == ["a"]
    assert [cid for cid, _ in index.top("defense ministry", 3, None)] == ["c"]
    assert index.top("tranquillity", 3, None) == []  # no other spelling: nothing matched
    frequencies = index.document_frequencies()
    assert chunks_using("tranquilliser", frequencies) == 1 and chunks_using("tranquillity", frequencies) == 0
    assert stem("tranquillisers") == stem("tranquilizer") and stem("neighbours") == stem("neighbor")
