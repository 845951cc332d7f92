"""Fits the table answerer's settings on the DEVELOPMENT case sets and TAT-QA dev only.

    .venv/bin/python scripts/fit_tables.py [--home DIR]

Two steps (`--step`), each over a small grid. First `generation.table_min_coverage`: the share of a question's
content words that its links to a table's values and column names must account for before the question is answered
by filtering that table. Then, with table_min_coverage as configured, the two values of the reader of tables whose first column names their
rows (rag/table_rows.py): `generation.table_row_min_coverage` (the weighted share of the question's words that the
named row, its headings and columns must use) and `generation.table_row_margin` (how far the named row's score must
lead the next row's). `--step meaning` fits, with those as configured, the two values of links by meaning
(rag/table_meaning.py): `generation.table_meaning_floor` (the least cosine between a phrase and the value it names) and
`generation.table_meaning_margin` (how far that value must lead the column's next), the reworded sets running too;
ties go to the fewest links (off, then the highest floor and margin). `--step far` fits, with those as configured,
`generation.table_far_coverage` (the share of a question's words a table of a source retrieved after the
table_top_sources must link), every development set running; ties go to the strictest. Each value runs the development case sets whose corpora hold tables (sample, reference and their near misses) and
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
ROW_COVERAGE = (0.4, 0.5, 0.6, 0.7, 0.8)
ROW_MARGIN = (0.1, 0.25, 0.5, 1.0)
# links by meaning (rag/table_meaning.py): floor 2 is off; they are for paraphrases, so the reworded sets run too
MEANING_MARGIN = (0.05, 0.1, 0.15, 0.2)
MEANING_FLOOR = (0.3, 0.4, 0.5)
MEANING_SETS = ("reworded", "reworded_reference")
# a table of a source retrieved after the top ones answers when its links account for this share of the question's
# words; every development set runs (the probe and natural sets ask the reference corpus's table in many ways)
FAR_COVERAGE = (0.6, 0.7, 0.8, 0.9, 1.0)
FAR_SETS = MEANING_SETS + ("natural_reference", "probe_reference", "probe2_reference")


def with_values(settings: Settings, **values: float) -> Settings:
    return settings.model_copy(update={"generation": settings.generation.model_copy(update=values)})


def utility(outcomes: list[tuple[bool, bool]]) -> float:
    """The share of (passed, refused) outcomes that passed, minus the share answered wrongly (not passed, not
    refused)."""
    wrong = sum(1 for passed, refused in outcomes if not passed and not refused)
    return round((sum(passed for passed, _ in outcomes) - wrong) / len(outcomes), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path(".crossbrief"), help="data directory for the eval indexes")
    parser.add_argument("--step", choices=("links", "rows", "both", "meaning", "far"), default="both",
                        help="fit table_min_coverage (links), the row reader's two values (rows), or both; or, with "
                             "those as configured, the two values of links by meaning (meaning) or the share a table "
                             "of a source retrieved after the top ones must link (far)")
    args = parser.parse_args()
    settings = load_settings(home=args.home)
    embedder = build_embedder(settings)
    names = CASE_SETS + {"meaning": MEANING_SETS, "far": FAR_SETS}.get(args.step, ())
    case_sets = [load_case_file(ROOT / "evals" / "cases" / f"{name}.yaml") for name in names]
    case_sets = [c for c in case_sets if c.corpus is not None and c.corpus.exists()]
    grid: list[dict[str, float]] = []

    def run(values: dict[str, float]) -> dict[str, float]:
        tried = with_values(settings, **values)
        rates: dict[str, float] = {}
        for case_set in case_sets:
            results = run_eval(tried, case_set, embedder=embedder).results
            rates[case_set.name] = utility([(r.passed, r.refused) for r in results])
        if TATQA_DEV.exists():
            asked = tatqa.run_tatqa(tried, TATQA_DEV, args.home / "tatqa-dev", embedder=embedder).results
            rates["tatqa-dev"] = utility([(r.passed, r.answer.strip() == REFUSAL_TEXT) for r in asked])
        rates["mean"] = round(sum(rates.values()) / len(rates), 4)
        grid.append({**values, **rates})
        print(json.dumps(grid[-1]), file=sys.stderr)
        return rates

    if args.step == "far":  # ties go to the strictest
        far = {c: run({"table_far_coverage": c}) for c in FAR_COVERAGE}
        best = max(far, key=lambda c: (far[c]["mean"], c))
        print(json.dumps({"best": {"table_far_coverage": best, **far[best]}, "grid": grid}, indent=2))
        return
    if args.step == "meaning":  # ties go to the fewest links: off, then the highest floor and margin
        tried = {(2.0, 0.0): run({"table_meaning_floor": 2.0})}
        tried |= {(f, m): run({"table_meaning_floor": f, "table_meaning_margin": m})
                  for f in MEANING_FLOOR for m in MEANING_MARGIN}
        floor, margin = max(tried, key=lambda k: (tried[k]["mean"], k[0], k[1]))
        print(json.dumps({"best": {"table_meaning_floor": floor, "table_meaning_margin": margin, **tried[(floor, margin)]},
                          "grid": grid}, indent=2))
        return
    # ties go to the values nearest the middle of each grid
    coverage = settings.generation.table_min_coverage
    if args.step in ("links", "both"):
        links = {c: run({"table_min_coverage": c}) for c in COVERAGE}
        print(json.dumps({"best_links": {"table_min_coverage": max(links, key=lambda c: (links[c]["mean"],
                                                                                       -abs(c - 0.55)))}}),
              file=sys.stderr)
    if args.step == "links":
        return
    # the row reader's values are fitted with table_min_coverage as configured (see its comment in config.py)
    rows = {(c, m): run({"table_min_coverage": coverage, "table_row_min_coverage": c, "table_row_margin": m})
            for c in ROW_COVERAGE for m in ROW_MARGIN}
    row_coverage, margin = max(rows, key=lambda k: (rows[k]["mean"], -abs(k[0] - 0.6), -abs(k[1] - 0.4)))
    generation = settings.generation
    print(json.dumps({"best": {"table_row_min_coverage": row_coverage,
                               "table_row_margin": margin, **rows[(row_coverage, margin)]},
                      "current": {"table_min_coverage": generation.table_min_coverage,
                                  "table_row_min_coverage": generation.table_row_min_coverage,
                                  "table_row_margin": generation.table_row_margin},
                      "grid": grid}, indent=2))

if __name__ == "__main__":
    main()
