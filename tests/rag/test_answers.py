"""Retrieval and the offline answerer end to end on the real sample corpus (real Chroma, real model). The
service's own logic on fakes is in test_service_logic.py."""

from __future__ import annotations

import json

import pytest

from crossbrief.rag.figures import extract_figures
from crossbrief.rag.models import REFUSAL_TEXT, Filters
from crossbrief.rag.service import Crossbrief
from tests.conftest import run_cli

FIGURE_QUESTIONS = [
    ("How much is Canada's border plan worth?", "US$1.3 billion", "canada-border-plan"),
    ("What share of the fentanyl entering the US comes from Canada?", "well under 1%", "where-us-fentanyl"),
    ("What percentage of US fentanyl seizures happen at the southern border?", "97%", "where-us-fentanyl"),
    ("How many people in the US die of drug overdoses every year?", "more than 100,000", "overdose-deaths"),
    ("What portion of US overdose deaths involve fentanyl?", "at least 75%", "overdose-deaths"),
    ("How many people died of opioids each day in Canada in 2024?", "21 people a day", "overdose-deaths"),
    ("How many new synthetic substances were identified in Canada in 2023?", "eleven", "new-synthetic"),
    ("How many organized crime groups are active in Canada?", "more than 600", "organized-crime"),
    ("How many countries are Canadian crime groups linked to?", "48", "organized-crime"),
    ("In what year did Canada last publish a comprehensive report on organized crime?", "2006", "organized-crime"),
    ("How long were the Canadian tariffs paused?", "30 days", "tariff-order"),
    ("What rate applies to Canadian energy products?", "10%", "tariff"),
    ("How many firearms were seized in the first half of fiscal 2023?", "nearly 2,000", "firearms"),
    ("By how much did fatal fentanyl overdoses fall in the US since June 2023?", "21%", "overdose-deaths"),
]


@pytest.mark.parametrize(("question", "figure", "source"), FIGURE_QUESTIONS)
def test_offline_answer_gives_the_figure_with_a_citation_quoting_it(sample_service: Crossbrief, question: str, figure: str,
                                                                    source: str) -> None:
    answer = sample_service.answer(question)
    assert not answer.refused, answer.answer
    expected = extract_figures(figure)[0]
    assert any(expected.matches(f) for f in answer.figures), (answer.answer, figure)
    cited = [c for c in answer.citations if any(expected.matches(f) for f in extract_figures(c.quote))]
    assert cited and any(source in c.source for c in cited), answer.citations
    assert all(f.supported for f in answer.figures)


@pytest.mark.parametrize(
    "question",
    [
        "What is the GDP of Brazil?",
        "How many tonnes of cocaine did Colombia seize in 2024?",
        "What share of fentanyl comes from India?",
        "Who won the 2022 World Cup?",
    ],
)
def test_offline_answerer_refuses_what_the_sources_do_not_cover(sample_service: Crossbrief, question: str) -> None:
    answer = sample_service.answer(question)
    assert answer.refused and answer.answer == "The sources do not say."
    assert answer.passages, "a refusal still shows the closest passages"


def test_retrieval_finds_the_note_that_holds_each_figure(sample_service: Crossbrief) -> None:
    for question, _, source in FIGURE_QUESTIONS:
        passages = sample_service.retriever.retrieve(question).passages
        assert [p.n for p in passages] == list(range(1, len(passages) + 1))
        assert any(source in p.source for p in passages[:3]), (question, [p.source for p in passages])


def test_filters_on_source_and_date_apply_to_dense_and_bm25(sample_service: Crossbrief) -> None:
    only = Filters(sources=sample_service.resolve_sources(["2025-02-07-canada-border-plan.md"]))
    passages = sample_service.retriever.retrieve("tariff fentanyl border", only).passages
    assert passages and all(p.source.endswith("canada-border-plan.md") for p in passages)
    dated = sample_service.retriever.retrieve("tariff on Canada", Filters(date_from="2025-07-01")).passages
    assert dated and all(p.date and p.date >= "2025-07-01" for p in dated)
    early = sample_service.answer("What is the tariff on Canadian goods?", filters=Filters(date_to="2025-03-01"))
    assert "25%" in early.answer and "35%" not in early.answer


