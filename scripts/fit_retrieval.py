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
the defaults in crossbrief/config.py are the printed best (objectives within --tolerance of the top count as ties).

A second grid fits BM25's query expansion (retrieval.expansion_similarity, expansion_weight, expansion_words:
rag/word_neighbours.py) with the fusion held at the current settings: each question's BM25 list is taken again with
every expansion of the grid, and scored the same way; "expansion.best" is the one adopted (ties go to the weaker
expansion: the higher similarity floor, the lower weight, the fewer words). Never pass evals/cases/heldout/ or
TAT-QA's test split.
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
from crossbrief.rag.retrieval import HybridRetriever, fuse
from crossbrief.rag.word_neighbours import ExpansionSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_answerer import default_case_files, dev_services, holds  # noqa: E402  (the same sets and relevance test)

TATQA_DEV = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tatqa" / "tatqa_dataset_dev.json"
RRF_K = (1, 2, 3, 5, 10, 20, 60)
DENSE_WEIGHT = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
SENTENCE_WEIGHT = (0.0, 0.5, 0.75, 1.0, 1.5, 2.0)
EXPANSIONS = [ExpansionSettings(similarity, weight, words) for similarity in (0.6, 0.65, 0.7, 0.75)
              for weight in (0.0, 0.25, 0.5, 1.0) for words in (2, 4)]

# per case: (dense ids best first, BM25 ids best first, chunk ids by nearest sentence, the relevant ids)
Lists = tuple[list[str], list[str], list[str], set[str]]
# per case set and expansion of the grid: each case's BM25 ids with that expansion, in the order of its Lists
Expanded = dict[str, dict[ExpansionSettings, list[list[str]]]]


def expanded_lists(retriever: HybridRetriever, questions: list[str]) -> dict[ExpansionSettings, list[list[str]]]:
    return {e: [[cid for cid, _ in retriever.bm25_candidates(q, e)] for q in questions] for e in EXPANSIONS}


def collect(case_files: list[Path], home: Path, expanded: Expanded) -> dict[str, list[Lists]]:
    settings = load_settings(home=home)
    embedder = build_embedder(settings)
    found: dict[str, list[Lists]] = {}
    for path, case_set, service in dev_services(case_files, settings, embedder):
        retriever = service.retriever
        texts = {c.id: c.text for c in service.store.get_all()}
        lists: list[Lists] = []
        questions = []
        for case in case_set.cases:
            if case.refuse or not case.expect or len(case.turns) > 1 or case.date_from or case.date_to:
                continue
            relevant = {cid for cid, text in texts.items() if holds(case, text)}
            dense, bm25, sentences = retriever.candidate_lists(case.question)
            lists.append(([cid for cid, _ in dense], [cid for cid, _ in bm25], [cid for cid, _ in sentences],
                          relevant))
            questions.append(case.question)
        found[path.name] = lists
        expanded[path.name] = expanded_lists(retriever, questions)
        print(f"{path.name}: {len(lists)} answerable cases", file=sys.stderr)
    return found


def collect_tatqa(dataset: Path, workdir: Path, expanded: Expanded) -> list[Lists]:
    """The unfiltered span questions of TAT-QA dev over its 40 reports in one index; a passage is relevant when it
    holds a gold answer."""
    service, written = tatqa.prepare(load_settings(), dataset, workdir)
    texts = {c.id: c.text for c in service.store.get_all()}
    lists: list[Lists] = []
    questions = []
    for _, _, _, report in written:
        for question, gold in tatqa.span_questions(report):
            relevant = {cid for cid, text in texts.items() if tatqa.holds(text, gold)}
            dense, bm25, sentences = service.retriever.candidate_lists(question)
            lists.append(([cid for cid, _ in dense], [cid for cid, _ in bm25], [cid for cid, _ in sentences],
                          relevant))
            questions.append(question)
    expanded["tatqa-dev"] = expanded_lists(service.retriever, questions)
    return lists


def with_expansion(found: dict[str, list[Lists]], expanded: Expanded, expansion: ExpansionSettings
                   ) -> dict[str, list[Lists]]:
    """The lists of every case with BM25's list taken with `expansion`."""
    return {name: [(dense, bm25, sentences, relevant) for (dense, _, sentences, relevant), bm25
                   in zip(lists, expanded[name][expansion])] for name, lists in found.items()}


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
    expanded: Expanded = {}
    found = collect(args.cases or default_case_files(), args.home, expanded)
    if str(args.tatqa) and args.tatqa.is_file():
        if "test" in args.tatqa.name:
            raise SystemExit(f"{args.tatqa}: TAT-QA's test split is for judging, not fitting")
        found["tatqa-dev"] = collect_tatqa(args.tatqa, args.home / "tatqa-dev", expanded)
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
    fused = (r.rrf_k, r.dense_weight / r.bm25_weight, k, answer_k, r.sentence_weight / r.bm25_weight)
    by_expansion = {e: score(with_expansion(found, expanded, e), *fused) for e in EXPANSIONS}
    top = max(v["objective"] for v in by_expansion.values())
    expansion, expansion_best = max(((e, v) for e, v in by_expansion.items() if v["objective"] >= top - args.tolerance),
                                    key=lambda item: (item[0].weight == 0, item[0].min_similarity, -item[0].weight,
                                                      -item[0].per_word))
    print(json.dumps({"best": {"rrf_k": rrf_k, "dense_weight": weight, "sentence_weight": sentence,
                               "bm25_weight": 1.0, **best},
                      "current": {"rrf_k": r.rrf_k, "dense_weight": r.dense_weight,
                                  "sentence_weight": r.sentence_weight, "bm25_weight": r.bm25_weight, **current},
                      "runners_up": [{"rrf_k": rk, "dense_weight": w, "sentence_weight": sw, **v} for (rk, w, sw), v in
                                     sorted(grid.items(), key=lambda item: -item[1]["objective"])[1:6]],
                      "expansion": {"best": {"expansion_similarity": expansion.min_similarity,
                                             "expansion_weight": expansion.weight,
                                             "expansion_words": expansion.per_word, **expansion_best},
                                    "none": by_expansion[EXPANSIONS[0]],
                                    "per_set": {name: score({name: lists}, *fused) for name, lists
                                                in with_expansion(found, expanded, expansion).items() if lists},
                                    "per_set_none": {name: score({name: lists}, *fused) for name, lists
                                                     in with_expansion(found, expanded, EXPANSIONS[0]).items() if lists}},
                      "case_sets": sorted(name for name, lists in found.items() if lists)}, indent=2))


if __name__ == "__main__":
    main()
