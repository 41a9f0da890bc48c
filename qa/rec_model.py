"""The fitted recommendation classifier: logistic-regression weights shipped as JSON inside the package.

Fitted by `python -m granska.eval.fit_tracker` (scikit-learn LogisticRegression over the features of
`granska.qa.rec_features`); scoring needs no scikit-learn at run time, only the weights.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "models" / "recommendations.json"


@dataclass(frozen=True, slots=True)
class Model:
    weights: dict[str, float]
    intercept: float
    threshold: float  # probability above which a unit is a recommendation (chosen by cross-validation)

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def as_json(self) -> dict[str, object]:
        return {"weights": self.weights, "intercept": self.intercept, "threshold": self.threshold}


def from_json(data: dict[str, object]) -> Model:
    weights = {str(k): float(v) for k, v in dict(data["weights"]).items()}  # type: ignore[call-overload]
    return Model(weights, float(data["intercept"]), float(data["threshold"]))  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def digest() -> bytes:
    """A hash of the shipped model file (empty when there is none), read once like the model itself."""
    return hashlib.blake2b(MODEL_PATH.read_bytes(), digest_size=16).digest() if MODEL_PATH.is_file() else b""


@lru_cache(maxsize=1)
def default() -> Model | None:
    """The shipped model, or None when it has not been fitted yet (the rules then stand alone)."""
    if not MODEL_PATH.is_file():
        return None
    return from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
