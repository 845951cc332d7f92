"""Fits `generation.counted_near_floor` (rag/counted_near.py) on the DEVELOPMENT case sets only.

    .venv/bin/python scripts/fit_counted.py [--home DIR] [--cases FILE ...]

(2026-12-07, every development set on a fresh index: utility 30 off, 32 for floors 0.236 to 0.337, the widest run;
0.286 written. On fit_answerer's six sets alone no floor gains: their near misses counted elsewhere are answered by
a second wrong unit or refused by the support model anyway.)

For every case whose question counts a noun ("how many heroin deaths ..."), retrieved and scored as answer() does
(cases a table answers are left out, as scripts/fit_answerer.py leaves them), each eligible unit's nearness is worked
out: how near the words its count figures count are to the question's counted noun (None where the rule does not
apply). For each candidate floor (the midpoints between the nearness values seen, and -1: off) the answer is the most
probable eligible unit at or above it (or none: a refusal), scored as scripts/fit_answerer.py scores: +1 for a right
answer of an answerable case and for a refused `refuse: true` case, -1 (--wrong-cost) for an answer that is not right,
0 for refusing an answerable case. The floors of the best utility come in runs (between two nearness values at which
a case flips); the printed best is the middle of the widest run ("off" when off is in it), the default in
crossbrief/config.py. The support model's threshold is left out: the floor is fitted on what the answerer would
quote. Never pass evals/cases/heldout/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crossbrief.config import load_settings
from crossbrief.index.factory import build_embedder
from crossbrief.rag.counted_near import asked_word, counted_nearness, nearness_by
from crossbrief.rag.models import Filters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_answerer import CASES, dev_services, holds  # noqa: E402  (the same relevance test)

Outcome = tuple[bool, list[tuple[float | None, bool]]]  # (refuse expected, [(nearness, right) per eligible unit])


def collect(case_files: list[Path], home: Path | None) -> list[Outcome]:
    settings = load_settings(home=home) if home else load_settings()
    settings = settings.model_copy(update={"generation": settings.generation.model_copy(
        update={"counted_near_floor": -1.0})})  # units unmarked: the floor is what is fitted
    embedder = build_embedder(settings)
    found: list[Outcome] = []
    for path, case_set, service in dev_services(case_files, settings, embedder):
        offline = service.offline
        neighbours = offline.word_vectors() if offline.word_vectors else None
        if neighbours is None:
            continue
        near = nearness_by(neighbours, offline.embed_words or offline.vectors)

        for case in case_set.cases:
            if case.turns[:-1]:
                continue  # follow-ups ask in the words of what they follow
            asked = service.condense(case.question, [], offline)
            constraints = offline.constraints(asked)
            if not constraints.counted:
                continue
            filters = Filters(date_from=case.date_from, date_to=case.date_to)
            k = settings.retrieval.k
            read = service.retriever.retrieve(asked.query, filters, max(k, settings.retrieval.answer_k)).passages
            if service.tables is not None and service.tables.answer(asked, read[:k], filters, read[k:]) is not None:
                continue
            constraints, scored = offline.score(asked, read)
            word = asked_word(asked.query, constraints.counted)
            found.append((case.refuse, [
                (counted_nearness(word, constraints.counted, s.unit.text, s.unit.context, s.unit.figures, near),
                 not case.refuse and holds(case, s.unit.quoted)) for s in scored if s.eligible]))
        print(f"{path.name}: {len(case_set.cases)} cases", file=sys.stderr)
    return found


def utility(found: list[Outcome], floor: float, wrong_cost: float) -> float:
    total = 0.0
    for refuse, units in found:
        answer = next((right for nearness, right in units if nearness is None or nearness >= floor), None)
        if answer is None:
            total += 1.0 if refuse else 0.0
        else:
            total += 1.0 if answer else -wrong_cost
    return total


def choose_floor(found: list[Outcome], wrong_cost: float = 1.0) -> tuple[float, float, list[float],
                                                                        dict[float, float]]:
    """(the floor, its utility, the run of floors it is the middle of, every candidate's utility). The floors of the
    best utility come in runs; the middle of the widest run is the floor (as far as the data allow from a floor at
    which a case flips), -1 (off) when off is among them."""
    seen = sorted({n for _, units in found for n, _ in units if n is not None})
    candidates = [-1.0, *((a + b) / 2 for a, b in zip(seen, seen[1:]))]
    scores = {round(f, 4): utility(found, f, wrong_cost) for f in candidates}
    best = max(scores.values())
    runs: list[list[float]] = []
    previous: float | None = None
    for floor, score in sorted(scores.items()):
        if score == best and runs and runs[-1][-1] == previous:
            runs[-1].append(floor)
        elif score == best:
            runs.append([floor])
        previous = floor
    widest = max(runs, key=lambda run: (run[-1] - run[0], -run[0]))
    chosen = -1.0 if -1.0 in widest else round((widest[0] + widest[-1]) / 2, 3)
    return chosen, best, widest, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="data directory for the eval indexes (default: the settings')")
    parser.add_argument("--cases", type=Path, nargs="*", help="development case files (default: every set in "
                        "evals/cases/, the probe sets too: the floor decides near misses, which they hold most of)")
    parser.add_argument("--wrong-cost", type=float, default=1.0)
    args = parser.parse_args()
    found = collect(args.cases or sorted(CASES.glob("*.yaml")), args.home)
    chosen, best, widest, scores = choose_floor(found, args.wrong_cost)
    print(json.dumps({"best": {"counted_near_floor": chosen, "utility": best, "run": [widest[0], widest[-1]]},
                      "off": scores[-1.0],
                      "cases": len(found), "near_misses": sum(1 for refuse, _ in found if refuse),
                      "curve": sorted(scores.items())}, indent=2))


if __name__ == "__main__":
    main()
