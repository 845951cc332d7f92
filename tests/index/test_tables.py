"""Tables stay tables: every loader keeps rows whole with their header, chunks never cut a row, a big table is
described rather than embedded row by row, and the table store follows the manifest through every ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.config import Settings
from crossbrief.index.chunking import Chunker
from crossbrief.index.documents import Document, render_table
from crossbrief.index.factory import build_ingester
from crossbrief.index.loaders import load
from crossbrief.index.manifest import Manifest
from crossbrief.index.table_store import TableStore
from crossbrief.index.tables import profile_table


def _chunker(chunk_tokens: int = 40) -> Chunker:
    return Chunker(lambda text: len(text.split()) * 2, chunk_tokens=chunk_tokens, overlap_tokens=5)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PROSE = " ".join(f"Sentence {i} says something about the yearly report and its figures." for i in range(12))
MD_TABLE = f"""# Report

{PROSE}

## Revenue by segment

| Segment | 2019 | 2018 |
|---|---|---|
| Cloud services | $1,200 | $900 |
| Consulting | 300 | 250 |
| Total | 1,500 | 1,150 |

{PROSE}
"""


def _assert_rows_whole(doc: Document, expected_rows: int, columns: tuple[str, ...]) -> None:
    chunks = _chunker().chunk(doc)
    table_chunks = [c for c in chunks if c.kind == "table"]
    rows = [line for c in table_chunks for line in c.text.split("\n")[1:]]
    assert len(rows) == expected_rows
    for row in rows:
        assert all(f"{name}: " in row for name in columns[1:]), row
    assert all(c.text.startswith("Table: ") for c in table_chunks)
    assert not any("|" in c.text or "Row 1:" in c.text for c in chunks if c.kind == "text")


def test_markdown_pipe_table_rows_stay_whole_with_their_header(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "report.md", MD_TABLE))
    (table,) = doc.tables
    assert table.columns == ("Segment", "2019", "2018")
    assert table.rows[0] == ("Cloud services", "$1,200", "$900")
    assert table.caption == "Revenue by segment"
    _assert_rows_whole(doc, 3, table.columns)


def test_html_table_is_read_as_rows_not_one_block_per_cell(tmp_path: Path) -> None:
    page = ("<html><head><title>T</title></head><body><h1>Staff</h1><p>Intro text for the page.</p><table>"
            "<caption>Staff by team</caption><thead><tr><th>Team</th><th>2020</th><th>2021</th></tr></thead>"
            "<tr><td>Sales</td><td>12</td><td>15</td></tr><tr><td>Operations</td><td>7</td><td>n/a</td></tr>"
            "</table><p>After the table.</p></body></html>")
    doc = load(_write(tmp_path, "page.html", page))
    (table,) = doc.tables
    assert table.columns == ("Team", "2020", "2021") and table.caption == "Staff by team"
    assert "Row 2: Team: Operations; 2020: 7; 2021: n/a" in doc.text
    assert "\n\nSales\n\n" not in doc.text
    _assert_rows_whole(doc, 2, table.columns)


# an HTML table written into Markdown, as pandoc writes one it cannot draw with pipes: header rows marked only by
# bold text, a header cell spanning three rows, another three columns
MD_HTML_TABLE = """# Ferry levies

The notice sets these rates.

<figure>
<table>
<colgroup>
<col style="width: 30%" />
<col style="width: 70%" />
</colgroup>
<tbody>
<tr class="odd">
<td rowspan="2"><strong>Heading</strong></td>
<td colspan="2"><strong>Rates of Levy</strong></td>
</tr>
<tr class="even">
<td><strong>General</strong></td>
<td><strong>Special</strong></td>
</tr>
<tr class="odd">
<td>9901.01.16</td>
<td>The levy provided + 40%</td>
<td>Free</td>
</tr>
</tbody>
</table>
</figure>

