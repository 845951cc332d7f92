"""Fits the table answerer's settings on the DEVELOPMENT case sets and TAT-QA dev only.

    .venv/bin/python scripts/fit_tables.py [--home DIR]

`generation.table_min_coverage` (the share of a question's content words that its links to a table's values and
column names, or the row it names, must account for before the question is answered from that table) and
`generation.table_row_margin` (how far the row a question names must lead the next one in a table whose first
column names its rows, rag/table_rows.py) are tried over a small grid.
Each value runs the development case sets whose corpora hold tables (sample, reference and their near misses) and
TAT-QA's dev split (40 reports as md / html / csv, each question with and without a filter on its report, as
`crossbrief eval --tatqa` does). Each set's utility is the share of right outcomes (a case passed) minus the share of
wrong answers (answered, and not right: a wrong table answer misleads, a refusal says "the sources don't say"; the
same price scripts/fit_answerer.py puts on a wrong answer); the score is the mean over the sets, each weighing the
same. It prints every value's figures and the best; the default in crossbrief/config.py is the printed best. Never
pass held-out sets or TAT-QA's test split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crossbrief.config import Settings, load_settings
from crossbrief.evals import tatqa
from crossbrief.evals.cases import load_case_file
from crossbrief.evals.runner import run_eval
from crossbrief.index.factory import build_embedder
from crossbrief.rag.models import REFUSAL_TEXT

ROOT = Path(__file__).resolve().parent.parent
CASE_SETS = ("sample", "near_miss", "reference", "near_miss_reference")
TATQA_DEV = ROOT.parent / "shared" / "bench" / "tatqa" / "tatqa_dataset_dev.json"
COVERAGE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
ROW_MARGIN = (0.25, 0.5, 1.0)


def with_values(settings: Settings, coverage: float, margin: float) -> Settings:
    return settings.model_copy(update={"generation": settings.generation.model_copy(
        update={"table_min_coverage": coverage, "table_row_margin": margin})})


def utility(outcomes: list[tuple[bool, bool]]) -> float:
    """The share of (passed, refused) outcomes that passed, minus the share answered wrongly (not passed, not
    refused)."""
    wrong = sum(1 for passed, refused in outcomes if not passed and not refused)
    return round((sum(passed for passed, _ in outcomes) - wrong) / len(outcomes), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path(".crossbrief"), help="data directory for the eval indexes")
    args = parser.parse_args()
    settings = load_settings(home=args.home)
    embedder = build_embedder(settings)
    case_sets = [load_case_file(ROOT / "evals" / "cases" / f"{name}.yaml") for name in CASE_SETS]
    case_sets = [c for c in case_sets if c.corpus is not None and c.corpus.exists()]
    figures: dict[tuple[float, float], dict[str, float]] = {}
    for coverage, margin in ((c, m) for c in COVERAGE for m in ROW_MARGIN):
        tried = with_values(settings, coverage, margin)
        rates: dict[str, float] = {}
        for case_set in case_sets:
            results = run_eval(tried, case_set, embedder=embedder).results
            rates[case_set.name] = utility([(r.passed, r.refused) for r in results])
        if TATQA_DEV.exists():
            asked = tatqa.run_tatqa(tried, TATQA_DEV, args.home / "tatqa-dev", embedder=embedder).results
            rates["tatqa-dev"] = utility([(r.passed, r.answer.strip() == REFUSAL_TEXT) for r in asked])
        rates["mean"] = round(sum(rates.values()) / len(rates), 4)
        figures[(coverage, margin)] = rates
        print(json.dumps({"table_min_coverage": coverage, "table_row_margin": margin, **rates}), file=sys.stderr)
    # ties go to the values nearest the middle of the grid
    best = max(figures, key=lambda k: (figures[k]["mean"], -abs(k[0] - 0.55), -abs(k[1] - 0.5)))
    print(json.dumps({"best": {"table_min_coverage": best[0], "table_row_margin": best[1], **figures[best]},
                      "current": [settings.generation.table_min_coverage, settings.generation.table_row_margin],
                      "grid": {f"{c} {m}": f for (c, m), f in figures.items()}}, indent=2))


if __name__ == "__main__":
    main()