def test_conflicting_dated_figures_are_both_shown_newest_first(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("What is the US tariff rate on Canadian goods?")
    assert "dated_conflict" in answer.notes, answer.answer
    assert answer.answer.index("2025-08-01") < answer.answer.index("2025-02-03")
    assert "35%" in answer.answer and "25%" in answer.answer
    assert all(f.supported for f in answer.figures)


def test_follow_up_carries_the_subject_forward(sample_service: Crossbrief) -> None:
    history = [("user", "What tariff did the US put on most Canadian imports?"), ("assistant", "25% [1]")]
    answer = sample_service.answer("And how long was it paused?", history=history)
    assert "30 days" in answer.answer


def test_answer_reports_where_its_time_went_and_its_settings(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("How much is Canada's border plan worth?")
    timings = answer.timings
    assert {"embed_query", "dense", "bm25", "retrieve_total", "draft", "total"} <= set(timings)
    assert all(isinstance(v, float) and v >= 0 for v in timings.values()) and timings["total"] > 0
    # each figure is rounded to 0.1 ms: the parts fit inside the whole
    assert timings["retrieve_total"] + 0.1 >= timings["embed_query"]
    assert timings["total"] + 0.2 >= timings["retrieve_total"] + timings["draft"]
    assert answer.settings_hash == sample_service.settings.short_hash() and len(answer.settings_hash) == 12


def test_cli_ask_json_has_the_documented_fields(sample_home) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("ask", "--json", "How many organized crime groups operate in Canada?",
                     env={"CROSSBRIEF_HOME": str(sample_home)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"answer", "refused", "citations", "figures", "timings"} <= set(data)
    assert {"n", "source", "title", "date", "page", "quote", "chunk_id"} <= set(data["citations"][0])
    assert {"text", "value", "unit", "supported"} <= set(data["figures"][0])
    text = run_cli("ask", "How many organized crime groups operate in Canada?", env={"CROSSBRIEF_HOME": str(sample_home)})
    assert "more than 600" in text.stdout and "Sources:" in text.stdout


def test_cli_chat_holds_a_conversation(sample_home) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from tests.conftest import CROSSBRIEF

    conversation = "What tariff did the US put on most Canadian imports in February 2025?\nAnd how long was it paused?\n\n"
    result = subprocess.run([CROSSBRIEF, "chat"], input=conversation, capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "CROSSBRIEF_HOME": str(sample_home)})
    assert result.returncode == 0, result.stderr
    assert "25%" in result.stdout and "30 days" in result.stdout


def test_a_follow_up_asking_who_said_it_names_the_sources_of_the_earlier_answer(sample_service: Crossbrief) -> None:
    """"Who said that?" names, by title and date and cited, the sources the earlier answer quotes: a table's row
    too (its table, not a sentence about the same figure); nothing to name when the earlier question was refused."""
    table_question = "How many opioid deaths were there in Canada in 2023?"
    earlier = sample_service.answer(table_question)
    assert "table_answer" in earlier.notes, earlier.answer
    history = [("user", table_question), ("assistant", earlier.answer)]
    named = sample_service.answer("Who said that?", history=history)
    assert not named.refused and "source_named" in named.notes, named.answer
    assert named.answer.startswith("That comes from ") and "(2025-06-30)" in named.answer, named.answer
    assert [c.source for c in named.citations] == [c.source for c in earlier.citations]
    assert all(f.supported for f in named.figures)
    prose = "What tariff did the US put on most Canadian imports?"
    quoted = sample_service.answer(prose)
    named = sample_service.answer("Where is that from?", history=[("user", prose), ("assistant", quoted.answer)])
    assert {c.source for c in named.citations} == {c.source for c in quoted.citations}, named.answer
    # each card quotes what the earlier answer quoted of that source
    first: dict[str, tuple[str, int | None]] = {}
    for c in quoted.citations:
        first.setdefault(c.source, (c.quote, c.page))
    assert all((c.quote, c.page) == first[c.source] for c in named.citations), [c.quote for c in named.citations]
    # the last question asked, read in its conversation ("And on Mexico?"), not the first that stood alone; each
    # source named once, in the order the answer first cites them
    history = [("user", prose), ("assistant", quoted.answer)]
    follow_up = sample_service.answer("And on Mexico?", history=history)
    history += [("user", "And on Mexico?"), ("assistant", follow_up.answer)]
    named = sample_service.answer("Who said that?", history=history)
    assert named.standalone_question == follow_up.standalone_question, named.standalone_question
    sources = list(dict.fromkeys(c.source for c in follow_up.citations))
    assert [c.source for c in named.citations] == sources, (named.answer, follow_up.answer)
    refused = "How many trains ran to Sudmark in 1990?"
    missing = sample_service.answer("What's the source?", history=[("user", refused), ("assistant", REFUSAL_TEXT)])
    assert missing.refused and "no_source_to_name" in missing.notes


def test_a_citation_names_the_page_its_quote_is_on(sample_service: Crossbrief) -> None:
    """A PDF chunk that runs across a page break is cited with the page of the sentence it quotes, not the page the
    chunk starts on."""
    history = [("user", "What is xylazine?"), ("assistant", "A veterinary sedative [1].")]
    answer = sample_service.answer("Why do dealers add it?", history=history)
    quoting = [c for c in answer.citations if c.source.endswith(".pdf") and c.quote.startswith("Xylazine is")]
    assert quoting, answer.answer
    assert all(c.page == 2 for c in quoting), [(c.page, c.quote) for c in quoting]
    chunk = next(p for p in answer.passages if p.chunk_id == quoting[0].chunk_id)
    assert chunk.page == 1 and chunk.page_breaks, chunk  # the chunk itself starts on page 1