The rates apply from August 1, 2031.
"""


def test_an_html_table_in_markdown_is_a_table_with_its_spanned_header(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "notice.md", MD_HTML_TABLE))
    (table,) = doc.tables
    assert table.columns == ("Heading", "Rates of Levy General", "Rates of Levy Special")
    assert table.rows == (("9901.01.16", "The levy provided + 40%", "Free"),)
    assert table.caption == "Ferry levies"
    assert "<" not in doc.text and "The rates apply from August 1, 2031." in doc.text
    _assert_rows_whole(doc, 1, table.columns)


def test_html_in_markdown_that_is_no_whole_table_loses_no_text(tmp_path: Path) -> None:
    unclosed = ("# Rates\n\n<table><tr><th>Item</th><th>Rate</th></tr><tr><td>Wool</td><td>5%</td></tr>\n\n"
                "Seizures rose 20% in 2031.\n\n## Other\n\n<table><tr><th>Item</th><th>Rate</th></tr>"
                "<tr><td>Steel</td><td>25%</td></tr></table> Steel rates apply from March.\n")
    doc = load(_write(tmp_path, "unclosed.md", unclosed))
    assert "Seizures rose 20% in 2031." in doc.text and "Steel rates apply from March." in doc.text
    assert [t.rows for t in doc.tables] == [(("Steel", "25%"),)]
    fenced = "# Example\n\n```html\n<table>\n<tr><th>Item</th></tr>\n<tr><td>Wool</td></tr>\n</table>\n```\n"
    assert not load(_write(tmp_path, "fenced.md", fenced)).tables


def test_a_bold_row_of_figures_stays_a_row_and_a_spanned_header_cell_stays_in_its_head(tmp_path: Path) -> None:
    bold = ("<html><body><table><tr><td><b>Province</b></td><td><b>Deaths</b></td></tr><tr><td><b>Total</b></td>"
            "<td><b>100</b></td></tr><tr><td>Eastshire</td><td>60</td></tr></table></body></html>")
    (table,) = load(_write(tmp_path, "bold.html", bold)).tables
    assert table.columns == ("Province", "Deaths") and table.rows[0] == ("Total", "100")
    numbered = ("<html><body><table><tr><td rowspan='2'><b>Item</b></td><td colspan='2'><b>Rates</b></td></tr>"
                "<tr><td><b>1</b></td><td><b>2</b></td></tr><tr><td>Wool</td><td>5%</td><td>Free</td></tr>"
                "</table></body></html>")
    (table,) = load(_write(tmp_path, "numbered.html", numbered)).tables  # bold column numbers head their columns
    assert table.columns == ("Item", "Rates 1", "Rates 2") and table.rows == (("Wool", "5%", "Free"),)
    spanned = ("<html><body><table><thead><tr><th rowspan='2'>Region</th><th>2031</th></tr></thead><tbody><tr>"
               "<td>Eastshire</td><td>5</td></tr></tbody></table></body></html>")
    (table,) = load(_write(tmp_path, "spanned.html", spanned)).tables
    assert table.columns == ("Region", "2031") and table.rows == (("Eastshire", "5"),)


def test_docx_table_rows_keep_their_header(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Seizures", level=1)
    document.add_paragraph("Seizures rose over the period.")
    grid = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([("Port", "2022", "2023"), ("North", "10", "12"), ("South", "4", "9")]):
        for c, text in enumerate(cells):
            grid.cell(r, c).text = text
    path = tmp_path / "seizures.docx"
    document.save(str(path))
    doc = load(path)
    (table,) = doc.tables
    assert table.columns == ("Port", "2022", "2023") and table.caption == "Seizures"
    assert "Row 2: Port: South; 2022: 4; 2023: 9" in doc.text
    _assert_rows_whole(doc, 2, table.columns)


def test_csv_is_one_structured_table(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "d.csv", "Region,Year,Value\nNorth,2020,4\nSouth,2020,Suppr.\n"))
    (table,) = doc.tables
    assert table.columns == ("Region", "Year", "Value")
    assert table.rows == (("North", "2020", "4"), ("South", "2020", "Suppr."))
    assert doc.text[table.row_starts[1]:].startswith("Row 2: Region: South; Year: 2020; Value: Suppr.")


def test_wide_table_does_not_repeat_its_header_in_every_chunk() -> None:
    columns = [f"Measure number {i}" for i in range(60)]
    rows = [[str(r * 100 + i) for i in range(60)] for r in range(3)]
    text, table = render_table("wide.csv", columns, rows, "Wide", 0)
    doc = Document(source="/x/wide.csv", text=text, title="Wide", kind="csv", tables=(table,))
    chunks = Chunker(lambda t: len(t.split()) * 2, max_pieces=256).chunk(doc)
    assert len(chunks) <= 12
    assert all(len(c.text.split()) * 2 <= 256 for c in chunks)
    # every cell is still in some chunk, under its column name
    joined = "\n".join(c.text for c in chunks)
    assert all(f"Measure number {i}: {200 + i}" in joined for i in range(60))


def test_big_table_is_described_not_embedded_row_by_row() -> None:
    regions = ["All", "North", "South", "East"]
    rows = [[region, str(2000 + y), str(y * 10 + i)] for y in range(100) for i, region in enumerate(regions)]
    text, table = render_table("big.csv", ["Region", "Year", "Value"], rows, "Big", 0)
    doc = Document(source="/x/big.csv", text=text, title="Big", kind="csv", tables=(table,))
    chunks = _chunker().chunk(doc)
    assert len(chunks) < len(rows) / 10
    assert chunks[0].kind == "table-summary" and "400 rows" in chunks[0].text
    assert any("rows with Region: South" in c.text for c in chunks)


def test_overall_value_is_found_from_the_data() -> None:
    rows = [[region, str(year), unit, str(value * (1 if unit == "Number" else 10))]
            for year in (2020, 2021) for unit in ("Number", "Percent")
            for region, value in (("Everywhere", 10), ("North", 4), ("South", 6))]
    _, table = render_table("t.csv", ["Region", "Year", "Unit", "Value"], rows, "", 0)
    profile = {c.name: c for c in profile_table(table).columns}
    assert profile["Region"].overall == "Everywhere"
    assert profile["Unit"].overall is None and profile["Year"].overall is None
    assert profile["Value"].numeric and not profile["Value"].values


# -- the table store follows the manifest ------------------------------------------------------------------------

def _store_state(settings: Settings) -> set[tuple[str, str]]:
    return TableStore.open(settings.catalog_url).versions()


def _manifest_state(settings: Settings) -> set[tuple[str, str]]:
    return {(k, r.content_hash) for k, r in Manifest.load(settings).sources.items()}


def test_table_store_follows_ingest_change_and_remove(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = _write(corpus, "d.csv", "Region,Year,Value\nNorth,2020,4\nSouth,2020,6\n")
    _write(corpus, "r.md", MD_TABLE)
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([corpus])
    store = TableStore.open(settings.catalog_url)
    assert _store_state(settings) == _manifest_state(settings)
    assert sorted(t.n_rows for t in store.tables()) == [2, 3]
    before = store.tables()

    again = build_ingester(settings, embedder).ingest([corpus])
    assert again.files_unchanged == 2 and store.tables() == before  # nothing rewritten

    data.write_text("Region,Year,Value\nNorth,2020,5\nSouth,2020,6\nEast,2020,1\n", encoding="utf-8")
    build_ingester(settings, embedder).ingest([corpus])
    assert _store_state(settings) == _manifest_state(settings)
    csv_tables = [t for t in store.tables() if t.source.endswith("d.csv")]
    assert len(csv_tables) == 1 and csv_tables[0].n_rows == 3
    numbers = store.row_numbers(csv_tables[0].table_id, {0: ["North"]})
    assert store.rows(csv_tables[0].table_id, numbers) == [(1, ("North", "2020", "5"))]

    ingester = build_ingester(settings, embedder)
    ingester.remove(str(data.resolve()))
    assert [t.source for t in store.tables()] == [str((corpus / "r.md").resolve())]
    assert _store_state(settings) == _manifest_state(settings)


def test_crash_between_table_write_and_manifest_is_repaired(tmp_path: Path, embedder,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = _write(corpus, "d.csv", "Region,Year,Value\nNorth,2020,4\nSouth,2020,6\n")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([corpus])
    data.write_text("Region,Year,Value\nNorth,2020,9\n", encoding="utf-8")

    ingester = build_ingester(settings, embedder)

    def crash() -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(ingester.manifest, "save", crash)
    with pytest.raises(RuntimeError):
        ingester.ingest([corpus])
    monkeypatch.undo()
    assert len(_store_state(settings)) == 2  # the new version was written, the manifest still names the old

    build_ingester(settings, embedder).ingest([corpus])
    assert _store_state(settings) == _manifest_state(settings)
    (table,) = TableStore.open(settings.catalog_url).tables()
    assert table.n_rows == 1


def test_pdf_text_table_rows_are_found_under_a_header_of_years() -> None:
    from crossbrief.index.tables import text_tables

    page = "Seizures by port\nPort 2022 2023\nNorth gate 10 12\nSouth gate 4 9\nEast 1,200 (3)\nThe end of 2023 was busy."
    text, (table,) = text_tables(page, "report.pdf", 0)
    assert table.columns == ("Port", "2022", "2023") and table.caption == "Seizures by port"
    assert table.rows[2] == ("East", "1,200", "(3)")
    assert text[table.row_starts[1]:].startswith("Row 2: Port: South gate; 2022: 4; 2023: 9\n")
    assert text.endswith("The end of 2023 was busy.")
    prose = "It rose 10 20 times.\nThen 3 4 more.\nA line without numbers."
    assert text_tables(prose, "p.pdf", 0) == (prose, ())


def test_a_column_of_years_is_categorical_even_when_every_year_differs() -> None:
    rows = [["Deaths", str(2016 + i), str(100 + i)] for i in range(9)]
    _, table = render_table("y.csv", ["Type", "Year", "Value"], rows, "", 0)
    profile = {c.name: c for c in profile_table(table).columns}
    assert profile["Year"].values == tuple(str(2016 + i) for i in range(9))
    assert not profile["Value"].values


def test_header_rows_under_the_first_line_name_the_columns_in_every_loader(tmp_path: Path) -> None:
    # a line of years under a line naming what the columns hold, as statements lay their tables out
    csv_doc = load(_write(tmp_path, "fees.csv", '"December 31,",,\n,2019,2018\nBilled fees,"$2,303","$1,780"\n'
                                                 "Other fees,193,167\n"))
    (table,) = csv_doc.tables
    assert table.columns == ("December 31,", "2019", "2018")
    assert table.rows[0] == ("Billed fees", "$2,303", "$1,780") and len(table.rows) == 2
    md_doc = load(_write(tmp_path, "q.md", "# Q\n\n| | First | Second |\n|---|---|---|\n| | Quarter | Quarter |\n"
                                           "| (in thousands) | 2019 | 2019 |\n| Revenues | 94,888 | 96,037 |\n"
                                           "| Gross profit | 38,091 | 39,821 |\n"))
    (table,) = md_doc.tables
    assert table.columns == ("(in thousands)", "First Quarter 2019", "Second Quarter 2019")
    assert [row[0] for row in table.rows] == ["Revenues", "Gross profit"]
    page = ("<html><body><h1>Cash</h1><table><thead><tr><th></th><th>Year Ended December 31,</th><th></th></tr>"
            "</thead><tbody><tr><td></td><td>2019</td><td>2018</td></tr><tr><td>Operating activities</td>"
            "<td>(612)</td><td>(3,902)</td></tr><tr><td>Financing activities</td><td>1,389</td><td>1,779</td></tr>"
            "</tbody></table></body></html>")
    (table,) = load(_write(tmp_path, "cash.html", page)).tables
    assert table.columns[1:] == ("Year Ended December 31, 2019", "2018") and len(table.rows) == 2


def test_a_first_row_of_data_stays_a_row() -> None:
    from crossbrief.index.table_headers import with_header_rows

    columns = ["Region", "2020", "2021"]
    # a row whose values are all marks is data when its label recurs beside figures
    marked = [["North", "Suppr.", "Suppr."], ["South", "4", "5"], ["North", "6", "7"]]
    assert with_header_rows(columns, marked) == (columns, marked)
    # a row holding a figure, and a table with no column of figures, keep every row
    figures = [["North", "2019", "12"], ["South", "4", "5"]]
    assert with_header_rows(columns, figures) == (columns, figures)
    words = [["North", "open", "closed"], ["South", "closed", "open"]]
    assert with_header_rows(columns, words) == (columns, words)
    # a mark for a missing value where figures stand is data, even in a row whose label does not recur
    lone = [["Chad", "Pending", "n/a"], ["Mali", "Approved", "7"], ["Niger", "Approved", "5"]]
    assert with_header_rows(["Country", "Status", "Score"], lone) == (["Country", "Status", "Score"], lone)
    # a unit heading a column is a heading
    assert with_header_rows(["", "2019", "2018"], [["", "($)", "($)"], ["Fees", "4", "5"]])[0] == \
        ["", "2019 ($)", "2018 ($)"]
    # a years column is data, not a header, where the column below it holds years too
    years = [["North", "2019", "x"], ["South", "2020", "y"]]
    assert with_header_rows(["Region", "Year", "Note"], years) == (["Region", "Year", "Note"], years)
