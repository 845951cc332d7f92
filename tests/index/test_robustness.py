"""Ingest survives kill -9, runs with no network at all, and works against a real `chroma run` server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crossbrief.errors import CrossbriefError
from crossbrief.index.manifest import Manifest
from crossbrief.config import Settings
from crossbrief.index.factory import open_sentences, open_store
from crossbrief.index.sentence_index import chunk_of
from tests.conftest import CORPUS, CROSSBRIEF, run_cli, shared_corpus_or_skip
from tests.local_http import closed_port, start_chroma

pytestmark = pytest.mark.integration


def _many_notes(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        sentences = " ".join(f"Note {i} records that {i * 7 + j} kilograms of precursor were seized at port {j}."
                             for j in range(12))
        (folder / f"note-{i:03d}.md").write_text(f"---\ntitle: Seizure note {i}\ndate: 2025-01-{i % 28 + 1:02d}\n---\n\n{sentences}\n")
    return folder


def test_kill_9_during_ingest_is_repaired_by_the_next_run(tmp_path: Path) -> None:
    corpus = _many_notes(tmp_path / "notes", 40)
    home = tmp_path / "home"
    env = {**os.environ, "CROSSBRIEF_HOME": str(home)}
    for kill_after_sources in (1, 12):
        process = subprocess.Popen([CROSSBRIEF, "ingest", str(corpus)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None:
            try:
                done = len(Manifest.load(Settings(home=home)).sources)
            except CrossbriefError:
                done = 0
            if done >= kill_after_sources:
                break
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # the interrupted run may have left the source it was on half-written; a file also changes meanwhile
        (corpus / "note-000.md").write_text((corpus / "note-000.md").read_text() + "\nA late addition of 5 kilograms.\n")
    final = run_cli("ingest", str(corpus), "--json", env={"CROSSBRIEF_HOME": str(home)})
    assert final.returncode == 0, final.stderr
    settings = Settings(home=home)
    manifest = Manifest.load(settings)
    assert len(manifest.sources) == 40
    assert open_store(settings).all_ids() == manifest.all_chunk_ids()
    sentences = open_sentences(settings)
    assert sentences is not None  # no sentence of a half-written or replaced chunk survives, and every chunk has some
    assert {chunk_of(i) for i in sentences.store.all_ids()} == manifest.all_chunk_ids()
    again = json.loads(run_cli("ingest", str(corpus), "--json", env={"CROSSBRIEF_HOME": str(home)}).stdout)
    assert (again["files_unchanged"], again["chunks_added"], again["chunks_removed"]) == (40, 0, 0)


def test_ingest_succeeds_with_no_network_at_all(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a network namespace here: {probe.stderr.decode().strip()}")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(CROSSBRIEF_HOME=str(tmp_path / "home"), TIKTOKEN_CACHE_DIR=str(tmp_path / "fresh-tiktoken-cache"))
    result = subprocess.run(["unshare", "-n", CROSSBRIEF, "ingest", str(corpus), "--json"], capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["files_new"] == len(list(CORPUS.iterdir())) and summary["chunks_added"] > 0
    asked = subprocess.run(["unshare", "-n", CROSSBRIEF, "ask", "--json", "How much is Canada's border plan worth?"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert asked.returncode == 0, asked.stderr
    assert "US$1.3 billion" in json.loads(asked.stdout)["answer"]


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    try:
        server = start_chroma(tmp_path)
    except RuntimeError as exc:
        pytest.fail(f"chroma run did not start: {exc}")
    yield server.url
    server.close()


def test_ingest_and_ask_through_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.md"):
        shutil.copy(path, corpus / path.name)
    env = {"CROSSBRIEF_INDEX__CHROMA_URL": chroma_server}
    first = run_cli("ingest", str(corpus), "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["chunks_added"] > 0
    assert not (Path(os.environ["CROSSBRIEF_HOME"]) / "chroma").exists()  # nothing went to the on-disk store
    asked = run_cli("ask", "--json", "What is the tariff on Canadian goods since August 2025?", env=env)
    assert asked.returncode == 0, asked.stderr
    assert "35%" in json.loads(asked.stdout)["answer"]
    served = Settings(home=Path(os.environ["CROSSBRIEF_HOME"]), index={"chroma_url": chroma_server})
    sentences = open_sentences(served)
    assert sentences is not None and sentences.store.count() > open_store(served).count()  # on the server too


def test_a_chroma_server_that_is_down_gives_one_line(tmp_path: Path) -> None:
    with closed_port() as port:
        result = run_cli("ingest", str(CORPUS), env={"CROSSBRIEF_INDEX__CHROMA_URL": f"http://127.0.0.1:{port}"})
    assert result.returncode == 1
    assert "Cannot reach the Chroma server" in result.stderr and "Traceback" not in result.stderr


def test_reference_corpus_ingests_with_every_loader(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """The real documents in ../shared/corpus (read there, never copied into the project). The 24k-row CSV is
    cut to its first 300 rows here to keep the suite fast; the full file is measured by the benchmark."""
    shared = shared_corpus_or_skip()
    from crossbrief.index.factory import build_ingester

    csv_head = tmp_path / "SubstanceHarmsData-head.csv"
    with (shared / "health_canada" / "SubstanceHarmsData.csv").open(encoding="utf-8") as handle:
        csv_head.write_text("".join(line for _, line in zip(range(301), handle)))
    settings = Settings(home=tmp_path / "home")
    report = build_ingester(settings, embedder).ingest([shared / "seed", shared / "whitehouse", csv_head])
    assert report.files_failed == [] and report.files_new == 1 + 23 + 1
    manifest = Manifest.load(settings)
    dated = [r for r in manifest.sources.values() if r.date]
    assert len(dated) == 24  # every document but the CSV states a date
    assert all(r.source_url for r in manifest.sources.values() if "/whitehouse/" in r.source)
    texts = [c.text for c in open_store(settings).get_all()]
    assert any("Substance: Opioids" in t and t.startswith("Table: ") for t in texts)
