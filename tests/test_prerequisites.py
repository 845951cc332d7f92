"""Under CI=true a missing prerequisite (../shared/corpus, chromium) fails the run; elsewhere it skips."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests import conftest


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_a_missing_prerequisite_fails_under_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="chromium.*CI=true requires it"):
        conftest.missing_prerequisite("chromium is not installed")


@pytest.mark.parametrize("value", [None, "", "false"])
def test_a_missing_prerequisite_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        conftest.missing_prerequisite("chromium is not installed")


def _fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, check: Callable[[], object], reason: str) -> None:
    """The one rule for a missing prerequisite, seen through `check`: fail naming CI=true in CI, skip outside."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"{reason}.*CI=true requires it"):
        check()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=reason):
        check()


def test_a_missing_reference_corpus_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "SHARED_CORPUS", tmp_path / "no-corpus")
    _fails_under_ci_and_skips_elsewhere(monkeypatch, conftest.shared_corpus_or_skip, "no-corpus")


def test_the_browser_test_requires_chromium_through_the_same_rule() -> None:
    source = (Path(__file__).parent / "ui" / "test_browser.py").read_text()
    assert "missing_prerequisite(" in source and "pytest.skip(" not in source


def test_the_postgresql_tests_require_postgresql_through_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import postgres_server

    monkeypatch.setattr(postgres_server, "postgres_bin", lambda: None)
    _fails_under_ci_and_skips_elsewhere(monkeypatch, postgres_server.postgres_bin_or_skip, "PostgreSQL is not installed")
