"""Table questions answered by filtering rows: overall values as defaults, counts for "how many", suppressed
values said to be suppressed, and a citation that quotes the row with its column names and number."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crossbrief.index.documents import render_row, render_table, row_fields
from crossbrief.index.tables import cell_number
from crossbrief.index.table_store import TableStore
from crossbrief.rag.citations import check_answer
from crossbrief.rag.models import Filters, Passage, Question
from crossbrief.rag.tables import TableAnswerer

SOURCE = "/data/harms.csv"


def _rows() -> list[list[str]]:
    rows = []
    for year in ("2020", "2021"):
        for unit, scale in (("Number", 1), ("Rate per 100,000", 0.1)):
            for place, value in (("Whole country", 100), ("Lakeside", 40), ("Hillside", 60)):
                cell = f"{value * scale:g}"
                if (place, year, unit) == ("Hillside", "2021", "Number"):
                    cell = "Suppr."
                rows.append([place, year, unit, cell])
    return rows


def harms_answerer(tmp_path: Path) -> TableAnswerer:
    """A table answerer over the Harms table of records (a place, a year, a unit and a value per row)."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", ["Place", "Year", "Unit", "Value"], _rows(), "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    return TableAnswerer(store)


def one_table(tmp_path: Path, name: str, columns: list[str], rows: list[list[str]], label: str) -> TableAnswerer:
    """A table answerer over one table of `rows` under `columns`."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table(name, columns, rows, label, 0)
    store.write(SOURCE, "hash1", [table])
    return TableAnswerer(store)


@pytest.fixture
def answerer(tmp_path: Path) -> TableAnswerer:
    return harms_answerer(tmp_path)


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Harms\n12 rows.", source=SOURCE, title="Harms", date=None,
                    page=None, heading="Harms", start=0, end=0, kind="table-summary")]


def test_unpinned_column_takes_the_overall_value(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("What was the number counted in 2020?"), _passages())
    assert found is not None and found.passage is not None
    assert found.passage.text == "Row 1: Place: Whole country; Year: 2020; Unit: Number; Value: 100"


def test_pinned_value_filters_rows(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("How many in Lakeside in 2021?"), _passages())
    assert found is not None and "Value: 40" in found.draft.text and "Year: 2021" in found.draft.text


def test_how_many_wants_counts_not_rates(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("How many in Hillside in 2020?"), _passages())
    assert found is not None and found.passage is not None and "Unit: Number" in found.passage.text and "Rate" not in found.passage.text
    rate = answerer.answer(Question("What was the rate in Hillside in 2020?"), _passages())
    assert rate is not None and rate.passage is not None and "Unit: Rate per 100,000" in rate.passage.text


def test_suppressed_value_is_said_to_be_suppressed_with_its_row(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("How many in Hillside in 2021?"), _passages())
    assert found is not None
    assert "suppressed" in found.draft.text and "Suppr." in found.draft.text and "row 9" in found.draft.text


def test_a_named_column_of_names_is_not_where_the_figure_is(answerer: TableAnswerer) -> None:
    # "units" names the Unit column, whose cells are names ("Number"): the figure is still the Value, and it is there
    found = answerer.answer(Question("How many units in Lakeside in 2021?"), _passages())
    assert found is not None and "Value: 40" in found.draft.text and "suppressed" not in found.draft.text


def test_citation_quotes_the_row_with_column_names_and_number(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("How many in Lakeside in 2020?"), _passages())
    assert found is not None and found.passage is not None
    passages = [*_passages(), found.passage]
    checked = check_answer(found.draft.text, passages)
    (citation,) = checked.citations
    assert citation.quote == "Row 2: Place: Lakeside; Year: 2020; Unit: Number; Value: 40"
    assert citation.source == SOURCE
    assert checked.figures and all(f.supported for f in checked.figures)


def test_unlinked_or_causal_questions_are_left_to_the_prose_answerer(answerer: TableAnswerer) -> None:
    assert answerer.answer(Question("What did the minister announce?"), _passages()) is None
    assert answerer.answer(Question("Why did Lakeside rise in 2021?"), _passages()) is None
    assert answerer.answer(Question("How many in Lakeside in 2020?"), [], Filters()) is None


def test_a_value_the_table_lacks_is_a_near_miss_refusal_with_its_reason(answerer: TableAnswerer) -> None:
    found = answerer.answer(Question("How many in Lakeside in 2019?"), _passages())
    assert found is not None and found.draft.refused and found.passage is None
    assert "no row for Year 2019" in found.draft.reason and "2020" in found.draft.reason


def test_a_change_between_two_years_is_worked_out_from_their_rows(tmp_path: Path) -> None:
    rows = [[place, year, unit, cell] for place, year, unit, cell in (
        ("Whole country", "2020", "Number", "100"), ("Whole country", "2021", "Number", "125"),
        ("Lakeside", "2020", "Number", "40"), ("Lakeside", "2021", "Number", "30"),
        ("Lakeside", "2020", "Rate per 100,000", "4.0"), ("Lakeside", "2021", "Rate per 100,000", "3.5"),
        ("Hillside", "2020", "Number", "60"), ("Hillside", "2021", "Number", "95"),
        ("Hillside", "2020", "Rate per 100,000", "6.0"), ("Hillside", "2021", "Rate per 100,000", "Suppr."))]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", ["Place", "Year", "Unit", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    found = answerer.answer(Question("How much did the number in Lakeside change from 2020 to 2021?"), _passages())
    assert found is not None and found.passage is not None and "table_change_computed" in found.draft.notes
    assert "From 40 in 2020 to 30 in 2021: a decrease of 10 (25.00%)." in found.draft.text
    assert "row 3" in found.draft.text and "Row 4" in found.draft.text
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert checked.figures and all(f.supported for f in checked.figures)
    assert [f.text for f in checked.figures if f.computed] == ["10", "25.00%"]
    # the years are read earlier first, a rate keeps its places
    overall = answerer.answer(Question("What was the change in the number for the whole country between 2021 and "
                                       "2020?"), _passages())
    assert overall is not None and "From 100 in 2020 to 125 in 2021: an increase of 25 (25.00%)." in overall.draft.text
    # "how did X change" between two years asks the same change; how something came about is the prose's
    how = answerer.answer(Question("How did the number in Lakeside change from 2020 to 2021?"), _passages())
    assert how is not None and "From 40 in 2020 to 30 in 2021: a decrease of 10 (25.00%)." in how.draft.text
    assert answerer.answer(Question("How did Lakeside count its number in 2021?"), _passages()) is None
    rate = answerer.answer(Question("How much did the rate in Lakeside change from 2020 to 2021?"), _passages())
    assert rate is not None and "From 4.0 in 2020 to 3.5 in 2021: a decrease of 0.5 (12.50%)." in rate.draft.text
    # rows of several places (no overall value to take) or a suppressed figure are not worked with; a year the table
    # lacks is a near miss naming the years it has
    assert answerer.answer(Question("What was the change in the number between 2020 and 2021?"), _passages()) is None
    assert answerer.answer(Question("How much did the rate in Hillside change from 2020 to 2021?"),
                           _passages()) is None
    average = answerer.answer(Question("What was the average number in Lakeside for 2020 and 2021?"), _passages())
    assert average is not None and "The average of 40 in 2020 and 30 in 2021 is 35." in average.draft.text
    missing = answerer.answer(Question("How much did the number in Lakeside change from 2019 to 2021?"), _passages())
    assert missing is not None and missing.draft.refused and "2019" in missing.draft.reason and \
        "2020" in missing.draft.reason


def test_one_record_row_with_a_column_per_year_is_worked_out_like_a_statements(tmp_path: Path) -> None:
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("fees.csv", ["Item", "Currency", "2019", "2018"],
                            [["Fees", "USD", "10", "12"], ["Fees", "EUR", "9", "11"], ["Dues", "USD", "4", "5"]],
                            "Fees", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    found = answerer.answer(Question("What was the change in fees in USD from 2018 to 2019?"), _passages())
    assert found is not None and found.passage is not None and "table_change_computed" in found.draft.notes
    assert "From 12 in 2018 to 10 in 2019: a decrease of 2 (16.67%)." in found.draft.text
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert all(f.supported for f in checked.figures) and any(f.computed for f in checked.figures)


def test_a_table_stating_its_own_change_is_not_worked_out_again(tmp_path: Path) -> None:
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("fees.csv", ["Item", "Currency", "2019", "2018", "Increase (decrease)"],
                            [["Fees", "USD", "10", "12", "(2)"], ["Fees", "EUR", "9", "11", "(2)"],
                             ["Dues", "USD", "4", "5", "(1)"]], "Fees", 0)
    store.write(SOURCE, "hash1", [table])
    found = TableAnswerer(store).answer(Question("What was the change in fees in USD from 2018 to 2019?"), _passages())
    assert found is None or "table_change_computed" not in found.draft.notes


def test_a_change_of_another_kind_than_the_table_states_is_worked_out(tmp_path: Path) -> None:
    """A table stating a percentage change does not state the difference asked, nor one stating an amount the
    percentage: that one is worked out from the row's two years; the kind it states is read."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("costs.csv", ["(Dollars in millions)", "2019", "Percent Change", "2018"],
                            [["Interest expense", "$2,082", "3%", "$2,025"], ["Rent", "$410", "(2)%", "$418"]],
                            "Costs", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    found = answerer.answer(Question("What was the difference in interest expense in 2019 and 2018?"), _passages())
    assert found is not None and "table_change_computed" in found.draft.notes
    assert "From $2,025 in 2018 to $2,082 in 2019: an increase of $57" in found.draft.text
    read = answerer.answer(Question("What was the percentage change in interest expense from 2018 to 2019?"),
                           _passages())
    assert read is None or "table_change_computed" not in read.draft.notes
    # a change in percentage points is an amount; a "%" in a name asks no percentage
    from crossbrief.rag.arithmetic import asked_change, states_change
    margin = asked_change("What was the percentage change in gross margin from 2018 to 2019?")
    assert margin is not None and margin.percent
    assert not states_change(("", "2019", "2018", "Change (percentage points)"), ("Margin", "42.0%", "40.0%", "2.0"),
                             margin)
    notes = asked_change("By how much did the 5% senior notes change from 2018 to 2019?")
    assert notes is not None and not notes.percent


