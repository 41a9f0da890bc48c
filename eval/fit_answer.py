"""Refit the learned answer scorer in one command: fusion weights, sentence selector, abstainer.

    python -m granska.eval.fit_answer --work /tmp/granska-fit            # writes qa/models/answer.json

Data: SweQUAD-MC train (fit) and dev (choose), ingested into cached indexes under --work. Each question is
asked twice: against its split's index (answerable: the sentence that covers the gold evidence is the
positive) and against the same index without the question's own document (unanswerable). Steps:
1. fusion: pairwise logistic ranker over char-BM25, stem-BM25 and dense (eval/fit_fusion.py);
2. selector: logistic model over each candidate sentence's features, C chosen on dev by how often the best
   sentence covers the evidence;
3. abstainer: logistic model over question features (answerable vs. not), C and the probability threshold
   chosen on dev (most unanswerable questions abstained with at most 5% false abstention).
Train figures are given fitted and cross-validated (5 folds grouped by document); dev figures as chosen.
"""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval import fit_fusion
from granska.eval.fit_threshold import _probs, abstention, pooled_threshold, threshold_for
from granska.eval.fitdata import FOLDS, Query, fold_of, queries, rows_without, signals, split_engine
from granska.eval.metrics import covers
from granska.index.search import Searcher
from granska.qa.evidence import Scored, Weights, candidates, question_features, rank_by
from granska.qa.scorer import MODEL_PATH, QUESTION_FEATURES, SENTENCE_FEATURES, AnswerModel, Linear

from granska.engine import Engine
from granska.text import for_matching

C_GRID = (0.01, 0.1, 1.0, 10.0)


@dataclass(slots=True)
class Asked:
    """One question asked in one condition, with its candidates and their labels."""

    query: Query
    answerable: bool
    hits: list[Any]
    weights: Weights
    cands: list[Scored]
    labels: np.ndarray  # per candidate: covers the gold evidence


def collect(engine: Engine, qs: list[Query], fusion: dict[str, float]) -> list[Asked]:
    """Every question against its full index and against the index without its document."""
    base = engine.searcher()
    # The split's searcher computes every signal (dense too: its cosine is an abstention feature); the
    # fitted fusion weights rank.
    fused = {f"w_{k}": v for k, v in fusion.items()}
    ranker = Searcher(base.store, base.embedder, base.settings.model_copy(update=fused), outlines=base.outlines)
    out = []
    for q in qs:
        for answerable in (True, False):
            allowed = None if answerable else rows_without(base, q.doc)
            sig = signals(engine, q.item.question, allowed, q.qvec)
            hits = ranker.rank(sig, allowed, k=20)
            weights = Weights([h.chunk.text for h in hits[:20]])
            cands = candidates(for_matching(q.item.question), hits, weights)
            spans = [{"doc": c.span.doc, "start": c.span.start, "end": c.span.end} for c in cands]
            labels = np.array([answerable and covers(s, q.item.evidence) for s in spans], dtype=bool)
            out.append(Asked(q, answerable, hits, weights, cands, labels))
    return out


