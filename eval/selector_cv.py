"""Does the best sentence cover the evidence? The selector measured and refitted on engine-asked rows.

`granska.eval.domain_rows` gives every question's candidate sentences as the answer step scores them. Here:
- `hit1`: on the questions the selector decides (answerable, not answered by a table route), the share whose
  top-ranked candidate covers the evidence (`all`), and whose top admissible candidate does (`lead`: the
  sentences `answer.admissible` lets stand, which is what an answer quotes first before the intent's reorderings);
- `fit`: a logistic selector over SweQUAD-MC train rows and audit-domain rows, the domain rows weighted so that
  they weigh `domain_weight` times what SweQUAD-MC train weighs in all;
- `cross_validated`: each domain question scored by a selector fitted without its fold: folds are groups of
  evidence documents (the kinds and audits_en sets share their documents, so a fold by set would leak them).
  SweQUAD-MC train rows are always in the fit (they are the shipped selector's whole training set).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.domain_rows import DOMAIN, HELD_OUT, SWEQUAD_DEV, SWEQUAD_TRAIN, Question, collect
from granska.eval.fitdata import FOLDS, fold_of
from granska.qa.scorer import SENTENCE_FEATURES, AnswerModel, Linear, shipped
from granska.qa.sentence_extra import EXTRA_FEATURES

_F = {f: i for i, f in enumerate(SENTENCE_FEATURES)}


def rule_scores(x: np.ndarray) -> np.ndarray:
    """The hand-set rule's score (`evidence.sentences` without a model): coverage plus its tie-breakers."""
    rank = 1.0 / np.maximum(x[:, _F["rank_inv"]], 1e-9) - 1.0
    prior = 0.1 * x[:, _F["own"]] - 0.02 * rank + 0.05 * x[:, _F["score"]] + 0.1 * x[:, _F["type_given"]]
    return np.asarray(x[:, _F["cov"]] + prior)


def rows_for(q: Question, features: tuple[str, ...]) -> np.ndarray:
    """The question's candidate rows with the columns a selector reads (the shipped ones, or with the extras)."""
    return q.x if features == SENTENCE_FEATURES else np.hstack([q.x, q.e])


def _scores(q: Question, scorer: Linear | None) -> np.ndarray:
    return rule_scores(q.x) if scorer is None else scorer.logits(rows_for(q, scorer.features))


def _top(scores: np.ndarray) -> int:
    return int(np.argmax(scores))  # the first of equals: candidates keep passage order, as rank_by's stable sort


def decided(qs: Iterable[Question]) -> list[Question]:
    """The questions whose answer the selector chooses: not a table route's, with candidates."""
    return [q for q in qs if not q.routed and len(q.y)]


def hit1(qs: list[Question], scorer: Linear | None) -> dict[str, float]:
    """Top candidate covers the evidence, over all candidates and over the admissible ones (`None`: the rule)."""
    got = decided(qs)
    top = lead = 0
    for q in got:
        s = _scores(q, scorer)
        top += bool(q.y[_top(s)])
        if q.ok.any():
            masked = np.where(q.ok, s, -np.inf)
            lead += bool(q.y[_top(masked)])
    n = max(len(got), 1)
    return {"n": len(got), "all": round(top / n, 3), "lead": round(lead / n, 3)}


def per_question(qs: list[Question], scorer: Linear | None) -> dict[str, bool]:
    """Each decided question's top admissible candidate covers the evidence (for listing gains and losses)."""
    out = {}
    for q in decided(qs):
        s = _scores(q, scorer)
        out[f"{q.set}/{q.id}"] = bool(q.ok.any() and q.y[_top(np.where(q.ok, s, -np.inf))])
    return out


