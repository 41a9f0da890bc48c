"""The learned answer scorer: which sentence answers, and whether the documents answer at all.

Two logistic models, fitted by `python -m granska.eval.fit_answer` on SweQUAD-MC train and shipped as JSON
coefficients (`qa/models/answer.json`; numpy only at run time, scikit-learn only for fitting):

- the selector scores each candidate sentence from features of the sentence and its passage (coverage of
  the question's words, the passage's retrieval scores and rank, answer-type match, position, length);
- the abstainer gives the probability that the documents answer the question at all, from features of the
  best candidates (coverage, the selector's confidence, the passage's cosine, question words found nowhere).
  The answer abstains below a threshold chosen on the dev split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from granska.errors import GranskaError
from granska.settings import AnswerSettings

MODEL_PATH = Path(__file__).resolve().parent / "models" / "answer.json"

# One row per candidate sentence; names are the JSON's contract with evidence.candidates().
SENTENCE_FEATURES = (
    "cov",  # max(own, discounted window) coverage of the question's weighted words
    "own",  # coverage by the sentence alone
    "window",  # coverage by the sentence and its neighbours
    "cov_gap",  # cov minus the best cov among the question's candidates (<= 0)
    "own_gap",
    "rank_inv",  # 1 / (passage rank + 1)
    "score",  # the passage's fused retrieval score
    "char",
    "word",
    "dense",
    "type_asked",  # the question asks for a date / amount / count
    "type_given",  # ... and the sentence has one it did not name
    "pos",  # sentence index within its passage / sentences in the passage
    "doc_start",  # the sentence opens its document (a title, most often)
    "log_len",  # log(characters)
    "density",  # share of the sentence's content words that match a question word
    "list_intro",  # ends by introducing a list (":" / "att")
)
# One row per question, from its ranked candidates.
QUESTION_FEATURES = (
    "sel_logit",  # the selector's logit for its best sentence
    "sel_margin",  # best minus second-best logit
    "cov_max",
    "own_max",
    "cosine",  # raw dense cosine of the best passage (0 when dense is off)
    "missing",  # weighted share of question words found in none of the searched passages
    "log_words",  # log(1 + number of question content words)
    "type_unmet",  # asks for a date/amount/count and no candidate gives one
)


@dataclass(frozen=True, slots=True)
class Linear:
    """A standardised logistic model: p = sigmoid(((x - mean) / scale) · coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Linear:
        return cls(
            tuple(d["features"]),
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }

    def logits(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


@dataclass(frozen=True, slots=True)
class AnswerModel:
    selector: Linear
    abstainer: Linear
    threshold: float  # abstain when P(the documents answer) is below this
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnswerModel:
        sel, abst = Linear.from_dict(d["selector"]), Linear.from_dict(d["abstainer"])
        if sel.features != SENTENCE_FEATURES or abst.features != QUESTION_FEATURES:
            raise GranskaError(
                "the answer model's features differ from this code's; refit it: python -m granska.eval.fit_answer"
            )
        return cls(sel, abst, float(d["threshold"]), {k: v for k, v in d.items() if k not in ("selector", "abstainer")})

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.meta,
            "selector": self.selector.as_dict(),
            "abstainer": self.abstainer.as_dict(),
            "threshold": round(self.threshold, 4),
        }

    def reads_cosine(self) -> bool:
        """Whether the abstainer weighs the dense cosine (then the searcher must embed every question)."""
        return bool(self.abstainer.coef[QUESTION_FEATURES.index("cosine")] != 0.0)

    def answerable(self, row: dict[str, float]) -> float:
        """P(the documents answer the question), from its question features."""
        x = np.array([[row[f] for f in QUESTION_FEATURES]], dtype=np.float64)
        return sigmoid(float(self.abstainer.logits(x)[0]))


def load(path: Path) -> AnswerModel:
    try:
        return AnswerModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise GranskaError(f"cannot read the answer model {path}: {exc}; refit: python -m granska.eval.fit_answer")


@lru_cache(maxsize=1)
def shipped() -> AnswerModel:
    """The model that ships in the package (read once)."""
    return load(MODEL_PATH)


def threshold(settings: AnswerSettings) -> float:
    """The abstention threshold in force: the setting when given, else the one shipped with the model."""
    return shipped().threshold if settings.abstain_prob is None else settings.abstain_prob


def question_row(
    logits: list[float], cands: list[dict[str, float]], *, cosine: float, missing: float, n_words: int, type_unmet: bool
) -> dict[str, float]:
    """The abstainer's features, from the selector's logits (best first) and the candidates' features."""
    best = logits[0] if logits else -10.0
    second = logits[1] if len(logits) > 1 else best - 5.0
    return {
        "sel_logit": best,
        "sel_margin": best - second,
        "cov_max": max((c["cov"] for c in cands), default=0.0),
        "own_max": max((c["own"] for c in cands), default=0.0),
        "cosine": cosine,
        "missing": missing,
        "log_words": math.log1p(n_words),
        "type_unmet": float(type_unmet),
    }