def _fit_linear(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float, *, balanced: bool) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0  # a feature constant in training (dense off) carries no weight
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit((x - mean) / scale, y)
    return Linear(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def _sentence_rows(asked: list[Asked]) -> tuple[np.ndarray, np.ndarray]:
    rows = [[c.features[f] for f in SENTENCE_FEATURES] for a in asked for c in a.cands]
    labels = [y for a in asked for y in a.labels]
    return np.array(rows, dtype=np.float64).reshape(-1, len(SENTENCE_FEATURES)), np.array(labels)


def fit_selector(asked: list[Asked], c: float) -> Linear:
    # Only answerable questions with a positive among their candidates say which sentence is right.
    x, y = _sentence_rows([a for a in asked if a.answerable and a.labels.any()])
    return _fit_linear(x, y, SENTENCE_FEATURES, c, balanced=False)


def selection(asked: list[Asked], selector: Linear | None) -> dict[str, float]:
    """On answerable questions: does the best sentence cover the evidence, and does its passage (put first)?"""
    got = [a for a in asked if a.answerable]
    sent = passage = 0.0
    for a in got:
        best = _best(a, selector)
        if best is None:
            continue
        ev = a.query.item.evidence
        sent += covers({"doc": best.span.doc, "start": best.span.start, "end": best.span.end}, ev)
        c = best.hit.chunk
        passage += covers({"doc": c.doc, "start": c.start, "end": c.end}, ev)
    n = max(len(got), 1)
    return {"sentence_hit1": round(sent / n, 3), "passage_hit1": round(passage / n, 3)}


def _best(a: Asked, selector: Linear | None) -> Scored | None:
    if not a.cands:
        return None
    if selector is None:  # the hand-set rule, for the baseline row
        return max(a.cands, key=lambda x: x.coverage + x.prior)
    return rank_by(a.cands, selector)[0]


def _question_rows(asked: list[Asked], selector: Linear) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for a in asked:
        feats = question_features(for_matching(a.query.item.question), rank_by(a.cands, selector), a.hits, a.weights)
        rows.append([feats[f] for f in QUESTION_FEATURES])
    return np.array(rows, dtype=np.float64), np.array([a.answerable for a in asked])


def _folds(asked: list[Asked]) -> list[tuple[list[Asked], list[Asked]]]:
    fold = fold_of(a.query.doc for a in asked)
    return [
        ([a for a in asked if fold[a.query.doc] != f], [a for a in asked if fold[a.query.doc] == f])
        for f in range(FOLDS)
    ]


def cross_validated(train: list[Asked], c_sel: float, c_abs: float, t: float) -> dict[str, float]:
    """Train figures where each question is scored by models fitted without its document's questions."""
    sums: dict[str, float] = {}
    total = 0
    for rest, held in _folds(train):
        if not held or not any(a.answerable and a.labels.any() for a in rest):
            continue
        sel = fit_selector(rest, c_sel)
        xr, yr = _question_rows(rest, sel)
        abst = _fit_linear(xr, yr, QUESTION_FEATURES, c_abs, balanced=True)
        xh, yh = _question_rows(held, sel)
        n = sum(a.answerable for a in held)
        for k, v in {**selection(held, sel), **abstention(_probs(abst, xh), yh, t)}.items():
            sums[k] = sums.get(k, 0.0) + n * v
        total += n
    return {k: round(v / max(total, 1), 3) for k, v in sums.items()}


def fit_all(work: Path, *, limit: int | None = None, dense: bool = True) -> tuple[AnswerModel, dict[str, Any]]:
    train_engine, train_items = split_engine(work, "train", limit=limit, dense=dense)
    dev_engine, dev_items = split_engine(work, "dev", limit=limit, dense=dense)
    tq, dq = queries(train_engine, train_items), queries(dev_engine, dev_items)
    fusion, fusion_table = fit_fusion.choose(tq, dq)
    fusion_row = next(r for r in fusion_table if r["weights"] == fusion)
    subset = str(fusion_row["signals"]).split("+")
    fusion_cv = fit_fusion.cross_validated(tq, subset, float(fusion_row["C"]))  # type: ignore[arg-type]
    train, dev = collect(train_engine, tq, fusion), collect(dev_engine, dq, fusion)

    sel_table = []
    for c in C_GRID:
        sel = fit_selector(train, c)
        sel_table.append({"C": c, "train": selection(train, sel), "dev": selection(dev, sel), "model": sel})
    best_sel = max(sel_table, key=lambda r: (r["dev"]["sentence_hit1"], r["dev"]["passage_hit1"]))
    selector: Linear = best_sel["model"]

    xt, yt = _question_rows(train, selector)
    xd, yd = _question_rows(dev, selector)
    abs_table = []
    for c in C_GRID:
        abst = _fit_linear(xt, yt, QUESTION_FEATURES, c, balanced=True)
        pd = _probs(abst, xd)
        t = threshold_for(pd, yd)
        abs_table.append({"C": c, "threshold": t, "dev": abstention(pd, yd, t), "model": abst})
    best_abs = max(abs_table, key=lambda r: (r["dev"]["abstain_unanswerable"], -r["dev"]["false_abstention"]))
    abstainer: Linear = best_abs["model"]
    fitted_fusion = {"w_char": fusion["char"], "w_word": fusion["word"], "w_dense": fusion["dense"]}
    t, pooled = pooled_threshold(work, selector, abstainer, (xd, yd), fitted_fusion, dense=dense)

    figures = {
        "fusion": {
            "chosen": fusion_row["signals"],
            "C": fusion_row["C"],
            "train_fitted": fusion_row["train"],
            "train_cv": fusion_cv,
            "dev": fusion_row["dev"],
            "char_bm25_only": {
                "train": fit_fusion.ranking(tq, {"char": 1.0, "word": 0.0, "dense": 0.0}),
                "dev": fit_fusion.ranking(dq, {"char": 1.0, "word": 0.0, "dense": 0.0}),
            },
            "previous_default": {
                "train": fit_fusion.ranking(tq, {"char": 1.0, "word": 0.5, "dense": 0.0}),
                "dev": fit_fusion.ranking(dq, {"char": 1.0, "word": 0.5, "dense": 0.0}),
            },
            "table": [{k: v for k, v in r.items()} for r in fusion_table],
        },
        "selector": {
            "C": best_sel["C"],
            "rule": {"train": selection(train, None), "dev": selection(dev, None)},
            "train_fitted": best_sel["train"],
            "dev": best_sel["dev"],
            "table": [{k: v for k, v in r.items() if k != "model"} for r in sel_table],
        },
        "abstainer": {
            "C": best_abs["C"],
            "threshold_swequad_dev": round(float(best_abs["threshold"]), 4),
            "threshold": round(t, 4),
            "threshold_chosen_on": "pooled dev sets (" + ", ".join(pooled["sets"]) + ")",
            "pooled_dev": pooled,
            "train_fitted": abstention(_probs(abstainer, xt), yt, t),
            "dev": best_abs["dev"],
            "table": [{k: v for k, v in r.items() if k != "model"} for r in abs_table],
        },
    }
    figures["train_cv"] = cross_validated(train, float(best_sel["C"]), float(best_abs["C"]), t)
    meta = {
        "version": 1,
        "fitted": datetime.date.today().isoformat(),
        "data": "SweQUAD-MC train (fit) / dev (choose); unanswerable = asked without the question's document",
        "dense": dense,
        "questions": {"train": len(tq), "dev": len(dq)},
        "fusion": fitted_fusion,
        "figures": figures,
    }
    return AnswerModel(selector, abstainer, t, meta), figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the split indexes")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help=f"where to write the model (default {MODEL_PATH})")
    ap.add_argument("--limit", type=int, default=None, help="only the first N questions of each split (a quick run)")
    ap.add_argument("--no-dense", action="store_true", help="fit without the embedding model (lexical signals only)")
    ap.add_argument(
        "--domain",
        action="store_true",
        help="refit only the selector, on SweQUAD-MC train and the audit-domain sets asked as the engine asks "
        "(eval/selector_cv.py; docs/selector.md); the fusion weights and the abstainer are kept",
    )
    ap.add_argument(
        "--measure",
        action="store_true",
        help="with --domain: only measure (write eval/data/selector_figures.json), leave the model as shipped",
    )
    ap.add_argument(
        "--extra",
        action="store_true",
        help="with --domain: also read qa/sentence_extra.py's features (needs evidence.candidates to add them)",
    )
    args = ap.parse_args()
    if args.domain:
        from granska.eval import selector_cv

        if args.extra and args.out == MODEL_PATH and not args.measure:
            ap.error("--extra writes a model this code cannot read yet: give --out, or --measure")
        figures_out = None if args.extra else selector_cv.FIGURES  # the shipped features' figures only
        out = None if args.measure else args.out
        figures = selector_cv.refit(args.work, extra=args.extra, out=out, figures_out=figures_out)
        print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
        print("wrote", ", ".join(str(p) for p in (figures_out, out) if p is not None) or "nothing")
        return
    model, figures = fit_all(args.work, limit=args.limit, dense=not args.no_dense)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items()}, ensure_ascii=False, indent=1, default=str))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
