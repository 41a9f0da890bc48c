"""`granska bench --passages 10000,100000`: the embedded store at scale, on synthetic Swedish documents.

Documents are recombined sentences of the bundled corpus and the dataset corpora (never a test split), with
OCR noise, about 76 passages each (a 30-page report). Each size runs in fresh processes, so peak memory,
serving memory and the time to the first answer are those a user would see:

- build: ingest passages/s and peak RSS of the ingest process
- add one document / remove one document at that size
- serve: time from a new process to its first answer; query p50/p95; RSS after the queries; bytes on disk
- floors, measured once in the same run: the same document added to / removed from an empty index, the raw
  `encode` throughput of the default embedder, and the RSS of a process that only imported the code
- baseline, measured in the same run on the same passages: the previous design's lexical index (bm25s over
  the same analysis, rebuilt whole on every change, a score per passage and a full sort per query)

Every time is given as wall and CPU seconds, with the load average: the machine may be shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

SHARED = Path(__file__).resolve().parents[2] / "shared"
PASSAGES_PER_DOC = 76
SMOKE = 400  # passages in the CI smoke run
BASELINE_MAX = 20_000  # bm25s needs ~290 KB per passage while it builds: the baseline stops here
_SENT = re.compile(r"(?<=[.!?])\s+")
_OCR = [("ö", "6"), ("å", "a"), ("ä", "a"), ("rn", "m"), ("l", "1"), ("e", "c")]


def sources() -> list[Path]:
    from granska.engine import BUNDLED_CORPUS

    folders = [BUNDLED_CORPUS, SHARED / "datasets" / "swequad_mc" / "docs", SHARED / "datasets" / "audits" / "docs"]
    # Sorted by name within each folder, not by full path: the corpus must not depend on where the checkout is.
    return [p for f in folders if f.is_dir() for p in sorted(f.iterdir()) if p.suffix == ".txt"]


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
# Stores the benchmark can run against, {scheme: opener(spec, index_dir) -> Store}: "local" (the embedded store,
# the default) and "postgresql" (spec `postgresql` starts a local server for the run, `postgresql://…` uses one).
def _pg_store(spec: str, index: Path) -> Any:
    from granska.eval import pg_bench

    return pg_bench.open_at(spec, index)


STORES: dict[str, Callable[[str, Path], Any]] = {"local": lambda spec, index: None, "postgresql": _pg_store}


def _engine(index: Path, spec: str = "local") -> Any:
    from granska.engine import Engine
    from granska.settings import Settings

    scheme = _label(spec)  # one rule with _resolve: postgres:// and postgresql:// are both PostgreSQL
    if scheme not in STORES:
        raise ValueError(f"unknown store {spec!r} for the scale benchmark (known: {', '.join(STORES)})")
    return Engine(Settings(index_dir=index), store=STORES[scheme](spec, index))


class _Clock:
    """Wall and CPU seconds of one step (CPU is what the neighbours' load does not inflate)."""

    def __enter__(self) -> Self:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _load() -> float:
    return os.getloadavg()[0]


TRACKER_BUDGET_S = float(
    os.environ.get("GRANSKA_BENCH_TRACKER_WAIT", "120")
)  # how long a step waits for the background relinking before it reports "not current"


def child_build(index: str, corpus: str, spec: str = "local") -> dict[str, Any]:
    engine = _engine(Path(index), spec)
    load = _load()
    with _Clock() as c:
        report = engine.ingest([Path(corpus)], tables_later=True)
        # A PostgreSQL load into an empty schema leaves its GIN indexes out until it ends: part of the build.
        indexes_s = engine.store.build_indexes() if hasattr(engine.store, "build_indexes") else 0.0
    passages = sum(s["chunks"] for s in engine.document_status().values())
    out = {
        "passages": passages,
        "docs": len(report.added),
        "build_s": c.wall,
        "build_cpu_s": c.cpu,
        "build_indexes_s": indexes_s,
        "load": (load + _load()) / 2,
    }
    return {**out, **_tracker_lag(engine, "build_tracker"), "peak_rss": _rss_peak()}


def _tracker_lag(engine: Any, name: str) -> dict[str, Any]:
    """Seconds until the tables cover every committed document (the municipality relinking in the
    background), or None when that took longer than the budget."""
    with _Clock() as c:
        done = engine.wait_for_tracker(timeout=TRACKER_BUDGET_S)
    return {f"{name}_s": c.wall if done else None, f"{name}_cpu_s": c.cpu if done else None}


def child_add(index: str, extra: str, spec: str = "local") -> dict[str, Any]:
    engine = _engine(Path(index), spec)
    if engine.has_index():
        engine.store.metas()
    load = _load()
    with _Clock() as add:
        engine.ingest([Path(extra)], tables_later=True)
    lag = _tracker_lag(engine, "add_tracker")
    return {"add_one_s": add.wall, "add_one_cpu_s": add.cpu, "change_load": (load + _load()) / 2, **lag}


def child_remove(index: str, extra: str, spec: str = "local") -> dict[str, Any]:
    engine = _engine(Path(index), spec)
    engine.store.metas()
    with _Clock() as rm:
        engine.remove(next(iter(Path(extra).glob("*.txt"))).name, tables_later=True)
    return {"remove_one_s": rm.wall, "remove_one_cpu_s": rm.cpu}


def child_first(index: str, spec: str = "local") -> dict[str, Any]:
    """A new process: imports, opening the store, one answer."""
    t0, c0 = time.perf_counter(), time.process_time()
    questions = _questions()
    engine = _engine(Path(index), spec)
    engine.ask(questions[0])
    return {"first_answer_s": time.perf_counter() - t0, "first_answer_cpu_s": time.process_time() - c0}


def child_serve(index: str, spec: str = "local") -> dict[str, Any]:
    """Search latency over the SweQUAD-MC dev questions, and the RSS of the process after them."""
    questions = _questions()
    engine = _engine(Path(index), spec)
    engine.search(questions[0], k=20)
    walls, cpus = [], []
    for q in questions[1:]:
        t, c = time.perf_counter(), time.process_time()
        engine.search(q, k=20)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    disk = engine.store.disk_bytes()  # the index folder's files, or a PostgreSQL schema's tables and indexes
    return {
        "query_p50_ms": 1000 * statistics.median(walls),
        "query_p95_ms": 1000 * _p(walls, 0.95),
        "query_cpu_p50_ms": 1000 * statistics.median(cpus),
        "query_cpu_p95_ms": 1000 * _p(cpus, 0.95),
        "serving_rss": _rss_now(),
        "disk_bytes": disk,
        "serve_load": _load(),
    }


def child_imports() -> dict[str, Any]:
    """RSS of a process that imported what a serving process imports, before it opens an index."""
    import numpy  # noqa: F401
    import tantivy  # noqa: F401
    from granska.index import bm25, lexical, store  # noqa: F401

    from granska.engine import Engine  # noqa: F401

    return {"imports_rss": _rss_now()}


def child_encode(corpus: str, n: str = "32") -> dict[str, Any]:
    """The raw `encode` floor: the default embedder on the corpus's first passages, nothing else."""
    from granska.ingest import pipeline

    from granska.engine import Engine
    from granska.settings import IngestSettings, Settings

    files, _ = pipeline.collect([Path(corpus)])
    texts: list[str] = []
    for f in files:
        texts.extend(c.text for c in pipeline.load_one(f, None, IngestSettings()).chunks)
        if len(texts) >= int(n):
            break
    embedder = Engine(Settings()).embedder()
    embedder.encode(texts[:8])  # the model loads outside the timing
    with _Clock() as c:
        embedder.encode(texts[: int(n)])
    return {"encode_passages": len(texts[: int(n)]), "encode_s": c.wall, "encode_cpu_s": c.cpu}


def child_baseline(corpus_dir: str) -> dict[str, Any]:
    """The previous lexical design on the same passages: full bm25s build, full scoring and sort per query."""
    import bm25s
    import numpy as np
    from granska.index.lexical import query_terms
    from granska.ingest import pipeline

    from granska import text as analysis
    from granska.settings import IngestSettings

    files, _ = pipeline.collect([Path(corpus_dir)])
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
    code = (
        "import json,os,sys; from granska.eval import scale; "
        f"print(json.dumps(scale.child_{step}(*sys.argv[1:])), flush=True); "
        "os._exit(0)"  # background work left running (relinking, merges) is not part of the step
    )
    # stderr to a file, not a pipe: the step's background relinking child inherits it and lives on after the
    # step, and a pipe would make this wait for it (at 100k passages a step then waited for the whole relinking).
    with tempfile.TemporaryFile() as err:
        out = subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=err, check=False)
        if out.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-6:]
            raise RuntimeError(f"bench step {step} failed: {tail}")
    return dict(json.loads(out.stdout.decode("utf-8").strip().splitlines()[-1]))


