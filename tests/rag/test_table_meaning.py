"""Links by meaning from a question's words to a table's values (rag/table_meaning.py): paraphrases of a value are
linked with the packaged model at the configured floor and margin; names are never, a capitalised word no value
links (first word too) and a breakdown the question asks for stop them; two values named in one column must each have
rows; and a link made by meaning never refuses."""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from crossbrief.config import GenerationSettings
from crossbrief.index.documents import render_table
from crossbrief.index.embedding import Embedder
from crossbrief.index.table_store import StoredTable, TableStore
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.table_links import link
from crossbrief.rag.table_links import alternatives
from crossbrief.rag.table_meaning import MeaningLinker, Vectors, capitalised, phrases
from crossbrief.rag.tables import TableAnswerer

SOURCE = "/data/harms.csv"
COLUMNS = ["Substance", "Event", "Sex", "Year", "Value"]
EVENTS = ("Deaths", "Hospitalizations", "Emergency Medical Services (EMS)")


def _store(tmp_path: Path) -> tuple[TableStore, StoredTable]:
    """Harms by substance, event, sex and year; no hospitalizations of stimulants in 2021."""
    # by sex: female and male add up to both sexes, the column's overall value
    rows = [[substance, event, sex, year, str((100 * (i + 1) + j + (7 if year == "2021" else 0)) * share)]
            for i, substance in enumerate(("Opioids", "Stimulants")) for j, event in enumerate(EVENTS)
            for sex, share in (("Both sexes", 3), ("Female", 1), ("Male", 2)) for year in ("2020", "2021")
            if (substance, event, year) != ("Stimulants", "Hospitalizations", "2021")]
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    _, table = render_table("harms.csv", COLUMNS, rows, "Harms", 0)
    store.write(SOURCE, "hash1", [table])
    return store, store.tables([SOURCE])[0]


def _passages() -> list[Passage]:
    return [Passage(n=1, chunk_id="c1", text="Table: Harms\n33 rows.", source=SOURCE, title="Harms", date=None,
                    page=None, heading="Harms", start=0, end=0, kind="table-summary")]


def test_the_phrases_are_runs_of_lower_case_words_not_yet_linked() -> None:
    assert capitalised("Lakeshire logged how many call-outs per Harbour Board?") == ["Lakeshire", "Harbour", "Board"]
    found = phrases("How many paramedic call-outs did Lakeshire log in 2021?", {"2021"})
    assert "paramedic call outs" in found and "paramedic" in found and "log" in found
    assert not any("lakeshire" in p for p in found)  # a name is never linked by what it resembles
    assert not any(p.isdigit() or p in ("how", "many", "did") for p in found)


def test_a_paraphrase_of_a_value_is_linked_by_meaning(tmp_path: Path, embedder: Embedder) -> None:
    store, _ = _store(tmp_path)
    configured = GenerationSettings()
    linker = MeaningLinker(embedder.embed, configured.table_meaning_margin, configured.table_meaning_floor)
    answerer = TableAnswerer(store, meaning=linker)
    asked = Question("How many paramedic call-outs for stimulants were logged in 2021?")
    found = answerer.answer(asked, _passages())
    assert found is not None and not found.draft.refused, found
    assert "Event: Emergency Medical Services (EMS)" in found.draft.text, found.draft.text
    assert "Substance: Stimulants" in found.draft.text and "Sex: Both sexes" in found.draft.text, found.draft.text
    assert "Value: 627" in found.draft.text, found.draft.text
    # without links by meaning the question's words leave too much unlinked to answer from the table
    assert TableAnswerer(store).answer(asked, _passages()) is None
    # a breakdown asked in other words ("among women") is not answered with the overall row, nor is a place named
    # first that no value links
    for other in ("How many paramedic call-outs for stimulants were logged among women in 2021?",
                  "Lakeshire paramedic call-outs for stimulants in 2021?"):
        assert answerer.answer(Question(other), _passages()) is None, other


def _fake_vectors(known: dict[str, list[float]]) -> Vectors:
    """Vectors for a few texts as given (padded), every other text its own direction (a seeded random one: far from
    everything else, as an unrelated word is)."""
    def vector(text: str) -> np.ndarray:
        if text in known:
            return np.pad(np.asarray(known[text], dtype=np.float64), (0, 64 - len(known[text])))
        return np.random.default_rng(zlib.crc32(text.encode())).normal(size=64)

    def vectors(texts: list[str]) -> np.ndarray:
        found = np.stack([vector(t) for t in texts])
        return found / np.linalg.norm(found, axis=1, keepdims=True)
    return vectors


