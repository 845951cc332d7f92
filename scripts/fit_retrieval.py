"""Fits retrieval's fusion settings (rrf_k, dense_weight and sentence_weight against bm25_weight = 1) on the
DEVELOPMENT case sets only.

    .venv/bin/python scripts/fit_retrieval.py [--home DIR] [--cases FILE ...]

Each case set's corpus is ingested (reused under --home) and every answerable case's question is run through the
dense, the BM25 and the sentence retriever once (`retrieval.candidates` each, the same lists `retrieve()` fuses). A
passage is relevant when its text holds all of the case's expected figures or words. Every (rrf_k, dense_weight,
sentence_weight) of a small grid then fuses the three lists as `retrieve()` does, and is scored by recall at `answer_k` (what the offline
answerer reads) plus recall at `k` (what a user is shown) and the reciprocal rank of the first relevant passage,
averaged per case set so that each set weighs the same. TAT-QA's dev split (../shared/bench/tatqa, 40 reports written
as md / html / csv, as `crossbrief eval --tatqa` does) counts as one more set when present: an outside benchmark
that keeps the fit from serving our own corpus only. It prints the grid's best and the current settings' figures;
the defaults in crossbrief/config.py are the printed best (objectives within --tolerance of the top count as ties). Never pass evals/cases/heldout/ or TAT-QA's test split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from crossbrief.config import load_settings
from crossbrief.evals import tatqa
from crossbrief.index.factory import build_embedder
from crossbrief.rag.retrieval import fuse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_answerer import default_case_files, dev_services, holds  # noqa: E402  (the same sets and relevance test)

TATQA_DEV = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tatqa" / "tatqa_dataset_dev.json"
RRF_K = (1, 2, 3, 5, 10, 20, 60)
DENSE_WEIGHT = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
SENTENCE_WEIGHT = (0.0, 0.5, 0.75, 1.0, 1.5, 2.0)

# per case: (dense ids best first, BM25 ids best first, chunk ids by nearest sentence, the relevant ids)
Lists = tuple[list[str], list[str], list[str], set[str]]


def collect(case_files: list[Path], home: Path) -> dict[str, list[Lists]]:
    settings = load_settings(home=home)
    embedder = build_embedder(settings)
    found: dict[str, list[Lists]] = {}
    for path, case_set, service in dev_services(case_files, settings, embedder):
        retriever = service.retriever
        texts = {c.id: c.text for c in service.store.get_all()}
        lists: list[Lists] = []
        for case in case_set.cases:
            if case.refuse or not case.expect or len(case.turns) > 1 or case.date_from or case.date_to:
                continue
            relevant = {cid for cid, text in texts.items() if holds(case, text)}
            dense, bm25, sentences = retriever.candidate_lists(case.question)
            lists.append(([cid for cid, _ in dense], [cid for cid, _ in bm25], [cid for cid, _ in sentences],
                          relevant))
        found[path.name] = lists
        print(f"{path.name}: {len(lists)} answerable cases", file=sys.stderr)
    return found


def collect_tatqa(dataset: Path, workdir: Path) -> list[Lists]:
    """The unfiltered span questions of TAT-QA dev over its 40 reports in one index; a passage is relevant when it
    holds a gold answer."""
    service, written = tatqa.prepare(load_settings(), dataset, workdir)
    texts = {c.id: c.text for c in service.store.get_all()}
    lists: list[Lists] = []
    for _, _, _, report in written:
        for question, gold in tatqa.span_questions(report):
            relevant = {cid for cid, text in texts.items() if tatqa.holds(text, gold)}
            dense, bm25, sentences = service.retriever.candidate_lists(question)
            lists.append(([cid for cid, _ in dense], [cid for cid, _ in bm25], [cid for cid, _ in sentences],
                          relevant))
    return lists


def score(found: dict[str, list[Lists]], rrf_k: float, dense_weight: float, k: int, answer_k: int,
          sentence_weight: float = 0.0) -> dict[str, float]:
    per_set = []
    for lists in found.values():
        if not lists:
            continue
        at_k = at_answer_k = reciprocal = 0.0
        for dense, bm25, sentences, relevant in lists:
            order = [cid for cid, _ in fuse(dense, bm25, rrf_k, dense_weight, 1.0, sentences, sentence_weight)]
            first = next((i for i, cid in enumerate(order) if cid in relevant), None)
            if first is not None:
                at_k += first < k
                at_answer_k += first < answer_k
                reciprocal += 1.0 / (first + 1)
        n = len(lists)
        per_set.append((at_answer_k / n, at_k / n, reciprocal / n))
    recall_answer_k, recall_k, mrr = (sum(values) / len(per_set) for values in zip(*per_set))
    return {"objective": round(recall_answer_k + recall_k + mrr, 4), f"recall@{answer_k}": round(recall_answer_k, 4),
            f"recall@{k}": round(recall_k, 4), "mrr": round(mrr, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path(".crossbrief"), help="data directory for the eval indexes")
    parser.add_argument("--cases", type=Path, nargs="*", help="development case files (default: all dev sets)")
    parser.add_argument("--tatqa", type=Path, default=TATQA_DEV, help="TAT-QA dev file ('' to leave it out)")
    parser.add_argument("--tolerance", type=float, default=0.005,
                        help="objective differences up to this are ties (broken toward the weight nearest 1)")
    args = parser.parse_args()
    settings = load_settings()
    k, answer_k = settings.retrieval.k, max(settings.retrieval.k, settings.retrieval.answer_k)
    found = collect(args.cases or default_case_files(), args.home)
    if str(args.tatqa) and args.tatqa.is_file():
        if "test" in args.tatqa.name:
            raise SystemExit(f"{args.tatqa}: TAT-QA's test split is for judging, not fitting")
        found["tatqa-dev"] = collect_tatqa(args.tatqa, args.home / "tatqa-dev")
        print(f"tatqa-dev: {len(found['tatqa-dev'])} span questions", file=sys.stderr)
    grid = {(rrf_k, weight, sentence): score(found, rrf_k, weight, k, answer_k, sentence)
            for rrf_k, weight, sentence in itertools.product(RRF_K, DENSE_WEIGHT, SENTENCE_WEIGHT)}
    # of the settings within --tolerance of the top objective (differences the dev sets cannot tell from noise), the
    # least opinionated fusion wins: the weights nearest 1, then the larger rrf_k, then the objective
    top = max(v["objective"] for v in grid.values())
    near = [item for item in grid.items() if item[1]["objective"] >= top - args.tolerance]
    (rrf_k, weight, sentence), best = max(near, key=lambda item: (-abs(item[0][1] - 1) - abs(item[0][2] - 1),
                                                                  item[0][0], item[1]["objective"]))
    r = settings.retrieval
    current = score(found, r.rrf_k, r.dense_weight / r.bm25_weight, k, answer_k, r.sentence_weight / r.bm25_weight)
    print(json.dumps({"best": {"rrf_k": rrf_k, "dense_weight": weight, "sentence_weight": sentence,
                               "bm25_weight": 1.0, **best},
                      "current": {"rrf_k": r.rrf_k, "dense_weight": r.dense_weight,
                                  "sentence_weight": r.sentence_weight, "bm25_weight": r.bm25_weight, **current},
                      "runners_up": [{"rrf_k": rk, "dense_weight": w, "sentence_weight": sw, **v} for (rk, w, sw), v in
                                     sorted(grid.items(), key=lambda item: -item[1]["objective"])[1:6]],
                      "case_sets": sorted(name for name, lists in found.items() if lists)}, indent=2))


if __name__ == "__main__":
    main()