def run(sizes: list[int], *, work: Path | None = None, stores: tuple[str, ...] = ("local",)) -> dict[str, Any]:
    """One row per store and size; the floors once per run (the same machine, the same load)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="granska-scale-", dir=work) as tmp, contextlib.ExitStack() as stack:
        base = Path(tmp)
        base.chmod(0o755)  # a local PostgreSQL started for the run runs as another user when this runs as root
        used: list[Path] = []  # every index folder of the run (a PostgreSQL store's are schemas)
        specs = {_label(s): _resolve(s, base, stack, used) for s in stores}
        extra = base / "extra"
        write_corpus(extra, PASSAGES_PER_DOC, seed=999, prefix="extra")
        floors: dict[str, Any] = {**_child("imports"), **_child("encode", str(extra))}
        for label, spec in specs.items():
            # The same document added to and removed from an empty index: what "proportional" is measured against.
            used.append(base / f"index-empty-{label}")
            empty = str(used[-1])
            floors[f"empty:{label}"] = {
                **_timed(spec, "add", empty, str(extra)),
                **_timed(spec, "remove", empty, str(extra)),
            }
        for n in sizes:
            corpus = base / f"corpus-{n}"
            write_corpus(corpus, n, seed=n)
            for label, spec in specs.items():
                index = base / f"index-{n}-{label}"
                used.append(index)
                row: dict[str, Any] = {"size": n, "store": label, **_timed(spec, "build", str(index), str(corpus))}
                row["ingest_passages_per_s"] = row["passages"] / row["build_s"]
                row["ingest_passages_per_cpu_s"] = row["passages"] / max(row["build_cpu_s"], 1e-9)
                for step in ("add", "remove", "first", "serve"):
                    row.update(_timed(spec, step, str(index), *((str(extra),) if step in ("add", "remove") else ())))
                rows.append(row)
            if n <= BASELINE_MAX:
                rows[-len(specs)]["baseline"] = _child("baseline", str(corpus))
    return {"date": time.strftime("%Y-%m-%d"), "floors": floors, "rows": rows}


def _label(spec: str) -> str:
    """The store's name in the table: its scheme (`postgresql` for any PostgreSQL address)."""
    scheme = spec.split(":", 1)[0]
    return "postgresql" if scheme in ("postgresql", "postgres") else scheme


