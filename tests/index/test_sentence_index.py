"""Sentence vectors beside the chunks: which sentences get one, how a search maps them back to chunks, how they
are kept in step with the chunks, and that retrieval finds a chunk by one sentence a whole-chunk vector dilutes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from crossbrief.config import Settings
from crossbrief.index.documents import Chunk
from crossbrief.index.factory import build_ingester, open_sentences, open_store
from crossbrief.index.sentence_index import SentenceIndex, chunk_of, sentences_of
from crossbrief.index.store import StoredChunk
from crossbrief.rag.retrieval import fuse
from crossbrief.rag.service import build
from tests.fakes import MemoryStore, ToyEmbedder


def _chunk(cid: str, text: str, kind: str = "text") -> Chunk:
    return Chunk(id=cid, text=text, source="/notes/a.md", title="Notes", start=0, end=len(text), index=0, kind=kind)


def test_prose_sentences_and_small_table_rows_get_entries_and_a_big_table_one_with_its_own_vector() -> None:
    prose = _chunk("p1", "Widget exports rose to 4,000 units in 2024. Short line. Imports fell by a third over the year.")
    table = _chunk("t1", "Table: Widgets\nRow 1: Year: 2023; Value: 3,000\nRow 2: Year: 2024; Value: 4,000", kind="table")
    summary = _chunk("t2", "Table: Harms, 24,000 rows; columns: Region, Year, Value", kind="table-summary")
    entries = SentenceIndex.entries([prose, table, summary])
    # "Short line." is too short to say anything alone; the table's label line is not a row
    assert [e.id for e in entries] == ["p1~s0", "p1~s1", "t1~s0", "t1~s1"]
    assert entries[1].text == "Imports fell by a third over the year."
    assert entries[3].text == "Row 2: Year: 2024; Value: 4,000"
    assert entries[0].metadata["chunk_id"] == "p1" and entries[0].metadata["source"] == "/notes/a.md"
    whole, positions = SentenceIndex.whole_entries([prose, table, summary])
    assert [e.id for e in whole] == ["t2~s0"] and positions == [2]
    assert sentences_of(summary.text, "table-summary") == [] and chunk_of("p1~s12") == "p1"


def test_a_search_gives_each_chunk_once_at_its_best_sentence() -> None:
    index = SentenceIndex(MemoryStore())
    vectors = np.eye(4, dtype=np.float32)
    index.put([_entry("a~s0"), _entry("a~s1"), _entry("b~s0"), _entry("c~s0")], vectors)
    query = np.array([0.1, 0.9, 0.5, 0.2], dtype=np.float32)
    hits = index.query(query, 2)
    assert [cid for cid, _ in hits] == ["a", "b"]  # a by its second sentence, then b; c is past n
    assert hits[0][1] > hits[1][1]


def test_deleting_and_pruning_remove_only_the_sentences_of_chunks_gone() -> None:
    index = SentenceIndex(MemoryStore())
    a = _chunk("a", "Widget exports rose to 4,000 units in 2024. Imports fell by a third over the year.")
    b = _chunk("b", "Gadget exports held steady at 900 units in 2024.")
    c = _chunk("c", "Table: Widgets\nRow 1: Year: 2024; Value: 4,000", kind="table")
    d = _chunk("d", "Table: Harms, 24,000 rows; columns: Region, Year, Value", kind="table-summary")
    entries = SentenceIndex.entries([a, b, c]) + SentenceIndex.whole_entries([d])[0]
    index.put(entries, np.eye(len(entries), dtype=np.float32))
    assert index.store.all_ids() == {"a~s0", "a~s1", "b~s0", "c~s0", "d~s0"}
    index.delete_chunks(["a", "d"])  # found by the chunk id each entry carries
    assert index.store.all_ids() == {"b~s0", "c~s0"}
    # exact whatever the splitting was when they were written: an entry the current splitting would not make goes too
    index.put([StoredChunk("b~s7", "an entry written by another splitting", {"chunk_id": "b"})],
              np.eye(1, len(entries), dtype=np.float32))
    index.delete_chunks(["b"])
    assert index.store.all_ids() == {"c~s0"}
    index.put(SentenceIndex.entries([b]), np.eye(1, len(entries), dtype=np.float32))
    assert index.prune({"b"}) == 1  # c's chunk is no longer in the manifest (an interrupted ingest)
    assert index.store.all_ids() == {"b~s0"}


def test_fusion_weighs_the_sentence_ranking_and_ignores_it_at_zero() -> None:
    dense, bm25, sentences = ["a", "b"], ["a", "b"], ["c", "b"]
    assert [cid for cid, _ in fuse(dense, bm25, 1, 1.0, 1.0, sentences, 0.0)] == ["a", "b"]
    # b: 1/3 + 1/3 + 2/3 beats a: 1/2 + 1/2; c (1.0) ties a and yields to the chunk dense found
    assert [cid for cid, _ in fuse(dense, bm25, 1, 1.0, 1.0, sentences, 2.0)] == ["b", "a", "c"]


def test_retrieval_finds_a_chunk_by_the_one_sentence_the_question_rewords(tmp_path: Path) -> None:
    """The answer sits in a long chunk about something else: its chunk vector is far from the question, its
    sentence is near; with sentence vectors weighed in, that chunk comes first."""
    embedder = ToyEmbedder()
    folder = tmp_path / "notes"
    folder.mkdir()
    filler = " ".join(f"The harbour committee met on day {i} to review berth schedules and crane repairs." for i in range(12))
    (folder / "harbour.md").write_text(f"# Harbour\n\n{filler} Customs intercepted 420 kilograms of precursor "
                                       "chemicals aboard container ships.\n")
    (folder / "chemicals.md").write_text("# Chemicals\n\nPrecursor rules changed for laboratories and suppliers "
                                         "of chemicals in every province this year.\n")
    question = "How many kilograms of precursor chemicals did customs intercept aboard container ships?"
    ranks = {}
    for weight in (0.0, 3.0):
        settings = Settings(home=tmp_path / f"home-{weight}", retrieval={"sentence_weight": weight, "k": 1})
        build_ingester(settings, embedder).ingest([folder])
        passages = build(settings, embedder).retriever.retrieve(question).passages
        ranks[weight] = passages[0].source
    assert ranks[0.0].endswith("chemicals.md"), "the test needs the whole-chunk ranking to miss"
    assert ranks[3.0].endswith("harbour.md")


def test_an_index_built_before_sentence_vectors_still_answers(tmp_path: Path) -> None:
    embedder = ToyEmbedder()
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Widgets\n\nWidget exports rose to 4,000 units in 2024.\n")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder, store=open_store(settings, create=True)).ingest([folder])  # no sentences
    passages = build(settings, embedder).retriever.retrieve("How many widgets were exported?").passages
    assert passages and passages[0].source.endswith("a.md")


def test_turning_sentence_vectors_on_ingests_the_files_again(tmp_path: Path) -> None:
    embedder = ToyEmbedder()
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Widgets\n\nWidget exports rose to 4,000 units in 2024.\n")
    off = Settings(home=tmp_path / "home", index={"sentence_vectors": False})
    assert build_ingester(off, embedder).ingest([folder]).files_new == 1
    on = Settings(home=tmp_path / "home")
    report = build_ingester(on, embedder).ingest([folder])
    assert report.files_changed == 1  # without its sentence vectors the file was not as this pipeline makes it
    sentences = open_sentences(on)
    assert sentences is not None and {chunk_of(i) for i in sentences.store.all_ids()} == open_store(on).all_ids()


def _entry(entry_id: str) -> StoredChunk:
    return StoredChunk(entry_id, entry_id, {"chunk_id": chunk_of(entry_id)})


def test_the_vectors_stored_for_a_chunks_sentences_are_read_back_by_their_text() -> None:
    index = SentenceIndex(MemoryStore())
    prose = _chunk("p1", "Widget exports rose to 4,000 units in 2024. Short line. Imports fell by a third over the year.")
    table = _chunk("t1", "Table: Widgets\nRow 1: Year: 2023; Value: 3,000", kind="table")
    entries = SentenceIndex.entries([prose, table])
    index.put(entries, np.eye(len(entries), 8, dtype=np.float32))
    found = index.stored_vectors([("p1", prose.text, "text"), ("t1", table.text, "table"), ("gone", "A chunk no "
                                  "longer stored has no vectors to read.", "text")])
    assert set(found) == {"Widget exports rose to 4,000 units in 2024.", "Imports fell by a third over the year.",
                          "Row 1: Year: 2023; Value: 3,000"}
    assert found["Imports fell by a third over the year."].tolist() == np.eye(len(entries), 8)[1].tolist()


def test_the_answerer_embeds_only_the_sentences_the_ingest_did_not_store(tmp_path: Path) -> None:
    """A question on passages read for the first time takes their sentences' vectors from the sentence index; the
    answer is the one the answerer gives when it embeds every sentence itself."""
    embedder = ToyEmbedder()
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "widgets.md").write_text("# Widgets\n\nWidget exports rose to 4,000 units in 2024. Imports of widgets "
                                       "fell by a third over the year. Gadget exports held steady at 900 units.\n")
    settings = Settings(home=tmp_path / "home")
    build_ingester(settings, embedder).ingest([folder])
    service = build(settings, embedder)
    embedded: list[str] = []
    own = service.offline.vectors.vectors

    def recording(texts: Sequence[str]) -> np.ndarray:
        embedded.extend(texts)
        return own(texts)

    service.offline.vectors.vectors = recording
    question = "How many widget units were exported in 2024?"
    answer = service.answer(question)
    assert "4,000" in answer.answer
    assert embedded and "Widget exports rose to 4,000 units in 2024." not in embedded  # read, not embedded
    service.offline.stored_vectors = None
    service.offline.forget_vectors()
    embedded.clear()
    assert service.answer(question).answer == answer.answer
    assert "Widget exports rose to 4,000 units in 2024." in embedded
