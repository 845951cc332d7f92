"""Runs a case set through the same `answer()` users get, over an index of the case set's corpus."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from crossbrief.evals.cases import Case, CaseSet
from crossbrief.evals.scoring import CaseResult, score_answer, score_error, summarise
from crossbrief.index.embedding import Embedder
from crossbrief.errors import ConfigError
from crossbrief.index.factory import build_embedder, build_ingester
from crossbrief.index.ingest import IngestReport, ingest_lock
from crossbrief.config import Settings
from crossbrief.rag.models import Filters
from crossbrief.rag.service import Crossbrief, build


@dataclass
class EvalRun:
    case_set: CaseSet
    corpus: Path
    settings_hash: str
    answerer: str
    results: list[CaseResult]
    metrics: dict[str, float]
    ingest: IngestReport
    seconds: float


def eval_home(settings: Settings, corpus: Path) -> Path:
    """Each corpus gets its own index under the data directory, reused (incrementally) across runs."""
    shaping = settings.index.model_dump_json(exclude={"chroma_url", "model_cache_dir", "onnx_threads"})
    key = hashlib.sha256(f"{corpus.resolve()}|{shaping}".encode()).hexdigest()[:12]
    return settings.home / "eval-index" / key


def run_case(service: Crossbrief, case: Case, answerer: str | None) -> CaseResult:
    started = time.perf_counter()
    history: list[tuple[str, str]] = []
    filters = Filters(date_from=case.date_from, date_to=case.date_to)
    try:
        for turn in case.turns[:-1]:
            previous = service.answer(turn, history=history, filters=filters, answerer=answerer)
            history.extend([("user", turn), ("assistant", previous.answer)])
        started = time.perf_counter()  # latency is the scored (last) turn's
        answer = service.answer(case.question, history=history, filters=filters, answerer=answerer)
    except Exception as exc:  # noqa: BLE001 - a case that raises is recorded as a failure, never dropped
        return score_error(case, exc, (time.perf_counter() - started) * 1000)
    return score_answer(case, answer, (time.perf_counter() - started) * 1000)


def run_eval(settings: Settings, case_set: CaseSet, corpus: Path | None = None, answerer: str | None = None,
             embedder: Embedder | None = None, progress: Callable[[int, int], None] | None = None) -> EvalRun:
    started = time.perf_counter()
    corpus = corpus or case_set.corpus
    if corpus is None:
        raise ConfigError(f"{case_set.path}: names no corpus; pass --corpus PATH")
    if not corpus.exists():
        raise ConfigError(f"The corpus {corpus} for case set {case_set.name!r} does not exist")
    home = eval_home(settings, corpus)
    # the eval index is private to its corpus, never a shared Chroma collection or catalog database: the prune
    # below would remove every other source from them
    eval_settings = settings.model_copy(update={
        "home": home, "index": settings.index.model_copy(update={"chroma_url": None}),
        "catalog": settings.catalog.model_copy(update={"url": None})})
    embedder = embedder or build_embedder(settings)
    with ingest_lock(eval_settings):
        report = build_ingester(eval_settings, embedder).ingest([corpus], prune=True)
    service = build(eval_settings, embedder)
    results = []
    for number, case in enumerate(case_set.cases, 1):
        results.append(run_case(service, case, answerer))
        if progress:
            progress(number, len(case_set.cases))
    chosen = answerer or settings.generation.answerer
    return EvalRun(case_set, corpus, settings.short_hash(), chosen, results, summarise(results), report,
                   round(time.perf_counter() - started, 2))

