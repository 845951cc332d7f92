"""Scores answers against cases, deterministically, with the same figure parser and citation checker the
answers are checked with. A case that raised is a failure with its error recorded, never dropped."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crossbrief.evals.cases import Case, Expectation
from crossbrief.rag.citations import check_answer
from crossbrief.rag.figures import Figure
from crossbrief.rag.models import Answer

HIGHER_IS_BETTER = ("pass_rate", "figure_accuracy", "citation_precision", "recall_at_k", "refusal_precision",
                    "refusal_recall")
LOWER_IS_BETTER = ("unsupported_figure_rate",)


@dataclass
class CaseResult:
    id: str
    question: str
    expected: list[str]
    refuse_expected: bool
    answer: str = ""
    refused: bool = False
    passed: bool = False
    figure_hits: int = 0
    figures_expected: int = 0
    figures_stated: int = 0
    figures_supported: int = 0
    retrieved_expected_source: bool | None = None
    citations: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    error: str | None = None
    latency_ms: float = 0.0
    tags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _expectation_met(expectation: Expectation, answer_text: str, figures: list[Figure]) -> bool:
    if expectation.figure is None:
        return expectation.raw.lower() in answer_text.lower()
    wanted = expectation.figure
    for figure in figures:
        if wanted.matches(figure) and (not wanted.qualifier or wanted.qualifier == figure.qualifier):
            return True
    return False


def source_matches(source: str, wanted: str) -> bool:
    return source == wanted or Path(source).name == Path(wanted).name or source.endswith("/" + wanted.lstrip("/"))


def score_answer(case: Case, answer: Answer, latency_ms: float = 0.0) -> CaseResult:
    """Scores one answer; figures are re-checked against the answer's own passages."""
    result = CaseResult(case.id, " / ".join(case.turns), [e.raw for e in case.expect], case.refuse,
                        answer=answer.answer, refused=answer.refused, latency_ms=latency_ms, tags=list(case.tags))
    checked = check_answer(answer.answer, answer.passages) if not answer.refused else None
    figures = checked.figures if checked else []
    result.citations = [f"[{c.n}] {Path(c.source).name}" for c in (checked.citations if checked else [])]
    result.figures_stated = len(figures)
    result.figures_supported = sum(1 for f in figures if f.supported)
    result.unsupported = [f.text for f in figures if not f.supported]
    if case.sources:
        result.retrieved_expected_source = any(
            source_matches(p.source, s) for p in answer.passages for s in case.sources
        )
    if case.refuse:
        result.passed = answer.refused
        return result
    result.figures_expected = len(case.expect)
    for expectation in case.expect:
        if not answer.refused and _expectation_met(expectation, answer.answer, figures):
            result.figure_hits += 1
        else:
            result.missing.append(expectation.raw)
    result.passed = (not answer.refused and result.figure_hits == result.figures_expected
                     and not result.unsupported)
    return result


def score_error(case: Case, error: BaseException, latency_ms: float = 0.0) -> CaseResult:
    result = CaseResult(case.id, " / ".join(case.turns), [e.raw for e in case.expect], case.refuse,
                        error=f"{error.__class__.__name__}: {error}", latency_ms=latency_ms, tags=list(case.tags))
    result.figures_expected = 0 if case.refuse else len(case.expect)
    result.missing = [e.raw for e in case.expect]
    if case.sources:
        result.retrieved_expected_source = False
    return result


def _ratio(numerator: float, denominator: float, empty: float = 1.0) -> float:
    return round(numerator / denominator, 4) if denominator else empty


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def summarise(results: list[CaseResult]) -> dict[str, float]:
    """Overall metrics over every case (errors included)."""
    answerable = [r for r in results if not r.refuse_expected]
    should_refuse = [r for r in results if r.refuse_expected]
    refused = [r for r in results if r.refused]
    with_sources = [r for r in results if r.retrieved_expected_source is not None]
    stated = sum(r.figures_stated for r in results)
    return {
        "cases": len(results),
        "errors": sum(1 for r in results if r.error),
        "pass_rate": _ratio(sum(r.passed for r in results), len(results)),
        "figure_accuracy": _ratio(sum(r.figure_hits for r in answerable), sum(r.figures_expected for r in answerable)),
        "citation_precision": _ratio(sum(r.figures_supported for r in results), stated),
        "recall_at_k": _ratio(sum(1 for r in with_sources if r.retrieved_expected_source), len(with_sources)),
        "refusal_precision": _ratio(sum(1 for r in refused if r.refuse_expected), len(refused)),
        "refusal_recall": _ratio(sum(1 for r in should_refuse if r.refused), len(should_refuse)),
        "unsupported_figure_rate": _ratio(stated - sum(r.figures_supported for r in results), stated, empty=0.0),
        "latency_p50_ms": _percentile([r.latency_ms for r in results], 50),
        "latency_p95_ms": _percentile([r.latency_ms for r in results], 95),
    }


def one_case_effects(results: list[CaseResult]) -> dict[str, float]:
    """About the most one case's outcome can move each gated metric of `results` (the gate's allowance for a
    near tie that falls the other way on another CPU)."""
    answerable = [r for r in results if not r.refuse_expected]
    expected = sum(r.figures_expected for r in answerable)
    stated = sum(r.figures_stated for r in results)
    refused = sum(1 for r in results if r.refused)
    should_refuse = sum(1 for r in results if r.refuse_expected)
    with_sources = sum(1 for r in results if r.retrieved_expected_source is not None)
    most_stated = max((r.figures_stated for r in results), default=0)
    most_expected = max((r.figures_expected for r in answerable), default=0)

    def share(part: float, whole: float) -> float:
        return part / whole if whole else 1.0

    return {
        "pass_rate": share(1, len(results)),
        "figure_accuracy": share(most_expected, expected),
        "citation_precision": share(most_stated, stated),
        "unsupported_figure_rate": share(most_stated, stated),
        "recall_at_k": share(1, with_sources),
        "refusal_precision": share(1, refused),
        "refusal_recall": share(1, should_refuse),
    }