@dataclass(frozen=True, slots=True)
class Recipe:
    """How a selector is fitted: the regularisation, the domain rows' total weight against SweQUAD-MC train's,
    and whether a table route's questions are fitted on (their candidates are labelled all the same)."""

    c: float
    domain_weight: float
    routed: bool = True
    extra: bool = False  # also read EXTRA_FEATURES

    def name(self) -> str:
        tags = ("" if self.routed else " unrouted") + (" +extra" if self.extra else "")
        return f"C={self.c} domain={self.domain_weight}{tags}"

    def features(self) -> tuple[str, ...]:
        return (*SENTENCE_FEATURES, *EXTRA_FEATURES) if self.extra else SENTENCE_FEATURES


def fit(qs: list[Question], recipe: Recipe) -> Linear:
    """A logistic selector over every candidate of the questions with a positive (those say which is right)."""
    from sklearn.linear_model import LogisticRegression

    use = [q for q in qs if q.y.any() and q.set != SWEQUAD_DEV and (recipe.routed or not q.routed)]
    sq = [q for q in use if q.set == SWEQUAD_TRAIN]
    dom = [q for q in use if q.set != SWEQUAD_TRAIN]
    names = recipe.features()
    x = np.vstack([rows_for(q, names) for q in use])
    y = np.concatenate([q.y for q in use])
    n_sq, n_dom = sum(len(q.y) for q in sq), sum(len(q.y) for q in dom)
    w_dom = recipe.domain_weight * n_sq / n_dom if n_sq and n_dom else 1.0
    w = np.concatenate([np.full(len(q.y), 1.0 if q.set == SWEQUAD_TRAIN else w_dom) for q in use])
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale[scale == 0] = 1.0  # a feature constant in training (dense off) carries no weight
    model = LogisticRegression(C=recipe.c, max_iter=3000)
    model.fit((x - mean) / scale, y, sample_weight=w / w.mean())
    return Linear(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def folds(qs: list[Question], *, k: int = FOLDS) -> dict[str, int]:
    """Each domain question's fold, by its first evidence document (the documents dealt round-robin)."""
    dom = [q for q in qs if q.set not in (SWEQUAD_TRAIN, SWEQUAD_DEV)]
    fold = fold_of((q.docs[0] for q in dom), folds=k)
    return {f"{q.set}/{q.id}": fold[q.docs[0]] for q in dom}


def cv_hit1(qs: list[Question], recipe: Recipe | None, *, k: int = FOLDS) -> dict[str, dict[str, float]]:
    """Per domain set (and pooled): hit1 of selectors fitted without each question's fold.
    recipe None: no refit (nothing to cross-validate), the caller measures a fixed selector with `hit1`."""
    fold = folds(qs, k=k)
    dom = [q for q in qs if f"{q.set}/{q.id}" in fold]
    scored: dict[str, list[tuple[Question, Linear]]] = {}
    for f in range(k):
        held = [q for q in dom if fold[f"{q.set}/{q.id}"] == f]
        if not held or recipe is None:
            continue
        model = fit([q for q in qs if fold.get(f"{q.set}/{q.id}") != f], recipe)
        for q in held:
            scored.setdefault(q.set, []).append((q, model))
    out: dict[str, dict[str, float]] = {}
    pooled: list[tuple[Question, Linear]] = []
    for name, pairs in scored.items():
        out[name] = _hit1_pairs(pairs)
        pooled += pairs
    out["pooled"] = _hit1_pairs(pooled)
    return out


def _hit1_pairs(pairs: list[tuple[Question, Linear]]) -> dict[str, float]:
    top = lead = n = 0
    for q, model in pairs:
        if q.routed or not len(q.y):
            continue
        s = _scores(q, model)
        n += 1
        top += bool(q.y[_top(s)])
        if q.ok.any():
            lead += bool(q.y[_top(np.where(q.ok, s, -np.inf))])
    return {"n": n, "all": round(top / max(n, 1), 3), "lead": round(lead / max(n, 1), 3)}


GRID = tuple(Recipe(c, w) for c in (0.1, 1.0) for w in (0.0, 0.5, 1.0, 2.0))


def table(rows: dict[str, list[Question]], *, extra: bool = False) -> list[dict[str, Any]]:
    """The shipped selector, the rule and every recipe of GRID: CV on the domain sets, SweQUAD-MC dev, train."""
    fitq = [q for n in (SWEQUAD_TRAIN, *DOMAIN) for q in rows.get(n, [])]
    domain = [q for n in DOMAIN for q in rows.get(n, [])]
    out: list[dict[str, Any]] = []
    for name, fixed in (("rule", None), ("shipped", shipped().selector)):
        out.append(
            {
                "selector": name,
                "domain": hit1(domain, fixed),
                "swequad_dev": hit1(rows[SWEQUAD_DEV], fixed),
                "swequad_train": hit1(rows[SWEQUAD_TRAIN], fixed),
                "held_out": {n: hit1(rows[n], fixed) for n in HELD_OUT if n in rows},
            }
        )
    for recipe in GRID:
        recipe = replace(recipe, extra=extra)
        model = fit(fitq, recipe)
        out.append(
            {
                "selector": recipe.name(),
                "recipe": recipe,
                "domain_cv": cv_hit1(fitq, recipe)["pooled"],
                "swequad_dev": hit1(rows[SWEQUAD_DEV], model),
                "swequad_train": hit1(rows[SWEQUAD_TRAIN], model),
                "held_out": {n: hit1(rows[n], model) for n in HELD_OUT if n in rows},
                "model": model,
            }
        )
    return out


def chosen(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The recipe whose top admissible sentence covers the evidence most often over the domain CV and SweQUAD-MC
    dev together (the held-out sets are never read here)."""

    def score(r: dict[str, Any]) -> float:
        cv, dev = r["domain_cv"], r["swequad_dev"]
        return float(cv["lead"] * cv["n"] + dev["lead"] * dev["n"])

    return max((r for r in rows if "recipe" in r), key=score)


FIGURES = Path(__file__).resolve().parent / "data" / "selector_figures.json"


def refit(
    work: Path, *, extra: bool = False, out: Path | None = None, figures_out: Path | None = FIGURES
) -> dict[str, Any]:
    """Collect (or read) the rows, measure the rule, the shipped selector and every recipe, and write the
    figures (`figures_out`). With `out`, also fit the chosen recipe and write it there as the answer model's
    selector (the shipped abstainer and threshold are kept: refit those with fit_abstain, which reads it)."""
    rows = collect(work, [SWEQUAD_TRAIN, SWEQUAD_DEV, *DOMAIN, *HELD_OUT])
    measured = table(rows, extra=extra)
    best = chosen(measured)
    base = shipped()
    every = [n for n in (SWEQUAD_TRAIN, SWEQUAD_DEV, *DOMAIN, *HELD_OUT) if n in rows]
    figures = {
        "data": "SweQUAD-MC train and the audit-domain sets' questions asked as Engine.ask asks them (fit); "
        "document-grouped CV on the domain sets and SweQUAD-MC dev (choose); "
        + ", ".join(HELD_OUT)
        + " held out (measured only)",
        "metric": "share of the decided questions whose top candidate (all) / top admissible candidate (lead) "
        "covers the evidence",
        "chosen": best["selector"],
        # The selector measured (the one shipped when this ran) on each set: tests/qa/test_selector_rows.py
        # reproduces these from the rows, and checks that this is still the shipped selector.
        "shipped_selector": base.selector.as_dict(),
        "shipped_per_set": {n: hit1(rows[n], base.selector) for n in every},
        "chosen_per_set": {n: hit1(rows[n], best["model"]) for n in every},
        "table": [{k: v for k, v in r.items() if k not in ("model", "recipe")} for r in measured],
    }
    if figures_out is not None:
        figures_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if out is not None:
        meta = {**base.meta, "selector_fitted": datetime.date.today().isoformat(), "selector_data": figures["data"]}
        model = AnswerModel(best["model"], base.abstainer, base.threshold, meta)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(model.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return figures
