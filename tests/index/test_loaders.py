from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.errors import IngestError
from crossbrief.index.loaders import load
from tests.conftest import CORPUS


def _one(pattern: str) -> Path:
    (path,) = sorted(CORPUS.glob(pattern))
    return path


def test_markdown_front_matter_becomes_metadata() -> None:
    doc = load(_one("*tariff-rate-update.md"))
    assert doc.title.startswith("Update: US tariff")
    assert doc.date == "2025-08-01"
    assert doc.source_url and doc.source_url.startswith("https://www.whitehouse.gov/")
    assert "title:" not in doc.text and "35%" in doc.text


def test_html_keeps_main_text_and_drops_scripts_and_navigation() -> None:
    doc = load(_one("*.html"))
    assert "Well under 1%" in doc.text
    assert "analytics" not in doc.text and "All notes" not in doc.text and "Privacy" not in doc.text
    assert doc.date == "2025-02-10" and doc.source_url
    assert "The southern border is the main route" in [s.heading for s in doc.sections]


def test_pdf_text_keeps_page_numbers() -> None:
    doc = load(_one("*.pdf"))
    assert doc.kind == "pdf" and doc.date == "2024-11-15"
    assert doc.title == "New synthetic substances in the North American drug market"
    assert doc.page_at(doc.text.index("Nitazenes are")) == 1
    assert doc.page_at(doc.text.index("eleven new synthetic substances")) == 2


def test_docx_headings_become_sections() -> None:
    doc = load(_one("*.docx"))
    assert "more than 600 organized crime groups" in doc.text
    assert {"Scale", "Gaps in the federal response"} <= {s.heading for s in doc.sections}


def test_csv_rows_keep_their_column_names() -> None:
    doc = load(_one("*.csv"))
    assert "Substance: Opioids; Type: Deaths; Region: Canada; Year: 2023; Unit: Number; Value: 8020" in doc.text
    assert doc.tables[0].columns == ("Substance", "Type", "Region", "Year", "Unit", "Value")


def test_text_file_title_and_date() -> None:
    doc = load(_one("*.txt"))
    assert doc.title.startswith("Cooperation platforms")
    assert doc.date == "2025-02-14"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF"),
        ("binary.txt", b"\x00\x01\x02\x03binary\x00data", "binary"),
        ("latin1.txt", "caf\u00e9 r\u00e9sum\u00e9".encode("latin-1"), "UTF-8"),
        ("empty.md", b"", "empty"),
        ("blank.txt", b"   \n\n ", "empty"),
        ("broken.docx", b"PK\x03\x04 not a zip", "docx"),
        ("header-only.csv", b"a,b,c\n", "no rows"),
        ("notes.rtf", b"{\\rtf1 hello}", "unsupported"),
    ],
)
def test_bad_files_raise_ingest_error_naming_path_and_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        load(path)
    assert str(path) in str(info.value)
    assert reason.lower() in str(info.value).lower()


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(IngestError, match="limit"):
        load(path, max_bytes=100)


def test_a_span_across_a_page_break_knows_where_each_page_begins() -> None:
    from crossbrief.rag.models import Passage
    doc = load(_one("*.pdf"))
    start, end = doc.text.index("Nitazenes are"), doc.text.index("eleven new synthetic substances") + 5
    breaks = doc.page_breaks(start, end)
    assert len(breaks) == 1 and doc.page_at(start + breaks[0]) == 2 and doc.page_at(start + breaks[0] - 1) == 1
    passage = Passage(n=1, chunk_id="c", text=doc.text[start:end], source="s", title="t", date=None, page=1,
                      heading="", start=start, end=end, page_breaks=breaks)
    assert passage.page_at(0) == 1 and passage.page_at(breaks[0]) == 2 and passage.page_at(end - start - 1) == 2
    assert doc.page_breaks(start, start + 5) == ()
