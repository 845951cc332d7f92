"""`crossbrief doctor` and the red-team findings about a damaged index (issue 12): a damaged chroma.sqlite3 points
to doctor (not "unexpected error"), `sources` no longer calls a damaged index healthy, and doctor rebuilds what is
damaged from the sources without touching feedback or reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from crossbrief.config import Settings
from crossbrief.feedback import FeedbackStore
from crossbrief.index import doctor
from crossbrief.index.factory import build_ingester, open_store
from crossbrief.index.manifest import Manifest
from tests.conftest import run_cli

NOTES = {
    "port.md": "---\ntitle: Port seizures\ndate: 2025-01-10\n---\n\nPort officers seized 40 kilograms of precursor "
               "in January.\n",
    "rail.md": "---\ntitle: Rail checks\ndate: 2025-02-10\n---\n\nRail inspectors found 12 hidden compartments in "
               "February.\n",
}


@pytest.fixture()
def small_index(tmp_path: Path, embedder) -> Settings:  # type: ignore[no-untyped-def]
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text)
    settings = Settings(home=tmp_path / "home")
    report = build_ingester(settings, embedder).ingest([folder])
    assert report.files_new == 2
    FeedbackStore.open(settings).record(channel="ui", question="q", answer="a", citations=[], settings_hash="h",
                                        rating=1, comment="keep me")
    (settings.home / "reports").mkdir()
    (settings.home / "reports" / "latest.json").write_text('{"kept": true}')
    return settings


def _damage_sqlite_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100
    path.write_bytes(bytes(data))


def _one_line(stderr: str) -> bool:
    return stderr.count("\n") == 1 and "Traceback" not in stderr


def test_a_damaged_chroma_file_points_to_doctor_and_doctor_rebuilds_it(small_index: Settings) -> None:
    env = {"CROSSBRIEF_HOME": str(small_index.home)}
    _damage_sqlite_header(small_index.chroma_dir / "chroma.sqlite3")
    listed = run_cli("sources", env=env)
    assert listed.returncode == 1 and "crossbrief doctor" in listed.stderr and _one_line(listed.stderr)
    asked = run_cli("ask", "How many kilograms did port officers seize?", env=env)
    assert asked.returncode == 1 and _one_line(asked.stderr), asked.stderr
    assert "crossbrief doctor" in asked.stderr and "unexpected error" not in asked.stderr
    checked = run_cli("doctor", "--check", "--json", env=env)
    assert checked.returncode == 1 and not json.loads(checked.stdout)["healthy"]
    repaired = run_cli("doctor", env=env)
    assert repaired.returncode == 0, repaired.stderr
    assert "damaged" in repaired.stdout and "re-indexed 2 sources" in repaired.stdout
    assert "healthy now" in repaired.stdout
    healthy = run_cli("sources", "--json", env=env)
    assert healthy.returncode == 0 and json.loads(healthy.stdout)["healthy"] is True
    answered = run_cli("ask", "--json", "How many kilograms did port officers seize?", env=env)
    assert answered.returncode == 0 and "40 kilograms" in json.loads(answered.stdout)["answer"]
    [row] = FeedbackStore.open(small_index).rows()
    assert row["comment"] == "keep me"
    assert (small_index.home / "reports" / "latest.json").read_text() == '{"kept": true}'


def test_doctor_reingests_sources_whose_chunks_went_missing_and_drops_stray_chunks(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    manifest = Manifest.load(small_index)
    port = next(r for r in manifest.sources.values() if r.source.endswith("port.md"))
    store = open_store(small_index)
    store.delete(port.chunk_ids)
    stray = build_ingester(Settings(home=small_index.home.parent / "other"), embedder)
    stray_note = small_index.home.parent / "stray.md"
    stray_note.write_text(NOTES["rail.md"].replace("Rail checks", "Stray"))
    stray.ingest([stray_note])
    chunks = stray.store.get_all()
    store.put(chunks, np.stack(stray.store.vectors([c.id for c in chunks])))
    diagnosis = doctor.diagnose(small_index)
    assert [f.part for f in diagnosis.problems()] == ["manifest"]
    result = doctor.repair(small_index, embedder)
    assert result.ingest is not None and result.ingest.files_new == 1 and result.ingest.repaired_chunks == 1
    assert doctor.diagnose(small_index).healthy and doctor.quick_check(small_index) is None
    assert open_store(small_index).all_ids() == Manifest.load(small_index).all_chunk_ids()


def test_a_source_whose_chunks_and_file_are_both_gone_is_reported_lost(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    manifest = Manifest.load(small_index)
    rail = next(r for r in manifest.sources.values() if r.source.endswith("rail.md"))
    open_store(small_index).delete(rail.chunk_ids)
    Path(rail.source).unlink()
    result = doctor.repair(small_index, embedder)
    assert result.lost == [rail.source]
    assert doctor.diagnose(small_index).healthy


def test_a_damaged_keyword_index_is_found_and_dropped(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    stamp = Manifest.load(small_index).stamp
    folder = small_index.bm25_dir / stamp.key
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text("{not json")
    assert [f.part for f in doctor.diagnose(small_index).problems()] == ["bm25"]
    doctor.repair(small_index, embedder)
    assert not folder.exists() and doctor.diagnose(small_index).healthy


def test_a_healthy_index_is_left_alone(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    before = Manifest.load(small_index).stamp
    result = doctor.repair(small_index, embedder)
    assert result.diagnosis.healthy and result.actions == [] and Manifest.load(small_index).stamp == before
    shutil.rmtree(small_index.home / "reports")


def test_an_emptied_manifest_is_rebuilt_from_the_sources_the_store_names(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    manifest = Manifest.load(small_index)
    manifest.sources.clear()
    manifest.save()  # as after a catalog restored from an old backup
    assert [f.part for f in doctor.diagnose(small_index).problems()] == ["manifest"]
    result = doctor.repair(small_index, embedder)
    assert result.ingest is not None and result.ingest.files_new == 2
    assert sorted(Path(k).name for k in Manifest.load(small_index).sources) == ["port.md", "rail.md"]
    assert doctor.diagnose(small_index).healthy


def test_an_unreadable_manifest_record_points_to_doctor_which_rebuilds_it(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from crossbrief import catalog
    from crossbrief.index.manifest import sources_table

    with catalog.engine(small_index.catalog_url).begin() as conn:
        conn.execute(update(sources_table).values(record="{torn"))
    listed = run_cli("sources", env={"CROSSBRIEF_HOME": str(small_index.home)})
    assert listed.returncode == 1 and "crossbrief doctor" in listed.stderr and _one_line(listed.stderr)
    assert "data directory" not in listed.stderr
    result = doctor.repair(small_index, embedder)
    assert result.ingest is not None and result.ingest.files_new == 2
    assert doctor.diagnose(small_index).healthy
    [row] = FeedbackStore.open(small_index).rows()
    assert row["comment"] == "keep me"


def test_an_unreadable_legacy_manifest_json_is_set_aside_by_doctor(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from crossbrief import catalog
    from crossbrief.index.manifest import sources_table, state_table

    with catalog.engine(small_index.catalog_url).begin() as conn:  # a catalog not yet migrated from manifest.json
        conn.execute(delete(sources_table))
        conn.execute(delete(state_table))
    small_index.manifest_path.write_text("{torn")
    assert doctor.diagnose(small_index).manifest_fault == "legacy"
    result = doctor.repair(small_index, embedder)
    assert any("unreadable manifest" in action for action in result.actions)
    assert sorted(Path(k).name for k in Manifest.load(small_index).sources) == ["port.md", "rail.md"]
    assert not small_index.manifest_path.exists()


def test_damaged_sentence_vectors_cost_one_ranking_and_doctor_rebuilds_them(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    # enough sentences that Chroma keeps them in its vector index files, not only in its write buffer
    notes = small_index.home.parent / "notes"
    (notes / "log.md").write_text("# Log\n\n" + " ".join(f"Inspection {i} at berth {i % 7} found {i * 3} crates of "
                                                         "machine parts." for i in range(1100)) + "\n")
    build_ingester(small_index, embedder).ingest([notes])
    with sqlite3.connect(small_index.chroma_dir / "chroma.sqlite3") as db:
        (segment,) = db.execute("select s.id from segments s join collections c on s.collection = c.id "
                                "where c.name = ? and s.scope = 'VECTOR'", (f"{small_index.index.collection}-sentences",)).fetchone()
    for name in ("header.bin", "data_level0.bin"):  # the vector index itself, not its records
        (small_index.chroma_dir / segment / name).write_bytes(b"\x07" * 200)
    env = {"CROSSBRIEF_HOME": str(small_index.home)}  # new processes: this one holds the index it loaded
    checked = json.loads(run_cli("doctor", "--check", "--json", env=env).stdout)
    found = {f["part"]: f for f in checked["findings"]}
    assert not found["sentences"]["ok"] and "cannot be searched" in found["sentences"]["detail"]
    assert found["store"]["ok"] and found["manifest"]["ok"]
    asked = run_cli("ask", "--json", "How many kilograms did port officers seize?", env=env)
    assert asked.returncode == 0 and "40 kilograms" in json.loads(asked.stdout)["answer"], asked.stderr
    (notes / "extra.md").write_text("# Extra\n\nDock workers counted 17 sealed containers on the night shift.\n")
    added = run_cli("ingest", str(notes / "extra.md"), env=env)  # a writer meets the damage: one line to doctor
    assert added.returncode != 0 and "crossbrief doctor" in added.stderr and _one_line(added.stderr), added.stderr
    repaired = json.loads(run_cli("doctor", "--json", env=env).stdout)
    assert any("sentence vectors" in action for action in repaired["actions"])
    assert json.loads(run_cli("doctor", "--check", "--json", env=env).stdout)["healthy"]


def test_sentence_vectors_are_rebuilt_from_the_stored_chunks_even_for_a_file_gone(small_index: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    from crossbrief.index.factory import drop_sentences, open_sentences
    from crossbrief.index.sentence_index import chunk_of

    (small_index.home.parent / "notes" / "rail.md").unlink()
    drop_sentences(small_index)
    assert not {f.part: f for f in doctor.diagnose(small_index).findings}["sentences"].ok
    result = doctor.repair(small_index, embedder)
    assert any("rebuilt the sentence vectors" in action for action in result.actions) and result.lost == []
    sentences = open_sentences(small_index)
    assert sentences is not None
    assert {chunk_of(i) for i in sentences.store.all_ids()} == open_store(small_index).all_ids()
    assert doctor.diagnose(small_index).healthy
