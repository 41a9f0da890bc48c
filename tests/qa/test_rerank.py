"""The learned passage reranker on real data: the bundled corpus and its development questions."""

from __future__ import annotations

import numpy as np
import pytest
from granska.eval.fit_rerank import fit, scored
from granska.eval.metrics import covers
from granska.eval.rerank_data import Split, hit_at
from granska.eval.run import read_dataset
from granska.qa import rerank

from granska.engine import Engine
from granska.types import Hit
from tests.conftest import DEV


def _gold(hits: list[Hit], evidence: list[dict]) -> np.ndarray:
    return np.array([covers({"doc": h.chunk.doc, "start": h.chunk.start, "end": h.chunk.end}, evidence) for h in hits])


@pytest.fixture(scope="module")
def dev_split(bundled_engine: Engine) -> Split:
    """The dev questions with evidence, their fused candidates over the bundled corpus and feature rows."""
    items = [i for i in read_dataset(DEV) if i.evidence and i.type != "claim"]
    hits = [bundled_engine.searcher().search(i.question, k=rerank.POOL) for i in items]
    return Split(
        items,
        hits,
        [_gold(h, i.evidence) for i, h in zip(items, hits, strict=True)],
        [rerank.features(i.question, h) for i, h in zip(items, hits, strict=True)],
        np.array([i.evidence[0]["doc"] for i in items]),
    )


def test_features_read_the_passage_text(dev_split: Split) -> None:
    for x in dev_split.x:
        assert x.shape[1] == len(rerank.FEATURES) and np.isfinite(x).all()
        cov = x[:, rerank.FEATURES.index("cov")]
        assert ((cov >= 0) & (cov <= 1)).all()
        assert x[:, rerank.FEATURES.index("cov_gap")].max() == 0.0
    # A gold passage holds the question's words: its coverage beats the average candidate's.
    col = rerank.FEATURES.index("cov")
    gold_cov = [x[g, col].max() for x, g in zip(dev_split.x, dev_split.gold, strict=True) if g.any()]
    mean_cov = [x[:, col].mean() for x, g in zip(dev_split.x, dev_split.gold, strict=True) if g.any()]
    assert np.mean(gold_cov) > np.mean(mean_cov) + 0.1


def test_proximity_window() -> None:
    # Words 0 and 1 of the question stand at passage positions {2, 9} and {4}: the shortest window is 2..4.
    assert rerank._min_window({0: [2, 9], 1: [4]}) == 3
    assert rerank._bigram({0: [2], 1: [4]}, 2) == 1.0 and rerank._bigram({0: [2], 1: [9]}, 2) == 0.0


def test_shipped_reranker_keeps_dev_first_passages(dev_split: Split) -> None:
    """On the bundled dev questions (not fitted on) the shipped reranker's first passage is right at least as
    often as the fused order's."""
    shipped = rerank.shipped()
    assert shipped is not None and shipped.model.features == rerank.FEATURES and 1 < shipped.pool <= rerank.POOL
    scores = scored(dev_split, shipped.model, pool=shipped.pool, mode=shipped.mode)
    assert hit_at(dev_split, scores, limit=shipped.pool) >= hit_at(dev_split, None)


def test_orders_keep_fused_order_inside_a_document() -> None:
    docs = ["a", "b", "a", "c", "b"]
    logits = np.array([0.1, 0.5, 0.9, -1.0, 0.2])
    # a's best passage (0.9) leads; inside a, fused order (0 before 2); then b (0.5), then c.
    assert rerank.order(docs, logits, mode="document") == [0, 2, 1, 4, 3]
    assert rerank.order(docs, logits, mode="passage") == [2, 1, 4, 0, 3]
    # "lead": a's first fused passage leads, everything else stays in fused order.
    assert rerank.order(docs, logits, mode="lead") == [0, 1, 2, 3, 4]
    assert rerank.order(docs, np.array([0.1, 0.95, 0.9, -1.0, 0.2]), mode="lead") == [1, 0, 2, 3, 4]


def test_refit_learns_a_ranking(dev_split: Split) -> None:
    """The refit's pairwise ranker, fitted on these questions, ranks their gold passages above the rest."""
    every = list(range(len(dev_split.x)))
    model = fit(dev_split, every, c=1.0, pool=10)
    scores = [model.logits(x) for x in dev_split.x]
    assert hit_at(dev_split, scores, limit=10) >= hit_at(dev_split, None)
    # Worse than chance would be a sign error: reversing the scores must do clearly worse.
    assert hit_at(dev_split, [-s for s in scores], limit=10) < hit_at(dev_split, scores, limit=10)


def test_engine_reorders_only_with_the_setting(bundled_engine: Engine) -> None:
    question = "Vilka brister fann revisorerna i den interna kontrollen?"
    on = bundled_engine.ask(question)
    search = bundled_engine.settings.search.model_copy(update={"rerank": False})
    off_engine = Engine(bundled_engine.settings.model_copy(update={"search": search}))
    off = off_engine.ask(question)
    assert any("rerank" in h.parts for h in on.passages)
    assert not any("rerank" in h.parts for h in off.passages)


def test_folds_group_by_document(dev_split: Split) -> None:
    """Every fit's cross-validation folds come from one helper: a document's questions share a fold, every
    question is in exactly one fold, the assignment does not depend on the order the documents come in, and the
    seeded shuffle is reproducible (the shipped models' figures depend on it)."""
    from granska.eval.fit_rerank import folds
    from granska.eval.fitdata import fold_of

    docs = dev_split.groups.tolist()
    plain, shuffled = fold_of(docs), fold_of(docs, seed=0)
    assert set(plain) == set(docs) and plain == fold_of(reversed(docs))
    assert shuffled == fold_of(docs, seed=0) and sorted(shuffled.values()) == sorted(plain.values())
    held = folds(dev_split)
    assert sorted(n for f in held for n in f) == list(range(len(docs)))
    for f in held:
        assert {shuffled[docs[n]] for n in f} <= {held.index(f)}