def test_phrases_naming_two_values_of_a_column_want_rows_of_each(tmp_path: Path) -> None:
    store, table = _store(tmp_path)
    vectors = _fake_vectors({
        "Deaths": [1, 0, 0, 0], "Hospitalizations": [0, 1, 0, 0], "Emergency Medical Services (EMS)": [0, 0, 1, 0],
        "poisonings": [1, 0.1, 0, 0], "hospital": [0.1, 1, 0, 0], "ward": [0, 1, 0.1, 0], "clinic": [0.1, 1, 0, 0],
    })
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    event = COLUMNS.index("Event")
    asked = "How many hospital ward stays in 2021?"
    clear = linker.extend(asked, link(asked, table))
    assert clear.pinned[event] == ["Hospitalizations"] and not clear.each
    assert clear.coverage > link(asked, table).coverage
    # ("clinic", not "hospital": a word a value makes a noun of names that value outright, table_links.nominalised)
    asked = "How many poisonings sent people to a clinic in 2021?"
    both = linker.extend(asked, link(asked, table))
    assert both.pinned[event] == ["Deaths", "Hospitalizations"] and both.each == (event,)
    # the table lacks one of them for what the question pins: not the other's rows; and a link made by meaning is
    # too unsure to refuse with, so the prose answerer gets the question
    answerer = TableAnswerer(store, meaning=linker)
    assert answerer.answer(Question("How many poisonings of stimulants sent people to a clinic in 2021?"),
                           _passages()) is None
    found = answerer.answer(Question("How many poisonings of opioids sent people to a clinic in 2021?"), _passages())
    assert found is not None and not found.draft.refused, found
    assert "Value: 321" in found.draft.text and "Value: 324" in found.draft.text, found.draft.text
    # a name no value links: the column left open would answer with its overall row, another place's figure
    named = "How many hospital ward stays did Lakeshire count in 2021?"
    assert linker.extend(named, link(named, table)) == link(named, table)


def test_a_reading_that_drops_a_column_named_by_meaning_is_answered_without_it(tmp_path: Path) -> None:
    """alternatives() may drop a column pinned to two values by meaning when its values share the question's words
    with another column's: the reading without it must not look the column up."""
    store, table = _store(tmp_path)
    event, sex = COLUMNS.index("Event"), COLUMNS.index("Sex")
    found = replace(link("How many female deaths in 2021?", table), each=(event,), by_meaning=(event,))
    found = replace(found, pinned={**found.pinned, event: ["Deaths", "Hospitalizations"]})
    readings = [replace(found, pinned={c: v for c, v in found.pinned.items() if c != event})]
    answerer = TableAnswerer(store)
    assert sex in readings[0].pinned and event not in readings[0].pinned
    answered = answerer._answer_from(readings[0], "How many female deaths in 2021?", _passages())
    assert answered is not None and not answered.draft.refused, answered
    assert alternatives(found, "How many female deaths in 2021?")[0].each == (event,)


def test_a_breakdown_asked_beside_well_linked_words_is_not_answered_with_the_overall_row(
        tmp_path: Path, embedder: Embedder) -> None:
    """"for women" left over after every other word links (the link's coverage is high enough to answer) is still a
    breakdown the overall row would not answer."""
    store, _ = _store(tmp_path)
    configured = GenerationSettings()
    linker = MeaningLinker(embedder.embed, configured.table_meaning_margin, configured.table_meaning_floor)
    answerer = TableAnswerer(store, meaning=linker)
    overall = answerer.answer(Question("How many opioids deaths were there in 2021?"), _passages())
    assert overall is not None and "Sex: Both sexes" in overall.draft.text, overall
    asked = "How many opioids deaths were there for women in 2021?"
    assert link(asked, store.tables([SOURCE])[0]).coverage >= configured.table_min_coverage
    found = answerer.answer(Question(asked), _passages())
    assert found is None or "Both sexes" not in found.draft.text, found.draft.text


def test_a_lead_in_word_a_month_or_a_quarter_code_leaves_links_by_meaning_open(tmp_path: Path) -> None:
    """Capitalised words that name nothing a table would hold stop no link by meaning: a sentence's first word set
    off by a comma ("Nationally, ..."), a month, and a quarter's code, which is one word as the table code reads it
    ("Q2", as in "2021 Q2"). A name no value links still stops it."""
    assert capitalised("Nationally, how many call-outs did Lakeshire log from April to June in Q2 2021?") == [
        "Lakeshire", "Q2"]
    assert "q2" not in " ".join(phrases("How many call-outs in Q2 2021?", set()))
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    rows = [[substance, event, sex, period, str(10 * i + j)]
            for i, substance in enumerate(("Opioids", "Stimulants")) for j, event in enumerate(EVENTS)
            for sex in ("Both sexes", "Female", "Male") for period in ("2021", "2021 Q1", "2021 Q2")]
    _, quarterly = render_table("harms.csv", COLUMNS, rows, "Harms", 0)
    store.write(SOURCE, "hash1", [quarterly])
    table = store.tables([SOURCE])[0]
    vectors = _fake_vectors({
        "Deaths": [1, 0, 0, 0], "Hospitalizations": [0, 1, 0, 0], "Emergency Medical Services (EMS)": [0, 0, 1, 0],
        "hospital": [0.1, 1, 0, 0], "ward": [0, 1, 0.1, 0], "hospital ward": [0, 1, 0, 0],
    })
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    event = COLUMNS.index("Event")
    for asked in ("Nationally, how many hospital ward stays were there in 2021?",
                  "How many hospital ward stays were there in March 2021?",
                  "How many hospital ward stays were there in Q2 2021?"):
        found = link(asked, table)
        assert linker.extend(asked, found).pinned.get(event) == ["Hospitalizations"], asked
    named = "How many hospital ward stays did Lakeshire count in Q2 2021?"
    assert linker.extend(named, link(named, table)) == link(named, table)


