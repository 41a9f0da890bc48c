"""A fitted question-intent classifier that backs the rules of granska.qa.intent.

TF-IDF over character n-grams of the question's words (folded, English first put into the glossary's Swedish
terms, so both languages share features) and a multinomial logistic regression, fitted by
`python -m granska.eval.fit_intent` on eval/data/intent_labels.jsonl and eval/data/intent_extra.jsonl and
shipped as JSON (`qa/models/intent.json`; numpy only at run time). The fit script reports cross-validated
accuracy beside the rules' and chooses how the two are combined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from granska.errors import GranskaError
from granska.text import fold, for_matching

MODEL_PATH = Path(__file__).resolve().parent / "models" / "intent.json"
NGRAMS = (2, 4)


def grams(question: str) -> list[str]:
    """Character n-grams of each word, padded with spaces (as scikit-learn's char_wb), plus the first word."""
    text = fold(for_matching(question))
    words = text.split()
    out = [f"^{words[0]}" if words else "^"]
    for w in words:
        padded = f" {w} "
        for n in range(NGRAMS[0], NGRAMS[1] + 1):
            out.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
    return out


@dataclass(frozen=True, slots=True)
class IntentModel:
    classes: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # classes × features
    intercept: np.ndarray
    combine: str  # "rules-first": the rules decide unless they say "other"; "learned": the model decides
    meta: dict[str, Any]
    min_prob: float = 0.0  # the model overrides only when at least this sure

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IntentModel:
        return cls(
            tuple(d["classes"]),
            {g: i for i, g in enumerate(d["grams"])},
            np.asarray(d["idf"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            np.asarray(d["intercept"], dtype=np.float64),
            str(d["combine"]),
            {k: v for k, v in d.items() if k not in ("classes", "grams", "idf", "coef", "intercept", "combine")},
            float(d.get("min_prob", 0.0)),
        )

    def vector(self, question: str) -> np.ndarray:
        x = np.zeros(len(self.vocab))
        for g in grams(question):
            if (i := self.vocab.get(g)) is not None:
                x[i] += 1.0
        x *= self.idf
        norm = float(np.linalg.norm(x))
        return x / norm if norm > 0 else x

    def predict(self, question: str) -> tuple[str, float]:
        """The most probable intent and its probability."""
        z = self.coef @ self.vector(question) + self.intercept
        p = np.exp(z - z.max())
        p /= p.sum()
        i = int(np.argmax(p))
        return self.classes[i], float(p[i])


@lru_cache(maxsize=1)
def shipped() -> IntentModel | None:
    """The shipped model, or None when the package has none (the rules then decide alone)."""
    if not MODEL_PATH.is_file():
        return None
    try:
        return IntentModel.from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise GranskaError(
            f"cannot read the intent model {MODEL_PATH}: {exc}; refit: python -m granska.eval.fit_intent"
        )


def combined(rule: str, question: str, model: IntentModel | None = None) -> str:
    """The intent by the rule and the model, as the fit chose to combine them."""
    model = model or shipped()
    if model is None:
        return rule
    if model.combine == "rules-first" and rule != "other":
        return rule
    if model.combine == "rules":
        return rule
    best, p = model.predict(question)
    return best if p >= model.min_prob else rule
