"""`granska bench --passages 10000,100000`: the embedded store at scale, on synthetic Swedish documents.

Documents are recombined sentences of the bundled corpus and the dataset corpora (never a test split), with
OCR noise, about 76 passages each (a 30-page report). Each size runs in fresh processes, so peak memory,
serving memory and the time to the first answer are those a user would see:

- build: ingest passages/s and peak RSS of the ingest process
- add one document / remove one document at that size
- serve: time from a new process to its first answer; query p50/p95; RSS after the queries; bytes on disk
- baseline, measured in the same run on the same passages: the previous design's lexical index (bm25s over
  the same analysis, rebuilt whole on every change, a score per passage and a full sort per query)
"""

from __future__ import annotations

import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
PASSAGES_PER_DOC = 76
SMOKE = 400  # passages in the CI smoke run
BASELINE_MAX = 20_000  # bm25s needs ~290 KB per passage while it builds: the baseline stops here
_SENT = re.compile(r"(?<=[.!?])\s+")
_OCR = [("ö", "6"), ("å", "a"), ("ä", "a"), ("rn", "m"), ("l", "1"), ("e", "c")]


def sources() -> list[Path]:
    from granska.engine import BUNDLED_CORPUS

    folders = [BUNDLED_CORPUS, SHARED / "datasets" / "swequad_mc" / "docs", SHARED / "datasets" / "audits" / "docs"]
    return sorted(p for f in folders if f.is_dir() for p in f.iterdir() if p.suffix == ".txt")


def sentences() -> list[str]:
    out: list[str] = []
    for p in sources():
        out.extend(s.strip() for s in _SENT.split(p.read_text(encoding="utf-8")) if 30 <= len(s.strip()) <= 400)
    return out


def _noisy(sentence: str, rng: random.Random, rate: float = 0.02) -> str:
    """Misread characters, as an OCR engine does on scanned pages."""
    for a, b in _OCR:
        if a in sentence and rng.random() < rate * 10:
            sentence = sentence.replace(a, b, 1)
    return sentence


