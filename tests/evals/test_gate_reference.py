"""The committed baselines of the reference-corpus case sets hold. A module apart from test_gate.py, with an eval
index of its own, so that under pytest-xdist (scripts/test, --dist loadfile) the gates of the two corpora run on
different workers; the sets here share the reference corpus's index, so each extra set costs only its questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_corpus_or_skip
from tests.evals.gate_check import committed_baseline_holds

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REFERENCE_SETS = ["reference", "reworded_reference", "near_miss_reference", "natural_reference", "probe_reference",
                  "probe2_reference", "probe3_reference", "probe4_reference",
                  "probe5_reference", "probe6_reference",
                  "probe7_reference", "probe8_reference",
                  "probe9_reference"]


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-home-reference")


@pytest.mark.parametrize("name", REFERENCE_SETS)
def test_committed_baseline_holds_on_the_reference_corpus(name: str, eval_home: Path) -> None:
    shared_corpus_or_skip()
    committed_baseline_holds(name, eval_home)
