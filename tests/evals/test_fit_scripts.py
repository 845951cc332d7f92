"""The fitting scripts' choices on hand-made inputs: the refusal threshold's utility and retrieval's fusion."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from crossbrief.rag.retrieval import fuse
from tests.conftest import ROOT


def _script(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_a_wrong_answer_costs_so_the_threshold_refuses_a_likely_wrong_one() -> None:
    fit = _script("fit_answerer")
    # (should refuse, support probability, best unit right)
    results = [(False, 0.9, True), (False, 0.8, True), (False, 0.6, False), (True, 0.5, False), (True, 0.3, False)]
    counted, _ = fit.choose_threshold(results, wrong_cost=0.0)
    careful, metrics = fit.choose_threshold(results, wrong_cost=1.0)
    assert counted < 0.6 < careful <= 0.8  # counting right outcomes only, the likely wrong answer at 0.6 stays
    assert metrics["answered_wrong"] == 0.0 and metrics["unanswerable_refused"] == 1.0


def test_fusion_with_a_small_constant_trusts_first_places() -> None:
    dense = ["right", "a", "b", "c"]
    bm25 = ["x", "y", "a", "b", "right"]
    assert fuse(dense, bm25, rrf_k=60, dense_weight=1.0, bm25_weight=1.0)[0][0] == "a"  # in both, middling in each
    assert fuse(dense, bm25, rrf_k=1, dense_weight=2.0, bm25_weight=1.0)[0][0] == "right"


def _case_units(fit: ModuleType, origin: str, signal: float, refuse: bool, right: bool) -> object:
    """One case whose single unit has the features of `signal` (every feature set to it)."""
    import numpy as np

    from crossbrief.evals.cases import Case
    from crossbrief.rag.constraint_check import Check
    from crossbrief.rag.evidence import FEATURES, Scored, Unit
    from crossbrief.rag.models import Passage

    check = Check(date=0.5, names=1.0, names_near=1.0, other_names=0.0, kind=1.0, counted=0.0, source=1.0)
    passage = Passage(1, f"{origin}-{signal}", "A sentence.", origin, "", None, None, "", 0, 11)
    unit = Unit(passage, "A sentence.", "", ())
    scored = Scored(unit=unit, check=check, features=np.full(len(FEATURES), signal), vector=np.zeros(2))
    case = Case(id=f"{origin}-{signal}", turns=("q",), expect=(), sources=(), refuse=refuse, date_from=None,
                date_to=None, tags=(), file=origin, line=1)
    return fit.CaseUnits(case, [scored], np.array([1.0 if right else 0.0]), False, origin)


def test_cross_validation_scores_each_fold_with_a_fit_on_the_other_folds() -> None:
    fit = _script("fit_answerer")
    collected = [_case_units(fit, origin, signal, refuse=signal < 0.5, right=signal >= 0.5)
                 for origin in ("a.yaml", "b.yaml", "c.yaml") for signal in (0.1, 0.2, 0.8, 0.9)]
    chosen = fit.cross_validate(collected, None, 1.0)
    assert chosen["folds"] == ["a.yaml", "b.yaml", "c.yaml"]
    # a separable signal: every fold's cases are refused or answered rightly by a fit on the others
    assert chosen["cv_utility_per_case"] == 1.0
    fitted = fit.fit_all(collected, 0.1, 1.0, None, 1.0)
    flipped = [_case_units(fit, "d.yaml", signal, refuse=signal >= 0.5, right=signal < 0.5) for signal in (0.1, 0.9)]
    assert fit.utility(flipped, fitted, 1.0) < 0  # the signal reversed out of sample: answered wrongly


def test_table_fit_charges_a_wrong_table_answer_and_not_a_refusal() -> None:
    fit = _script("fit_tables")
    # (passed, refused)
    assert fit.utility([(True, False), (False, True)]) == 0.5
    assert fit.utility([(True, False), (False, False)]) == 0.0
    tried = fit.with_values(fit.load_settings(), table_row_min_coverage=0.3, table_row_margin=1.0)
    assert (tried.generation.table_row_min_coverage, tried.generation.table_row_margin) == (0.3, 1.0)


def test_the_counted_floor_is_the_middle_of_the_best_run_of_floors() -> None:
    fit = _script("fit_counted")
    # (refuse expected, [(nearness of each eligible unit, most probable first; right)])
    found = [(True, [(0.2, False)]), (True, [(0.25, False)]), (False, [(0.45, True)]), (False, [(0.5, True)])]
    chosen, best, run, scores = fit.choose_floor(found)
    assert scores[-1.0] == 0.0 and best == 4.0 and run == [0.35] and chosen == 0.35  # both near misses refused
    # a right answer counted farther than a near miss's wrong one: no floor gains, the rule stays off
    assert fit.choose_floor([(False, [(0.2, True)]), (True, [(0.3, False)])])[0] == -1.0