def write_corpus(folder: Path, passages: int, *, seed: int = 0, prefix: str = "syn") -> int:
    """Synthetic documents of ~PASSAGES_PER_DOC passages each, until about `passages` passages; returns docs."""
    rng = random.Random(seed)
    pool = sentences()
    folder.mkdir(parents=True, exist_ok=True)
    docs = max(1, round(passages / PASSAGES_PER_DOC))
    for d in range(docs):
        # ~3 pool sentences per 192-token passage (measured: 7 gave twice the passages)
        body = " ".join(_noisy(rng.choice(pool), rng) for _ in range(PASSAGES_PER_DOC * 3))
        paras = [body[i : i + 1200] for i in range(0, len(body), 1200)]
        (folder / f"{prefix}_{seed}_{d:06d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
    return docs


def _rss_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_now() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _questions() -> list[str]:
    path = SHARED / "datasets" / "swequad_mc" / "dev.jsonl"
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- children: each step in its own process -------------------------------------------------------
def child_build(index: Path, corpus: Path) -> dict[str, Any]:
    from granska.engine import Engine
    from granska.settings import Settings

    engine = Engine(Settings(index_dir=index))
    t0 = time.perf_counter()
    report = engine.ingest([corpus])
    build_s = time.perf_counter() - t0
    passages = sum(s["chunks"] for s in engine.document_status().values())
    return {"passages": passages, "docs": len(report.added), "build_s": build_s, "peak_rss": _rss_peak()}


def child_change(index: Path, extra: Path) -> dict[str, Any]:
    from granska.engine import Engine
    from granska.settings import Settings

    engine = Engine(Settings(index_dir=index))
    engine.store.metas()
    t0 = time.perf_counter()
    engine.ingest([extra])
    add_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.remove(next(iter(extra.glob("*.txt"))).name)
    return {"add_one_s": add_s, "remove_one_s": time.perf_counter() - t0}


def child_serve(index: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    from granska.engine import Engine
    from granska.settings import Settings

    questions = _questions()
    engine = Engine(Settings(index_dir=index))
    engine.ask(questions[0])
    first = time.perf_counter() - t0
    times = []
    for q in questions[1:]:
        t = time.perf_counter()
        engine.search(q, k=20)
        times.append(time.perf_counter() - t)
    disk = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    return {
        "first_answer_s": first,
        "query_p50_ms": 1000 * statistics.median(times),
        "query_p95_ms": 1000 * _p(times, 0.95),
        "serving_rss": _rss_now(),
        "disk_bytes": disk,
    }


def child_baseline(corpus: Path) -> dict[str, Any]:
    """The previous lexical design on the same passages: full bm25s build, full scoring and sort per query."""
    import bm25s
    import numpy as np
    from granska.index.lexical import query_terms
    from granska.ingest import pipeline

    from granska import text as analysis
    from granska.settings import IngestSettings

    files, _ = pipeline.collect([corpus])
    texts = [c.text for f in files for c in pipeline.load_one(f, None, IngestSettings()).chunks]
    t0 = time.perf_counter()
    retrievers = {}
    for field, analyze in (("char", analysis.char_tokens), ("word", analysis.stem_tokens)):
        r = bm25s.BM25()
        r.index([analyze(t) or [""] for t in texts], show_progress=False)
        retrievers[field] = r
    build_s = time.perf_counter() - t0
    times = []
    for q in _questions()[1:]:
        t = time.perf_counter()
        terms = query_terms(q)
        fused = np.zeros(len(texts), dtype=np.float32)
        for field, r in retrievers.items():
            known = [x for x in terms[field] if x in r.vocab_dict]
            if known:
                s = np.asarray(r.get_scores(known), dtype=np.float32)
                fused += (1.0 if field == "char" else 0.5) * s / max(float(s.max()), 1e-9)
        np.argsort(-fused, kind="stable")[:20]
        times.append(time.perf_counter() - t)
    return {
        "passages": len(texts),
        "rebuild_s": build_s,
        "query_p50_ms": 1000 * statistics.median(times),
        "query_p95_ms": 1000 * _p(times, 0.95),
        "peak_rss": _rss_peak(),
    }


def _child(step: str, *args: str) -> dict[str, Any]:
    code = f"import json,sys; from pathlib import Path; from granska.eval import scale; print(json.dumps(scale.child_{step}(*map(Path, sys.argv[1:]))))"
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"bench step {step} failed: {out.stderr.strip().splitlines()[-1:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run(sizes: list[int], *, work: Path | None = None) -> dict[str, Any]:
    """One row per size; the baseline at the sizes it fits (<= BASELINE_MAX passages)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="granska-scale-", dir=work) as tmp:
        base = Path(tmp)
        extra = base / "extra"
        write_corpus(extra, PASSAGES_PER_DOC, seed=999, prefix="extra")
        for n in sizes:
            corpus, index = base / f"corpus-{n}", base / f"index-{n}"
            write_corpus(corpus, n, seed=n)
            row: dict[str, Any] = {"size": n, **_child("build", str(index), str(corpus))}
            row["ingest_passages_per_s"] = row["passages"] / row["build_s"]
            row.update(_child("change", str(index), str(extra)))
            row.update(_child("serve", str(index)))
            if n <= BASELINE_MAX:
                row["baseline"] = _child("baseline", str(corpus))
            rows.append(row)
    return {"date": time.strftime("%Y-%m-%d"), "rows": rows}


def table(results: dict[str, Any]) -> str:
    head = (
        "| passages | ingest passages/s | add one doc | remove one doc | first answer | query p50 | query p95 "
        "| peak RSS (build) | serving RSS | on disk |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results["rows"]:
        lines.append(
            f"| {r['passages']:,} | {r['ingest_passages_per_s']:.0f} | {r['add_one_s']:.2f} s | {r['remove_one_s']:.2f} s "
            f"| {r['first_answer_s']:.2f} s | {r['query_p50_ms']:.1f} ms | {r['query_p95_ms']:.1f} ms "
            f"| {r['peak_rss'] / 1e9:.2f} GB | {r['serving_rss'] / 1e9:.2f} GB | {r['disk_bytes'] / 1e9:.3f} GB |"
        )
    base = [r for r in results["rows"] if "baseline" in r]
    if base:
        lines += [
            "",
            "| passages | vs baseline: add one doc | query p50 | query p95 | peak RSS |",
            "|---|---|---|---|---|",
        ]
        for r in base:
            b = r["baseline"]
            lines.append(
                f"| {r['passages']:,} | {r['add_one_s'] / b['rebuild_s']:.3f}x ({b['rebuild_s']:.1f} s rebuild) "
                f"| {r['query_p50_ms'] / b['query_p50_ms']:.2f}x ({b['query_p50_ms']:.1f} ms) "
                f"| {r['query_p95_ms'] / b['query_p95_ms']:.2f}x ({b['query_p95_ms']:.1f} ms) "
                f"| {r['peak_rss'] / b['peak_rss']:.2f}x ({b['peak_rss'] / 1e9:.2f} GB) |"
            )
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["rows"]
    n = [r["passages"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    axes[0].plot(n, [r["query_p50_ms"] for r in rows], "o-", label="p50")
    axes[0].plot(n, [r["query_p95_ms"] for r in rows], "s--", label="p95")
    axes[0].set(title="query latency (ms)", xscale="log")
    axes[1].plot(n, [r["add_one_s"] for r in rows], "o-", label="add one doc")
    axes[1].plot(n, [r["remove_one_s"] for r in rows], "s--", label="remove one doc")
    axes[1].plot(n, [r["first_answer_s"] for r in rows], "^:", label="first answer")
    axes[1].set(title="seconds", xscale="log")
    axes[2].plot(n, [r["peak_rss"] / 1e9 for r in rows], "o-", label="peak RSS (build)")
    axes[2].plot(n, [r["serving_rss"] / 1e9 for r in rows], "s--", label="serving RSS")
    axes[2].plot(n, [r["disk_bytes"] / 1e9 for r in rows], "^:", label="on disk")
    axes[2].set(title="GB", xscale="log")
    for ax in axes:
        ax.set_xlabel("passages")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (out / "scale.md").write_text(table(results) + "\n", encoding="utf-8")
    return [out / "scale.json", out / "scale.md", plot(results, out / "scale.png")]
