from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


from crossbrief.index.factory import build_ingester, open_sentences, open_store
from crossbrief.index.sentence_index import chunk_of, sentences_of
from crossbrief.index.manifest import Manifest
from crossbrief.config import Settings
from tests.conftest import CORPUS, run_cli


MD_FILES = len(list(CORPUS.glob("*.md")))


def _copy_corpus(tmp_path: Path, pattern: str = "*") -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob(pattern):
        shutil.copy(path, corpus / path.name)
    return corpus


def _contents(settings: Settings) -> dict[str, tuple[str, tuple[tuple[str, Any], ...]]]:
    store = open_store(settings)
    return {c.id: (c.text, tuple(sorted(c.metadata.items()))) for c in store.get_all()}


def assert_consistent(settings: Settings) -> None:
    """Manifest, chunks and sentence vectors agree: every chunk the manifest names is stored, nothing else is, and
    the sentence entries are exactly those of the stored chunks (each prose sentence, one per table chunk)."""
    manifest = Manifest.load(settings)
    chunks = open_store(settings).get_all()
    assert {c.id for c in chunks} == manifest.all_chunk_ids()
    sentences = open_sentences(settings)
    assert sentences is not None
    expected = sum(len(sentences_of(c.text, str(c.metadata["kind"]))) or int(c.metadata["kind"] not in ("text", "table"))
                   for c in chunks)
    entries = sentences.store.all_ids()
    assert {chunk_of(i) for i in entries} <= manifest.all_chunk_ids() and len(entries) == expected


def test_reingesting_unchanged_tree_changes_nothing(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path, "*.md")
    settings = Settings(home=tmp_path / "home")
    first = build_ingester(settings, embedder).ingest([corpus])
    before = _contents(settings)
    second = build_ingester(settings, embedder).ingest([corpus])
    assert first.files_new == MD_FILES and first.chunks_added == len(before) > 0
    assert (second.files_new, second.files_changed, second.chunks_added, second.chunks_removed) == (0, 0, 0, 0)
    assert second.files_unchanged == MD_FILES
    assert _contents(settings) == before
    assert_consistent(settings)


def test_changed_file_replaces_exactly_its_old_chunks(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path, "*.md")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([corpus])
    before = _contents(settings)
    note = next(corpus.glob("*tariff-rate-update.md"))
    note.write_text(note.read_text().replace("35%", "45%"))
    report = build_ingester(settings, embedder).ingest([corpus])
    after = _contents(settings)
    assert report.files_changed == 1 and report.files_unchanged == MD_FILES - 1
    texts = [text for text, _ in after.values()]
    assert any("45%" in t for t in texts) and not any("from 25% to 35%" in t for t in texts)
    untouched = {i for i, (_, meta) in before.items() if str(note.resolve()) not in dict(meta).values()}
    assert untouched <= set(after)
    assert_consistent(settings)


def test_prune_and_remove_drop_sources(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path, "*.md")
    settings = Settings(home=tmp_path / "home")
    ingester = build_ingester(settings, embedder)
    ingester.ingest([corpus])
    gone = next(corpus.glob("*firearms*"))
    gone.unlink()
    report = build_ingester(settings, embedder).ingest([corpus], prune=True)
    assert report.files_removed == 1 and report.chunks_removed > 0
    assert str(gone.resolve()) not in Manifest.load(settings).sources
    ingester = build_ingester(settings, embedder)
    key = ingester.resolve_source("2025-02-07-canada-border-plan.md")
    assert ingester.remove(key) > 0
    assert len(Manifest.load(settings).sources) == MD_FILES - 2
    assert_consistent(settings)


