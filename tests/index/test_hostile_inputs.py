"""Red-team findings about hostile and careless input files (issue 12): each test reproduces one finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from crossbrief.config import Settings
from crossbrief.errors import IngestError
from crossbrief.index.factory import build_ingester, open_store
from crossbrief.index.loaders import load
from crossbrief.index.manifest import Manifest, SourceRecord
from crossbrief.index.safe_load import LoaderProcess, LoadLimits, check_limits, load_checked
from tests.conftest import run_cli
from tests.index.hostile_files import (
    aes_encrypted_pdf,
    billion_laughs_markdown,
    decompression_bomb_pdf,
    wide_csv,
    zip_bomb_docx,
)

GOOD = "---\ntitle: Port seizures\ndate: 2025-01-10\n---\n\nPort officers seized 40 kilograms of precursor in January.\n"


def _one_line(error: str) -> bool:
    return "\n" not in error and "Traceback" not in error and len(error) < 400


def test_every_bad_file_becomes_its_own_failure_and_the_good_file_is_still_ingested(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD)
    (folder / "aes.pdf").write_bytes(aes_encrypted_pdf())
    (folder / "inflates.pdf").write_bytes(decompression_bomb_pdf())
    (folder / "laughs.md").write_bytes(billion_laughs_markdown())
    (folder / "bomb.docx").write_bytes(zip_bomb_docx())
    (folder / "wide.csv").write_bytes(wide_csv(5000))
    (folder / "late-nul.txt").write_bytes(b"Seizures rose 25 percent.\n" * 400 + b"\x00hidden")
    (folder / "quote.csv").write_text('name,value\n"open quote,1\nb,2\nc,3\n')
    settings = Settings(home=tmp_path / "home")
    report = build_ingester(settings, embedder).ingest([folder])
    assert report.files_new == 1
    failed = {Path(f["path"]).name: f["error"] for f in report.files_failed}
    assert set(failed) == {"aes.pdf", "inflates.pdf", "laughs.md", "bomb.docx", "wide.csv", "late-nul.txt",
                           "quote.csv"}
    for name, error in failed.items():
        assert _one_line(error) and name in error, error
    assert "encrypted" in failed["aes.pdf"]
    assert "columns" in failed["wide.csv"] and "binary" in failed["late-nul.txt"]
    manifest = Manifest.load(settings)
    assert [Path(k).name for k in manifest.sources] == ["good.md"]
    assert open_store(settings).all_ids() == manifest.all_chunk_ids()


class _FailsOnTitle:
    """The real chunker, except that one document raises what a parser bug would (a small fake of our own)."""

    def __init__(self, chunker, title: str) -> None:  # type: ignore[no-untyped-def]
        self._chunker, self._title = chunker, title

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._chunker, name)

    def chunk(self, document):  # type: ignore[no-untyped-def]
        if document.title == self._title:
            raise RecursionError("maximum recursion depth exceeded")
        return self._chunker.chunk(document)


def test_an_unexpected_error_while_chunking_one_file_costs_only_that_file(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "a-good.md").write_text(GOOD)
    (folder / "b-deep.md").write_text(GOOD.replace("Port seizures", "Deep"))
    ingester = build_ingester(Settings(home=tmp_path / "home"), embedder)
    ingester.chunker = _FailsOnTitle(ingester.chunker, "Deep")  # type: ignore[assignment]
    report = ingester.ingest([folder])
    assert report.files_new == 1
    [failure] = report.files_failed
    assert failure["path"].endswith("b-deep.md") and "RecursionError" in failure["error"] and _one_line(failure["error"])


def test_yaml_aliases_in_front_matter_are_refused_before_any_expansion(tmp_path: Path) -> None:
    # in a child capped at 1 GiB of address space: expanding the aliases (it used to pass 6 GB) dies of MemoryError
    (tmp_path / "laughs.md").write_bytes(billion_laughs_markdown())
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from pathlib import Path; from crossbrief.index.loaders import load; from crossbrief.errors import "
            "IngestError\ntry:\n    load(Path(sys.argv[1]), Path(sys.argv[1]).read_bytes())\n"
            "except IngestError as exc:\n    print('refused:', exc)\n")
    child = subprocess.run([sys.executable, "-c", code, str(tmp_path / "laughs.md")], capture_output=True,
                           text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-500:]
    assert child.stdout.startswith("refused:") and "front matter" in child.stdout


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked() -> None:
    with pytest.raises(IngestError, match="max_compression_ratio"):
        check_limits(Path("bomb.docx"), zip_bomb_docx(), LoadLimits())
    with pytest.raises(IngestError, match="max_unpacked_mb"):
        check_limits(Path("bomb.docx"), zip_bomb_docx(20), LoadLimits(max_unpacked_bytes=10_000_000))


def test_a_csv_over_the_column_limit_is_refused_and_a_normal_one_is_not() -> None:
    with pytest.raises(IngestError, match="201 columns"):
        check_limits(Path("wide.csv"), wide_csv(201), LoadLimits())
    check_limits(Path("ok.csv"), wide_csv(60), LoadLimits())
    assert load_checked(Path("ok.csv"), wide_csv(60), LoadLimits()).kind == "csv"


def test_a_csv_quote_that_is_never_closed_is_reported_not_merged() -> None:
    with pytest.raises(IngestError, match="CSV"):
        load(Path("quote.csv"), b'name,value\n"open quote,1\nb,2\nc,3\n')
    with pytest.raises(IngestError, match="CSV"):
        load(Path("quote.csv"), b'name,value\n"a,1\nb",2\n"c"x,3\n')


def test_a_nul_byte_after_the_first_8_kb_marks_the_file_as_binary() -> None:
    with pytest.raises(IngestError, match="binary"):
        load(Path("late.txt"), b"Plain words. " * 1000 + b"\x00 secret")


def test_the_worker_refuses_a_file_over_the_memory_limit_and_keeps_serving() -> None:
    loader = LoaderProcess(LoadLimits(memory_mb=256, max_unpacked_bytes=10**12, max_compression_ratio=10**9))
    try:
        with pytest.raises(IngestError, match="memory|reader stopped"):
            loader.load(Path("bomb.docx"), zip_bomb_docx(400))
        assert loader.load(Path("after.md"), GOOD.encode()).title == "Port seizures"
    finally:
        loader.close()


def test_the_worker_gives_up_on_a_slow_file_and_the_next_file_still_loads() -> None:
    # 250,000 paragraphs: seconds of processor time for any HTML parser, far over a 1 s limit
    slow = ("<html><body>" + "<p>word " * 250_000 + "</body></html>").encode()
    loader = LoaderProcess(LoadLimits(timeout_s=1))
    try:
        loader.load(Path("warm.md"), GOOD.encode())
        with pytest.raises(IngestError, match="processor time.*loader_timeout_s"):
            loader.load(Path("slow.html"), slow)
        assert loader.load(Path("after.md"), GOOD.encode()).title == "Port seizures"
    finally:
        loader.close()


def test_a_fifo_or_device_path_fails_as_that_file_with_exit_1(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    result = run_cli("ingest", str(fifo), "/dev/zero", str(good), "--json", timeout=240)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    failed = {f["path"]: f["error"] for f in summary["files_failed"]}
    assert set(failed) == {str(fifo), "/dev/zero"}
    assert all("not a regular file" in error for error in failed.values())
    assert summary["files_new"] == 1


def test_each_source_records_how_it_arrived_and_old_records_still_load(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    note = tmp_path / "note.md"
    note.write_text(GOOD)
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([note], provenance={"via": "upload", "by": "session 1a2b"})
    [record] = Manifest.load(settings).sources.values()
    assert record.provenance["via"] == "upload" and record.provenance["by"] == "session 1a2b"
    assert record.provenance["path"] == str(note) and record.provenance["at"] == record.ingested_at
    old = {k: v for k, v in json.loads(json.dumps(record.__dict__, default=list)).items() if k != "provenance"}
    assert SourceRecord.from_dict(old) == replace(record, provenance={})
