"""The catalog database holds the manifest and the index's version counter, on SQLite by default and on a real
PostgreSQL server; one ingest lock across processes; a re-chunked index still gives k passages (issue 11)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from crossbrief import catalog
from crossbrief.config import Settings
from crossbrief.index.factory import build_ingester, open_store
from crossbrief.index.manifest import EMPTY, Manifest, SourceRecord, read_stamp
from tests.conftest import CORPUS, ROOT, run_cli
from tests.postgres_server import PostgresServer, postgres  # noqa: F401  (fixture)


def _record(source: str, chunk_ids: tuple[str, ...], content_hash: str = "h1") -> SourceRecord:
    return SourceRecord(source=source, content_hash=content_hash, chunk_ids=chunk_ids, title=f"Title of {source}",
                        date="2025-01-02", source_url=None, kind="text", ingested_at="2025-01-03T00:00:00+00:00",
                        pipeline="prose3/180/30/onnx-int8")


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database(f"t{abs(hash(str(tmp_path))) % 10**9}")


def test_manifest_round_trips_and_every_change_bumps_the_version(catalog_url: str) -> None:
    assert read_stamp(catalog_url) == EMPTY
    manifest = Manifest.open(catalog_url)
    assert not manifest.indexed and manifest.sources == {}
    manifest.embedding_backend = "onnx-int8"
    manifest.sources["/a.md"] = _record("/a.md", ("a1", "a2"))
    manifest.sources["/b.md"] = _record("/b.md", ("b1",))
    manifest.save()
    first = read_stamp(catalog_url)
    assert first.version == 1 and first == manifest.stamp

    again = Manifest.open(catalog_url)
    assert again.sources == manifest.sources and again.embedding_backend == "onnx-int8" and again.indexed
    again.save()  # nothing changed: nothing written, same version
    assert read_stamp(catalog_url) == first

    again.sources["/a.md"] = _record("/a.md", ("a3",), content_hash="h2")
    del again.sources["/b.md"]
    again.save()
    assert read_stamp(catalog_url).version == 2
    assert Manifest.open(catalog_url).sources == {"/a.md": _record("/a.md", ("a3",), content_hash="h2")}
    assert read_stamp(catalog_url).catalog_id == first.catalog_id


def test_only_a_pipeline_change_still_bumps_the_version(catalog_url: str) -> None:
    """Issue 11: the old fingerprint hashed content only, so a re-chunk left BM25 with stale ids."""
    manifest = Manifest.open(catalog_url)
    manifest.sources["/a.md"] = _record("/a.md", ("a1", "a2"))
    manifest.save()
    before = read_stamp(catalog_url)
    manifest.sources["/a.md"] = replace(manifest.sources["/a.md"], chunk_ids=("x1", "x2", "x3"),
                                        pipeline="prose3/60/10/onnx-int8")
    manifest.save()
    assert read_stamp(catalog_url).version == before.version + 1


def test_a_manifest_json_from_before_the_catalog_is_migrated_once(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    settings.home.mkdir()
    legacy = {"format": 1, "embedding_backend": "onnx-int8",
              "sources": {"/a.md": asdict(_record("/a.md", ("a1", "a2")))}}
    settings.manifest_path.write_text(json.dumps(legacy))
    manifest = Manifest.load(settings)
    assert manifest.sources == {"/a.md": _record("/a.md", ("a1", "a2"))}
    assert manifest.embedding_backend == "onnx-int8" and manifest.stamp.version == 1
    assert not settings.manifest_path.exists() and settings.manifest_path.with_suffix(".json.migrated").exists()
    settings.manifest_path.write_text(json.dumps({**legacy, "sources": {}}))  # a stray old file is not read again
    assert Manifest.load(settings).sources == manifest.sources


def test_a_damaged_old_manifest_gives_advice_that_keeps_feedback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "manifest.json").write_text("{not json")
    result = run_cli("sources", env={"CROSSBRIEF_HOME": str(home)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "feedback and reports are kept" in result.stderr and "delete the data directory" not in result.stderr


def test_sources_without_an_index_creates_no_catalog(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_cli("sources", env={"CROSSBRIEF_HOME": str(home)})
    assert result.returncode == 1 and "crossbrief ingest" in result.stderr
    assert not (home / "catalog.sqlite3").exists()


_HOLDER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from crossbrief import catalog
    url, marker, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    db = catalog.engine(url)
    while not go.exists():  # all processes start their rounds together
        time.sleep(0.01)
    for _ in range(rounds):
        with catalog.exclusive(db, "ingest"):
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # fails if another holder is inside
            time.sleep(0.005)  # a holder stays inside a while, so that without the lock the holders would meet
            os.close(fd)
            os.unlink(marker)
    print("done")
""")