def test_cli_reports_bad_files_and_still_ingests_the_rest(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path, "*overdose-deaths-us-and-canada.md")
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.7 garbage")
    (corpus / "binary.txt").write_bytes(b"\x00\xff\x00\xfe")
    (corpus / "latin1.txt").write_bytes("d\u00e9j\u00e0 vu".encode("latin-1"))
    (corpus / "empty.md").write_bytes(b"")
    big = corpus / "huge.txt"
    big.write_text("border " * 300_000)
    result = run_cli("ingest", str(corpus), "--json", env={"CROSSBRIEF_INDEX__MAX_FILE_MB": "1"})
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["files_new"] == 1
    failed = {Path(f["path"]).name: f["error"] for f in summary["files_failed"]}
    assert set(failed) == {"corrupt.pdf", "binary.txt", "latin1.txt", "empty.md", "huge.txt"}
    assert "limit" in failed["huge.txt"] and "UTF-8" in failed["latin1.txt"]
    for key in ("files_changed", "files_unchanged", "chunks_added", "chunks_removed", "seconds"):
        assert key in summary
    assert "Traceback" not in result.stderr


def test_a_folders_readme_and_licence_are_skipped_unless_named(tmp_path: Path) -> None:
    """A README or LICENCE in a folder describes the folder, not a source to cite: skipped (and said so), unless the
    file is named itself or index.skip_files says otherwise."""
    corpus = _copy_corpus(tmp_path, "*.html")
    (corpus / "README.md").write_text("# About this folder\n\nThe tariff on widgets is 99% in these notes.\n")
    (corpus / "nested").mkdir()
    (corpus / "nested" / "LICENSE.txt").write_text("Licensed to all who read the widget notes.\n")
    result = run_cli("ingest", str(corpus), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["files_new"] == 1
    assert sorted(Path(p).name for p in summary["files_skipped"]) == ["LICENSE.txt", "README.md"]
    plain = run_cli("ingest", str(corpus))
    assert "skipped README.md, LICENSE.txt:" in plain.stderr and "index.skip_files" in plain.stderr
    named = json.loads(run_cli("ingest", str(corpus / "README.md"), "--json").stdout)
    assert named["files_new"] == 1 and named["files_skipped"] == []
    every = run_cli("ingest", str(corpus), "--json", env={"CROSSBRIEF_INDEX__SKIP_FILES": "[]"})
    assert json.loads(every.stdout)["files_new"] == 1  # the licence; the README is in already
    # a data file whose name begins like one is a source; --prune drops the notes ingested before they were skipped
    (corpus / "licenses-issued-2031.csv").write_text("Year,Licences\n2031,12\n")
    pruned = json.loads(run_cli("ingest", "--prune", str(corpus), "--json").stdout)
    assert pruned["files_new"] == 1 and pruned["files_removed"] == 2
    listed = {Path(r["source"]).name for r in json.loads(run_cli("sources", "--json").stdout)["sources"]}
    assert "README.md" not in listed and "LICENSE.txt" not in listed and "licenses-issued-2031.csv" in listed


def test_cli_missing_path_and_unknown_option_exit_2_with_one_line(tmp_path: Path) -> None:
    missing = run_cli("ingest", str(tmp_path / "nope"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "nope" in missing.stderr
    unknown = run_cli("ingest", "--frobnicate", str(tmp_path))
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "frobnicate" in unknown.stderr
    no_index = run_cli("sources")
    assert no_index.returncode == 1 and "crossbrief ingest" in no_index.stderr and "Traceback" not in no_index.stderr


def test_cli_ingest_then_sources_lists_titles_dates_and_chunks(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path, "*.html")
    assert run_cli("ingest", str(corpus)).returncode == 0
    listed = json.loads(run_cli("sources", "--json").stdout)
    (row,) = listed["sources"]
    assert row["title"].startswith("Where the fentanyl") and row["date"] == "2025-02-10" and row["chunks"] > 0
    removed = run_cli("remove", Path(row["source"]).name)
    assert removed.returncode == 0 and "Removed" in removed.stdout
    assert json.loads(run_cli("sources", "--json").stdout)["sources"] == []


def test_changed_chunk_settings_reingest_every_source(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path, "*.md")
    build_ingester(Settings(home=tmp_path / "home"), embedder).ingest([corpus])
    smaller = Settings(home=tmp_path / "home", index={"chunk_tokens": 60, "overlap_tokens": 10})
    report = build_ingester(smaller, embedder).ingest([corpus])
    assert report.files_changed == MD_FILES and report.files_unchanged == 0
    assert_consistent(smaller)