def _resolve(spec: str, base: Path, stack: contextlib.ExitStack, used: list[Path]) -> str:
    """The spec the children get: `postgresql` alone starts a local server for the run (stopped at its end);
    a server given by address gets the schemas of the run's index folders (`used`) dropped at the end."""
    if _label(spec) not in STORES:
        raise ValueError(f"unknown store {spec!r} for the scale benchmark (known: {', '.join(STORES)})")
    if _label(spec) != "postgresql":
        return spec
    from granska.eval import pg_bench

    if spec == "postgresql":
        return stack.enter_context(pg_bench.local_server(base))
    stack.callback(lambda: pg_bench.drop_schemas(spec, list(used)))  # IF EXISTS: a local index has none
    return spec


def _timed(spec: str, step: str, *args: str) -> dict[str, Any]:
    """One child step; for a PostgreSQL store also the CPU seconds its server spent meanwhile."""
    if _label(spec) != "postgresql":
        return _child(step, *args, spec)
    from granska.eval import pg_bench

    clock = pg_bench.server_clock(spec)
    before = clock()
    out = _child(step, *args, spec)
    out[f"{step}_server_cpu_s"] = clock() - before
    return out


# The report (table, plot, files) lives in granska.eval.scale_report; these names stay here for callers.
def table(results: dict[str, Any]) -> str:
    from granska.eval import scale_report

    return scale_report.table(results)


def write(results: dict[str, Any], out: Path) -> list[Path]:
    from granska.eval import scale_report

    return scale_report.write(results, out)