def test_a_rendered_row_reads_back_into_its_columns_and_cells() -> None:
    line = render_row(["Place", "As of Dec. 31: 2019", "Value"], ["Lakeside", "$ (1,200)", "40"], 3)
    assert row_fields(line) == [("Place", "Lakeside"), ("As of Dec. 31: 2019", "$ (1,200)"), ("Value", "40")]
    assert row_fields("The register counts 420 makers.") is None
    assert cell_number("$ (1,200)") == -1200.0 and cell_number("$(3,908)") == -3908.0 and cell_number("n/a") is None


def test_the_tables_of_the_three_best_retrieved_sources_are_candidates_and_others_linked_in_full(tmp_path: Path) -> None:
    """Without a filter, a table answers when its source is among the best-retrieved three (as configured): prose
    pages may outrank it; a source retrieved fourth answers only a question whose words it links in full, and
    leaves any other to the prose answerer."""
    from dataclasses import replace

    from crossbrief.config import GenerationSettings

    reach = GenerationSettings().table_top_sources
    answerer = replace(harms_answerer(tmp_path), top_sources=reach)
    prose = [replace(_passages()[0], n=i, chunk_id=f"p{i}", text="Harms were discussed at length.",
                     source=f"/notes/{i}.md", kind="text") for i in range(1, reach + 1)]
    table = replace(_passages()[0], n=reach)
    found = answerer.answer(Question("How many in Lakeside in 2021?"), [*prose[:reach - 1], table])
    assert found is not None and "Value: 40" in found.draft.text
    partial = Question("How many pupils in Lakeside in 2021?")
    assert answerer.answer(partial, [*prose[:reach - 1], table]) is not None
    assert answerer.answer(partial, [*prose, replace(table, n=reach + 1)]) is None
    found = answerer.answer(Question("How many in Lakeside in 2021?"), [*prose, replace(table, n=reach + 1)])
    assert found is not None and "Value: 40" in found.draft.text


