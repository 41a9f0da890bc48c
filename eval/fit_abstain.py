"""Refit the learned abstainer in one command (writes qa/models/abstain.json):

    python -m granska.eval.fit_abstain --work /tmp/granska-fit            # the cached split indexes of fit_answer

Data: every SweQUAD-MC train question asked against the train index (answerable) and against the same index
without the question's own document (unanswerable). Features: `granska.qa.abstain.FEATURES`, computed from
the shipped selector's ranking exactly as the answer step computes them. C is chosen on SweQUAD-MC dev (asked
the same two ways); the probability threshold on all dev sets pooled (SweQUAD-MC dev with its generated
unanswerables, shared/eval/dev.jsonl over the bundled corpus, shared/datasets/audits): the highest threshold
that abstains on at most 5% of the pooled answerable questions. Printed and stored: train fitted, train 5-fold
cross-validated (folds grouped by document), each dev set, and the coverage rule (abstain below
`abstain_below`) on the same rows, side by side.
"""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.fit_answer import _fit_linear
from granska.eval.fit_threshold import DOMAIN_DEV, MAX_FALSE_ABSTAIN, abstention, threshold_for
from granska.eval.fitdata import FOLDS, fold_of, split_engine
from granska.eval.run import read_dataset
from granska.index.search import Searcher
from granska.qa import abstain
from granska.qa.answer import admissible
from granska.qa.evidence import Weights, candidates, rank_by
from granska.qa.scorer import Linear, shipped
from granska.qa.statement import fragment

from granska.engine import Engine
from granska.settings import AnswerSettings, EmbedderSettings, SearchSettings, Settings
from granska.text import for_matching

C_GRID = (0.01, 0.1, 1.0, 10.0)
Rows = tuple[np.ndarray, np.ndarray, list[str]]  # features, answerable?, question ids


def _row(question: str, hits: list[Any], weights: Weights, cands: list[Any], selector: Linear) -> list[float]:
    matched = for_matching(question)
    ranked = rank_by(cands, selector)
    leads = [s for s in admissible(question, ranked, {}) if not fragment(s.span.text)]
    feats = abstain.features(matched, ranked, leads, hits, weights)
    return [feats[f] for f in abstain.FEATURES]


def split_rows(asked: list[_Asked], selector: Linear) -> Rows:
    x = [_row(a.query.item.question, a.hits, a.weights, a.cands, selector) for a in asked]
    ids = [f"{a.query.item.id}:{'with' if a.answerable else 'without'}" for a in asked]
    return np.array(x, dtype=np.float64), np.array([a.answerable for a in asked]), ids


def domain_rows(work: Path, selector: Linear, fusion: dict[str, float]) -> dict[str, Rows]:
    """The audit-domain dev sets, searched as the engine searches (claims left out)."""
    out: dict[str, Rows] = {}
    for name, (dataset, docs) in DOMAIN_DEV.items():
        if not dataset.is_file():
            continue
        settings = Settings(
            index_dir=work / f"{name}-index-lexical",
            embedder=EmbedderSettings(model="hash"),
            search=SearchSettings(**fusion),
        )
        engine = Engine(settings)
        if not engine.has_index():
            engine.ingest([docs])
        x, y, ids = [], [], []
        for item in read_dataset(dataset):
            if item.type == "claim" or (not item.evidence and item.type != "unanswerable"):
                continue
            hits = engine.search(item.question, k=20)
            weights = Weights([h.chunk.text for h in hits[:20]])
            cands = candidates(for_matching(item.question), hits, weights)
            x.append(_row(item.question, hits, weights, cands, selector))
            y.append(bool(item.evidence))
            ids.append(item.id)
        out[name] = (np.array(x, dtype=np.float64).reshape(-1, len(abstain.FEATURES)), np.array(y), ids)
    return out


def _p(model: Linear, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-model.logits(x)))


def rule(x: np.ndarray, y: np.ndarray, below: float) -> dict[str, float]:
    """The coverage rule on the same rows: abstain when no sentence may lead or the best covers < below."""
    lead = x[:, abstain.FEATURES.index("lead_cov")]
    return abstention(np.where(lead < below, 0.0, 1.0), y, 0.5)


def cross_validated(train: list[_Asked], rows: Rows, c: float, t: float) -> dict[str, float]:
    x, y, _ = rows
    of = fold_of(a.query.doc for a in train)
    fold = np.array([of[a.query.doc] for a in train])
    p = np.zeros(len(train))
    for f in range(FOLDS):
        held = fold == f
        model = _fit_linear(x[~held], y[~held], abstain.FEATURES, c, balanced=True)
        p[held] = _p(model, x[held])
    return abstention(p, y, t)


def _sampled(items: list[Any], n: int | None, seed: int = 0) -> list[Any]:
    """A seeded random subset of the train questions over the whole index (cheaper than --limit, which also
    shrinks the index and so makes every question easier)."""
    if n is None or n >= len(items):
        return items
    rng = np.random.default_rng(seed)
    keep = sorted(rng.choice(len(items), size=n, replace=False))
    return [items[i] for i in keep]


@dataclass(frozen=True, slots=True)
class _Query:
    item: Any
    doc: str