@pytest.mark.integration
def test_the_ingest_lock_admits_one_holder_across_processes(catalog_url: str, tmp_path: Path) -> None:
    marker, go = tmp_path / "inside", tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", _HOLDER, catalog_url, str(marker), "60", str(go)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    go.touch()
    results = [p.communicate(timeout=240) for p in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0 and out.strip() == "done", err[-1500:]


def _corpus(tmp_path: Path, name: str, pattern: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for path in CORPUS.glob(pattern):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.integration
def test_two_simultaneous_ingests_leave_one_consistent_catalog(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = _corpus(tmp_path, "one", "2025-0[1-2]*.md"), _corpus(tmp_path, "two", "2025-[01][3-9]*.md")
    env = {**os.environ, "CROSSBRIEF_HOME": str(home)}
    processes = [subprocess.Popen([str(Path(sys.executable).parent / "crossbrief"), "ingest", str(folder), "--json"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for folder in (first, second)]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, (out[-1500:], err[-1500:])
    settings = Settings(home=home)
    manifest = Manifest.load(settings)
    expected = {str(p.resolve()) for folder in (first, second) for p in folder.iterdir()}
    assert set(manifest.sources) == expected
    assert open_store(settings).all_ids() == manifest.all_chunk_ids()
    added = sum(json.loads(out)["chunks_added"] for out, _ in outputs)
    assert added == len(manifest.all_chunk_ids())


def test_after_rechunking_retrieval_still_returns_k_passages(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: change the chunk settings, re-ingest, query: k passages, every one from the new chunks."""
    from crossbrief.rag.service import build

    corpus = _corpus(tmp_path, "corpus", "*.md")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([corpus])
    stamp = read_stamp(settings.catalog_url)
    unchanged = build_ingester(settings, embedder).ingest([corpus])
    assert unchanged.chunks_added == unchanged.chunks_removed == 0
    assert read_stamp(settings.catalog_url) == stamp  # ingesting twice changes nothing, not even the version
    question = "What tariff did the US put on Canadian goods?"
    running = build(settings, embedder)
    k = settings.retrieval.k
    assert len(running.retriever.retrieve(question).passages) == k  # BM25 built and saved for this version
    smaller = Settings(home=tmp_path / "home", index={"chunk_tokens": 60, "overlap_tokens": 10})
    report = build_ingester(smaller, embedder).ingest([corpus])
    assert report.files_changed == len(list(corpus.iterdir()))
    held = open_store(smaller).all_ids()
    for service in (build(smaller, embedder), running):  # a new process's view, and one that was running
        passages = service.retriever.retrieve(question).passages
        assert len(passages) == k and {p.chunk_id for p in passages} <= held
        assert all(p.bm25_score is None or p.chunk_id in held for p in passages)
        bm25 = service.retriever._bm25_index()
        assert set(bm25.ids) == held


def test_catalog_tables_are_created_by_ensure_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    db = catalog.engine(url)
    catalog.ensure_tables(db)
    from sqlalchemy import inspect

    assert {"manifest_sources", "manifest_state"} <= set(inspect(db).get_table_names())