def test_a_quarter_is_named_in_words_or_by_its_code_and_its_year_is_part_of_it(tmp_path: Path) -> None:
    """"the first quarter of 2020" names the value "2020 Q1"; in "2020 Q2" the year belongs to the quarter, not to
    another column that also holds years."""
    rows = [["Whole country", "By year", "2020", "", "100"], ["Whole country", "By quarter", "2020 Q1", "", "30"],
            ["Whole country", "By quarter", "2020 Q2", "", "25"], ["Whole country", "By year", "Age 0 to 19", "2020", "7"]]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", ["Place", "Period", "Year_Quarter", "Aggregator", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    first = answerer.answer(Question("How many were counted in the first quarter of 2020?"), _passages())
    assert first is not None and "Year_Quarter: 2020 Q1" in first.draft.text and "Value: 30" in first.draft.text
    second = answerer.answer(Question("How many were counted in 2020 Q2?"), _passages())
    assert second is not None and "Value: 25" in second.draft.text, second


def test_a_name_the_table_does_not_account_for_leaves_the_question_to_the_prose(answerer: TableAnswerer) -> None:
    """"How many in Norland?" of a table of Lakeside and Hillside is about another place: no row of this table
    answers it (its overall value would be a wrong answer). A name the source's own text uses is the table's
    subject, though no cell holds it."""
    assert answerer.answer(Question("What was the Number in Norland in 2021?"), _passages()) is None
    assert answerer.answer(Question("What was the Number in Lakeside in 2021?"), _passages()) is not None
    about = [*_passages(), replace(_passages()[0], n=2, chunk_id="c2", kind="text",
                                   text="The Norland survey counts harms in each place.")]
    found = answerer.answer(Question("What was the Number in Norland in 2021?"), about)
    assert found is not None and "Value: 100" in found.draft.text, found