@dataclass(frozen=True, slots=True)
class _Asked:
    """What the abstainer's features need of one question asked in one condition (fit_answer.Asked without
    the per-candidate labels, which only the selector's fit reads)."""

    query: _Query
    answerable: bool
    hits: list[Any]
    weights: Weights
    cands: list[Any]


def asked_fast(engine: Engine, items: list[Any], fusion: dict[str, float]) -> list[_Asked]:
    """Every question searched as the engine searches (top candidates, fitted fusion weights, no embedder: the
    shipped default never embeds), once over the whole split and once over every document but its own.

    fit_answer.collect scores every chunk of the split for every question (~4 CPU-s a question on the train
    split); this draws the engine's own candidate pool instead (~0.1 s), so the full train split fits in minutes."""
    base = engine.searcher()
    fused = {f"w_{k}": v for k, v in fusion.items()}
    searcher = Searcher(base.store, None, base.settings.model_copy(update=fused), outlines=base.outlines)
    names = sorted(searcher.metas)
    out = []
    for item in items:
        q = _Query(item, item.evidence[0]["doc"])
        for answerable in (True, False):
            docs = None if answerable else [n for n in names if n != q.doc]
            rows, sig, found = searcher.candidates(item.question, docs, k=20)
            hits = searcher._ranked(rows, sig, found, k=20) if len(rows) else []
            weights = Weights([h.chunk.text for h in hits[:20]])
            cands = candidates(for_matching(item.question), hits, weights)
            out.append(_Asked(q, answerable, hits, weights, cands))
    return out


def fit(work: Path, *, limit: int | None = None, sample: int | None = None) -> tuple[abstain.Abstainer, dict[str, Any]]:
    model = shipped()
    selector = model.selector
    fusion = {k[2:]: v for k, v in model.meta["fusion"].items()}
    train_engine, train_items = split_engine(work, "train", limit=limit, dense=False)
    train_items = _sampled(train_items, sample)
    dev_engine, dev_items = split_engine(work, "dev", limit=limit, dense=False)
    train = asked_fast(train_engine, train_items, fusion)
    dev = asked_fast(dev_engine, dev_items, fusion)
    tr, dv = split_rows(train, selector), split_rows(dev, selector)
    table = []
    for c in C_GRID:
        m = _fit_linear(tr[0], tr[1], abstain.FEATURES, c, balanced=True)
        pd = _p(m, dv[0])
        t = threshold_for(pd, dv[1])
        table.append({"C": c, "threshold_swequad_dev": round(t, 4), "dev": abstention(pd, dv[1], t), "model": m})
    best = max(table, key=lambda r: (r["dev"]["abstain_unanswerable"], -r["dev"]["false_abstention"]))
    chosen: Linear = best["model"]
    sets: dict[str, Rows] = {"swequad-dev": dv, **domain_rows(work, selector, model.meta["fusion"])}
    x = np.concatenate([s[0] for s in sets.values()])
    y = np.concatenate([s[1] for s in sets.values()])
    t = threshold_for(_p(chosen, x), y)
    below = AnswerSettings().abstain_below
    figures: dict[str, Any] = {
        "C": best["C"],
        "threshold": round(t, 4),
        "threshold_chosen_on": "pooled dev sets (" + ", ".join(sets) + f"), false abstention <= {MAX_FALSE_ABSTAIN}",
        "coef": dict(zip(abstain.FEATURES, [round(float(v), 3) for v in chosen.coef], strict=True)),
        "learned": {
            "train_fitted": abstention(_p(chosen, tr[0]), tr[1], t),
            "train_cv": cross_validated(train, tr, float(best["C"]), t),
            **{name: abstention(_p(chosen, s[0]), s[1], t) for name, s in sets.items()},
            "pooled_dev": abstention(_p(chosen, x), y, t),
        },
        f"rule (coverage < {below})": {
            "train": rule(tr[0], tr[1], below),
            **{name: rule(s[0], s[1], below) for name, s in sets.items()},
            "pooled_dev": rule(x, y, below),
        },
        "table": [{k: v for k, v in r.items() if k != "model"} for r in table],
        "domain_questions": {
            name: {i: round(float(p), 3) for i, p in zip(s[2], _p(chosen, s[0]), strict=True)}
            for name, s in sets.items()
            if name != "swequad-dev"
        },
    }
    meta = {
        "version": 1,
        "fitted": datetime.date.today().isoformat(),
        "data": "SweQUAD-MC train, each question with and without its document (fit); dev sets (choose)",
        "questions": {"train": len(train_items), "dev": len(dev_items)},
        "figures": figures,
    }
    return abstain.Abstainer(chosen, t, meta), figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the split indexes (as fit_answer)")
    ap.add_argument("--out", type=Path, default=abstain.MODEL_PATH, help="where to write the model")
    ap.add_argument("--limit", type=int, default=None, help="only the first N questions of each split (quick run)")
    ap.add_argument("--sample", type=int, default=None, help="a seeded random N of the train questions (cheaper fit)")
    args = ap.parse_args()
    model, figures = fit(args.work, limit=args.limit, sample=args.sample)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items() if k != "domain_questions"}, ensure_ascii=False, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
