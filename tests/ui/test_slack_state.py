"""The Slack bot's shared state in the catalog: event ids and rate limits hold across engines and processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossbrief.catalog import ensure_tables, open_engine
from crossbrief.ui.slack.state import RateLimiter, SeenEvents
from tests import postgres_server

postgres = postgres_server.postgres  # the fixture: a real PostgreSQL per module

_CLAIM = """
import sys
from crossbrief.catalog import ensure_tables, open_engine
from crossbrief.ui.slack.state import SeenEvents
engine = open_engine(sys.argv[1])
ensure_tables(engine)
seen = SeenEvents(engine)
print(sum(seen.first_time(f"Ev{i}") for i in range(40)))
"""


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"


def test_two_engines_on_one_catalog_see_an_event_once(tmp_path: Path) -> None:
    first, second = open_engine(_url(tmp_path)), open_engine(_url(tmp_path))  # separate pools, separate memory
    ensure_tables(first)
    assert SeenEvents(first).first_time("Ev1") is True
    assert SeenEvents(second).first_time("Ev1") is False
    assert SeenEvents(second).first_time("Ev2") is True


def test_processes_racing_for_the_same_events_claim_each_once(tmp_path: Path) -> None:
    ensure_tables(open_engine(_url(tmp_path)))
    runs = [subprocess.Popen([sys.executable, "-c", _CLAIM, _url(tmp_path)], stdout=subprocess.PIPE, text=True)
            for _ in range(3)]
    claimed = [int(run.communicate(timeout=120)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert sum(claimed) == 40


def test_rate_limit_counts_a_user_across_engines(tmp_path: Path) -> None:
    engines = [open_engine(_url(tmp_path)) for _ in range(2)]
    ensure_tables(engines[0])
    limiters = [RateLimiter(engine, per_minute=3) for engine in engines]
    allowed = [limiters[i % 2].allow("U1") for i in range(5)]
    assert allowed.count(True) == 3 and allowed[3:] == [False, False]
    assert limiters[1].allow("U2") is True  # another user has a budget of their own


def test_a_refused_question_does_not_use_up_the_budget(tmp_path: Path) -> None:
    engine = open_engine(_url(tmp_path))
    ensure_tables(engine)
    limiter = RateLimiter(engine, per_minute=1)
    assert limiter.allow("U1") is True
    assert [limiter.allow("U1") for _ in range(3)] == [False, False, False]
    from sqlalchemy import select

    from crossbrief.ui.slack.state import slack_rate_windows
    with engine.connect() as connection:
        assert sum(connection.execute(select(slack_rate_windows.c.count)).scalars()) == 1


@pytest.mark.integration
def test_processes_on_a_postgresql_catalog_claim_each_event_once_and_share_rate_limits(postgres) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database("slack_state")
    ensure_tables(open_engine(url))
    runs = [subprocess.Popen([sys.executable, "-c", _CLAIM, url], stdout=subprocess.PIPE, text=True)
            for _ in range(3)]
    claimed = [int(run.communicate(timeout=120)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs) and sum(claimed) == 40
    limiters = [RateLimiter(open_engine(url), per_minute=2) for _ in range(2)]
    assert [limiters[i % 2].allow("U1") for i in range(3)] == [True, True, False]
