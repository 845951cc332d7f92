"""Tables whose first column names their rows, read with their structure: sections headed by a label row, totals
without a label, columns named anew inside the table, headings that span two columns; the row a question names is
answered with its section, and questions the table does not name are left to the prose answerer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crossbrief.index.documents import render_table
from crossbrief.index.table_store import TableStore
from crossbrief.index.tables import profile_table
from crossbrief.rag.citations import check_answer
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.offline import OfflineAnswerer
from crossbrief.rag.table_rows import best_row, is_figure, names_rows, read_rows
from crossbrief.rag.question_types import asks_about_table
from crossbrief.rag.tables import TableAnswerer, words
from tests.fakes import ToyEmbedder
from tests.rag.test_offline_answers import _calibration

SOURCE = "/reports/statement.csv"
# a statement laid out for a reader: two sections with their own totals, then a second block of columns
STATEMENT = [
    ["", "Quarter", "Quarter"],
    ["Widget sales", "$ 1,200", "$(300)"],
    ["Gadget sales", "800", "—"],
    ["Earnings per share (cents per share)", "", ""],
    ["Continuing operations", "11.5", "12.0"],
    ["Discontinued operations", "2.5", "1.0"],
    ["", "14.0", "13.0"],
    ["Earnings per share (dollars)", "", ""],
    ["Continuing operations", "0.12", "0.13"],
    ["", "0.14", "0.15"],
    ["", "Fiscal 2018", ""],
    ["", "First", "Second"],
    ["Widget sales", "1,000", "1,100"],
]
COLUMNS = ["", "Fiscal 2019 First", "Second"]


@pytest.fixture
def answerer(tmp_path: Path) -> TableAnswerer:
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("statement.csv", COLUMNS, STATEMENT, "Statement", 0)
    store.write(SOURCE, "hash1", [table])
    return TableAnswerer(store)


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Statement\n13 rows.", source=SOURCE, title="Statement", date=None,
                    page=None, heading="Statement", start=0, end=0, kind="table-summary")]


def _numbered(rows: list[list[str]]) -> list[tuple[int, tuple[str, ...]]]:
    return [(i + 1, tuple(r)) for i, r in enumerate(rows)]


def test_rows_are_read_with_their_section_total_and_block_of_columns() -> None:
    read = {r.number: r for r in read_rows(("Column 1", *COLUMNS[1:]), _numbered(STATEMENT))}
    assert set(read) == {2, 3, 5, 6, 7, 9, 10, 13}, "heading rows are not rows of figures"
    assert read[2].columns[1:] == ("Fiscal 2019 First Quarter", "Second Quarter")
    assert read[5].section == "Earnings per share (cents per share)" and read[5].section_rows == (4,)
    assert read[7].label == "" and read[7].section == "Earnings per share (cents per share)"
    assert read[10].section == "Earnings per share (dollars)"
    assert read[13].columns[1:] == ("Fiscal 2018 First", "Second") and "2018" in read[13].heading
    assert read[13].section == "", "a total closes its section and a new block of columns starts afresh"


def test_rows_of_dates_and_ratios_are_values_not_headings() -> None:
    rows = [["Notional amount", "29,423", "77,630"], ["Maturity date", "30/7/2021~", "28/6/2019~"],
            ["", "11/4/2024", "8/12/2023"], ["Hedge ratio", "1:1", "1:1"], ["Weighted rate", "2.10%", "1.60%"]]
    read = {r.number: r for r in read_rows(("", "2019", "2018"), _numbered(rows))}
    assert read[5].columns[1:] == ("2019", "2018") and read[5].section == ""
    assert set(read) == {1, 5}


def test_a_heading_spanning_two_columns_names_both() -> None:
    rows = [["(In millions)", "Carrying amount", "Fair value", "Carrying amount", "Fair value"],
            ["Term loan", "474.6", "474.6", "222.2", "222.2"]]
    (row,) = read_rows(("Column 1", "December 31, 2019", "Column 3", "December 31, 2018", "Column 5"),
                       _numbered(rows))
    assert row.columns[1:] == ("December 31, 2019 Carrying amount", "December 31, 2019 Fair value",
                               "December 31, 2018 Carrying amount", "December 31, 2018 Fair value")


def test_figures_are_numbers_and_nil_dashes_not_years_or_words() -> None:
    assert all(is_figure(c) for c in ("$(3,908)", "(35,569 )", "—", "$ —", "7.5%", "1,200"))
    assert not any(is_figure(c) for c in ("2019", "Quarter", "", "Suppr."))


def test_the_total_of_the_section_the_question_names_is_the_best_row() -> None:
    read = read_rows(("Column 1", *COLUMNS[1:]), _numbered(STATEMENT))
    found = best_row(words("What was total earnings per share in cents per share?"), read, words)
    assert found is not None and found.row.number == 7
    dollars = best_row(words("What was total earnings per share in dollars?"), read, words)
    assert dollars is not None and dollars.row.number == 10


def test_a_table_of_records_is_filtered_not_read_as_a_statement() -> None:
    _, records = render_table("harms.csv", ["Place", "Year", "Unit", "Value"],
                              [[p, y, "Number", "1"] for p in ("North", "South", "East")
                               for y in ("2019", "2020", "2021", "2022")], "", 0)
    _, statement = render_table("statement.csv", COLUMNS, STATEMENT, "", 0)
    assert not names_rows(profile_table(records), len(records.rows))
    assert names_rows(profile_table(statement), len(statement.rows))
    # figures written "$(3,908)" are figures, not a column of categories
    _, cash = render_table("cash.csv", ["", "2019", "2018"], [["Operating", "$(618)", "$(3,908)"],
                                                              ["Financing", "1,389", "1,779"],
                                                              ["Net change", "$771", "$(2,129)"]], "", 0)
    assert names_rows(profile_table(cash), len(cash.rows))


def test_the_named_row_is_answered_with_its_section_and_the_figures_check(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("What was the total earnings per share (cents per share) for fiscal 2019?"),
                            _passages())
    assert found is not None and found.passage is not None and not found.draft.refused
    assert "row 7" in found.draft.text and 'under "Earnings per share (cents per share)"' in found.draft.text
    assert "14.0" in found.draft.text and "0.14" not in found.draft.text
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert checked.figures and all(f.supported for f in checked.figures)
    later = answerer.answer(Question("What were widget sales in fiscal 2018?"), _passages())
    assert later is not None and "1,000" in later.draft.text and "1,200" not in later.draft.text
    # "year" and "value" name parts of the table (a dated column, a cell), not something it lacks
    compared = answerer.answer(Question("In which year was the value of gadget sales higher?"), _passages())
    assert compared is not None and "row 3" in compared.draft.text and "Fiscal 2019" in compared.draft.text


def test_questions_the_table_does_not_name_are_left_to_the_prose(answerer: TableAnswerer) -> None:
    # most of the question's weight is on words no row uses
    assert answerer.answer(Question("How many widget sales were refunded without a receipt?"), _passages()) is None
    # a year that heads no column of the row
    assert answerer.answer(Question("What were gadget sales in 2016?"), _passages()) is None
    # a change is arithmetic or prose unless a column names it
    assert answerer.answer(Question("What was the increase in gadget sales?"), _passages()) is None
    # a term asked bare, with no year, asks what it means: not read as the row's figures
    bare = answerer.answer(Question("What are gadget sales?"), _passages())
    assert bare is None or "table_row_read" not in bare.draft.notes
    assert answerer.answer(Question("What were gadget sales in fiscal 2019?"), _passages()) is not None


def test_a_question_about_what_a_table_shows_gets_the_sentence_introducing_it() -> None:
    """Even below the relevance floor: "what does the table show" is close to no sentence, yet a retrieved table is
    what it asks about."""
    answerer = OfflineAnswerer(ToyEmbedder(), _calibration(), min_similarity=0.5)
    prose = Passage(n=1, chunk_id="p1", text="Sales grew in every region this year. Widget and gadget sales by "
                    "quarter were as follows:", source="/reports/statement.md", title="Statement", date=None,
                    page=None, heading="", start=0, end=0, dense_score=0.2, bm25_score=3.0)
    table = Passage(n=2, chunk_id="t1", text="Table: Statement\nRow 2: Column 1: Widget sales; Quarter: 1,200",
                    source="/reports/statement.md", title="Statement", date=None, page=None, heading="", start=0,
                    end=0, kind="table", dense_score=0.1, bm25_score=2.0)
    draft = answerer.draft(Question("What does the table show?"), [prose, table])
    assert not draft.refused and "table_introduced" in draft.notes
    assert draft.text.startswith("Widget and gadget sales by quarter were as follows:")
    other = answerer.draft(Question("What does the report show?"), [prose, table])
    assert other.refused and "below_relevance_floor" in other.notes
    without_table = answerer.draft(Question("What does the table show?"), [prose])
    assert without_table.refused and "table_introduced" not in without_table.notes


def test_a_question_about_what_a_heading_is_made_of_lists_its_rows(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("What are the components of earnings per share (cents per share)?"), _passages())
    assert found is not None and found.passage is not None and "table_section_read" in found.draft.notes
    assert ('under "Earnings per share (cents per share)": row 5 Continuing operations; row 6 Discontinued operations'
            in found.draft.text)
    assert found.passage.text.splitlines()[0] == "Row 4: Column 1: Earnings per share (cents per share)"
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert checked.citations and all(f.supported for f in checked.figures)
    # a heading no question word names is not guessed
    assert answerer.answer(Question("What are the components of operating cash flow?"), _passages()) is None


def _store_with(tmp_path: Path, *tables: tuple[str, list[str], list[list[str]]]) -> TableAnswerer:
    store = TableStore.open(f"sqlite:///{tmp_path / 'more.sqlite3'}")
    written = [render_table(name, columns, rows, name, i)[1] for i, (name, columns, rows) in enumerate(tables)]
    store.write(SOURCE, "hash2", written)
    return TableAnswerer(store)


def test_a_row_of_marks_is_a_row_with_missing_values_not_headings(tmp_path: Path) -> None:
    answerer = _store_with(tmp_path, ("Sales", ["", "2019", "2018"],
                                      [["Product sales", "10", "9"], ["Impairment", "n/a", "n/a"],
                                       ["Service sales", "5", "4"]]))
    later = answerer.answer(Question("What were service sales in 2019?"), _passages())
    assert later is not None and "row 3" in later.draft.text and "2019: 5" in later.draft.text
    marked = answerer.answer(Question("What was the impairment in 2019?"), _passages())
    assert marked is not None and "suppressed or missing" in marked.draft.text and "row 2" in marked.draft.text


def test_the_table_whose_columns_hold_the_year_asked_is_chosen(tmp_path: Path) -> None:
    answerer = _store_with(tmp_path, ("Old", ["", "2017", "2016"], [["Revenue", "70", "60"], ["Costs", "7", "6"]]),
                           ("New", ["", "2019", "2018"], [["Revenue", "90", "80"], ["Costs", "9", "8"]]))
    found = answerer.answer(Question("What was revenue in 2019?"), _passages())
    assert found is not None and "2019: 90" in found.draft.text


def test_a_change_between_two_years_is_worked_out_from_the_row_and_rechecked(tmp_path: Path) -> None:
    answerer = _store_with(tmp_path, ("Balance", ["", "December 31, 2019", "2018"],
                                      [["Billed fees", "$ 613", "$ 636"], ["Unbilled fees", "(40)", "25"],
                                       ["Deposits", "1,200.5", "1,100.0"]]))
    for question in ("What was the change in billed fees from 2018 to 2019?",
                     "What is the percentage change in billed fees between 2018 and 2019?"):
        found = answerer.answer(Question(question), _passages())
        assert found is not None and found.passage is not None and "table_change_computed" in found.draft.notes
        assert "From $636 in 2018 to $613 in 2019: a decrease of $23 (3.62%)." in found.draft.text
        checked = check_answer(found.draft.text, [*_passages(), found.passage])
        computed = [f for f in checked.figures if f.computed]
        assert [f.text for f in computed] == ["$23", "3.62%"] and all(f.supported for f in checked.figures), \
            [(f.text, f.supported) for f in checked.figures]
    negative = answerer.answer(Question("How much did unbilled fees change in 2019 from 2018?"), _passages())
    assert negative is not None and "From 25 in 2018 to (40) in 2019: a decrease of 65 (260.00%)." in \
        negative.draft.text
    decimals = answerer.answer(Question("What was the increase in deposits from 2018 to 2019?"), _passages())
    assert decimals is not None and "an increase of 100.5 (9.14%)" in decimals.draft.text
    average = answerer.answer(Question("What is the average deposits for 2018 and 2019?"), _passages())
    assert average is not None and "The average of 1,100.0 in 2018 and 1,200.5 in 2019 is 1,150.25." in \
        average.draft.text
    # "the average X" that names a row of averages reads the row, it does not average it
    (tmp_path / "rates").mkdir()
    rates = _store_with(tmp_path / "rates", ("Rates", ["", "2019", "2018"], [["Average fee rate", "4.2%", "3.9%"],
                                                                          ["Deposits", "10", "12"]]))
    read = rates.answer(Question("What was the average fee rate for 2018 and 2019?"), _passages())
    assert read is not None and "The average of" not in read.draft.text and "4.2%" in read.draft.text
    # a year the row does not have is not worked out
    assert answerer.answer(Question("What was the change in billed fees from 2017 to 2019?"), _passages()) is None
    # "nominal" and "absolute" ask for the arithmetic, as "percentage" does: no row has to say them (the section's
    # total had been left unread, "nominal" being the question's rarest word)
    (tmp_path / "yield").mkdir()
    sections = _store_with(tmp_path / "yield", ("Yield", ["", "2019", "2018"], [
        ["Units used in yield (millions)", "", ""], ["Basic widget yield", "1,305.7", "1,300.5"],
        ["Basic widget yield (cents per unit)", "", ""], ["Continuing lines", "114.3", "123.4"],
        ["Closed lines", "91.9", "9.2"], ["", "206.2", "132.6"]]))
    nominal = sections.answer(Question("What is the nominal difference for basic widget yield (cents per unit) between "
                                       "2018 and 2019?"), _passages())
    assert nominal is not None and "an increase of 73.6" in nominal.draft.text, nominal


def test_the_sentence_introducing_a_table_says_what_its_rows_are(tmp_path: Path) -> None:
    """"Widget stock for each period was as follows:" says the rows are widget stock, which no cell repeats: the
    question for the total widget stock is read from the row (it had been left to the prose, its "widget stock"
    covered by no cell). Another source's introduction says nothing of this table, and a table whose own row names
    the question is chosen before one that needs its introduction to."""
    answerer = _store_with(tmp_path, ("Balances", ["", "2019", "2018"], [["North", "10", "9"], ["South", "5", "4"],
                                                                      ["Total", "15", "13"]]))
    asked = Question("What was the total widget stock in 2019?")
    assert answerer.answer(asked, _passages()) is None
    introduced = [*_passages(), replace(_passages()[0], n=2, chunk_id="c2", kind="text",
                                        text="Widget stock for each period was as follows:")]
    found = answerer.answer(asked, introduced)
    assert found is not None and "row 3" in found.draft.text and "2019: 15" in found.draft.text
    elsewhere = [*_passages(), replace(introduced[1], source="/reports/other.txt")]
    assert answerer.answer(asked, elsewhere) is None
    # of a source with two tables, which one a sentence introduces is not known: it is read as neither's
    (tmp_path / "pair").mkdir()
    pair = _store_with(tmp_path / "pair", ("Balances", ["", "2019", "2018"], [["North", "10", "9"], ["South", "5", "4"],
                                                                             ["Total", "15", "13"]]),
                       ("Revenue", ["", "2019", "2018"], [["Products", "300", "280"], ["Services", "100", "90"],
                                                          ["Total", "400", "370"]]))
    two = [*introduced, replace(introduced[1], n=3, chunk_id="c3", text="Revenue by product line was as follows:")]
    revenue = pair.answer(Question("What was the total revenue in 2019?"), two)
    assert revenue is None or "2019: 15" not in revenue.draft.text, revenue
    assert pair.answer(asked, two) is None
    (tmp_path / "two").mkdir()
    named = TableStore.open(f"sqlite:///{tmp_path / 'two' / 'catalog.sqlite3'}")
    named.write(SOURCE, "h", [render_table("balances.csv", ["", "2019", "2018"], [
        ["North", "10", "9"], ["South", "5", "4"], ["Total", "15", "13"]], "Balances", 0)[1]])
    named.write("/reports/widgets.csv", "h", [render_table("widgets.csv", ["", "2019", "2018"], [
        ["Gadgets", "3", "2"], ["Gizmos", "1", "1"], ["Total widget stock", "40", "30"]], "Widgets", 0)[1]])
    both = [*introduced, replace(_passages()[0], n=3, chunk_id="c3", source="/reports/widgets.csv")]
    chosen = TableAnswerer(named).answer(asked, both)
    assert chosen is not None and "table_row_read" in chosen.draft.notes and "2019: 40" in chosen.draft.text, chosen


def test_record_tables_keep_the_filter_path(tmp_path: Path) -> None:
    """A table of records (a year or a unit per row) is not read as a statement, whatever its first column holds,
    and neither "items" nor a bare term keeps its questions from the filter."""
    answerer = _store_with(tmp_path, ("Counts", ["Place", "Year", "Items"],
                                      [["North", "2019", "5"], ["South", "2020", "7"], ["East", "2021", "9"]]))
    south = answerer.answer(Question("How many items in South in 2020?"), _passages())
    assert south is not None and "Items: 7" in south.draft.text
    value = answerer.answer(Question("What was the value in South in 2020?"), _passages())
    assert value is not None and "Items: 7" in value.draft.text
    bare = answerer.answer(Question("What are South items?"), _passages())
    assert bare is not None and "Items: 7" in bare.draft.text


def test_only_a_question_about_the_table_itself_asks_what_it_shows() -> None:
    assert asks_about_table("What financial information does the table show?")
    assert asks_about_table("What is the table about?")
    assert not asks_about_table("What rate does the federal table show for 2023?")
    assert not asks_about_table("What was revenue in 2019 according to the table provided?")


def test_no_introducing_sentence_below_the_floor_is_a_refusal_and_other_sources_do_not_introduce() -> None:
    answerer = OfflineAnswerer(ToyEmbedder(), _calibration(), min_similarity=0.5)
    table = Passage(n=1, chunk_id="t1", text="Table: Statement\nRow 2: Column 1: Widget sales; Quarter: 1,200",
                    source="/reports/statement.csv", title="Statement", date=None, page=None, heading="", start=0,
                    end=0, kind="table", dense_score=0.1, bm25_score=2.0)
    notes = Passage(n=2, chunk_id="p2", text="The board met four times in 2019. Its reasons for the change were as "
                    "follows:", source="/reports/minutes.md", title="Minutes", date=None, page=None, heading="",
                    start=0, end=0, dense_score=0.2, bm25_score=1.0)
    draft = answerer.draft(Question("What does the table show?"), [table, notes])
    assert draft.refused and "below_relevance_floor" in draft.notes
    beside = replace(notes, source="/reports/statement.txt", text="Widget and gadget sales by quarter were as "
                     "follows:")
    assert "table_introduced" in answerer.draft(Question("What does the table show?"), [table, beside]).notes
    # above the floor, with no sentence introducing the table, a row is no answer to what the table shows
    above = OfflineAnswerer(ToyEmbedder(), _calibration(), min_similarity=None)
    rowed = above.draft(Question("What does the table show?"), [replace(table, dense_score=0.9), notes])
    assert "Row 2" not in rowed.text


def test_a_better_retrieved_source_naming_rows_alike_is_not_passed_over_for_another_s_clearer_row(
        tmp_path: Path) -> None:
    """Without a filter, the best-retrieved report names "Prepaid expenses" and "Total prepaid expenses and other"
    alike (no row leads by the margin); a report retrieved after it names one such row clearly. The question is the
    first report's: its table is read by its links, not passed over for the other report's row."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'two.sqlite3'}")
    first = render_table("first", ["December 31,", "2019", "2018"],
                         [["Prepaid expenses", "$2,303", "$1,780"], ["Other current assets", "193", "167"],
                          ["Total prepaid expenses and other", "$2,496", "$1,947"]], "First", 0)[1]
    second = render_table("second", ["", "2019", "2018"],
                          [["Receivables", "18,581", "12,327"], ["Prepaid expenses", "3,276", "1,078"],
                           ["Inventories", "12,542", "9,317"], ["Accounts payable", "(18,668)", "(9,166)"]],
                          "Second", 0)[1]
    store.write("/reports/first.csv", "h1", [first])
    store.write("/reports/second.csv", "h2", [second])
    answerer = TableAnswerer(store)
    passages = [replace(_passages()[0], n=n, chunk_id=f"c{n}", source=source)
                for n, source in ((1, "/reports/first.csv"), (2, "/reports/second.csv"))]
    found = answerer.answer(Question("What is the prepaid expenses for 2019 and 2018 respectively?"), passages)
    assert found is not None and "2,303" in found.draft.text and "3,276" not in found.draft.text, found
