"""Several machines serving one index (issue 12, "Done means"): a real `chroma run` and a real PostgreSQL, and
crossbrief processes with different data directories against them. One ingests while another answers; the other
then finds the new source through dense and BM25 retrieval; feedback written on either is read by both; two
simultaneous ingests leave one consistent catalog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from crossbrief.config import Settings
from crossbrief.index.factory import open_store
from crossbrief.index.manifest import Manifest
from tests.conftest import CORPUS, CROSSBRIEF, ROOT
from tests.local_http import start_chroma
from tests.postgres_server import PostgresServer, postgres  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW_SOURCE = "2024-11-15-new-synthetic-substances.pdf"
QUESTION = "How many new synthetic substances were identified in Canada in 2023?"


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    try:
        server = start_chroma(tmp_path)
    except RuntimeError as exc:
        pytest.fail(f"chroma run did not start: {exc}")
    try:
        yield server.url
    finally:
        server.close()


def _folder(tmp_path: Path, name: str, *patterns: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for pattern in patterns:
        for path in CORPUS.glob(pattern):
            shutil.copy(path, folder / path.name)
    return folder


_RATE_ON_A = """
import json
from crossbrief.config import Settings
from crossbrief.feedback import FeedbackStore
store = FeedbackStore.open(Settings())
store.record(channel="test", question="asked on machine A", answer="an answer", citations=[], settings_hash="x",
             rating=-1)
print(json.dumps({"questions": [row["question"] for row in store.rows()]}))
"""


class Answerer:
    """A crossbrief process that stays up and answers one question per line (tests/integration/answer_loop.py)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.integration.answer_loop"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)

    def ask(self, question: str) -> dict[str, object]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            pytest.fail("the answering process died: " + (self.process.stderr.read() if self.process.stderr else "")[-1500:])
        reply: dict[str, object] = json.loads(line)
        assert "error" not in reply, reply
        return reply

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def test_two_machines_share_one_index_through_chroma_and_postgresql(
        tmp_path: Path, chroma_url: str, postgres: PostgresServer) -> None:  # noqa: F811
    catalog_url = postgres.new_database("crossbrief")
    shared = {"CROSSBRIEF_INDEX__CHROMA_URL": chroma_url, "CROSSBRIEF_CATALOG__URL": catalog_url}

    def machine(name: str) -> dict[str, str]:
        return {**os.environ, **shared, "CROSSBRIEF_HOME": str(tmp_path / name)}

    first = subprocess.run([CROSSBRIEF, "ingest", str(_folder(tmp_path, "notes", "*.md")), "--json"],
                           env=machine("machine-a"), capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    new_source = str((_folder(tmp_path, "later", NEW_SOURCE) / NEW_SOURCE).resolve())

    other = Answerer(machine("machine-b"))
    try:
        before = other.ask(QUESTION)
        assert new_source not in before["dense_sources"] + before["bm25_sources"]  # type: ignore[operator]
        ingest = subprocess.Popen([CROSSBRIEF, "ingest", str(tmp_path / "later"), "--json"], env=machine("machine-a"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered_during = 0
        while ingest.poll() is None:
            other.ask(QUESTION)  # answers while the other machine writes
            answered_during += 1
        out, err = ingest.communicate()
        assert ingest.returncode == 0, err
        assert json.loads(out)["files_new"] == 1 and answered_during >= 1
        # machine B follows the catalog's version (looked at about once a second): wait for it, with a deadline
        deadline = time.monotonic() + 60
        while True:
            after = other.ask(QUESTION)
            found_by = {kind for kind in ("dense_sources", "bm25_sources") if new_source in after[kind]}  # type: ignore[operator]
            if found_by == {"dense_sources", "bm25_sources"} or time.monotonic() > deadline:
                break
        assert found_by == {"dense_sources", "bm25_sources"}, after
        assert new_source in after["passage_sources"] and "eleven" in str(after["answer"])  # type: ignore[operator]

        # feedback given on either machine is read on both
        other.ask(":rate")
        written_on_a = subprocess.run([sys.executable, "-c", _RATE_ON_A], cwd=ROOT, env=machine("machine-a"),
                                      capture_output=True, text=True, timeout=120)
        assert written_on_a.returncode == 0, written_on_a.stderr
        assert json.loads(written_on_a.stdout)["questions"] == [QUESTION, "asked on machine A"]
        assert other.ask(":feedback")["questions"] == [QUESTION, "asked on machine A"]
    finally:
        other.close()

    # two more machines ingest at the same moment: the advisory lock lets one write at a time
    parts = [_folder(tmp_path, "web", "*.html"), _folder(tmp_path, "text", "*.txt")]
    both = [subprocess.Popen([CROSSBRIEF, "ingest", str(part), "--json"], env=machine(f"machine-{name}"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, part in zip("cd", parts)]
    for process in both:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert json.loads(out)["files_new"] == 1
    settings = Settings(home=tmp_path / "machine-c", index={"chroma_url": chroma_url}, catalog={"url": catalog_url})
    manifest = Manifest.load(settings)
    expected = {str(p.resolve()) for folder in ("notes", "later", "web", "text") for p in (tmp_path / folder).iterdir()}
    assert set(manifest.sources) == expected
    assert open_store(settings).all_ids() == manifest.all_chunk_ids()
    for name in "abcd":  # nothing of the index or feedback is kept per machine, only the BM25 cache
        home = tmp_path / f"machine-{name}"
        assert not any((home / name).exists() for name in ("manifest.json", "catalog.sqlite3", "feedback.sqlite3"))


def test_an_ingest_killed_on_one_machine_neither_blocks_nor_corrupts_the_next(
        tmp_path: Path, chroma_url: str, postgres: PostgresServer) -> None:  # noqa: F811
    """kill -9 while holding the advisory lock: PostgreSQL drops the lock with the connection, and the next ingest
    from another machine repairs what the killed one left half-written."""
    catalog_url = postgres.new_database("killed")
    shared = {"CROSSBRIEF_INDEX__CHROMA_URL": chroma_url, "CROSSBRIEF_CATALOG__URL": catalog_url}
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(60):  # invented notes: ~400 chunks, so the kill lands with one group saved and one in flight
        body = " ".join(f"Note {i} records {i * 7 + j} kilograms seized at checkpoint {j}." for j in range(80))
        (notes / f"note-{i:02d}.md").write_text(f"---\ntitle: Seizure note {i}\ndate: 2025-01-{i % 28 + 1:02d}\n---\n\n{body}\n")
    settings = Settings(home=tmp_path / "observer", index={"chroma_url": chroma_url}, catalog={"url": catalog_url})
    killed = subprocess.Popen([CROSSBRIEF, "ingest", str(notes)], env={**os.environ, **shared,
                              "CROSSBRIEF_HOME": str(tmp_path / "machine-a")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while killed.poll() is None and time.monotonic() < deadline and not Manifest.load(settings).sources:
        time.sleep(0.05)  # polling for the first saved group, not waiting for time to pass
    assert killed.poll() is None, "the ingest finished before it could be killed: give it more notes"
    killed.kill()
    killed.wait()
    done = subprocess.run([CROSSBRIEF, "ingest", str(notes), "--json"], env={**os.environ, **shared,
                          "CROSSBRIEF_HOME": str(tmp_path / "machine-b")}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert 0 < report["files_unchanged"] < 60 and report["files_new"] == 60 - report["files_unchanged"]
    manifest = Manifest.load(settings)
    assert len(manifest.sources) == 60
    assert open_store(settings).all_ids() == manifest.all_chunk_ids()
