"""End to end in real headless Chromium (Debian's chromium, driven by Playwright with the system browser):
`crossbrief ui` starts, a question gets an answer with a citation card, and a screenshot is saved."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CROSSBRIEF, missing_prerequisite
from tests.local_http import serve_on_free_port

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("CROSSBRIEF_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".crossbrief" /
                                  "screenshots"))


@pytest.fixture
def running_ui(sample_home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        missing_prerequisite("Debian's chromium is not installed (scripts/test installs it when run as root)")
    env = {**os.environ, "CROSSBRIEF_HOME": str(sample_home)}
    try:
        ui = serve_on_free_port(lambda port: [CROSSBRIEF, "ui", "--port", str(port)], tmp_path / "ui.log",
                                ready_path="/_stcore/health", env=env)
    except RuntimeError as exc:
        pytest.fail(f"crossbrief ui did not start: {exc}")
    yield ui.url
    ui.close()


def test_browser_asks_a_question_and_sees_the_citation_card(running_ui: str) -> None:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(running_ui, wait_until="networkidle")
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=120_000)
        box.fill("How much is Canada's border plan worth?")
        box.press("Enter")
        page.get_by_text("[1] Canada's border plan in response to the tariff threat").wait_for(timeout=120_000)
        assert page.get_by_text("US$1.3 billion").count() >= 2  # in the answer and highlighted in the card
        page.wait_for_timeout(500)
        page.screenshot(path=str(SCREENSHOTS / "chat-answer.png"), full_page=True)
        browser.close()
    assert (SCREENSHOTS / "chat-answer.png").stat().st_size > 10_000
