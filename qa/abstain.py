"""The learned abstention decision: do the retrieved documents answer the question at all?

A logistic model over features of the question's best evidence, fitted by `python -m granska.eval.fit_abstain`
on SweQUAD-MC train, each question asked once against its split's index (answerable) and once against the
index without its own document (unanswerable), and shipped as JSON coefficients (`qa/models/abstain.json`).
Its features extend the selector-based ones of `granska.qa.scorer.QUESTION_FEATURES` with what the coverage
rule reads (the best coverage among the sentences that may stand as an answer at all) and with signals that
carry across domains: whether the question's rarest word is found in that sentence, and whether a "how many /
how much" question meets a real quantity. The threshold is chosen on the dev sets (see the fit script).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from granska.qa.evidence import Scored, Weights, match, question_features, text_grams
from granska.qa.scorer import QUESTION_FEATURES, Linear, sigmoid

from granska.errors import GranskaError
from granska.text import content_words
from granska.types import Hit

MODEL_PATH = Path(__file__).resolve().parent / "models" / "abstain.json"

FEATURES = (
    *QUESTION_FEATURES,
    "lead_cov",  # best coverage among the sentences that may lead an answer (what the coverage rule reads)
    "lead_own",  # ... by the sentence alone
    "lead_logit",  # the selector's logit for the best of those sentences
    "rare_found",  # the question's highest-IDF word matched in that sentence (0..1)
    "rare_share",  # that word's share of the question's IDF weight
    "no_lead",  # no sentence may lead at all (all were contact lines, headings, wrong answer type, …)
)


@dataclass(frozen=True, slots=True)
class Abstainer:
    model: Linear
    threshold: float
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Abstainer:
        model = Linear.from_dict(d["model"])
        if model.features != FEATURES:
            raise GranskaError(
                "the abstention model's features differ from this code's; refit: python -m granska.eval.fit_abstain"
            )
        return cls(model, float(d["threshold"]), {k: v for k, v in d.items() if k not in ("model", "threshold")})

    def as_dict(self) -> dict[str, Any]:
        return {**self.meta, "threshold": round(self.threshold, 4), "model": self.model.as_dict()}

    def probability(self, row: dict[str, float]) -> float:
        """P(the documents answer the question)."""
        x = np.array([[row[f] for f in FEATURES]], dtype=np.float64)
        return sigmoid(float(self.model.logits(x)[0]))


def load(path: Path) -> Abstainer:
    try:
        return Abstainer.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise GranskaError(f"cannot read the abstention model {path}: {exc}; refit: python -m granska.eval.fit_abstain")


def available() -> bool:
    """Whether the package ships a fitted model of this kind (the fit script writes it)."""
    return MODEL_PATH.is_file()


@lru_cache(maxsize=1)
def shipped() -> Abstainer:
    return load(MODEL_PATH)


def features(
    question: str, ranked: list[Scored], leads: list[Scored], hits: list[Hit], weights: Weights
) -> dict[str, float]:
    """The abstainer's features. question: as matched (English already in Swedish terms); ranked: every
    candidate, best first by the selector; leads: those that may stand as an answer, best first."""
    row = question_features(question, ranked, hits, weights)
    words = content_words(question)
    idf = {w: weights.idf(w) for w in words}
    total = sum(idf.values())
    best = max(leads, key=lambda s: s.coverage) if leads else None
    rare = max(idf, key=lambda w: idf[w]) if idf else None
    found = 0.0
    if best is not None and rare is not None:
        found = match(rare, text_grams(best.span.text))
    return {
        **row,
        "lead_cov": best.coverage if best is not None else 0.0,
        "lead_own": best.features.get("own", 0.0) if best is not None else 0.0,
        "lead_logit": leads[0].features.get("logit", -10.0) if leads else -10.0,
        "rare_found": found,
        "rare_share": idf[rare] / total if rare is not None and total > 0 else 0.0,
        "no_lead": float(not leads),
    }


def threshold(prob: float | None) -> float:
    """The threshold in force: the setting when given, else the one chosen on dev and shipped."""
    return shipped().threshold if prob is None else prob
