"""BM25 query expansion into the index's own vocabulary (rag/word_neighbours.py): a reworded question that shares no
word with its answer's passage still finds it through the passage's nearest words, with the real packaged model;
the word vectors are saved with the BM25 index and read back; expansion off changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from crossbrief.index.store import StoredChunk
from crossbrief.rag.bm25 import BM25Index
from crossbrief.rag.word_neighbours import ExpansionSettings, WordNeighbours, expandable

ON = ExpansionSettings(min_similarity=0.6, weight=0.5, per_word=4)
OFF = ExpansionSettings(min_similarity=0.6, weight=0.0, per_word=4)

# invented passages; the question below uses none of the answer's words (stop words aside)
CHUNKS = [
    StoredChunk("answer", "Officers seized 40 kilograms of cocaine at the harbour.", {"source": "/a.md"}),
    StoredChunk("other1", "The committee met on Tuesday to discuss the school budget.", {"source": "/b.md"}),
    StoredChunk("other2", "Rainfall in the valley was heavier than usual this spring.", {"source": "/c.md"}),
    StoredChunk("other3", "The museum opened a new wing for modern paintings.", {"source": "/d.md"}),
]
QUESTION = "How much narcotics did police confiscate at the port?"


def _fake_embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors where 'confiscate' and 'seized' nearly coincide and every other word is far from the rest."""
    vectors = []
    for text in texts:
        v = np.zeros(64)
        if text in ("confiscate", "seized"):
            v[0], v[1] = 1.0, 0.05 if text == "seized" else 0.0
        else:
            v[2 + sum(map(ord, text)) % 62] = 1.0
        vectors.append(v / np.linalg.norm(v))
    return np.asarray(vectors)


def test_expansions_are_the_nearest_indexed_words_weighted_by_similarity() -> None:
    neighbours = WordNeighbours.of(["seized", "budget", "harbour", "12th", "of"], _fake_embed)
    assert neighbours.words == ("budget", "harbour", "seized")  # letters only, three or more
    found = neighbours.expansions(["confiscate"], _fake_embed, ON)
    assert list(found) == ["seized"] and 0.49 < found["seized"] <= 0.5
    assert neighbours.expansions(["confiscate"], _fake_embed, OFF) == {}
    assert neighbours.expansions(["seized"], _fake_embed, ON) == {}  # never a word the question uses itself
    strict = ExpansionSettings(min_similarity=0.9999, weight=0.5, per_word=4)
    assert neighbours.expansions(["confiscate"], _fake_embed, strict) == {}


def test_expandable_words_are_letters_only() -> None:
    assert expandable("seized") and not expandable("2023") and not expandable("q3") and not expandable("of")


