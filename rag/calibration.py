"""The offline answerer's fitted models, both logistic regressions:

- the unit model: P(this unit answers the question) from a unit's features (rag/evidence.py FEATURES);
- the support model: P(the question is answerable from these passages) from the best eligible unit's probability and
  a few of its features (SUPPORT_FEATURES); the answerer refuses below the threshold.

Weights, biases and threshold come from settings (GenerationSettings.answerer_weights / answerer_bias /
support_weights / support_bias / support_threshold), whose defaults are the values scripts/fit_answerer.py fitted
on the development case sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossbrief.errors import ConfigError
from crossbrief.rag.evidence import FEATURES

# what the support model reads of the best eligible unit (besides its probability, as a logit)
SUPPORT_FEATURES = ("unit_logit", "names_unknown", "names_near", "names", "other_names", "overlap", "sim_sentence",
                    "missing_known", "missing_unknown", "eligible_share")


def support_row(probability: float, features: np.ndarray, eligible_share: float) -> np.ndarray:
    """The support model's input for a question whose best eligible unit has `probability` and `features`."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    picked = [float(features[FEATURES.index(name)]) for name in SUPPORT_FEATURES[1:-1]]
    return np.array([float(np.log(p / (1 - p))), *picked, eligible_share])


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    support_weights: tuple[float, ...] = ()
    support_bias: float = 0.0

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ConfigError(f"generation.answerer_weights needs {len(FEATURES)} values ({', '.join(FEATURES)}); "
                              f"got {len(self.weights)}: re-run scripts/fit_answerer.py")
        if len(self.support_weights) != len(SUPPORT_FEATURES):
            raise ConfigError(f"generation.support_weights needs {len(SUPPORT_FEATURES)} values "
                              f"({', '.join(SUPPORT_FEATURES)}); got {len(self.support_weights)}: re-run "
                              "scripts/fit_answerer.py")

    def support(self, row: np.ndarray) -> float:
        """P(answerable) from a support row."""
        return float(1.0 / (1.0 + np.exp(-(row @ np.asarray(self.support_weights) + self.support_bias))))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(unit answers the question) for each feature row."""
        if not len(rows):
            return np.zeros(0)
        logits = rows @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (deterministic; the bias is not penalised)."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    weight = np.ones(n) if sample_weight is None else sample_weight
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (weight * (p - y)) + penalty * w
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w[:-1], float(w[-1])
