"""Red-team findings about uploads in the UI (issue 12): a bad upload shows one line with its own name (never a
traceback or the server's folders) while the good uploads of the same batch are ingested, and the sources page and
citation cards say how a source arrived."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.index.hostile_files import aes_encrypted_pdf, billion_laughs_markdown
from tests.ui.test_app import all_markdown, ask, start

NOTE = b"---\ntitle: Port seizures\ndate: 2025-04-01\n---\n\nPort officers seized 412 kilograms of precursors in March.\n"


def test_bad_uploads_show_one_line_each_and_the_good_one_is_ingested_with_its_provenance(monkeypatch, tmp_path, sample_home) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    app = start(monkeypatch, home)
    app.sidebar.radio[0].set_value("Sources").run()
    app.file_uploader[0].set_value([("port-note.md", NOTE, "text/markdown"),
                                    ("locked.pdf", aes_encrypted_pdf(), "application/pdf"),
                                    ("laughs.md", billion_laughs_markdown(), "text/markdown")]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 2 and all("\n" not in e and "Traceback" not in e for e in errors), errors
    assert not any(str(home) in e or "/uploads/" in e for e in errors), errors
    assert any(e.startswith("locked\\.pdf") and "encrypted" in e for e in errors), errors
    assert any(e.startswith("laughs\\.md") for e in errors), errors
    assert any("Ingested 1 new" in s.value for s in app.success)
    app.run()  # the list at the top of the page was drawn before the ingest
    table = app.dataframe[0].value
    added = dict(zip(table["title"], table["added"]))
    assert added["Port seizures"].startswith("upload by ui session ")
    app.sidebar.radio[0].set_value("Chat").run()
    ask(app, "How many kilograms of precursors did port officers seize in March?")
    assert "412 kilograms" in all_markdown(app)
    assert any("added via upload by ui session" in c.value.replace("\\", "") for c in app.caption)
    assert Path(home / "uploads" / "port-note.md").exists()