def test_a_reworded_question_finds_its_passage_only_with_expansion(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    index = BM25Index.build(CHUNKS, embedder.embed)
    plain = index.top(QUESTION, 4, None)
    assert "answer" not in [cid for cid, _ in plain]  # no shared word: BM25 alone cannot find it
    expansions = index.expansions(QUESTION, embedder.embed, ON)
    assert expansions and all(0 < w <= ON.weight for w in expansions.values())
    expanded = index.top(QUESTION, 4, None, expansions)
    assert expanded and expanded[0][0] == "answer", (expansions, expanded)
    assert index.expansions(QUESTION, embedder.embed, OFF) == {}

    index.save(tmp_path, "v000000000001-test")
    loaded = BM25Index.load(tmp_path / "v000000000001-test")
    assert loaded is not None and loaded.neighbours is not None
    assert loaded.neighbours.words == index.neighbours.words  # type: ignore[union-attr]
    assert loaded.expansions(QUESTION, embedder.embed, ON).keys() == expansions.keys()


def test_an_index_saved_without_word_vectors_gets_them_when_loaded(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    BM25Index.build(CHUNKS).save(tmp_path, "v000000000001-test")  # as saved before word vectors were kept
    loaded = BM25Index.load_or_build(tmp_path, "v000000000001-test", lambda: [], embedder.embed)
    assert loaded.ids == [c.id for c in CHUNKS]  # the saved index, not a rebuild from the (empty) loader
    assert loaded.neighbours is not None and "seized" in loaded.neighbours.words


def test_closeness_is_the_mean_of_each_question_words_nearest_unit_word() -> None:
    neighbours = WordNeighbours.of(["seized", "budget", "harbour"], _fake_embed)
    asked = _fake_embed(["confiscate", "harbour"])
    both, one, none = neighbours.closeness(asked, [["seized", "harbour", "unindexed"], ["harbour"], ["unindexed"]])
    assert abs(both - 1.0) < 0.01  # both met, one by a near word
    assert abs(one - 0.5) < 0.01  # 'confiscate' meets nothing near
    assert none == 0.0 and not neighbours.closeness(asked[:0], [["seized"]]).any()
    assert neighbours.vectors_of(["seized", "confiscate"], _fake_embed).shape == (2, 64)  # indexed or embedded now


def test_a_reworded_questions_answer_is_nearer_by_word_vectors_than_other_sentences(embedder) -> None:  # type: ignore[no-untyped-def]
    from crossbrief.rag.evidence import near_overlaps, units
    from crossbrief.rag.models import Passage

    index = BM25Index.build(CHUNKS, embedder.embed)
    passages = [Passage(n=i, chunk_id=c.id, text=c.text, source=str(c.metadata["source"]), title="", date=None,
                        page=None, heading="", start=0, end=len(c.text)) for i, c in enumerate(CHUNKS, 1)]
    found = units(passages)
    near = near_overlaps(QUESTION, found, index.neighbours, embedder.embed)
    best = found[int(near.argmax())]
    assert best.passage.chunk_id == "answer", list(zip([u.text for u in found], near))
    assert not near_overlaps(QUESTION, found, None, embedder.embed).any()  # no word vectors: no signal


def test_damaged_word_vector_files_are_rebuilt_not_fatal(tmp_path: Path) -> None:
    index = BM25Index.build(CHUNKS, _fake_embed)
    index.save(tmp_path, "v000000000001-test")
    folder = tmp_path / "v000000000001-test"
    (folder / "neighbour_vectors.npy").write_bytes(b"")  # what an unsynced write leaves after a crash
    loaded = BM25Index.load(folder)
    assert loaded is not None and loaded.neighbours is None  # the index itself still loads
    rebuilt = BM25Index.load_or_build(tmp_path, "v000000000001-test", lambda: [], _fake_embed)
    assert rebuilt.neighbours is not None and "seized" in rebuilt.neighbours.words



def test_an_ingest_prepares_the_new_versions_keyword_index(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crossbrief.config import load_settings
    from crossbrief.index.manifest import Manifest
    from crossbrief.rag.sources import ingest_sources

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text("# Harbour\n\nOfficers seized 40 kilograms of cocaine at the harbour.\n")
    settings = load_settings()
    ingest_sources(settings, [corpus], embedder=embedder)
    version = Manifest.load(settings).stamp.key
    # built at ingest, with its vocabulary's vectors: the first question reads them instead of embedding them
    loaded = BM25Index.load(settings.bm25_dir / version)
    assert loaded is not None and loaded.neighbours is not None and "seized" in loaded.neighbours.words
    saved = (settings.bm25_dir / version / "meta.json").stat().st_mtime_ns
    ingest_sources(settings, [corpus], embedder=embedder)  # nothing changed: no new version, nothing rebuilt
    assert Manifest.load(settings).stamp.key == version
    assert (settings.bm25_dir / version / "meta.json").stat().st_mtime_ns == saved


def test_an_ingest_whose_keyword_index_cannot_be_prepared_is_still_saved(embedder, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                          monkeypatch, caplog) -> None:
    import crossbrief.rag.sources as sources
    from crossbrief.config import load_settings
    from crossbrief.index.manifest import Manifest

    def damaged(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database disk image is malformed")  # as chroma's InternalError says it

    monkeypatch.setattr(sources, "keyword_index", damaged)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text("# Harbour\n\nOfficers seized 40 kilograms of cocaine at the harbour.\n")
    settings = load_settings()
    report, chunks = sources.ingest_sources(settings, [corpus], embedder=embedder)
    assert report.chunks_added == chunks == 1 and Manifest.load(settings).indexed
    assert "keyword index was not prepared" in caplog.text
