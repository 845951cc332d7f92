"""`Crossbrief.answer`'s own logic (question validation, filters, citation and figure checking, refusals,
follow-ups, fallback) on the in-process fakes: the toy embedder, the in-memory store and a scripted answerer,
with the real chunker, manifest, BM25 and checks. No model is loaded; tests/rag/test_answers.py keeps the
end-to-end runs on the real parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.config import Settings
from crossbrief.errors import ConfigError, InvalidQuestion, RetrievalError
from crossbrief.index.factory import build_ingester
from crossbrief.rag.models import REFUSAL_TEXT, Filters, Passage, Question
from crossbrief.rag.service import Crossbrief, build
from tests.fakes import MemoryStore, Reply, ScriptedAnswerer, ScriptedCondenser, ToyEmbedder

# invented notes (no corpus text): two dated figures for one toll, and an unrelated ferry note
NOTES = {
    "2024-03-01-harbour-toll.md": "# Harbour bridge toll\n\nThe harbour bridge toll rose by 8% in March 2024. "
                                  "Commuters on the harbour bridge pay the toll every day.\n",
    "2025-06-01-harbour-toll-update.md": "# Harbour bridge toll update\n\nThe harbour bridge toll rose by 12% in "
                                         "June 2025. The harbour authority set the new toll.\n",
    "2025-01-15-ferry-service.md": "# Ferry service\n\nFerry crossings were suspended for two weeks in January "
                                   "2025 after a storm damaged the pier.\n",
}
TOLL = "How much did the harbour bridge toll rise in June 2025?"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ToyEmbedder, MemoryStore]:
    base = tmp_path_factory.mktemp("fake-index")
    folder = base / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text)
    settings = Settings(home=base / "home")
    embedder, store = ToyEmbedder(dim=256), MemoryStore()
    report = build_ingester(settings, embedder, store=store).ingest([folder])
    assert report.files_new == len(NOTES) and not report.files_failed
    return settings, embedder, store


def service_with(parts: tuple[Settings, ToyEmbedder, MemoryStore], answerer: ScriptedAnswerer,
                 **overrides: object) -> Crossbrief:
    settings, embedder, store = parts
    settings = settings.model_copy(update={"generation": settings.generation.model_copy(
        update={"answerer": "offline", **overrides})})
    return build(settings, embedder, store=store, answerers={answerer.name: answerer})


def cite(figure: str, text: str) -> Reply:
    """A scripted reply that cites the passage holding `figure`, whatever number retrieval gave it."""
    def reply(question: Question, passages: list[Passage]) -> str:
        n = next(p.n for p in passages if figure in p.text)
        return text.format(n=n)
    return reply


def test_empty_and_oversized_questions_are_rejected_before_retrieval(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer()
    service = service_with(parts, scripted)
    with pytest.raises(InvalidQuestion, match="empty"):
        service.answer("   \n", answerer="scripted")
    with pytest.raises(InvalidQuestion, match="limit is 2000"):
        service.answer("why " * 1000, answerer="scripted")
    assert scripted.questions == []


def test_an_unknown_answerer_is_a_config_error_naming_the_choices(parts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="offline, openai, ollama"):
        service_with(parts, ScriptedAnswerer()).answer(TOLL, answerer="gpt-17")


def test_a_source_filter_applies_to_dense_and_bm25(parts) -> None:  # type: ignore[no-untyped-def]
    service = service_with(parts, ScriptedAnswerer())
    only = Filters(sources=service.resolve_sources(["2025-01-15-ferry-service.md"]))
    passages = service.retriever.retrieve(TOLL, only).passages
    assert passages and all(p.source.endswith("2025-01-15-ferry-service.md") for p in passages)
    assert all(p.dense_score is not None for p in passages)


def test_a_date_filter_applies_to_dense_and_bm25(parts) -> None:  # type: ignore[no-untyped-def]
    service = service_with(parts, ScriptedAnswerer())
    early = service.retriever.retrieve(TOLL, Filters(date_to="2024-12-31")).passages
    assert early and {p.date for p in early} == {"2024-03-01"}
    late = service.retriever.retrieve(TOLL, Filters(date_from="2025-01-01")).passages
    assert late and all(p.date and p.date >= "2025-01-01" for p in late)


def test_a_malformed_date_filter_names_the_bad_value(parts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RetrievalError, match="'June'"):
        service_with(parts, ScriptedAnswerer()).retriever.retrieve(TOLL, Filters(date_from="June"))


def test_a_cited_figure_is_supported_and_quoted(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 12% [{n}]."))
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted")
    assert not answer.refused and answer.answerer == "scripted"
    assert [f.text for f in answer.figures] == ["12%"] and answer.figures[0].supported
    assert len(answer.citations) == 1 and "12%" in answer.citations[0].quote


def test_a_fabricated_figure_comes_out_flagged(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 40% [{n}]."))
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted")
    assert [f.text for f in answer.unsupported_figures] == ["40%"] and not answer.refused


def test_a_figure_cited_to_the_wrong_passage_is_flagged(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("8%", "The toll rose by 12% [{n}]."))
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted")
    assert [f.text for f in answer.unsupported_figures] == ["12%"]


def test_a_marker_past_the_given_passages_is_removed(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 12% [{n}][9]."))
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted", k=3)
    assert len(answer.passages) == 3 and answer.removed_markers == [9] and "[9]" not in answer.answer
    assert len(answer.citations) == 1


def test_a_scripted_refusal_comes_out_refused_with_the_closest_passages(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(REFUSAL_TEXT)
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted")
    assert answer.refused and answer.answer == REFUSAL_TEXT and answer.citations == [] and answer.figures == []
    assert answer.passages and len(scripted.questions) == 1


def test_below_the_relevance_floor_the_answerer_is_never_asked(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say("Made up [1].")
    tokens: list[str] = []
    answer = service_with(parts, scripted).answer("Quantum chromodynamics lattice gluon spectra?",
                                                  answerer="scripted", on_token=tokens.append)
    assert answer.refused and "below_relevance_floor" in answer.notes
    assert answer.passages and scripted.questions == [] and tokens == [REFUSAL_TEXT]


def test_streamed_tokens_join_to_the_checked_answer(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 12% [{n}]."))
    tokens: list[str] = []
    answer = service_with(parts, scripted).answer(TOLL, answerer="scripted", on_token=tokens.append)
    assert len(tokens) > 3 and "".join(tokens) == answer.answer


def test_a_follow_up_reaches_the_answerer_as_data_with_its_context(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(REFUSAL_TEXT)
    history = [("user", "How much did the harbour bridge toll rise?"), ("assistant", "By 12% [1].")]
    answer = service_with(parts, scripted).answer("Why did it rise?", history=history, answerer="scripted")
    asked = scripted.questions[-1]
    assert asked.text == "Why did it rise?" and asked.history == tuple(history)
    assert asked.context == history[0][1] and "harbour bridge toll" in asked.query
    assert answer.standalone_question == asked.query
    # the same question asked of a year it did not name is that question, dated, and stands alone
    answer = service_with(parts, scripted).answer("And in 2024?", history=history, answerer="scripted")
    asked = scripted.questions[-1]
    assert asked.query == "How much did the harbour bridge toll rise in 2024?" and asked.context == ""
    assert any("2024" in (p.date or "") for p in answer.passages)


def test_an_llm_rewrite_of_a_follow_up_is_what_retrieval_uses(parts) -> None:  # type: ignore[no-untyped-def]
    condenser = ScriptedCondenser(rewrites=["How long were ferry crossings suspended?"]).say(REFUSAL_TEXT)
    history = [("user", "How much did the harbour bridge toll rise?"), ("assistant", "By 12% [1].")]
    answer = service_with(parts, condenser).answer("and the ferries?", history=history, answerer=condenser.name)
    assert answer.standalone_question == "How long were ferry crossings suspended?"
    assert condenser.questions[-1].standalone == answer.standalone_question
    assert "ferry" in answer.passages[0].source


def test_a_question_with_no_history_stands_alone(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(REFUSAL_TEXT)
    service_with(parts, scripted).answer(TOLL, answerer="scripted")
    assert scripted.questions[-1] == Question(TOLL)


def test_fallback_policy_replaces_an_unsupported_answer_with_the_offline_one(parts) -> None:  # type: ignore[no-untyped-def]
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 40% [{n}]."))
    answer = service_with(parts, scripted, unsupported_figures="fallback").answer(TOLL, answerer="scripted")
    assert "fell_back_to_offline" in answer.notes and answer.answerer == "offline"
    assert "40%" not in answer.answer and not answer.unsupported_figures
    # the offline answer's citations numbered as it makes them, its cited passages listed first: the ferry note,
    # retrieved second, is cited [1]
    ferry = "For how long did the harbour bridge commuters lose ferry crossings in January 2025?"
    scripted = ScriptedAnswerer().say(cite("12%", "The toll rose by 40% [{n}]."))
    fallen = service_with(parts, scripted, unsupported_figures="fallback").answer(ferry, answerer="scripted")
    assert "fell_back_to_offline" in fallen.notes and fallen.answer.endswith("[1]"), fallen.answer
    assert [c.n for c in fallen.citations] == [1] and fallen.passages[0].source.endswith("ferry-service.md")


def test_the_answer_carries_the_settings_hash(parts) -> None:  # type: ignore[no-untyped-def]
    service = service_with(parts, ScriptedAnswerer())
    answer = service.answer(TOLL, answerer="scripted")
    assert answer.settings_hash == service.settings.short_hash() and len(answer.settings_hash) == 12


def test_the_service_reads_a_later_ingest_into_the_same_store(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "2025-01-15-ferry-service.md").write_text(NOTES["2025-01-15-ferry-service.md"])
    settings, embedder, store = Settings(home=tmp_path / "home"), ToyEmbedder(dim=256), MemoryStore()
    build_ingester(settings, embedder, store=store).ingest([folder])
    service = build(settings, embedder, store=store)
    assert "harbour" not in service.retriever.word_rarity()[0]
    (folder / "2025-06-01-harbour-toll-update.md").write_text(NOTES["2025-06-01-harbour-toll-update.md"])
    build_ingester(settings, embedder, store=store).ingest([folder])
    assert "harbour" in service.retriever.word_rarity()[0]
    assert any("toll" in p.source for p in service.retriever.retrieve(TOLL).passages[:1])


def test_a_question_asking_whether_there_were_things_is_no_follow_up() -> None:
    """"How many ... were there in 2031?" stands on its own ("there" points at nothing earlier), so the follow-up
    after it ("And in 2032?") carries it as its context; a follow-up after follow-ups carries the last question."""
    from crossbrief.rag.conversation import condense_offline, looks_like_follow_up
    first = "How many ferry crossings were there in 2031?"
    assert not looks_like_follow_up(first)
    assert looks_like_follow_up("And in 2032?") and looks_like_follow_up("What about there?")
    assert condense_offline("And the year after?", [("user", first), ("assistant", "About 400.")]).context == first
    chained = [("user", "And that one?"), ("assistant", "...")]
    assert condense_offline("What about it then?", chained).context == "And that one?"



def test_a_follow_up_asking_the_same_of_something_else_becomes_that_question() -> None:
    """"And in 2032?" of a question about 2031 is that question about 2032, asked on its own (no context left to
    lean on); a year replaces a year whatever its preposition, a country the phrase of its own preposition."""
    from crossbrief.rag.conversation import asked_of_else, condense_offline
    first = "How many ferry crossings were there in Chile in 2031?"
    asked = condense_offline("And in 2032?", [("user", first), ("assistant", "About 400.")])
    assert asked.query == "How many ferry crossings were there in Chile in 2032?" and asked.context == ""
    assert asked_of_else("And for 2032?", first) == "How many ferry crossings were there in Chile in 2032?"
    assert asked_of_else("What about in Peru?", first) == "How many ferry crossings were there in Peru in 2031?"
    assert asked_of_else("What about Peru's?", "What did the Chilean delegation pledge?") == (
        "What did Peru's delegation pledge?")
    assert asked_of_else("And in the UK?", "How many crossings were there in the United States in 2031?") == (
        "How many crossings were there in the UK in 2031?")  # "the" goes with the name it replaces
    assert asked_of_else("What about Peru's?", "Who led Chile's delegation?") == "Who led Peru's delegation?"
    origin = "What share of the grain seized in Chile comes from the northern ports?"
    assert asked_of_else("What about from Peru?", origin) == "What share of the grain seized in Chile comes from Peru?"
    assert asked_of_else("And on ferry tickets?", "What levy fell on bridge tolls in 2031?") == (
        "What levy fell on ferry tickets in 2031?")
    # a follow-up that asks something of its own, or names nothing to swap, leans on the question as before
    assert asked_of_else("And how many crew does it need?", first) is None
    assert asked_of_else("And the year before?", first) is None
    # nothing is overwritten that the follow-up does not replace: a year, a range, a preposition of its own
    assert asked_of_else("And in total?", first) is None
    assert asked_of_else("And in 2032?", "How many crossings were there in Chile between 2028 and 2031?") is None
    assert asked_of_else("And since 2028?", first) is None
    assert asked_of_else("And from 2028 to 2030?", first) is None
    assert condense_offline("And how many crew?", [("user", first), ("assistant", "About 400.")]).context == first