def test_quarters_written_in_words_a_demonym_of_the_table_s_country_and_a_method_asked(tmp_path: Path) -> None:
    """A table that writes its quarters in words is read as before the quarter codes; "Norwegian" names the table's
    own country; "how was X calculated" asks a method, which the prose tells."""
    rows = [[place, period, when, str(value * share)] for place, share in (("Whole country", 1), ("Lakeside", 2))
            for period, when, value in (("By year", "2020", 100), ("By quarter", "First quarter 2020", 30),
                                        ("By quarter", "Second quarter 2020", 25), ("By quarter", "Third quarter 2020", 20),
                                        ("By quarter", "Fourth quarter 2020", 25), ("By year", "2021", 120))]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("deaths.csv", ["Place", "Period", "Year_Quarter", "Value"], rows, "Deaths in Norway", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    second = answerer.answer(Question("How many were counted in the second quarter of 2020?"), _passages())
    assert second is not None and "Value: 25" in second.draft.text, second
    norwegian = answerer.answer(Question("What was the Norwegian value by year in 2021?"), _passages())
    assert norwegian is not None and "Value: 120" in norwegian.draft.text, norwegian
    assert answerer.answer(Question("How was the average by year calculated for 2020 and 2021?"), _passages()) is None


def test_a_possessive_names_no_bracketed_inflection(tmp_path: Path) -> None:
    """"Lakeside's" is Lakeside, not the "(s)" of "Origin of compound(s)": a possessive pins no measure."""
    from crossbrief.rag.table_links import link
    from crossbrief.rag.table_text import words
    assert words("Lakeside's rate") == {"lakeside", "rate"}
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    rows = [[measure, place, "2021", value] for measure, values in (("Overall numbers", ("100", "40")),
                                                                    ("Origin of compound(s)", ("9", "4")))
            for place, value in zip(("Whole country", "Lakeside"), values)]
    _, table = render_table("harms.csv", ["Measure", "Place", "Year", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    found = link("How many were counted in Lakeside's records in 2021?", store.tables([SOURCE])[0])
    assert 0 not in found.pinned, found.pinned



def test_the_words_naming_the_arithmetic_are_not_left_for_the_table_to_link(tmp_path: Path) -> None:
    """"the percentage change in X from 2018 to 2019 year end": "percentage change" and "year end" name what is
    worked out and when, not a row or a column; the link is judged on the rest."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("cash.csv", ["Item", "2019", "2018"],
                            [["Cash and harbour deposits", "9,472", "7,554"], ["Net stores", "1,200", "900"]],
                            "Cash", 0)
    store.write(SOURCE, "hash1", [table])
    answerer = TableAnswerer(store)
    asked = "What was the percentage change in cash and harbour deposits from 2018 to 2019 year end?"
    found = answerer.answer(Question(asked), _passages())
    assert found is not None and "table_change_computed" in found.draft.notes
    assert "From 7,554 in 2018 to 9,472 in 2019: an increase of 1,918 (25.39%)." in found.draft.text
    # a question for one year's figure is judged on all its words, as before
    assert answerer.answer(Question("What was the percentage of cash and harbour deposits at 2019 year end in the "
                                    "western ports?"), _passages()) is None


def test_a_footnote_number_set_against_a_row_label_does_not_hide_the_row(tmp_path: Path) -> None:
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("pay.csv", ["", "2019 €m", "2018 €m"],
                            [["Salaries and fees", "4", "4"], ["Incentive schemes1", "2", "3"]], "Pay", 0)
    store.write(SOURCE, "hash1", [table])
    found = TableAnswerer(store).answer(Question("What is the average incentive schemes between 2018 and 2019?"),
                                        _passages())
    assert found is not None and "The average of 3 in 2018 and 2 in 2019 is 2.5." in found.draft.text
    from crossbrief.rag.table_text import words
    assert words("Tier1 capital") != words("Tier2 capital")  # a number inside a name is no footnote


def test_a_change_is_worked_out_from_a_table_with_a_column_per_measure(tmp_path: Path) -> None:
    """Rows of records with a column per measure ("Year | Deaths | Hospitalizations"): the two years' rows differ in
    every measure, not only in the one asked; the change of the one asked is worked out and re-checked."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", ["Year", "Deaths", "Hospitalizations"],
                            [["2020", "410", "1,200"], ["2021", "455", "1,310"], ["2022", "470", "1,350"]], "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    found = TableAnswerer(store).answer(Question("How much did deaths change from 2020 to 2021?"), _passages())
    assert found is not None and found.passage is not None
    assert "From 410 in 2020 to 455 in 2021: an increase of 45 (10.98%)." in found.draft.text
    checked = check_answer(found.draft.text, [*_passages(), found.passage])
    assert all(f.supported for f in checked.figures) and any(f.computed for f in checked.figures)
    # two rows that differ in a label as well are two things, not one measure's two years
    _, places = render_table("places.csv", ["Year", "Region", "Deaths", "Hospitalizations"],
                             [["2020", "North", "410", "1,200"], ["2021", "South", "455", "1,310"]], "Places", 0)
    store.write("/data/places.csv", "hash2", [places])
    mixed = TableAnswerer(store).answer(Question("How much did deaths change from 2020 to 2021?"),
                                        [replace(p, source="/data/places.csv") for p in _passages()],
                                        Filters(sources=("/data/places.csv",)))
    assert mixed is None or "table_change_computed" not in mixed.draft.notes


def test_a_month_run_into_its_day_in_a_heading_still_names_the_date(tmp_path: Path) -> None:
    """"December31, 2019" heads a column as typed: the question's "December 31, 2019" names it, and the row is read."""
    from crossbrief.rag.table_text import words
    assert words("December31, 2019") == {"december", "31", "2019"}
    assert words("covid19 cases") == {"covid19", "case"}  # digits run into another word stay part of it
    assert words("December31st, 2019") == {"december", "31", "2019"}
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("accrued.csv", ["", "December31, 2019", "2018"],
                            [["Accrued payroll", "$116.9", "$105.9"], ["Harbour liabilities", "93.8", "120.5"],
                             ["Tax-related accruals", "30.8", "38.4"], ["Accrued other", "33.3", "44.8"]], "Accrued", 0)
    store.write(SOURCE, "hash1", [table])
    found = TableAnswerer(store).answer(Question("How much was the harbour liabilities as at December 31, 2019?"),
                                        _passages())
    assert found is not None and "93.8" in found.draft.text and "row 2" in found.draft.text, found


def test_a_follow_up_naming_another_value_of_a_pinned_column_is_asked_of_it(tmp_path: Path) -> None:
    """"What about lumenite?" after "How many ferrocite-related seizures ...?" asks the lumenite row, not one of
    both substances (which no row holds)."""
    rows = [[substance, place, year, "Number", str(value)]
            for substance, base in (("Ferrocite", 100), ("Lumenite", 7)) for place, share in (("Lakeside", 1),
                                                                                               ("Hillside", 2))
            for year, value in (("2020", base * share), ("2021", base * share + 1))]
    answerer = one_table(tmp_path, "seizures.csv", ["Substance", "Place", "Year", "Unit", "Value"], rows, "Seizures")
    earlier = "How many ferrocite-related seizures were there in Lakeside in 2021?"
    first = answerer.answer(Question(earlier), _passages())
    assert first is not None and "Value: 101" in first.draft.text, first
    asked = Question("What about lumenite?", standalone=f"What about lumenite? {earlier}", context=earlier)
    found = answerer.answer(asked, _passages())
    assert found is not None and not found.draft.refused, found
    assert "Substance: Lumenite" in found.draft.text and "Value: 8" in found.draft.text, found.draft.text
    assert "Ferrocite" not in found.draft.text, found.draft.text


def test_a_follow_up_value_replaces_the_earlier_one_however_the_question_wrote_it(tmp_path: Path) -> None:
    """The earlier value as the question wrote it: a plural ("cities" for "Cities"), a value of two words, a people's
    name ("Norlanders" for "Norland"); and nothing is answered for the earlier value when it is not found."""
    rows = [[place, area, year, str(value)] for place, base in (("Norland", 100), ("Sudland", 7))
            for area, share in (("Cities", 1), ("Rural areas", 2)) for year, value in (("2020", base * share),
                                                                                     ("2021", base * share + 1))]
    answerer = one_table(tmp_path, "visits.csv", ["Place", "Area", "Year", "Value"], rows, "Visits")

    def follow(earlier: str, follow_up: str) -> str:
        found = answerer.answer(Question(follow_up, standalone=f"{follow_up} {earlier}", context=earlier), _passages())
        assert found is not None and not found.draft.refused, (follow_up, found)
        return found.draft.text

    text = follow("How many visits were there in cities in Norland in 2021?", "What about rural areas?")
    assert "Area: Rural areas" in text and "Value: 201" in text and "Cities" not in text, text
    text = follow("How many Norlanders visited cities in 2021?", "What about Sudland?")
    assert "Place: Sudland" in text and "Value: 8" in text and "Norland;" not in text, text


def test_a_follow_up_asking_another_year_keeps_what_else_it_asks(tmp_path: Path) -> None:
    """"What was the rate in 2030?" after a count asked of 2031: the rate of 2030, not both years' rows."""
    rows = [["Ferrocite", "Deaths", "Norland", year, unit, value] for year, count, rate in
            (("2029", "900", "12.5"), ("2030", "1100", "15.1"), ("2031", "1000", "13.9"))
            for unit, value in (("Number", count), ("Crude rate per 100000", rate))]
    answerer = one_table(tmp_path, "deaths.csv", ["Substance", "Type", "Region", "Year", "Unit", "Value"], rows, "Deaths")
    earlier = "How many ferrocite deaths were there in Norland in 2031?"
    first = answerer.answer(Question(earlier), _passages())
    assert first is not None and "Value: 1000" in first.draft.text, first
    asked = Question("What was the rate in 2030?", standalone=f"What was the rate in 2030? {earlier}", context=earlier)
    found = answerer.answer(asked, _passages())
    assert found is not None and not found.draft.refused, found
    assert "Year: 2030" in found.draft.text and "2031" not in found.draft.text, found.draft.text
    assert "Value: 15.1" in found.draft.text, found.draft.text