def test_a_phrase_that_tells_a_pinned_column_s_values_apart_is_no_breakdown(tmp_path: Path) -> None:
    """A phrase left unlinked that comes close to a value of a column left open is a breakdown ("women": Female)
    unless it tells the values of a column the question pins apart better: then it speaks of what is pinned
    ("overdoses", near Opioids of the pinned substance and a little nearer Female than Male), and the link stands."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    rows = [[substance, place, sex, year, str((100 * (i + 1) + 10 * p + y) * share)]
            for i, substance in enumerate(("Opioids", "Stimulants")) for p, place in enumerate(("Whole country", "Lakeshire"))
            for sex, share in (("Both sexes", 3), ("Female", 1), ("Male", 2)) for y, year in enumerate(("2020", "2021"))]
    _, harms = render_table("harms.csv", ["Substance", "Place", "Sex", "Year", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [harms])
    table = store.tables([SOURCE])[0]
    vectors = _fake_vectors({"Both sexes": [0, 0, 0, 1], "Female": [1, 0, 0, 0], "Male": [0, 1, 0, 0],
                             "Opioids": [0, 0, 0, 0, 1], "Stimulants": [0, 0, 0, 0, 0, 1],
                             "women": [1, 0.2, 0, 0], "overdoses": [0.55, 0.45, 0, 0, 1, 0.2]})
    # a column of more values than a question picks from (here two) is never linked, only asked a breakdown of
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4, max_values=2)
    clear = "How many opioids for women in 2021?"
    assert linker.extend(clear, link(clear, table)).breakdown == "women"
    pinned = "How many opioids overdoses in 2021?"
    assert not linker.extend(pinned, link(pinned, table)).breakdown
    # and its words are accounted for by that pin, as a paraphrase of a value is: enough to answer from the table
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    asked = "How many suspected opioids overdoses were logged in Lakeshire in 2021?"
    assert link(asked, table).coverage < 0.6 <= linker.extend(asked, link(asked, table)).coverage
    found = TableAnswerer(store, meaning=linker).answer(Question(asked), _passages())
    assert found is not None and "Value: 333" in found.draft.text, found


def test_a_column_of_few_names_among_many_dated_values_is_linked_by_meaning(tmp_path: Path) -> None:
    """A column is linked by meaning when it holds few names, however many of its values are ranges or dates (read
    by their words): "women" names Female in a column that also holds many age bands."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    groups = ("Female", "Male", *(f"{10 * n} to {10 * n + 9} years" for n in range(3)))
    rows = [["Opioids", group, year, str(100 * g + y)] for g, group in enumerate(groups)
            for y, year in enumerate(("2020", "2021"))]
    _, harms = render_table("harms.csv", ["Substance", "Group", "Year", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [harms])
    table = store.tables([SOURCE])[0]
    vectors = _fake_vectors({"Female": [1, 0, 0, 0], "Male": [0, 1, 0, 0], "women": [1, 0.2, 0, 0]})
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4, max_values=4)  # five values, two of them names
    asked = "How many opioids for women in 2021?"
    assert linker.extend(asked, link(asked, table)).pinned.get(1) == ["Female"]


