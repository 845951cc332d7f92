from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.errors import IngestError
from crossbrief.rag.figures import extract_figures
from crossbrief.ui.web.render import escape, highlight_figures, safe_url
from crossbrief.ui.web.uploads import safe_name, save_upload


def test_source_text_cannot_inject_html_or_links() -> None:
    hostile = "<script>alert(1)</script> [click](javascript:alert(1)) ![x](http://evil/x.png) **bold** $x$"
    escaped = escape(hostile)
    for raw in ("<script>", "[click](", "![x](", "**bold**", "$x$"):
        assert raw not in escaped
    assert escaped.replace("\\", "") == hostile


def test_only_http_links_are_kept() -> None:
    assert safe_url("https://www.whitehouse.gov/x") == "https://www.whitehouse.gov/x"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "http://", "https://a.b/x\"onclick", None, ""):
        assert safe_url(bad) is None


def test_cited_figure_is_highlighted_in_the_quote() -> None:
    quote = "Most imports face a 25% tariff; energy gets 10%."
    marked = highlight_figures(quote, extract_figures("The tariff is 25%"))
    assert ":orange-background[**25%**]" in marked and "10%" in marked and marked.count("orange") == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd.md", "passwd.md"), ("..\\..\\win.txt", "win.txt"), (".hidden.md", "hidden.md"),
     ("rep<o>rt?.pdf", "rep_o_rt_.pdf"), ("", "upload")],
)
def test_upload_names_are_sanitised(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_uploads_stay_in_their_folder_and_bad_ones_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    saved = save_upload(folder, "../../outside.md", b"# Title\n\nText with 5% in it.\n", 1000)
    assert saved.parent == folder.resolve() and not (tmp_path / "outside.md").exists()
    with pytest.raises(IngestError, match="unsupported"):
        save_upload(folder, "run.exe", b"MZ", 1000)
    with pytest.raises(IngestError, match="limit"):
        save_upload(folder, "big.txt", b"x" * 2000, 1000)
    with pytest.raises(IngestError, match="empty"):
        save_upload(folder, "empty.txt", b"  ", 1000)
