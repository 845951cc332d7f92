"""Feedback lives in the catalog database: written by one process, read by another; old files imported once."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crossbrief.config import Settings
from crossbrief.feedback import COLUMNS, FeedbackStore
from tests import postgres_server

postgres = postgres_server.postgres  # the fixture: a real PostgreSQL per module

_WRITE = """
from crossbrief.config import load_settings
from crossbrief.feedback import FeedbackStore
store = FeedbackStore.open(load_settings())
print(store.record(channel="slack", user="U1", question="q?", answer="a [1]", citations=[{"n": 1}],
                   settings_hash="h1", rating=1))
"""

_LEGACY_SCHEMA = """CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
channel TEXT NOT NULL, user TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL,
citations TEXT NOT NULL, settings_hash TEXT NOT NULL, rating INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '')"""


def test_feedback_written_by_one_process_is_read_by_another(tmp_path: Path) -> None:
    env = {**os.environ, "CROSSBRIEF_HOME": str(tmp_path / "writer-home"),
           "CROSSBRIEF_CATALOG__URL": f"sqlite:///{tmp_path / 'shared' / 'catalog.sqlite3'}"}
    written = subprocess.run([sys.executable, "-c", _WRITE], env=env, capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    reader = Settings(home=tmp_path / "reader-home", catalog={"url": env["CROSSBRIEF_CATALOG__URL"]})
    (row,) = FeedbackStore.open(reader).rows()
    assert row["id"] == int(written.stdout) and (row["channel"], row["user"], row["rating"]) == ("slack", "U1", 1)


def test_csv_export_has_the_columns_and_the_comment(tmp_path: Path) -> None:
    store = FeedbackStore.open(Settings(home=tmp_path))
    row_id = store.record(channel="ui", question="q", answer="a", citations=[], settings_hash="h", rating=-1)
    store.add_comment(row_id, "wrong figure")
    (row,) = csv.DictReader(io.StringIO(store.to_csv()))
    assert tuple(row) == COLUMNS and row["comment"] == "wrong figure" and row["rating"] == "-1"


def test_rows_of_an_old_feedback_file_are_imported_once(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    with sqlite3.connect(settings.feedback_db) as old:
        old.execute(_LEGACY_SCHEMA)
        old.executemany("INSERT INTO feedback (created_at, channel, user, question, answer, citations, settings_hash,"
                        " rating, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [("2025-01-01T00:00:00+00:00", "ui", "", "q1", "a1", "[]", "h", 1, "good"),
                         ("2025-01-02T00:00:00+00:00", "slack", "U2", "q2", "a2", "[]", "h", -1, "")])
    old.close()
    first = FeedbackStore.open(settings)
    assert [r["question"] for r in first.rows()] == ["q1", "q2"]
    # another process (with no memory of this one's import) finds the file already imported
    code = "from crossbrief.config import load_settings\nfrom crossbrief.feedback import FeedbackStore\n" \
           "print(len(FeedbackStore.open(load_settings()).rows()))"
    other = subprocess.run([sys.executable, "-c", code], env={**os.environ, "CROSSBRIEF_HOME": str(tmp_path)},
                           capture_output=True, text=True, timeout=120)
    assert other.returncode == 0, other.stderr
    assert int(other.stdout) == 2


@pytest.mark.integration
def test_feedback_on_a_postgresql_catalog_is_shared_by_processes(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database("feedback")
    env = {**os.environ, "CROSSBRIEF_HOME": str(tmp_path / "machine-a"), "CROSSBRIEF_CATALOG__URL": url}
    written = subprocess.run([sys.executable, "-c", _WRITE], env=env, capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    other = FeedbackStore.open(Settings(home=tmp_path / "machine-b", catalog={"url": url}))
    other.record(channel="ui", question="q2", answer="a2", citations=[], settings_hash="h2", rating=-1)
    assert [(r["channel"], r["rating"]) for r in other.rows()] == [("slack", 1), ("ui", -1)]