def test_a_phrase_naming_the_value_every_pinned_row_holds_is_no_breakdown(tmp_path: Path) -> None:
    """"aged" comes close to "Age group" of a column left open (too close to "Sex and age group" as well to link
    either), but every row of the pinned "20 to 29 years" is of "Age group": the phrase restates the pin, asks no
    breakdown, and the row answers. A phrase naming a value the pinned rows do not all hold stays a breakdown."""
    from crossbrief.rag.service import _values_under

    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    groups = (("Age group", "20 to 29 years"), ("Age group", "30 to 39 years"), ("Sex", "Female"), ("Sex", "Male"),
              ("Sex and age group", "Female, 20 to 29 years"), ("Overall numbers", "All"))
    rows = [["Opioids", measure, group, year, str(10 * g + y)] for g, (measure, group) in enumerate(groups)
            for y, year in enumerate(("2020", "2021"))]
    _, harms = render_table("harms.csv", ["Substance", "Measure", "Group", "Year", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [harms])
    table = store.tables([SOURCE])[0]
    vectors = _fake_vectors({"Age group": [1, 0, 0, 0], "Sex and age group": [0.9, 0.44, 0, 0], "Sex": [0, 1, 0, 0],
                             "Overall numbers": [0, 0, 1, 0], "aged": [1, 0.1, 0, 0]})
    asked = "How many opioid deaths were people aged 20 to 29 in 2021?"
    without = MeaningLinker(vectors, margin=0.1, floor=0.4)
    assert without.extend(asked, link(asked, table)).breakdown == "aged"  # the rule this test is about, off
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4, values_under=lambda t, p, c: _values_under(store, t, p, c))
    assert not linker.extend(asked, link(asked, table)).breakdown
    found = TableAnswerer(store, meaning=linker).answer(Question(asked), _passages())
    assert found is not None and "Value: 1" in found.draft.text and "Group: 20 to 29 years" in found.draft.text, found
    # rows of two measures ("All" and none pinned in Group): "aged" would break them down
    overall = "How many opioid deaths were people aged in 2021?"
    assert linker.extend(overall, link(overall, table)).breakdown == "aged"
    assert _values_under(store, table.table_id, {0: ["Opioids"]}, 1, most_rows=3) is None  # too many rows to read


def test_a_phrase_naming_an_open_column_s_overall_value_is_no_breakdown(tmp_path: Path) -> None:
    """A phrase nearest the value an open column takes anyway ("nationally" and a column of places whose overall
    value is the whole country) restates the default: the overall row answers. One nearest another value of that
    column ("locally" and Lakeshire) still asks a breakdown."""
    store = TableStore.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    places = (("Whole country", 3), ("Lakeshire", 1), ("Upton", 2))  # the parts add up to the whole country
    rows = [[substance, place, year, str((100 * (i + 1) + y) * share)]
            for i, substance in enumerate(("Opioids", "Stimulants")) for place, share in places
            for y, year in enumerate(("2020", "2021"))]
    _, harms = render_table("harms.csv", ["Substance", "Place", "Year", "Value"], rows, "Harms", 0)
    store.write(SOURCE, "hash1", [harms])
    table = store.tables([SOURCE])[0]
    assert table.profile.columns[1].overall == "Whole country"
    # each phrase is close to two places, too close to link either by meaning (the margin), close enough to ask
    vectors = _fake_vectors({"Whole country": [1, 0, 0], "Lakeshire": [0, 1, 0], "Upton": [0, 0, 1],
                             "nationally": [1, 0.9, 0], "locally": [0.9, 1, 0]})
    linker = MeaningLinker(vectors, margin=0.1, floor=0.4)
    national = "How many opioids were there nationally in 2021?"
    assert not linker.extend(national, link(national, table)).breakdown
    local = "How many opioids were there locally in 2021?"
    assert linker.extend(local, link(local, table)).breakdown == "locally"
    found = TableAnswerer(store, meaning=linker).answer(Question(national), _passages())
    assert found is not None and "Value: 303" in found.draft.text, found


def test_a_word_naming_a_value_by_itself_is_not_taken_by_a_longer_phrase_near_another(tmp_path: Path) -> None:
    """"women died": the phrase is near Deaths, but "women" names Female by itself (close, by the margin), so it links
    the column of sexes rather than counting as said by the phrase (which left the overall row, both sexes, to answer
    how many women died). A word that names nothing by itself ("suspected") is still covered by its phrase."""
    store, table = _store(tmp_path)
    vectors = _fake_vectors({"Female": [1, 0, 0, 0], "Male": [0, 1, 0, 0], "Both sexes": [0, 0, 0, 1],
                             "Deaths": [0, 0, 1, 0], "women": [1, 0.1, 0, 0], "died": [0, 0, 1, 0],
                             "women died": [0.3, 0, 1, 0], "suspected died": [0, 0, 1, 0.1]})
    linker = MeaningLinker(vectors, margin=0.2, floor=0.5)
    asked = "How many women died of opioids in 2021?"
    extended = linker.extend(asked, link(asked, table))
    assert extended.pinned.get(2) == ["Female"] and extended.pinned.get(1) == ["Deaths"], extended.pinned
    found = TableAnswerer(store, meaning=linker).answer(Question(asked), _passages())
    assert found is not None and "Female" in found.draft.text and "Both sexes" not in found.draft.text, found
    suspected = "How many opioids suspected died in 2021?"
    assert linker.extend(suspected, link(suspected, table)).coverage == 1.0
