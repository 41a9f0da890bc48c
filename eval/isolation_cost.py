"""What parsing in a child process costs a normal ingest: the bundled corpus, as text and as PDFs, isolated or not.

    python -m granska.eval.isolation_cost [--repeats 3]

Each ingest runs in a fresh process (so the parser worker's start is counted), into a fresh index, with the
hash embedder (dense search is off by default, so no vectors are computed either way). Prints wall and CPU
seconds (this process's plus the parser worker's, read from /proc while it is alive), the median of
`--repeats`, and the ratio isolated / in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from granska.engine import BUNDLED_CORPUS

_ONE = """
import json, os, resource, sys, time
from pathlib import Path
from granska.engine import Engine
from granska.settings import EmbedderSettings, IngestSettings, Settings
folder, index, isolate = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
s = Settings(index_dir=index, embedder=EmbedderSettings(model="hash"), ingest=IngestSettings(isolate=isolate))
t0, c0 = time.perf_counter(), os.times()
r = Engine(s).ingest([folder])
wall = time.perf_counter() - t0
c1 = os.times()
cpu = (c1.user + c1.system) - (c0.user + c0.system)
from granska.ingest import isolate
pid = isolate.worker_pid()  # the parser worker is still alive: read its CPU time from the kernel
worker = 0.0
if pid is not None:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    worker = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
out = {"wall_s": wall, "cpu_s": cpu + worker, "worker_cpu_s": worker, "added": len(r.added), "skipped": len(r.skipped)}
print(json.dumps(out))
"""


def pdf_corpus(folder: Path) -> Path:
    """The bundled documents as PDFs (about 2,400 characters a page), with their metadata sidecar."""
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    for p in sorted(BUNDLED_CORPUS.glob("*.txt")):
        text = p.read_text(encoding="utf-8").encode("latin-1", "replace").decode("latin-1")
        pdf = FPDF()
        pdf.set_font("Helvetica", size=10)
        for i in range(0, len(text), 2400):
            pdf.add_page()
            pdf.multi_cell(0, 5, text[i : i + 2400])
        pdf.output(str(folder / f"{p.stem}.pdf"))
    return folder


def _once(folder: Path, work: Path, isolate: bool) -> dict[str, float]:
    index = work / "idx"
    shutil.rmtree(index, ignore_errors=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _ONE, str(folder), str(index), "1" if isolate else "0"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="granska-isolation-"))
    try:
        corpora = {"bundled text": BUNDLED_CORPUS, "bundled as PDF": pdf_corpus(work / "pdf")}
        result: dict[str, object] = {"loadavg_1m_start": round(os.getloadavg()[0], 2)}
        for name, folder in corpora.items():
            runs = {
                mode: [_once(folder, work, mode == "isolated") for _ in range(args.repeats)]
                for mode in ("in-process", "isolated")
            }
            med = {m: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "cpu_s")} for m, rs in runs.items()}
            result[name] = {
                "files": runs["isolated"][0]["added"],
                **{f"{m}_{k}": round(v, 2) for m, d in med.items() for k, v in d.items()},
                "wall_ratio": round(med["isolated"]["wall_s"] / med["in-process"]["wall_s"], 2),
                "cpu_ratio": round(med["isolated"]["cpu_s"] / med["in-process"]["cpu_s"], 2),
            }
        result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
