"""The exact incremental relink (`qa/rec_relink.py`): a build that starts from the last build's memo gives the
rows of a build from scratch, through random adds and removes (several at once) in one municipality, while it
reuses most links; the pieces it rests on (a kept unit's score recomputed from what it keeps, the siblings'
counts updated by the texts that came or went) equal their from-scratch values exactly."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from granska.eval.scale import write_corpus
from granska.eval.tracker_eval import load_folder
from granska.index import rows as tracker_rows
from granska.qa import link_pool, linking, rec_index, rec_relink, recommendations
from granska.qa.rec_rules import Found
from granska.qa.rec_tables import place_key

from granska.text import content_words
from granska.types import Document


def _dump(rows: list[recommendations.Recommendation]) -> list[str]:
    return [json.dumps(tracker_rows.dump(r), sort_keys=True, default=str) for r in rows]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    folder = tmp_path_factory.mktemp("relink")
    write_corpus(folder, 3000, seed=5)  # ~39 documents of recombined real sentences with OCR noise
    return load_folder(folder)


def _largest(docs: dict[str, Document]) -> dict[str, Document]:
    places: dict[str, dict[str, Document]] = {}
    for n, d in sorted(docs.items()):
        places.setdefault(place_key(d.meta, n), {})[n] = d
    return max(places.values(), key=len)


def _walk(group: dict[str, Document], seed: int, steps: int) -> rec_relink.Memo:
    """Random adds and removes of one or two documents at a time; after each, the memo's build equals a build
    from scratch."""
    names = sorted(group)
    rng = random.Random(seed)
    held = set(rng.sample(names, max(2, len(names) // 4)))
    memo = rec_relink.Memo()
    recommendations.build({n: group[n] for n in names if n not in held}, memo=memo)
    memo.stats.clear()
    for _ in range(steps):
        for _ in range(rng.choice([1, 2])):
            if held and (rng.random() < 0.5 or len(held) == len(names) - 1):
                held.discard(rng.choice(sorted(held)))
            else:
                held.add(rng.choice([n for n in names if n not in held]))
        docs = {n: group[n] for n in names if n not in held}
        got = _dump(recommendations.build(docs, memo=memo))
        link_pool.release()
        assert got == _dump(recommendations.build(docs))
    return memo


def test_random_adds_and_removes_in_one_municipality_equal_a_build_from_scratch(
    synthetic: dict[str, Document],
) -> None:
    memo = _walk(_largest(synthetic), seed=3, steps=4)
    # A small municipality (13 documents, one or two of them changing at each step) moves many bounds; still a
    # good part of the links were proven, not recomputed (on the 9k corpus's largest, ~90%: docs/tracker.md).
    assert memo.stats["reused"] > 15
    assert memo.stats["computed: new"] > 0  # and the new documents' recommendations were linked in full


def test_a_kept_units_score_is_the_pools_under_other_siblings(audit_docs: dict[str, Document]) -> None:
    """`linking.rescored` from `unit_terms` gives the float `_parts` gives, under the siblings the terms were
    read with and under others (half the recommendations' texts), on every recommendation of the audits set."""
    responses = [d for d in audit_docs.values() if d.meta.role == "response"]  # one pool: the arithmetic
    found = [f for d in audit_docs.values() for f in recommendations.extract(d)]
    assert responses and found
    pool = link_pool.pool_of(responses, linking._features)
    contexts = [f.context for f in found]
    both = [rec_index.Siblings(contexts), rec_index.Siblings(contexts[::2])]
    compared = 0
    for rec in found:
        at = np.arange(pool.n)
        first, chars, form = linking._parts(rec, pool, both[0], at)
        other = linking._scores(rec, pool, both[1], at)
        for k in np.argsort(-first, kind="stable")[:5]:
            k = int(k)
            if k in set(pool.refers.tolist()):
                continue  # its answer form reads the siblings: recomputed from the passage, not kept
            terms = linking.unit_terms(rec, pool, k)
            fixed = (float(chars[k]), float(pool.cue[k]), float(form[k]))
            words = content_words(rec.context)
            assert linking.rescored(words, terms, fixed, both[0]) == float(first[k])
            assert linking.rescored(words, terms, fixed, both[1]) == float(other[k])
            compared += 1
    assert compared > 20


def test_updated_sibling_counts_equal_counting_afresh(synthetic: dict[str, Document]) -> None:
    contexts = [f.context for d in _largest(synthetic).values() for f in recommendations.extract(d)]
    assert len(contexts) > 20
    old = rec_index.Siblings(contexts[: len(contexts) * 3 // 4])
    words = sorted({w for c in contexts for w in content_words(c)})[::3]  # a third of the words: enough to differ
    for w in words:
        old.df(w)
    now = contexts[len(contexts) // 8 :]  # some texts went, others came
    updated, afresh = rec_index.Siblings.updated(old, now), rec_index.Siblings(now)
    assert [updated.idf(w) for w in words] == [afresh.idf(w) for w in words]
    assert updated._df  # the counts were carried over, not recounted


def _scored_in_full(
    rec: Found, pool: link_pool.Pool, at: np.ndarray, siblings: rec_index.Siblings
) -> tuple[list[tuple[float, int, float, float]], float]:
    """`rec_relink._scored` as it was before its bound: every unit given its answer form."""
    score, chars, form = linking._parts(rec, pool, siblings, at)
    s = score[at]
    order = np.lexsort((at, -s))
    cut = rec_relink._cut(s[order], rec_relink.CONTENDERS)
    top = [(float(s[j]), int(at[j]), float(chars[at[j]]), float(form[at[j]])) for j in order[:cut]]
    return top, float(s[order[cut:]].max()) if len(order) > cut else -math.inf


def test_the_answer_form_bound_keeps_the_units_and_scores_of_scoring_every_unit(
    synthetic: dict[str, Document], audit_docs: dict[str, Document]
) -> None:
    """Every recommendation of the synthetic corpus's largest municipality and of the audits set against all
    their municipality's answers: the kept units, their order, scores, character cosines and forms are those of
    scoring every unit; the bound on the others is at least their best exact score; and the bound did rule out
    units (their answer form not computed)."""
    ruled_out = compared = 0
    for docs in (_largest(synthetic), audit_docs):
        responses = [d for d in docs.values() if d.meta.role == "response"]
        pool = link_pool.pool_of(responses, linking._features)
        found = [f for d in docs.values() for f in recommendations.extract(d)]
        siblings = rec_index.Siblings([f.context for f in found])
        at = np.arange(pool.n)
        for rec in found:
            got, rest = rec_relink._scored(rec, pool, at, siblings, list(range(len(responses))))
            want, exact_rest = _scored_in_full(rec, pool, at, siblings)
            assert [(s, int(pool.offsets[i]) + u, src[2], src[3]) for s, i, u, src in got] == want
            assert rest >= exact_rest
            compared += 1
            refers = linking.refers_at(pool, at)
            parts = linking.topic_parts(rec, pool, siblings)
            form = pool.form.copy()
            form[refers] = 0.0
            lo = np.sort(linking.combined(*parts, pool, form)[at])
            if len(at) > rec_relink.CONTENDERS:
                form[refers] = 1.0
                hi = linking.combined(*parts, pool, form)
                ruled_out += int((hi[refers] < lo[len(at) - rec_relink.CONTENDERS]).sum())
    assert compared > 50 and ruled_out > 0


def test_siblings_are_built_through_weights(audit_docs: dict[str, Document]) -> None:
    """`Siblings` is a `Weights` built by its `__init__` (only the n-grams deferred): every attribute `Weights`
    reads is there (a missing `foreign` once left the tracker's tables empty), and its IDFs are the pairwise ones."""
    from granska.qa.evidence import Weights

    contexts = [f.context for d in audit_docs.values() for f in recommendations.extract(d)]
    siblings, pairwise = rec_index.Siblings(contexts), Weights(contexts)
    assert siblings.foreign == frozenset() and "foreign" in vars(siblings)
    words = {w for c in contexts[:10] for w in content_words(c)} | {"hushall", "consolidated"}
    assert words and all(siblings.idf(w) == pairwise.idf(w) for w in words)
