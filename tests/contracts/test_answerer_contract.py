"""The `Answerer` contract, run against every implementation: the offline answerer, the OpenAI-compatible and
Ollama answerers against local servers speaking their APIs, and the scripted answerer."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import pytest

from crossbrief.config import GenerationSettings, Settings
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_ingester
from crossbrief.index.memory_store import MemoryStore
from crossbrief.rag.answerer import Answerer
from crossbrief.rag.llm import build_llm_answerer
from crossbrief.rag.models import REFUSAL_TEXT, Passage, Question
from crossbrief.rag.service import build
from tests.fake_ollama import FakeOllama
from tests.fake_openai import FakeOpenAI
from tests.fakes import ScriptedAnswerer


def passage(n: int, text: str, date: str = "2024-05-01") -> Passage:
    return Passage(n=n, chunk_id=f"id{n}", text=text, source=f"/notes/{n}.md", title=f"Note {n}", date=date,
                   page=None, heading="", start=0, end=len(text), dense_score=0.7)


PASSAGES = [passage(1, "The harbour bridge toll rose to 12 dollars in 2024. Drivers complained."),
            passage(2, "Ferry crossings were suspended for two weeks in winter.")]
GROUNDED = Question("What did the harbour bridge toll rise to in 2024?")
GROUNDED_REPLY = "The harbour bridge toll rose to 12 dollars in 2024 [1]."
UNRELATED = Question("Who painted the ceiling of the opera house?")


@dataclass
class Subject:
    """An answerer under test, and how to make it give a scripted reply (the offline answerer needs none: it
    answers from the passages)."""

    answerer: Answerer
    script: Callable[[str], None]
    last_prompt: Callable[[], str | None]


@pytest.fixture(scope="module")
def offline_answerer(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Answerer:
    """The offline answerer exactly as `build()` makes it from the default settings (with the real embedder: its
    calibration was fitted on that model's similarities), over a one-note index in memory."""
    folder = tmp_path_factory.mktemp("offline-notes")
    (folder / "2024-05-01-note.md").write_text(f"# Note\n\n{PASSAGES[0].text}\n")
    settings, store = Settings(home=folder / "home"), MemoryStore()
    build_ingester(settings, embedder, store=store).ingest([folder])
    return build(settings, embedder, store=store).offline


@pytest.fixture(params=["offline", "openai", "ollama", "scripted"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "offline":
        yield Subject(request.getfixturevalue("offline_answerer"), lambda reply: None, lambda: None)
    elif request.param == "openai":
        with FakeOpenAI() as openai_server:
            settings = GenerationSettings(base_url=openai_server.url, model="scripted", timeout_s=5)
            yield Subject(build_llm_answerer(settings, "openai"), openai_server.replies.append,
                          lambda: str(openai_server.requests[-1]["messages"][-1]["content"]))
    elif request.param == "ollama":
        ollama_server = FakeOllama()
        try:
            settings = GenerationSettings(ollama_url=ollama_server.url, model="scripted", timeout_s=5)
            yield Subject(build_llm_answerer(settings, "ollama"), ollama_server.replies.append,
                          lambda: str(ollama_server.requests[-1]["messages"][-1]["content"]))
        finally:
            ollama_server.close()
    else:
        scripted = ScriptedAnswerer()
        yield Subject(scripted, scripted.replies.append, lambda: scripted.questions[-1].query)


def test_it_is_an_answerer_with_a_name(subject: Subject) -> None:
    assert isinstance(subject.answerer, Answerer)
    assert isinstance(subject.answerer.name, str) and subject.answerer.name


def test_a_grounded_draft_cites_only_the_passages_it_was_given(subject: Subject) -> None:
    subject.script(GROUNDED_REPLY)
    draft = subject.answerer.draft(GROUNDED, PASSAGES)
    assert not draft.refused and "12 dollars" in draft.text
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", draft.text)]
    assert markers and set(markers) <= {p.n for p in PASSAGES}


def test_a_refusal_is_refused_with_the_refusal_text(subject: Subject) -> None:
    subject.script(REFUSAL_TEXT)
    # as retrieval would hand them over for this question: far from it
    draft = subject.answerer.draft(UNRELATED, [replace(p, dense_score=0.05) for p in PASSAGES])
    assert draft.refused and draft.text == REFUSAL_TEXT


def test_streamed_pieces_join_to_the_draft(subject: Subject) -> None:
    subject.script(GROUNDED_REPLY)
    pieces: list[str] = []
    draft = subject.answerer.draft(GROUNDED, PASSAGES, on_token=pieces.append)
    assert pieces and "".join(pieces).strip() == draft.text


def test_a_follow_up_is_answered_from_its_standalone_form(subject: Subject) -> None:
    subject.script(GROUNDED_REPLY)
    follow_up = Question("And in 2024?", history=(("user", "What is the harbour bridge toll?"),
                                                  ("assistant", "It was 9 dollars [1].")),
                         standalone=GROUNDED.text)
    draft = subject.answerer.draft(follow_up, PASSAGES)
    assert not draft.refused and "12 dollars" in draft.text
    prompt = subject.last_prompt()
    assert prompt is None or GROUNDED.text in prompt
