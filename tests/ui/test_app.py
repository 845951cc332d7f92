"""The Streamlit page through streamlit.testing's AppTest: the real app, the real index and model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fake_openai import FakeOpenAI
from crossbrief.config import Settings
from crossbrief.feedback import FeedbackStore
from crossbrief.text_safety import markdown_escape as escape

APP = str(ROOT / "ui" / "web" / "app.py")


def unescape(markdown: str) -> str:
    return markdown.replace("\\", "")


def start(monkeypatch: pytest.MonkeyPatch, home: Path, **env: str) -> AppTest:
    monkeypatch.setenv("CROSSBRIEF_HOME", str(home))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    assert not app.exception, app.exception
    return app


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def all_markdown(app: AppTest) -> str:
    return "\n".join(unescape(m.value) for m in app.markdown)


def test_question_gets_an_answer_with_citation_cards(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    app = ask(start(monkeypatch, sample_home), "How much is Canada's border plan worth?")
    text = all_markdown(app)
    assert "border plan worth US$1.3 billion" in text
    assert "[1] Canada's border plan in response to the tariff threat" in text
    assert any(":orange-background[**US$1.3 billion**]" in unescape(m.value) for m in app.markdown)
    assert "Index: 13 sources" in " ".join(c.value for c in app.sidebar.caption)


def test_a_figure_worked_out_from_a_table_is_said_to_be(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    app = ask(start(monkeypatch, sample_home), "How much did opioid deaths in Canada change from 2016 to 2023?")
    assert any("Worked out from the cited figures and re-checked" in c.value for c in app.caption)
    assert not app.warning, "every figure of the change is supported"


def test_refusal_says_the_sources_dont_say_and_shows_closest_passages(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    app = ask(start(monkeypatch, sample_home), "What is the GDP of Brazil?")
    assert any("The sources don't say" in i.value for i in app.info)
    assert any("No indexed passage is close" in i.value for i in app.info), [i.value for i in app.info]  # and why
    assert len(app.expander) >= 1


def test_follow_up_uses_the_conversation_and_new_conversation_clears_it(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    app = start(monkeypatch, sample_home)
    ask(app, "What tariff did the US put on most Canadian imports in February 2025?")
    ask(app, "And how long was it paused?")
    assert "30 days" in all_markdown(app)
    app.sidebar.button[0].click().run()
    assert not app.chat_message


def test_unsupported_llm_figure_is_flagged(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    with FakeOpenAI() as server:
        server.replies.append("The plan is worth US$9.9 billion [1].")
        app = start(monkeypatch, sample_home, CROSSBRIEF_GENERATION__ANSWERER="openai",
                    CROSSBRIEF_GENERATION__BASE_URL=server.url, CROSSBRIEF_GENERATION__TIMEOUT_S="5")
        ask(app, "How much is Canada's border plan worth?")
    shown = escape("US$9.9 billion")  # as the page writes it: Markdown-escaped source text
    assert any(shown in w.value and "Not found in the cited sources" in w.value for w in app.warning)


def test_thumbs_and_comment_write_a_feedback_row(monkeypatch, tmp_path, sample_home) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    app = ask(start(monkeypatch, home), "How many organized crime groups operate in Canada?")
    app.feedback[0].set_value(0).run()
    app.text_input[0].set_value("figure checked against CISC").run()
    app.button(key="comment-save-0").click().run()
    (row,) = FeedbackStore.open(Settings(home=home)).rows()
    assert row["rating"] == -1 and row["channel"] == "ui" and "more than 600" in str(row["answer"])
    assert row["comment"] == "figure checked against CISC" and row["settings_hash"]
    assert "organized-crime" in str(row["citations"])


def test_upload_is_ingested_and_a_bad_upload_is_refused(monkeypatch, tmp_path, sample_home) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    app = start(monkeypatch, home)
    app.sidebar.radio[0].set_value("Sources").run()
    note = b"---\ntitle: Port seizures\ndate: 2025-04-01\n---\n\nPort officers seized 412 kilograms of precursors in March.\n"
    app.file_uploader[0].set_value([("../../../etc/port-note.md", note, "text/markdown"),
                                    ("tool.exe", b"MZ binary", "application/octet-stream")]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert any("unsupported file type" in e.value for e in app.error)
    assert any("Ingested 1 new" in s.value for s in app.success)
    assert (home / "uploads" / "port-note.md").exists() and not (tmp_path / "etc").exists()
    app.sidebar.radio[0].set_value("Chat").run()
    ask(app, "How many kilograms of precursors did port officers seize in March?")
    assert "412 kilograms" in all_markdown(app)


def test_evals_page_shows_the_latest_report(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    folder = tmp_path / "home" / "reports" / "sample"
    folder.mkdir(parents=True)
    metrics = {"pass_rate": 0.9, "figure_accuracy": 0.95, "citation_precision": 1.0, "refusal_precision": 1.0,
               "refusal_recall": 0.8, "unsupported_figure_rate": 0.0}
    report = {"answerer": "offline", "settings_hash": "abc", "git_commit": "123", "finished_at": "now",
              "metrics": metrics, "regressions": [], "cases": [
                  {"id": "c1", "passed": True, "question": "q", "refuse_expected": False, "expected": ["25%"],
                   "error": None, "answer": "25% [1]", "citations": ["[1] a.md"]}]}
    (folder / "latest.json").write_text(json.dumps(report))
    (folder / "history.jsonl").write_text(json.dumps({"metrics": metrics}) + "\n")
    app = start(monkeypatch, tmp_path / "home")
    app.sidebar.radio[0].set_value("Evals").run()
    assert not app.exception
    assert [m.value for m in app.metric][:2] == ["90%", "95%"]


def test_a_shared_password_guards_the_page(monkeypatch, sample_home) -> None:  # type: ignore[no-untyped-def]
    app = start(monkeypatch, sample_home, CROSSBRIEF_UI_PASSWORD="s3cret")
    assert not app.chat_input and len(app.text_input) == 1
    app.text_input[0].set_value("wrong").run()
    assert any("Wrong password" in e.value for e in app.error) and not app.chat_input
    app.text_input[0].set_value("s3cret").run()
    assert app.chat_input


def test_a_date_range_says_it_leaves_out_undated_sources(monkeypatch, tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from crossbrief.config import Settings
    from crossbrief.index.factory import build_ingester
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "2031-03-01-ferry-note.md").write_text("# Ferry note\n\nThe ferry toll rose to 12% in 2031.\n")
    (folder / "harbour-background.md").write_text("# Harbour background\n\nThe harbour has four piers.\n")
    home = tmp_path / "home"
    build_ingester(Settings(home=home), embedder).ingest([folder])
    app = start(monkeypatch, home)
    assert not any("undated" in c.value for c in app.sidebar.caption)
    app.date_input[0].set_value(dt.date(2031, 1, 1)).run()
    assert any("leaves out the 1 undated source" in c.value for c in app.sidebar.caption), \
        [c.value for c in app.sidebar.caption]
