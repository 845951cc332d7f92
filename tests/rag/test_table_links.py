"""How a question's words link to a table's values (rag/table_links.py, rag/table_words.py): quarters named by a range of their months,
and a quarter no value holds as a near miss rather than its year's row."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crossbrief.index.documents import render_table
from crossbrief.index.table_store import TableStore
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.table_words import with_quarter_codes
from crossbrief.rag.tables import TableAnswerer

SOURCE = "/data/harms.csv"


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Harms", source=SOURCE, title="Harms", date=None, page=None,
                    heading="Harms", start=0, end=0, kind="table-summary")]


def _answerer(tmp_path: Path, columns: list[str], rows: list[list[str]]) -> TableAnswerer:
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", columns, rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    return TableAnswerer(store)


def test_a_range_of_a_quarter_s_months_names_the_quarter() -> None:
    assert "Q2" in with_quarter_codes("from April to June 2020")
    assert "Q1" in with_quarter_codes("Jan-Mar 2020") and "Q4" in with_quarter_codes("October through December")
    assert with_quarter_codes("from April to May 2020") == "from April to May 2020"  # two months are no quarter
    assert with_quarter_codes("January to September 2021") == "January to September 2021"


QUARTERLY = [["Whole country", "By year", "2020", "100"], ["Whole country", "By quarter", "2020 Q1", "30"],
             ["Whole country", "By quarter", "2020 Q2", "25"], ["Whole country", "By quarter", "2020 Q3", "20"],
             ["Whole country", "By quarter", "2020 Q4", "25"], ["Whole country", "By year", "2021 (Jan to Sep)", "81"],
             ["Whole country", "By quarter", "2021 Q1", "27"], ["Whole country", "By quarter", "2021 Q2", "26"],
             ["Whole country", "By quarter", "2021 Q3", "28"]]


def test_a_quarter_named_by_its_months_is_answered_from_its_row(tmp_path: Path) -> None:
    answerer = _answerer(tmp_path, ["Place", "Period", "Year_Quarter", "Value"], QUARTERLY)
    found = answerer.answer(Question("How many were counted from April to June 2020?"), _passages())
    assert found is not None and "Year_Quarter: 2020 Q2" in found.draft.text, found


def test_a_quarter_no_value_holds_is_a_near_miss_not_its_year_s_row(tmp_path: Path) -> None:
    """"Q4 2021" of a table whose 2021 is "2021 (Jan to Sep)" and its first three quarters: the year's row (named by
    its year alone) does not answer it."""
    answerer = _answerer(tmp_path, ["Place", "Period", "Year_Quarter", "Value"], QUARTERLY)
    for asked in ("How many were counted in Q4 2021?", "How many were counted in the fourth quarter of 2021?",
                  "How many were counted from October to December 2021?"):
        found = answerer.answer(Question(asked), _passages())
        assert found is not None and found.draft.refused and "2021 Q4" in found.draft.reason, (asked, found)
        assert "2021 Q3" in found.draft.reason, found.draft.reason
    whole = answerer.answer(Question("How many were counted by year in 2021?"), _passages())
    assert whole is not None and "Value: 81" in whole.draft.text, whole
    # quarters kept in a column of their own: the year's column need not hold them
    split = [["Whole country", year, quarter, str(10 * int(year[-1]) + int(quarter[-1]))]
             for year in ("2020", "2021") for quarter in ("Q1", "Q2", "Q3", "Q4")]
    answerer = _answerer(tmp_path / "split", ["Place", "Year", "Quarter", "Value"], split)
    found = answerer.answer(Question("How many were counted in Q4 2021?"), _passages())
    assert found is not None and not found.draft.refused and "Value: 14" in found.draft.text, found


def test_a_number_never_pins_a_code_that_a_column_of_names_determines(tmp_path: Path) -> None:
    """A region's numeric identifier beside its name is read from the data as a code (every name has one code; two
    names may share one), so "15- to 24-year-olds" pins no region 24; a numeric column that varies within a name
    (a dose) or a column of years is no code."""
    from crossbrief.rag.table_links import link
    from crossbrief.rag.table_words import code_columns
    places = (("Whole country", "1"), ("Lakeside", "24"), ("Lakeside town", "24"), ("Hillside", "35"))
    rows = [[place, code, dose, year, str(100 * p + 10 * d + y)] for p, (place, code) in enumerate(places)
            for d, dose in enumerate(("5", "24")) for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Region", "Code", "Dose", "Year", "Value"], rows)
    table = answerer.store.tables([SOURCE])[0]
    every = [cells for _, cells in answerer.store.rows(table.table_id, range(1, table.n_rows + 1))]
    assert code_columns(table, every) == {1}
    asked = "How many 15- to 24-year-olds in Hillside in 2021?"
    assert 1 not in link(asked, table, code_columns(table, every)).pinned
    assert 1 in link(asked, table).pinned  # what the code check prevents: Lakeside's code named by the age
    assert link("How many at dose 24 in Hillside in 2021?", table, frozenset({1})).pinned.get(2) == ["24"]


def test_a_name_is_named_by_its_initials_and_a_place_by_its_own_name_before_its_region(tmp_path: Path) -> None:
    """"UV" and "U.V." name "Upper Vale" (a name of capitalised words, by initials the question writes in capitals);
    "Lakeside" names "Lakeside, Upper Vale" (a place with the region it lies in)."""
    rows = [[place, year, str(100 * p + y)] for p, place in enumerate(
        ("Whole country", "Upper Vale", "Lakeside, Upper Vale", "Hillside", "Overall numbers"))
        for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Region", "Year", "Value"], rows)
    for asked, value in (("How many in UV in 2021?", "101"), ("How many did U.V. count in 2021?", "101"),
                         ("How many in Lakeside in 2021?", "201"), ("How many in Upper Vale in 2021?", "101"),
                         ("How many in Lakeside, Upper Vale in 2021?", "201")):
        found = answerer.answer(Question(asked), _passages())
        assert found is not None and f"Value: {value}" in found.draft.text, (asked, found)
    # initials in lower case are a word, and a value of lower-case words has no initials
    from crossbrief.rag.table_links import link
    table = answerer.store.tables([SOURCE])[0]
    assert 0 not in link("How many uv in 2021?", table).pinned
    assert 0 not in link("How many ON in 2021?", table).pinned


def test_words_naming_the_table_s_own_source_count_as_linked(tmp_path: Path) -> None:
    """"According to the Vale Office harm counts data, ..." names the source of /data/vale_office/HarmCountsData.csv
    (its folder, and its file name split at its capitals): those words leave the coverage whole, and "Vale", a
    region too, is the publisher here, not a second region asked. A source the table does not come from is still
    a name it does not account for."""
    source = "/data/vale_office/HarmCountsData.csv"
    rows = [[place, year, str(100 * p + y)] for p, place in enumerate(("Whole country", "Vale", "Upton", "Downs"))
            for y, year in enumerate(("2020", "2021"))]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("HarmCountsData.csv", ["Region", "Year", "Value"], rows, "Harmcountsdata", 0)
    store.write(source, "hash1", [table])
    shown = [Passage(n=1, chunk_id="c1", text="Table: Harmcountsdata", source=source, title="Harmcountsdata",
                     date=None, page=None, heading="Harmcountsdata", start=0, end=0, kind="table-summary")]
    answerer = TableAnswerer(store)
    found = answerer.answer(Question("According to the Vale Office harm counts data, how many in Upton in 2021?"),
                            shown)
    assert found is not None and "Value: 201" in found.draft.text and "Vale" not in found.draft.text, found
    found = answerer.answer(Question("Per the Vale Office data, how many in Vale in 2021?"), shown)
    assert found is not None and "Value: 101" in found.draft.text, found
    assert answerer.answer(Question("According to the Norland Office data, how many in Upton in 2021?"), shown) is None


def test_a_column_naming_each_row_once_makes_no_codes(tmp_path: Path) -> None:
    """Row labels that never repeat determine every column beside them: that makes no column a code."""
    from crossbrief.rag.table_words import code_columns
    rows = [[f"Item {chr(65 + k)}", str(k % 3 + 1), str(100 + 7 * k)] for k in range(9)]
    answerer = _answerer(tmp_path, ["Item", "Grade", "Value"], rows)
    table = answerer.store.tables([SOURCE])[0]
    assert table.profile.columns[1].numeric and table.profile.columns[1].values
    assert code_columns(table, [cells for _, cells in answerer.store.rows(table.table_id, range(1, 10))]) == set()


def test_a_demonym_names_the_place_value_it_derives_from(tmp_path: Path) -> None:
    """"Uplanders" and "Varesians" name Upland and Varesia (a capitalised word that runs on past a value's proper
    name), so the place's row answers and the name is not taken for a place the table lacks; a word that merely
    starts alike ("Northern" of "Northwest") or a lower-case word is no such form."""
    from crossbrief.rag.table_words import with_value_names
    rows = [[place, year, str(100 * p + y)] for p, place in enumerate(("Whole country", "Upland", "Varesia", "Northwest"))
            for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Region", "Year", "Value"], rows)
    for asked, value in (("How many Uplanders were counted in 2021?", "101"),
                         ("How many Varesians were counted in 2020?", "200")):
        found = answerer.answer(Question(asked), _passages())
        assert found is not None and f"Value: {value}" in found.draft.text, (asked, found)
    table = answerer.store.tables([SOURCE])[0]
    assert with_value_names("How many Northern towns in 2021?", table) == "How many Northern towns in 2021?"
    assert with_value_names("How many uplanders in 2021?", table) == "How many uplanders in 2021?"
    assert answerer.answer(Question("How many Northerners were counted in 2021?"), _passages()) is None


AGES = ("0 to 19 years", "20 to 29 years", "30 to 39 years", "40 years or more")


def test_a_range_asked_pins_the_value_that_is_that_range_or_is_a_near_miss(tmp_path: Path) -> None:
    """A range of ages asked in any words ("aged 20 to 29", "20- to 29-year-olds", "in their 30s", "40 and over")
    pins the value that is that range; one no value is ("15- to 24-year-olds", "20- to 24-year-olds", which shares
    its numbers' words with "20 to 29 years") is refused naming the nearest ranges the table has."""
    rows = [[age, year, str(100 * a + y)] for a, age in enumerate(AGES) for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Age group", "Year", "Value"], rows)
    for asked, value in (("How many aged 20 to 29 in 2021?", "101"),
                         ("How many 20- to 29-year-olds in 2020?", "100"),
                         ("How many in their 30s in 2021?", "201"),
                         ("How many aged 40 and over in 2021?", "301")):
        found = answerer.answer(Question(asked), _passages())
        assert found is not None and not found.draft.refused and f"Value: {value}" in found.draft.text, (asked, found)
    for asked, missing in (("How many 15- to 24-year-olds in 2021?", "15 to 24"),
                           ("How many 20- to 24-year-olds in 2021?", "20 to 24")):
        found = answerer.answer(Question(asked), _passages())
        assert found is not None and found.draft.refused, (asked, found)
        assert missing in found.draft.reason and "20 to 29 years" in found.draft.reason, found.draft.reason
    # a year's range is no age band, and a table without ranges reads numbers as before
    from crossbrief.rag.table_links import link
    table = answerer.store.tables([SOURCE])[0]
    assert not link("How many from 2020 to 2021?", table).absent


def test_a_figure_per_day_is_not_answered_with_a_year_s_total(tmp_path: Path) -> None:
    """"each day", "per week", "daily" ask a figure per span of time: a table of yearly totals does not give it (the
    prose may), one whose columns name the span does."""
    rows = [[place, year, str(100 * p + y), str(p + y)] for p, place in enumerate(("Whole country", "Upland"))
            for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Region", "Year", "Value"], [r[:3] for r in rows])
    assert answerer.answer(Question("How many in Upland in 2021?"), _passages()) is not None
    for asked in ("How many in Upland each day in 2021?", "How many daily in Upland in 2021?",
                  "How many Uplanders per week in 2021?"):
        assert answerer.answer(Question(asked), _passages()) is None, asked
    daily = _answerer(tmp_path / "daily", ["Region", "Year", "Value", "Daily average"], rows)
    found = daily.answer(Question("What was the daily average in Upland in 2021?"), _passages())
    assert found is not None and "Daily average: 2" in found.draft.text, found


def test_a_value_two_columns_hold_is_tried_in_the_other_when_the_first_reading_has_no_answer(tmp_path: Path) -> None:
    """An age band is both a breakdown (beside a year) and a group (broken down by sex): "how many aged 20 to 29"
    links it to the breakdown column, whose row is a percentage; the counts are under the other column holding it,
    whose year value the period column pins too."""
    bands = ("20 to 29 years", "30 to 39 years", "40 to 49 years")
    rows = [["Group", year, year, band, "Percent", str(20 + 3 * b + y)] for y, year in enumerate(("2020", "2021"))
            for b, band in enumerate(bands)]
    rows += [["Sex and group", year, band, sex, "Number", str(1000 * y + 100 * b + s)]
             for y, year in enumerate(("2020", "2021")) for b, band in enumerate(bands)
             for s, sex in enumerate(("Female", "Male"))]
    answerer = _answerer(tmp_path, ["Measure", "Year", "Aggregator", "Disaggregator", "Unit", "Value"], rows)
    found = answerer.answer(Question("How many aged 20 to 29 in 2021?"), _passages())
    assert found is not None and "Value: 1000" in found.draft.text and "Value: 1001" in found.draft.text, found
    share = answerer.answer(Question("What percent were aged 20 to 29 in 2021?"), _passages())
    assert share is not None and "Value: 21" in share.draft.text, share


def test_a_table_beyond_the_best_retrieved_sources_answers_only_a_question_it_links_nearly_in_full(tmp_path: Path) -> None:
    """A table whose source was retrieved after the best few answers when the question's words link it (nearly) in
    full (the unit asked too) and its rows answer; a partial link or a near miss there leaves the question to the
    prose."""
    rows = [[place, year, unit, str(100 * p + 10 * y + u)] for p, place in enumerate(("Whole country", "Upland"))
            for y, year in enumerate(("2020", "2021")) for u, unit in enumerate(("Number", "Percent"))]
    answerer = _answerer(tmp_path, ["Region", "Year", "Unit", "Value"], rows)
    prose = [Passage(n=n, chunk_id=f"p{n}", text="Upland counted many.", source=f"/data/note{n}.md", title="Note",
                     date=None, page=None, heading="", start=0, end=0) for n in (1, 2, 3)]
    shown = [*prose, *(replace(p, n=p.n + 3) for p in _passages())]
    found = answerer.answer(Question("What share in Upland in 2021?"), shown)
    assert found is not None and "Value: 111" in found.draft.text, found
    assert answerer.answer(Question("What share of births in Upland in 2021?"), shown) is None  # "births" unlinked
    # a table that far must link the share of the question's words configured: four of five words ("recorded" is
    # not linked) answer at 0.8, not when every word must link
    nearly = Question("What Percent share was recorded in Upland in 2021?")
    loose = answerer.answer(nearly, shown)
    assert loose is not None and "Value: 111" in loose.draft.text
    assert replace(answerer, far_coverage=1.0).answer(nearly, shown) is None
    assert answerer.answer(Question("What share in Upland in 2024?"), shown) is None  # a near miss: not refused here
    nearer = answerer.answer(Question("What share in Upland in 2024?"), [*_passages(), *prose])
    assert nearer is not None and nearer.draft.refused, nearer


def test_a_statement_set_before_the_question_by_a_semicolon_pins_nothing(tmp_path: Path) -> None:
    """"Upland keeps growing; how many in Whole country in 2021?": the clause before the one that asks is context, so
    its value names no row."""
    rows = [[place, year, str(100 * p + y)] for p, place in enumerate(("Whole country", "Upland", "Lowland"))
            for y, year in enumerate(("2020", "2021"))]
    answerer = _answerer(tmp_path, ["Region", "Year", "Value"], rows)
    found = answerer.answer(Question("Lowland keeps growing fast; how many in the Whole country in 2021?"), _passages())
    assert found is not None and not found.draft.refused and "Value: 1" in found.draft.text, found
    assert "Lowland" not in found.draft.text


def test_review_mends_of_the_table_links(tmp_path: Path) -> None:
    """A value the source's words name is asked, not the publisher, unless the question names it as its source; a
    combined category ("Opioids, Stimulants") is no place form of "Opioids"; "per cent" is a share; a demonym needs
    a demonym's ending ("Canal" is no "Canada")."""
    from crossbrief.rag.table_links import link
    from crossbrief.rag.table_words import _derives
    from crossbrief.rag.table_text import units_named
    source = "/data/vale/vale_harms.csv"
    rows = [[place, substance, "2021", str(10 * p + s)] for p, place in enumerate(("Vale", "Upton"))
            for s, substance in enumerate(("Opioids", "Stimulants", "Opioids, Stimulants"))]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("vale_harms.csv", ["Region", "Substance", "Year", "Value"], rows, "Harms in Vale", 0)
    store.write(source, "hash1", [table])
    stored = store.tables([source])[0]
    assert sorted(link("How many opioid harms were there in Vale and in Upton in 2021?", stored).pinned[0]) == ["Upton", "Vale"]
    assert link("According to Vale, how many opioid harms in Upton in 2021?", stored).pinned[0] == ["Upton"]
    assert link("How many opioid harms in Upton in 2021?", stored).pinned[1] == ["Opioids"]
    assert units_named("Per cent") == {"share"} and units_named("Rate per 100,000") == {"rate"}
    assert _derives("ontarians", "ontario") and not _derives("canal", "canada")


def test_second_review_mends_of_the_table_links(tmp_path: Path) -> None:
    """"per capita" names no source; "daily" is a day, not any "Date" column; "per centre" is no share; an opening
    place set off by a comma is a name; a unit word a column name links counts once toward a link in full."""
    from crossbrief.index.table_store import StoredTable
    from crossbrief.rag.table_links import Link, source_phrase_words
    from crossbrief.rag.table_meaning import capitalised
    from crossbrief.rag.table_text import units_asked, units_named
    from crossbrief.rag.tables import _lacks_span, _linked_share
    assert source_phrase_words("What were the deaths per capita in Lakeland and Upton in 2031?") == set()
    assert source_phrase_words("How many deaths did Upton record in the ministry's latest data?") == set()
    assert units_named("Visits per centre") == {"rate"} and units_asked("How many visits per centre?") == frozenset()
    assert capitalised("Sicily, how many deaths?") == ["Sicily"] and capitalised("Nationally, how many?") == []
    answerer = _answerer(tmp_path, ["Region", "Date", "Deaths"], [["Lakeside", "2031", "7300"]])
    table: StoredTable = answerer.store.tables([SOURCE])[0]
    assert _lacks_span("How many daily deaths were there in Lakeside in 2031?", table)
    rated = Link(table, {0: ["Lakeside"]}, [2], 2.0, coverage=0.75)  # "rate" linked by a column, "death" by nothing
    assert _linked_share(replace(rated, table=replace(table, columns=("Region", "Date", "Rate"))),
                         "What was the death rate in Lakeside in 2031?") < 1



def test_of_values_differing_only_in_function_words_the_one_written_out_is_pinned(tmp_path: Path) -> None:
    """"owed by members" and "owed to members" link the same content words; the question writes out one."""
    rows = [["Amounts owed by members", "0.3", "0.2"], ["Amounts owed to members", "(0.1)", "(0.4)"]]
    answerer = _answerer(tmp_path, ["Item", "2019", "2018"], rows)
    from crossbrief.rag.table_links import link
    table = answerer.store.tables([SOURCE])[0]
    assert link("What were the amounts owed to members in 2019?", table).pinned[0] == ["Amounts owed to members"]
    assert link("What were amounts owed by the members in 2019?", table).pinned[0] == [
        "Amounts owed by members", "Amounts owed to members"]  # neither written out: both, as before
    found = answerer.answer(Question("What was the change in the amounts owed to members from 2018 to 2019?"),
                            _passages())
    assert found is not None and "From (0.4) in 2018 to (0.1) in 2019: an increase of 0.3" in found.draft.text


def test_a_value_is_named_by_its_head_word_when_no_other_value_of_its_column_holds_it(tmp_path: Path) -> None:
    from crossbrief.rag.table_links import head_words, link

    assert head_words("Emergency Department (ED) Visits") == {"visit"} and not head_words("Number of deaths")
    rows = [[source, measure, year, str(10 * s + m)]
            for s, source in enumerate(("Deaths", "Emergency Department (ED) Visits", "Hospitalizations"))
            for m, measure in enumerate(("Overall numbers", "Manner of death")) for year in ("2021",)]
    answerer = _answerer(tmp_path, ["Source", "Measure", "Year", "Value"], rows)
    table = answerer.store.tables([SOURCE])[0]
    visits = link("How many ER visits were there in 2021?", table)
    assert visits.pinned.get(0) == ["Emergency Department (ED) Visits"] and 1 not in visits.pinned
    # "deaths" names the value "Deaths" in full; the measure whose name ends in "of death" is not named by it
    deaths = link("How many deaths were there in 2021?", table)
    assert deaths.pinned.get(0) == ["Deaths"] and 1 not in deaths.pinned
    # a question that qualifies the word otherwise asks another kind of it; a linked or function word does not
    for other in ("How many national park visits were there in 2021?", "How many home visits were there in 2021?"):
        assert 0 not in link(other, table).pinned, other
    assert link("How many 2021-related visits were there?", table).pinned.get(0) == ["Emergency Department (ED) Visits"]
    # only a table the question links by another value is read so, and never by a word naming the table itself
    assert not link("How many ER visits were there?", table).pinned
    assert 0 not in link("How many were there in 2021, per the visits data?",
                         replace(table, source="/data/visits.csv")).pinned


def test_prepositions_are_no_words_a_table_must_link(tmp_path: Path) -> None:
    from crossbrief.rag.table_links import link

    answerer = _answerer(tmp_path, ["Region", "Year", "Deaths"], [["Upland", "2021", "7"], ["Lowland", "2021", "9"]])
    table = answerer.store.tables([SOURCE])[0]
    for question in ("How many deaths were there across Upland in 2021?", "How many deaths during 2021 within Upland?"):
        assert link(question, table).coverage == 1.0, question


def test_a_column_is_named_without_the_unit_its_name_gives_in_brackets(tmp_path: Path) -> None:
    """"Ferry Leases (Dollars in millions)" is named by "ferry leases": a change between two years' rows of that
    column is worked out; two columns alike but for their brackets are named by neither."""
    rows = [["2030", "$460", "47"], ["2031", "361", "28"], ["2032", "308", "22"], ["Thereafter", "686", "170"],
            ["Total lease payments", "1,815", "267"], ["Less: interest", "(516)", "(90)"], ["Total", "$1,299", "177"]]
    answerer = _answerer(tmp_path, ["", "Ferry Leases (Dollars in millions)", "Barge Leases"], rows)
    found = answerer.answer(Question("What is the percentage change in ferry leases between 2030 and 2031?"),
                            _passages())
    assert found is not None and "a decrease of $99 (21.52%)" in found.draft.text, found
    from crossbrief.rag.table_links import link
    from crossbrief.index.documents import render_table as render
    _, twin = render("twin.csv", ["", "Sales (home)", "Sales (abroad)"], [["2030", "5", "6"], ["2031", "7", "8"]],
                     "Twin", 0)
    store = TableStore.open(f"sqlite:///{tmp_path / 'twin.sqlite3'}")
    store.write("/data/twin.csv", "hash2", [twin])
    assert link("What were sales in 2031?", store.tables(["/data/twin.csv"])[0]).named == []
    # a bracket that gives a rate is part of the name, and a bare name another column's name holds names neither
    _, rates = render("rates.csv", ["Port", "Year", "Number of wrecks", "Wrecks (per 100 berths)"],
                      [["Alder", "2030", "1,600", "36.0"], ["Alder", "2031", "1,700", "38.0"],
                       ["Birch", "2030", "2,400", "16.0"], ["Birch", "2031", "2,500", "16.5"]], "Rates", 0)
    store.write("/data/rates.csv", "hash3", [rates])
    table = store.tables(["/data/rates.csv"])[0]
    assert 3 not in link("What was the change in wrecks at Alder between 2030 and 2031?", table).named


def test_a_word_a_value_makes_a_noun_of_names_that_value(tmp_path: Path) -> None:
    """"harbour admissions" of a value "Harbourizations" (a noun made of "harbour" by an English suffix) links it,
    as "admissions" alone would not."""
    answerer = _answerer(tmp_path, ["Measure", "Region", "Year", "Value"],
                         [["Harbourizations", "Norland", "2031", "44"], ["Deaths", "Norland", "2031", "7"],
                          ["Harbourizations", "Eastshire", "2031", "19"]])
    found = answerer.answer(Question("How many harbour admissions were there in Eastshire in 2031?"), _passages())
    assert found is not None and "19" in found.draft.text and "44" not in found.draft.text, found


def test_between_a_quarter_s_first_and_last_month_names_the_quarter(tmp_path: Path) -> None:
    assert "Q3" in with_quarter_codes("between July and September 2021")
    assert with_quarter_codes("between July and August 2021") == "between July and August 2021"
    answerer = _answerer(tmp_path, ["Place", "Period", "Year_Quarter", "Value"], QUARTERLY)
    found = answerer.answer(Question("How many were counted between April and June 2020?"), _passages())
    assert found is not None and "Year_Quarter: 2020 Q2" in found.draft.text, found


def test_a_measure_named_by_a_substance_is_read_as_the_substance_when_its_rows_are_not_there(tmp_path: Path) -> None:
    """"visits involving ferrocite" names both the measure "Involving ferrocite" (of lumenite harms) and the substance
    "Ferrocite": where no row holds the measure for what else is asked, the substance's overall row answers."""
    rows = [["Ferrocite", "Visits", "Overall numbers", "Eastshire", "2031", "120"],
            ["Lumenite", "Visits", "Overall numbers", "Eastshire", "2031", "40"],
            ["Lumenite", "Deaths", "Involving ferrocite", "Eastshire", "2031", "9"],
            ["Ferrocite", "Deaths", "Overall numbers", "Eastshire", "2031", "30"]]
    answerer = _answerer(tmp_path, ["Substance", "Source", "Specific_Measure", "Region", "Year", "Value"], rows)
    found = answerer.answer(Question("How many visits involving ferrocite did Eastshire count in 2031?"), _passages())
    assert found is not None and not found.draft.refused and "Value: 120" in found.draft.text, found
    # where the measure's rows are there, it is what was asked
    deaths = answerer.answer(Question("How many lumenite deaths involving ferrocite did Eastshire count in 2031?"),
                             _passages())
    assert deaths is not None and "Value: 9" in deaths.draft.text, deaths


def test_a_word_that_is_a_value_s_own_stays_itself(tmp_path: Path) -> None:
    answerer = _answerer(tmp_path, ["Item", "Year", "Value"],
                         [["Capital expenditure", "2031", "500"], ["Total capitalization", "2031", "9000"],
                          ["Capital expenditure", "2030", "450"], ["Total capitalization", "2030", "8000"]])
    found = answerer.answer(Question("What was capital expenditure in 2031?"), _passages())
    assert found is not None and "Value: 500" in found.draft.text, found
