"""The unit a question asks picks a table's rows (rag/table_text.py `rows_in_asked_unit`): a share keeps the rows
whose cells name a percentage, a rate those that name a rate, "how many" counts; a unit the rows lack is no answer (a rate is no
share, a percentage no count). The words that ask a unit are the rows' to answer, not a breakdown of a column of
units (rag/table_meaning.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crossbrief.index.documents import render_table
from crossbrief.index.table_store import TableStore
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.table_links import link
from crossbrief.rag.table_meaning import MeaningLinker
from crossbrief.rag.table_text import unit_words, units_asked, units_named
from crossbrief.rag.tables import TableAnswerer

SOURCE = "/data/cases.csv"
# Lakeside has every unit; Hillside no percentage; Upton a percentage only
UNITS = {"Whole country": ("Number", "Percent", "Rate per 100,000"), "Lakeside": ("Number", "Percent", "Rate per 100,000"),
         "Hillside": ("Number", "Rate per 100,000"), "Upton": ("Percent",)}
FIGURES = {"Number": 40, "Percent": 12, "Rate per 100,000": 3.5}


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Cases", source=SOURCE, title="Cases", date=None, page=None,
                    heading="Cases", start=0, end=0, kind="table-summary")]


def _store(tmp_path: Path) -> TableStore:
    # figures that differ in every row (a column of a few repeated numbers reads as codes)
    rows = [[place, year, unit, f"{FIGURES[unit] * (p + 1) + int(year) - 2020:g}"] for p, (place, units) in
            enumerate(UNITS.items()) for unit in units for year in ("2020", "2021")]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("cases.csv", ["Place", "Year", "Unit", "Value"], rows, "Cases", 0)
    store.write(SOURCE, "hash1", [table])
    return store


def test_units_are_read_from_english_words() -> None:
    assert units_asked("What share of cases were in Lakeside?") == {"share"}
    assert units_asked("What percentage of cases ...?") == {"share"} == units_asked("What % of cases?")
    assert units_asked("What was the rate per capita?") == {"rate"} == units_asked("How many per 100,000 people?")
    assert not units_asked("How many shares were bought?") and not units_asked("What were earnings per share?")
    assert units_named("Crude rate") == {"rate"} and units_named("Percent") == {"share"} and not units_named("Number")
    assert units_named("Deaths per 1,000") == {"rate"} and not units_named("Upper Vale") and not units_named("Corporate")
    assert unit_words("the death rate per 100,000 in 2021") == {"rate", "100000"}


def test_a_share_keeps_percentages_a_rate_keeps_rates_and_how_many_keeps_counts(tmp_path: Path) -> None:
    answerer = TableAnswerer(_store(tmp_path))

    def value(question: str) -> str | None:
        found = answerer.answer(Question(question), _passages())
        assert found is None or found.passage is not None, found
        return None if found is None or found.passage is None else found.passage.text.rsplit("Value: ", 1)[1]

    assert value("What share was in Lakeside in 2021?") == "25"
    assert value("What was the rate in Lakeside in 2021?") == "8"
    assert value("How many in Lakeside in 2021?") == "81"
    # the unit asked is not among the rows: no other unit's figure answers
    assert value("What percentage was in Hillside in 2021?") is None
    assert value("How many in Upton in 2021?") is None
    assert value("What was the rate in Upton in 2021?") is None


def test_the_unit_asked_is_no_breakdown_of_a_column_of_units(tmp_path: Path) -> None:
    """"rate" comes close to the values of the open Unit column without telling them apart: it asks the unit the
    rows answer in, not a breakdown the overall rows would miss."""
    table = _store(tmp_path).tables([SOURCE])[0]
    known = {"Number": [1.0, 0, 0], "Percent": [0, 1.0, 0], "Rate per 100,000": [0, 0, 1.0], "rate": [0, 0.9, 1.0]}

    def vectors(texts: list[str]) -> np.ndarray:
        found = np.stack([np.asarray(known.get(t, [0.0, 0.0, 0.0]) + [1.0 if t not in known else 0.0])
                          for t in texts])
        return found / np.linalg.norm(found, axis=1, keepdims=True)

    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    asked = "What was the Lakeside rate in 2021?"
    assert linker.extend(asked, link(asked, table)).breakdown == ""
