"""Links by meaning from a question's words to a table's values (rag/table_meaning.py): paraphrases of a value are
linked with the packaged model, names are never, and phrases that name two values of a column leave it open."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crossbrief.index.documents import render_table
from crossbrief.index.embedding import Embedder
from crossbrief.index.table_store import StoredTable, TableStore
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.table_links import link
from crossbrief.rag.table_meaning import MeaningLinker, phrases
from crossbrief.rag.tables import TableAnswerer

SOURCE = "/data/harms.csv"
COLUMNS = ["Substance", "Event", "Year", "Value"]
EVENTS = ("Deaths", "Hospitalizations", "Emergency Medical Services (EMS)")


def _store(tmp_path: Path) -> tuple[TableStore, StoredTable]:
    """Harms by substance, event and year; no hospitalizations of stimulants in 2021."""
    rows = [[substance, event, year, str(100 * (i + 1) + j + (7 if year == "2021" else 0))]
            for i, substance in enumerate(("Opioids", "Stimulants")) for j, event in enumerate(EVENTS)
            for year in ("2020", "2021") if (substance, event, year) != ("Stimulants", "Hospitalizations", "2021")]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", COLUMNS, rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    return store, store.tables([SOURCE])[0]


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Harms\n12 rows.", source=SOURCE, title="Harms", date=None,
                    page=None, heading="Harms", start=0, end=0, kind="table-summary")]


def test_the_phrases_are_runs_of_lower_case_words_not_yet_linked() -> None:
    found = phrases("How many paramedic call-outs did Lakeshire log in 2021?", {"2021"})
    assert "paramedic call outs" in found and "paramedic" in found and "log" in found
    assert not any("lakeshire" in p for p in found)  # a name is never linked by what it resembles
    assert not any(p.isdigit() or p in ("how", "many", "did") for p in found)


def test_a_paraphrase_of_a_value_is_linked_by_meaning(tmp_path: Path, embedder: Embedder) -> None:
    store, _ = _store(tmp_path)
    answerer = TableAnswerer(store, meaning=MeaningLinker(embedder.embed, margin=0.1, floor=0.4))
    asked = Question("How many paramedic call-outs for stimulants were logged in 2021?")
    found = answerer.answer(asked, _passages())
    assert found is not None and not found.draft.refused, found
    assert "Event: Emergency Medical Services (EMS)" in found.draft.text, found.draft.text
    assert "Substance: Stimulants" in found.draft.text and "Value: 209" in found.draft.text, found.draft.text
    # without links by meaning the question's words leave too much unlinked to answer from the table
    assert TableAnswerer(store).answer(asked, _passages()) is None


def _fake_vectors(known: dict[str, list[float]]):  # type: ignore[no-untyped-def]
    def vectors(texts: list[str]) -> np.ndarray:
        found = np.array([known.get(t, [0.0, 0.0, 0.0, 1.0]) for t in texts], dtype=np.float64)
        return found / np.linalg.norm(found, axis=1, keepdims=True)
    return vectors


def test_phrases_naming_two_values_of_a_column_want_rows_of_each(tmp_path: Path) -> None:
    store, table = _store(tmp_path)
    vectors = _fake_vectors({
        "Deaths": [1, 0, 0, 0], "Hospitalizations": [0, 1, 0, 0], "Emergency Medical Services (EMS)": [0, 0, 1, 0],
        "poisonings": [1, 0.1, 0, 0], "hospital": [0.1, 1, 0, 0], "ward": [0, 1, 0.1, 0],
    })
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    event = COLUMNS.index("Event")
    asked = "How many hospital ward stays in 2021?"
    clear = linker.extend(asked, link(asked, table))
    assert clear.pinned[event] == ["Hospitalizations"] and not clear.each
    assert clear.coverage > link(asked, table).coverage
    asked = "How many poisonings sent people to hospital in 2021?"
    both = linker.extend(asked, link(asked, table))
    assert both.pinned[event] == ["Deaths", "Hospitalizations"] and both.each == (event,)
    # the table lacks one of them for what the question pins: not the other's rows; and a link made by meaning is
    # too unsure to refuse with, so the prose answerer gets the question
    answerer = TableAnswerer(store, meaning=linker)
    assert answerer.answer(Question("How many poisonings of stimulants sent people to hospital in 2021?"),
                           _passages()) is None
    found = answerer.answer(Question("How many poisonings of opioids sent people to hospital in 2021?"), _passages())
    assert found is not None and not found.draft.refused, found
    assert "Value: 107" in found.draft.text and "Value: 108" in found.draft.text, found.draft.text
    # a name no value links: the column left open would answer with its overall row, another place's figure
    named = "How many hospital ward stays did Lakeshire count in 2021?"
    assert linker.extend(named, link(named, table)) == link(named, table)
