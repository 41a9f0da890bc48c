"""The sentence selector's rows from questions asked as `Engine.ask` asks them (`fit_answer --domain`).

Each answerable question with evidence is asked over its set's corpus the way the engine asks it (the place
initialisms spelled out, the fused search for 20 passages, the shipped reranker, the question read without its
frame), and every candidate sentence the answer step scores (`granska.qa.answer._read_as`, the same call
`answer` makes) becomes one row: its selector features (`SENTENCE_FEATURES`), whether it covers the gold
evidence (the positive, as `fit_answer` labels SweQUAD-MC), and whether `answer.admissible` lets it stand at all.
A question the tracker or a table route answers (`dispatch.table_answer`) never reaches the selector: it is
kept, marked `routed`, and left out of the figures.

The sets: SweQUAD-MC train (over its own index) and the audit-domain sets of `DOMAIN` (over their corpora).
`HELD_OUT` sets are collected to measure only; nothing is fitted or chosen on them.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.abstain_sets import SETS, engine_for
from granska.eval.fitdata import SHARED, SWEQUAD
from granska.eval.metrics import Item, covers
from granska.eval.run import read_dataset
from granska.index.search import parse_filters
from granska.qa import dispatch, intent, place_names, rerank
from granska.qa.answer import _read_as, admissible
from granska.qa.evidence import Weights
from granska.qa.layout_lines import not_layout
from granska.qa.scorer import SENTENCE_FEATURES, shipped
from granska.qa.sentence_extra import EXTRA_FEATURES, add_extra
from granska.qa.statement import fragment

from granska.engine import Engine
from granska.settings import AnswerSettings, Settings

_REPO = Path(__file__).resolve().parents[1]
_DATA = _REPO / "eval" / "data"
# The audit-domain sets fitted on (their corpora as `granska eval` reads them: README, Evaluation).
DOMAIN: dict[str, tuple[Path, str]] = {
    **{k: SETS[k] for k in ("dev", "audits", "dev_en", "audits_en", "audits_en2", "audits_en3")},
    **{k: (_DATA / f"{k}.jsonl", "mixed") for k in ("kinds", "kinds2", "kinds3", "kinds4", "kinds5", "kinds6")},
    **{k: (_DATA / f"{k}.jsonl", "mixed") for k in ("audits_en4", "audits_en5", "audits_en6", "audits_en7")},
}
# Measured only: never fitted on, never chosen on.
HELD_OUT: dict[str, tuple[Path, str]] = {
    k: (_DATA / f"{k}.jsonl", "mixed") for k in ("kinds7", "kinds8", "audits_en8", "audits_en9")
}
SWEQUAD_TRAIN = "swequad-train"
SWEQUAD_DEV = "swequad-dev"  # chosen on, never fitted


@dataclass(slots=True)
class Question:
    """One question's candidate sentences as the answer step scores them."""

    set: str
    id: str
    docs: list[str]  # the evidence's documents (the CV groups)
    routed: bool  # a table route answered it: the selector never chose
    x: np.ndarray  # candidates x SENTENCE_FEATURES
    y: np.ndarray  # bool per candidate: covers the evidence
    ok: np.ndarray  # bool per candidate: may lead an answer (admissible, no fragment, no layout line)
    e: np.ndarray  # candidates x EXTRA_FEATURES (measured, not yet read by the shipped selector)

    def as_json(self) -> dict[str, Any]:
        return {
            "set": self.set,
            "id": self.id,
            "docs": self.docs,
            "routed": self.routed,
            "x": [[round(float(v), 5) for v in row] for row in self.x],
            "y": [int(v) for v in self.y],
            "ok": [int(v) for v in self.ok],
            "e": [[round(float(v), 5) for v in row] for row in self.e],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Question:
        n = len(SENTENCE_FEATURES)
        return cls(
            d["set"],
            d["id"],
            list(d["docs"]),
            bool(d["routed"]),
            np.array(d["x"], dtype=np.float64).reshape(-1, n),
            np.array(d["y"], dtype=bool),
            np.array(d["ok"], dtype=bool),
            np.array(d["e"], dtype=np.float64).reshape(-1, len(EXTRA_FEATURES)),
        )


def ask_rows(engine: Engine, name: str, item: Item) -> Question:
    """The candidates of one question, asked as `Engine.ask` asks it."""
    places = engine.places()
    resolved = place_names.spelled_out(item.question, places)
    hits = engine.searcher().search(resolved, k=20)
    ranker = rerank.shipped() if engine.settings.search.rerank else None
    if ranker is not None and hits:
        hits = rerank.rerank(resolved, hits, ranker)
    asked = intent.read(resolved, places=places)
    routed = False
    if hits:
        recs, resps = engine.tables.filtered(parse_filters(None), engine.searcher().metas)
        routed = (
            dispatch.table_answer(resolved, asked, hits[:5], recs, resps, parse_filters(None), engine.documents())
            is not None
        )
    question = place_names.unnamed(item.question, places)
    outlines = {h.chunk.doc: o for h in hits if (o := engine.searcher().outlines(h.chunk.doc)) is not None}
    weights = Weights([h.chunk.text for h in hits[:20]])
    matched, cands = _read_as(intent.without_frame(question), hits, weights, shipped()) if hits else ("", [])
    layout = not_layout(question, outlines)
    allowed = {
        id(s)
        for s in admissible(question, cands, outlines, purpose=asked.kind == "purpose")
        if layout(s) and not fragment(s.span.text)
    }
    add_extra(matched, cands, weights)
    e = np.array([[c.features[f] for f in EXTRA_FEATURES] for c in cands], dtype=np.float64)
    x = np.array([[c.features[f] for f in SENTENCE_FEATURES] for c in cands], dtype=np.float64)
    y = [covers({"doc": c.span.doc, "start": c.span.start, "end": c.span.end}, item.evidence) for c in cands]
    docs = sorted({e["doc"] for e in item.evidence})
    ok = [id(c) in allowed for c in cands]
    return Question(
        name,
        item.id,
        docs,
        routed,
        x.reshape(-1, len(SENTENCE_FEATURES)),
        np.array(y, dtype=bool),
        np.array(ok, dtype=bool),
        e.reshape(-1, len(EXTRA_FEATURES)),
    )


def set_rows(engine: Engine, name: str, dataset: Path, *, limit: int | None = None) -> list[Question]:
    items = [i for i in read_dataset(dataset) if i.evidence and i.type not in ("claim", "unanswerable")][:limit]
    return [ask_rows(engine, name, i) for i in items]


def swequad_engine(work: Path, split: str) -> Engine:
    """SweQUAD-MC's split index as `granska eval` builds it (the shipped settings over the split's documents)."""
    folder = SWEQUAD / "train" / "docs" if split == "train" else SWEQUAD / "docs"
    engine = Engine(Settings(index_dir=work / f"swequad-{split}-index", answer=AnswerSettings()))
    if not engine.has_index():
        engine.ingest([folder])
    engine.wait_for_tracker()
    return engine


def collect(work: Path, names: list[str], *, limit: int | None = None) -> dict[str, list[Question]]:
    """Every named set's rows, each set cached in work/selector-rows/NAME.json (delete after a feature change)."""
    cache = work / "selector-rows"
    cache.mkdir(parents=True, exist_ok=True)
    engines: dict[str, Engine] = {}
    out: dict[str, list[Question]] = {}
    for name in names:
        tag = "" if limit is None else f"-{limit}"
        path = cache / f"{name}{tag}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["features"] == [*SENTENCE_FEATURES, *EXTRA_FEATURES]:
                out[name] = [Question.from_json(d) for d in data["questions"]]
                continue
        if name in (SWEQUAD_TRAIN, SWEQUAD_DEV):
            split = "train" if name == SWEQUAD_TRAIN else "dev"
            engine = engines.get(name) or engines.setdefault(name, swequad_engine(work, split))
            dataset = SWEQUAD / "train" / "train.jsonl" if split == "train" else SWEQUAD / "dev.jsonl"
        else:
            dataset, corpus = {**DOMAIN, **HELD_OUT}[name]
            if not dataset.is_file():
                continue
            engine = engines.get(corpus) or engines.setdefault(corpus, engine_for(work, corpus, AnswerSettings()))
        out[name] = set_rows(engine, name, dataset, limit=limit)
        stored = {"features": [*SENTENCE_FEATURES, *EXTRA_FEATURES], "questions": [q.as_json() for q in out[name]]}
        path.write_text(json.dumps(stored), encoding="utf-8")
    return out


def seed_index(work: Path, source: Path, split: str) -> None:
    """Start the split's index from a copy of an existing one (building SweQUAD-MC train takes minutes)."""
    target = work / f"swequad-{split}-index"
    if not target.exists() and source.is_dir():
        shutil.copytree(source, target)


__all__ = ["DOMAIN", "HELD_OUT", "SHARED", "Question", "collect", "seed_index"]
