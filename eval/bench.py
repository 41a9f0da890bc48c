"""Benchmarks, each printed as a ratio against a floor or baseline measured in the same run.

- query latency: `ask` (median, p95) / (embed the query + raw FAISS search on the same index)
- ingest throughput: chunks/s of a cold `ingest` / chunks/s of raw model.encode on the same chunks
- re-ingest of the unchanged corpus, as a fraction of the cold ingest's time
- scale: N synthetic vectors: build time, query p50/p95, resident memory / raw vector bytes
"""

from __future__ import annotations

import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from granska.index import dense
from granska.ingest import pipeline

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import Settings


def _timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def query_latency(engine: Engine, questions: list[str], *, repeats: int) -> dict[str, float]:
    emb = engine.embedder()
    engine.ask(questions[0])  # load everything once

    def floor(q: str) -> None:
        engine.store.dense_search(emb.encode([q], query=True)[0], engine.settings.search.dense_candidates, None)

    asks = [t for q in questions for t in _timed(partial(engine.ask, q), repeats)]
    floors = [t for q in questions for t in _timed(partial(floor, q), repeats)]
    return {
        "ask_p50_ms": 1000 * statistics.median(asks),
        "ask_p95_ms": 1000 * _p(asks, 0.95),
        "floor_p50_ms": 1000 * statistics.median(floors),
        "floor_p95_ms": 1000 * _p(floors, 0.95),
        "ratio_p50": statistics.median(asks) / statistics.median(floors),
        "ratio_p95": _p(asks, 0.95) / _p(floors, 0.95),
    }


def ingest_throughput(settings: Settings, docs: Path) -> dict[str, float]:
    """With dense search on (else nothing is embedded): text first, then the background vectors, timed whole."""
    search = settings.search.model_copy(update={"w_dense": max(settings.search.w_dense, 0.1)})
    with tempfile.TemporaryDirectory(prefix="granska-bench-") as tmp:
        engine = Engine(settings.model_copy(update={"index_dir": Path(tmp), "search": search}))
        emb = engine.embedder()
        emb.encode(["uppvärmning"])  # model loading is not throughput
        t0 = time.perf_counter()
        report = engine.ingest([docs])
        engine.wait_for_vectors()
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = engine.ingest([docs])
        warm = time.perf_counter() - t0
        assert again.chunks_embedded == 0
        files, _ = pipeline.collect([docs])
        texts = [c.text for f in files for c in pipeline.load_one(f, None, settings.ingest).chunks]
        batch = settings.embedder.batch_size
        t0 = time.perf_counter()
        for i in range(0, len(texts), batch):
            emb.encode(texts[i : i + batch])
        raw = time.perf_counter() - t0
    return {
        "chunks": report.chunks_embedded,
        "ingest_chunks_per_s": report.chunks_embedded / cold,
        "encode_chunks_per_s": len(texts) / raw,
        "ratio": (report.chunks_embedded / cold) / (len(texts) / raw),
        "cold_s": cold,
        "reingest_s": warm,
        "reingest_fraction": warm / cold,
    }


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def scale(n: int, *, dim: int = 384, queries: int = 200, batch: int = 100_000) -> dict[str, Any]:
    """Random unit vectors (text is not the point here): the index type the store would choose for n."""
    rng = np.random.default_rng(42)

    def block(size: int) -> np.ndarray:
        v = rng.standard_normal((size, dim), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    gc.collect()
    before = _rss_bytes()
    t0 = time.perf_counter()
    index = dense.empty(dim, n)
    dense.train(index, block(min(n, dense.train_size(index))))
    for start in range(0, n, batch):
        index.add(block(min(batch, n - start)))
    build_s = time.perf_counter() - t0
    gc.collect()
    memory = _rss_bytes() - before
    qs = block(queries)
    times = [t for q in qs for t in _timed(partial(dense.search, index, q, 10, None), 1)]
    return {
        "n": n,
        "index": dense.kind(index),
        "build_s": build_s,
        "query_p50_ms": 1000 * statistics.median(times),
        "query_p95_ms": 1000 * _p(times, 0.95),
        "raw_vector_bytes": n * dim * 4,
        "rss_bytes": memory,
        "memory_ratio": memory / (n * dim * 4),
    }


def run(
    settings: Settings, *, questions: list[str], scale_n: int, repeats: int, docs: Path = BUNDLED_CORPUS
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="granska-bench-q-") as tmp:
        engine = Engine(settings.model_copy(update={"index_dir": Path(tmp)}))
        engine.ingest([docs])
        latency = query_latency(engine, questions, repeats=repeats)
    return {
        "query_latency": latency,
        "ingest": ingest_throughput(settings, docs),
        "scale": scale(scale_n),
    }


def table(results: dict[str, Any]) -> str:
    q, i, s = results["query_latency"], results["ingest"], results["scale"]
    rows = [
        (
            "query latency p50 / floor",
            f"{q['ratio_p50']:.2f}x",
            f"{q['ask_p50_ms']:.1f} ms vs {q['floor_p50_ms']:.1f} ms",
            "<= 1.5x",
        ),
        (
            "query latency p95 / floor",
            f"{q['ratio_p95']:.2f}x",
            f"{q['ask_p95_ms']:.1f} ms vs {q['floor_p95_ms']:.1f} ms",
            "<= 1.5x",
        ),
        (
            "ingest / raw encode",
            f"{i['ratio']:.2f}x",
            f"{i['ingest_chunks_per_s']:.1f} vs {i['encode_chunks_per_s']:.1f} chunks/s",
            ">= 0.8x",
        ),
        (
            "re-ingest unchanged / cold",
            f"{100 * i['reingest_fraction']:.1f}%",
            f"{i['reingest_s']:.3f} s vs {i['cold_s']:.2f} s",
            "<= 5%",
        ),
        (
            f"scale {s['n']:,} vectors ({s['index']}) query p50",
            f"{s['query_p50_ms']:.2f} ms",
            f"p95 {s['query_p95_ms']:.2f} ms, build {s['build_s']:.0f} s",
            "< 50 ms",
        ),
        (
            "scale memory / raw vector bytes",
            f"{s['memory_ratio']:.2f}x",
            f"{s['rss_bytes'] / 1e9:.2f} GB vs {s['raw_vector_bytes'] / 1e9:.2f} GB",
            "<= 1.5x",
        ),
    ]
    lines = ["| benchmark | result | measured | goal |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def write(results: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (out / "bench.md").write_text(table(results) + "\n", encoding="utf-8")
    return out / "bench.md"
