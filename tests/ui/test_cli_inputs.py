"""Red-team findings about command-line input (issue 12): an impossible date is bad usage (exit 2, one line) and
a source filter that matches nothing says so instead of refusing silently."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_an_impossible_date_exits_2_with_one_line(tmp_path: Path) -> None:
    for option in ("--from", "--to"):
        result = run_cli("ask", option, "2025-13-01", "What tariff applied to Canada?")
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "2025-13-01" in result.stderr and "Traceback" not in result.stderr


def test_a_source_filter_that_matches_nothing_says_so(sample_home: Path) -> None:
    result = run_cli("ask", "--source", "nope.md", "What tariff applied to Canada?",
                     env={"CROSSBRIEF_HOME": str(sample_home)})
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "nope.md" in result.stderr and "matches no indexed source" in result.stderr
