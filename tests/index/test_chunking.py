from __future__ import annotations

from pathlib import Path

from crossbrief.index.chunking import Chunker, split_sentences
from crossbrief.index.documents import Document, Section
from crossbrief.index.embedding import MAX_WORD_PIECES
from crossbrief.index.loaders import load
from tests.conftest import CORPUS


def _chunker(embedder, **kwargs) -> Chunker:  # type: ignore[no-untyped-def]
    return Chunker(embedder.count_word_pieces, **kwargs)


def test_no_chunk_exceeds_the_models_word_piece_limit(embedder) -> None:  # type: ignore[no-untyped-def]
    chunker = _chunker(embedder, chunk_tokens=400, overlap_tokens=60)
    long_sentence = "The cartel moved " + "precursor chemicals through many ports and warehouses " * 120 + "."
    text = "Intro sentence here.\n\n" + long_sentence + "\n\n" + "Short closing sentence. " * 80
    doc = Document(source="/x/long.txt", text=text, title="A title", kind="text", sections=(Section(0, len(text)),))
    chunks = chunker.chunk(doc)
    assert len(chunks) > 3
    assert max(embedder.count_word_pieces(c.embedding_text) for c in chunks) <= MAX_WORD_PIECES
    for c in chunks:
        assert text[c.start:c.end] == c.text


def test_sample_corpus_chunks_fit_and_keep_their_spans(embedder) -> None:  # type: ignore[no-untyped-def]
    chunker = _chunker(embedder)
    for path in sorted(CORPUS.iterdir()):
        doc = load(path)
        for chunk in chunker.chunk(doc):
            assert embedder.count_word_pieces(chunk.embedding_text) <= MAX_WORD_PIECES
            if chunk.kind == "table":
                assert chunk.text.startswith("Table: ")
                assert chunk.text.endswith(doc.text[chunk.start:chunk.end])
            else:
                assert doc.text[chunk.start:chunk.end] == chunk.text


def test_chunks_respect_headings_and_overlap_a_little(embedder) -> None:  # type: ignore[no-untyped-def]
    sentences = [f"Sentence number {i} talks about border policy and fentanyl seizures in detail." for i in range(40)]
    body = " ".join(sentences)
    text = "# Part one\n\n" + body + "\n\n# Part two\n\nThe second part has one sentence."
    doc = load_md(text)
    chunks = _chunker(embedder, chunk_tokens=60, overlap_tokens=20).chunk(doc)
    assert {c.heading for c in chunks} == {"Part one", "Part two"}
    part_one = [c for c in chunks if c.heading == "Part one"]
    assert any(set(split_text(a.text)) & set(split_text(b.text)) for a, b in zip(part_one, part_one[1:]))
    assert all("Part two" not in c.text for c in part_one)


def load_md(text: str) -> Document:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # read in full before the folder goes
        path = Path(folder) / "note.md"
        path.write_text(text)
        return load(path)


def split_text(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


def test_chunk_ids_are_stable_and_depend_on_source_and_content(embedder) -> None:  # type: ignore[no-untyped-def]
    chunker = _chunker(embedder)
    text = "Alpha sentence about tariffs. Beta sentence about borders."
    doc = Document(source="/a.txt", text=text, title="t", kind="text", sections=(Section(0, len(text)),))
    same = Document(source="/a.txt", text=text, title="t", kind="text", sections=(Section(0, len(text)),))
    other = Document(source="/b.txt", text=text, title="t", kind="text", sections=(Section(0, len(text)),))
    assert [c.id for c in chunker.chunk(doc)] == [c.id for c in chunker.chunk(same)]
    assert {c.id for c in chunker.chunk(doc)}.isdisjoint(c.id for c in chunker.chunk(other))


def test_sentence_splitter_keeps_abbreviations_and_figures_together() -> None:
    text = "The U.S. tariff was 25%. It rose to 35% on Aug. 1, 2025. Then what?"
    assert split_text(text) == ["The U.S. tariff was 25%.", "It rose to 35% on Aug. 1, 2025.", "Then what?"]


def test_bullets_run_into_the_text_end_sentences() -> None:
    text = "Key changes were: • Costs rose $4.1 billion or 12%, due to growth. • Sales fell 2%. • Staff stayed level"
    assert split_text(text) == ["Key changes were:", "Costs rose $4.1 billion or 12%, due to growth.", "Sales fell 2%.",
                                "Staff stayed level"]


def test_a_year_opening_a_wrapped_line_is_no_list_item() -> None:
    text = "The rule expires on December 31,\n    2031.  Wardens asked for more.\n1. Renew it.\n2. Fund it."
    assert split_text(text)[:2] == ["The rule expires on December 31,\n    2031.", "Wardens asked for more."]


def test_a_heading_is_a_whole_line_not_the_end_of_a_wrapped_one() -> None:
    wrapped = ("Harbour crossings fell last year. Through the Harbour Renewal\nPlan, we have spent $4 billion on "
               "ferries.")
    assert split_text(wrapped) == ["Harbour crossings fell last year.",
                                   "Through the Harbour Renewal\nPlan, we have spent $4 billion on ferries."]
    heading = "Ferry Safety Review\nThe board met twice in 2031."
    assert split_text(heading) == ["Ferry Safety Review", "The board met twice in 2031."]
