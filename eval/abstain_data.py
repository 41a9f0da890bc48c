"""The learned abstainer's rows: every question's evidence features, answerable or not (`granska.eval.fit_abstain`).

Three kinds of rows, each the features `granska.qa.answer.abstain_row` computes when answering:
- SweQUAD-MC (train, dev): each question asked over its split's index (answerable) and over the index without
  its own text (unanswerable: the documents are silent);
- the audit-domain sets (`granska.eval.abstain_sets.SETS`, claims left out): each answerable question asked over
  its corpus (answerable) and over the corpus without its evidence documents ("generated" unanswerable; dropped
  when a retrieved passage still holds one of its answer keys, since another document then answers it);
- "near" (near-silent) rows: each answerable question over the passages it retrieves, with every sentence that
  holds its evidence blanked (spaces, so offsets stay): the documents talk about exactly the asked topic but the
  answer sentence is gone (dropped when an answer key still stands in the first five passages);
- the sets' own unanswerable questions (asked over the whole corpus).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.abstain_sets import SETS, engine_for
from granska.eval.fitdata import split_engine
from granska.eval.metrics import Item, key_found
from granska.eval.run import read_dataset, variant
from granska.qa import abstain, rerank
from granska.qa.answer import abstain_row

from granska.engine import Engine
from granska.settings import AnswerSettings, SearchSettings
from granska.text import sentence_spans
from granska.types import Hit, Outline


@dataclass(frozen=True, slots=True)
class Row:
    set: str  # the set the question comes from
    id: str
    kind: str  # "answerable" | "unanswerable" (the set's own) | "generated" (asked without its evidence)
    # | "near" (its retrieved passages with the evidence sentences blanked)
    x: list[float]

    @property
    def answerable(self) -> bool:
        return self.kind == "answerable"


def _hits(engine: Engine, question: str, docs: list[str] | None) -> list[Hit]:
    """The passages `Engine.ask` reads (fused search, then the shipped reranker), optionally only from docs."""
    filters = {"doc": docs} if docs is not None else None
    hits = engine.search(question, k=20, filters=filters)
    ranker = rerank.shipped() if engine.settings.search.rerank else None
    return rerank.rerank(question, hits, ranker) if ranker is not None and hits else hits


def _x(engine: Engine, question: str, hits: list[Hit]) -> list[float]:
    outlines: dict[str, Outline] = {}
    for h in hits:
        if h.chunk.doc not in outlines and (o := engine.searcher().outlines(h.chunk.doc)) is not None:
            outlines[h.chunk.doc] = o
    row = abstain_row(question, hits, outlines)
    return [row[f] for f in abstain.FEATURES]


def _still_answered(item: Item, hits: list[Hit]) -> bool:
    """Another document still holds the answer: one of its keys stands in the first five passages."""
    text = " ".join(h.chunk.text for h in hits[:5])
    return bool(item.keys) and any(key_found(k, text) for k in item.keys)


def blanked(hits: list[Hit], evidence: list[dict[str, Any]]) -> list[Hit]:
    """The passages with every sentence that overlaps an evidence span blanked: the same documents, the same
    topic, only the answer sentence gone (the near-silent case: an empty heading, a summary that only names it)."""
    out = []
    for h in hits:
        c, text = h.chunk, h.chunk.text
        for e in evidence:
            if e["doc"] != c.doc or e["end"] <= c.start or e["start"] >= c.end:
                continue
            for s, t in sentence_spans(text):
                if c.start + s < e["end"] and c.start + t > e["start"]:
                    text = text[:s] + " " * (t - s) + text[t:]
        out.append(h if text == c.text else replace(h, chunk=replace(c, text=text)))
    return out


def item_rows(engine: Engine, name: str, items: list[Item], *, generate: bool = True) -> list[Row]:
    names = sorted(engine.searcher().metas)
    rows = []
    for item in items:
        if item.type == "claim":
            continue
        if item.type == "unanswerable" or not item.evidence:
            if item.type == "unanswerable":
                rows.append(
                    Row(name, item.id, "unanswerable", _x(engine, item.question, _hits(engine, item.question, None)))
                )
            continue
        asked = _hits(engine, item.question, None)
        rows.append(Row(name, item.id, "answerable", _x(engine, item.question, asked)))
        if not generate:
            continue
        near = blanked(asked, item.evidence)
        if near != asked and not _still_answered(item, near):
            rows.append(Row(name, item.id + ":near", "near", _x(engine, item.question, near)))
        own = {e["doc"] for e in item.evidence}
        hits = _hits(engine, item.question, [n for n in names if n not in own])
        if not _still_answered(item, hits):
            rows.append(Row(name, item.id + ":without", "generated", _x(engine, item.question, hits)))
    return rows


def domain(work: Path, names: list[str] | None = None) -> list[Row]:
    """Rows of the audit-domain sets (and SweQUAD-MC dev, asked the same way)."""
    engines: dict[str, Engine] = {}
    rows: list[Row] = []
    for name in names or list(SETS):
        dataset, corpus = SETS[name]
        if not dataset.is_file():
            continue
        engine = engines.get(corpus) or engines.setdefault(corpus, engine_for(work, corpus, AnswerSettings()))
        rows += item_rows(engine, name, read_dataset(dataset))
    return rows


def swequad_train(work: Path, *, limit: int | None = None, sample: int | None = None) -> list[Row]:
    split, items = split_engine(work, "train", limit=limit, dense=False)
    shipped = SearchSettings()  # the fitted fusion weights; the split engine's own weigh its (absent) vectors
    engine = variant(split, w_char=shipped.w_char, w_word=shipped.w_word, w_dense=0.0)
    if sample is not None and sample < len(items):
        keep = sorted(np.random.default_rng(0).choice(len(items), size=sample, replace=False))
        items = [items[i] for i in keep]
    return item_rows(engine, "swequad-train", items)


def matrix(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([r.x for r in rows], dtype=np.float64).reshape(-1, len(abstain.FEATURES))
    return x, np.array([r.answerable for r in rows])


def as_json(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"set": r.set, "id": r.id, "kind": r.kind, "x": [round(v, 5) for v in r.x]} for r in rows]


def from_json(data: list[dict[str, Any]]) -> list[Row]:
    return [Row(d["set"], d["id"], d["kind"], list(d["x"])) for d in data]
