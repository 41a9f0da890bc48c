"""The tracker's indexed grouping and sibling weights equal the pairwise scans they replace (kept below as the
reference), on the bundled corpus, the audits set and a synthetic corpus; and a table kept per municipality
through random adds and removals equals a build from scratch."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from granska.eval.scale import write_corpus
from granska.eval.tracker_eval import load_folder
from granska.qa import link_pool, linking, rec_index, recommendations
from granska.qa.evidence import Weights
from granska.qa.rec_rules import Found

from granska.engine import BUNDLED_CORPUS, Engine
from granska.text import content_words
from granska.types import Document
from tests.conftest import hash_settings
from tests.qa.conftest import AUDITS


def _shape(text: str) -> set[str]:
    return {re.sub(r"[aeiouy]+", "*", w) for w in content_words(text) if not w.isdigit()}


def _same(a: str, b: str) -> bool:
    sa, sb = _shape(a), _shape(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= recommendations.SAME_AT


def group_by_pairs(found: list[Found]) -> list[list[Found]]:
    """The previous grouping: each recommendation against the first member of every group so far."""
    place = recommendations.place
    groups: list[list[Found]] = []
    for f in found:
        home = next(
            (
                g
                for g in groups
                if place(g[0].doc.meta.municipality) == place(f.doc.meta.municipality)
                and recommendations._same_body(g[0].addressee, f.addressee)
                and _same(g[0].span.text, f.span.text)
            ),
            None,
        )
        if home is None:
            groups.append([f])
        else:
            home.append(f)
    return groups


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory, audit_docs: dict) -> list[dict[str, Document]]:
    syn = tmp_path_factory.mktemp("syn")
    write_corpus(syn, 1200, seed=3)  # recombined real sentences with OCR noise, ~16 documents
    return [load_folder(BUNDLED_CORPUS), audit_docs, load_folder(syn)]


def test_indexed_grouping_and_sibling_weights_equal_the_pairwise_ones(corpora: list[dict[str, Document]]) -> None:
    compared = 0
    for docs in corpora:
        ordered = sorted(docs.values(), key=lambda d: (d.meta.role == "response", d.doc))
        found = [f for d in ordered for f in recommendations.extract(d)]
        want = group_by_pairs(found)
        got = rec_index.group(
            found,
            place_of=lambda f: recommendations.place(f.doc.meta.municipality),
            same_body=lambda g, f: recommendations._same_body(g.addressee, f.addressee),
        )
        assert [[(f.doc.doc, f.span.start) for f in g] for g in got] == [
            [(f.doc.doc, f.span.start) for f in g] for g in want
        ]
        contexts = [g[0].context for g in want]
        indexed, pairwise = rec_index.Siblings(contexts), Weights(contexts)
        words = sorted({w for c in contexts for w in content_words(c)} | {"kommunstyrelsen", "xq", "intern"})
        assert [indexed.df(w) for w in words] == [pairwise.df(w) for w in words]
        assert [indexed.idf(w) for w in words] == [pairwise.idf(w) for w in words]
        compared += len(found)
    assert compared > 50  # the three corpora hold recommendations to group


def _table(engine: Engine) -> list[str]:
    return sorted(json.dumps(r.as_dict(), sort_keys=True) for r in engine.recommendations())


def test_random_adds_and_removals_keep_the_table_equal_to_a_build_from_scratch(tmp_path: Path) -> None:
    folder = tmp_path / "set" / "docs"  # the set's metadata.tsv beside docs/ and beside held/
    shutil.copytree(AUDITS / "docs", folder)
    shutil.copy(AUDITS / "metadata.tsv", tmp_path / "set" / "metadata.tsv")
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([folder])
    names = sorted(engine.store.metas())
    rng = random.Random(11)
    out: dict[str, Path] = {}
    for _ in range(4):
        if out and rng.random() < 0.5:
            name = rng.choice(sorted(out))
            engine.ingest([out.pop(name)])
        else:
            name = rng.choice([n for n in names if n not in out])
            engine.remove(name)
            out[name] = tmp_path / "set" / "held" / name
            out[name].parent.mkdir(exist_ok=True)
            shutil.move(folder / name, out[name])
        docs = dict(engine.documents())
        want = sorted(json.dumps(r.as_dict(), sort_keys=True) for r in recommendations.build(docs))
        assert _table(engine) == want


def test_a_relink_reuses_each_response_documents_analysis(audit_docs: dict) -> None:
    """A relink after one new document analyses only that one: the others' analysed units are kept (bounded)
    across the release of the pools, and the rows are the same."""
    first = [r.as_dict() for r in recommendations.build(audit_docs)]
    link_pool.release()
    linked = {recommendations.place(r["municipality"]) for r in first} - {None}  # places whose rows were linked
    responses = [
        d
        for d in audit_docs.values()
        if d.meta.role == "response" and recommendations.place(d.meta.municipality) in linked
    ]
    kept = [link_pool._FEATURES.get(link_pool._key(d)) for d in responses]
    assert responses and all(k is not None for k in kept)
    assert [r.as_dict() for r in recommendations.build(audit_docs)] == first
    pool = link_pool.pool_of(responses, linking._features)
    assert all(a is b for a, b in zip(pool.docs, kept, strict=True))  # the same objects: nothing analysed again
    link_pool.release()
