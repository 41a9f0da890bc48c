"""32 clients asking while a 300-page PDF uploads: errors and latency, idle against during the upload.

    python -m granska.eval.concurrency [--clients 32] [--pages 300] [--idle-per-client 26] [--embedder MODEL]

Starts a real `granska serve` on 127.0.0.1 over an index of the bundled corpus, then:
1. idle: every client asks `--idle-per-client` of the dev questions (../shared/eval/dev.jsonl), each client in
   its own order, one after the other, and the latency of each answer is kept;
2. upload: a generated PDF of `--pages` pages of realistic Swedish text (recombined sentences of the bundled
   and dataset corpora, see `granska.eval.scale.sentences`, plus one sentence found nowhere else) is posted to
   `POST /api/documents?wait=false`, and the same clients ask until its job is done;
3. after: the new document answers (its unique sentence is found, cited from the new document).
While the upload runs, a watcher polls the job and /api/health (whose document count is read from the
committed state): every answer that ended before the last poll still showing the old count must be the idle
answer to the same question (the previous generation) and none may cite the new document. Prints one JSON object; exits 1 unless 0 errors and every answer during
the upload came from the previous generation.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from granska.eval.scale import sentences
from granska.eval.serving import local_server

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
MARKER = "Revisionens diarienummer för denna fördjupade granskning är REV-{code}."
MARKER_QUESTION = "Vilket diarienummer har revisionens fördjupade granskning REV-{code}?"


def questions() -> list[str]:
    """The dev questions (the bundled corpus's own), in file order."""
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_pdf(path: Path, pages: int, *, seed: int = 0, code: str = "4711") -> Path:
    """A real PDF of `pages` pages (~2,400 characters each) of recombined corpus sentences, one of which (on the
    middle page) is found in no other document."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pool = [s.encode("latin-1", "replace").decode("latin-1") for s in sentences()]  # the core font is Latin-1
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for n in range(pages):
        text: list[str] = []
        while sum(len(s) + 1 for s in text) < 2400:
            text.append(rng.choice(pool))
        if n == pages // 2:
            text.insert(len(text) // 2, MARKER.format(code=code))
        pdf.add_page()
        pdf.multi_cell(0, 5, " ".join(text))
    pdf.output(str(path))
    return path


@dataclass
class Calls:
    """Latencies and errors of the answers asked in one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)  # (question, answer, ended)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        return {
            "requests": len(lat) + len(self.errors),
            "errors": len(self.errors),
            "error_examples": self.errors[:3],
            "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
            "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
            "max_ms": round(1000 * lat[-1], 1) if lat else None,
        }


def _client(url: str, qs: list[str], calls: Calls, go_on: Any, seed: int) -> None:
    import httpx

    rng = random.Random(seed)
    order = qs[:]
    rng.shuffle(order)
    i = 0
    with httpx.Client(timeout=120) as http:
        while go_on(i):
            q = order[i % len(order)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = http.post(f"{url}/api/ask", json={"question": q, "k": 5})
                dt = time.perf_counter() - t0
                with calls.lock:
                    if r.status_code == 200:
                        calls.latencies.append(dt)
                        calls.answers.append((q, r.json(), time.time()))
                    else:
                        calls.errors.append(f"{r.status_code}: {r.text[:200]}")
            except httpx.HTTPError as exc:
                with calls.lock:
                    calls.errors.append(f"{type(exc).__name__}: {exc}")


def _phase(url: str, qs: list[str], clients: int, go_on: Any) -> Calls:
    calls = Calls()
    threads = [threading.Thread(target=_client, args=(url, qs, calls, go_on, s)) for s in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return calls


def _cites(answer: dict[str, Any], doc: str) -> bool:
    return any(c.get("doc") == doc for c in [*answer.get("citations", []), *answer.get("passages", [])])


def _field_differs(answer: dict[str, Any], key: str, seen: set[str]) -> bool:
    """True when no idle answer to the question had this field's value (which part of an answer moved)."""
    return all(json.loads(s).get(key) != answer[key] for s in seen)


def _comparable(answer: dict[str, Any]) -> str:
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run(
    *,
    work: Path,
    clients: int,
    pages: int,
    idle_per_client: int,
    embedder: str,
    env: dict[str, str],
    max_during_s: float = 900.0,
    max_wait_s: float = 1800.0,
) -> dict[str, Any]:
    """The whole measurement in `work` (an index, the PDF, a server); returns the figures."""
    import httpx

    settings = Settings(index_dir=work / "idx", embedder=EmbedderSettings(model=embedder))
    t0 = time.perf_counter()
    Engine(settings).ingest([BUNDLED_CORPUS])
    build_s = time.perf_counter() - t0
    code = f"{random.Random(pages).randrange(10**6):06d}"
    pdf = write_pdf(work / f"rapport_{pages}_sidor.pdf", pages, code=code)
    qs = questions()
    proc, url = local_server(settings.index_dir, env=env)
    try:
        # Warm-up: the first answer loads what a server loads once (not part of either phase).
        httpx.post(f"{url}/api/ask", json={"question": qs[0]}, timeout=300)
        _say(f"idle: {clients} clients x {idle_per_client} questions")
        idle = _phase(url, qs, clients, lambda i: i < idle_per_client)
        expected: dict[str, set[str]] = {}
        for q, a, _ in idle.answers:
            expected.setdefault(q, set()).add(_comparable(a))
        docs_before = httpx.get(f"{url}/api/health", timeout=60).json()["documents"]
        cpu0 = os.times()
        load0 = os.getloadavg()[0]
        t_up = time.perf_counter()
        with pdf.open("rb") as fh:
            queued = httpx.post(
                f"{url}/api/documents", params={"wait": "false"}, files=[("files", (pdf.name, fh))], timeout=300
            )
        queued.raise_for_status()
        job_url = f"{url}{queued.json()['url']}"
        status: dict[str, Any] = {"status": "queued"}
        progress: list[tuple[float, int, int]] = []
        old_seen = [time.time()]  # the last moment the committed state still held the old documents

        def watch() -> None:
            nonlocal status
            with httpx.Client(timeout=60) as http:
                while status["status"] in ("queued", "running") and time.perf_counter() < stop + max_wait_s:
                    asked = time.time()
                    try:  # the watcher is not a measured client: a failed poll is retried, not counted
                        if http.get(f"{url}/api/health").json()["documents"] == docs_before:
                            old_seen[0] = asked
                        status = http.get(job_url).json()
                    except httpx.HTTPError:
                        time.sleep(1.0)
                        continue
                    progress.append((time.perf_counter() - t_up, status["done_files"], status["total_files"]))
                    time.sleep(0.2)

        stop = time.perf_counter() + max_during_s
        watcher = threading.Thread(target=watch)
        watcher.start()
        _say(f"upload of {pages} pages queued; {clients} clients ask until it is in (at most {max_during_s:.0f} s)")
        during = _phase(url, qs, clients, lambda i: (watcher.is_alive() and time.perf_counter() < stop) or i < 1)
        window_s = time.perf_counter() - t_up
        _say(f"clients stopped after {window_s:.0f} s; waiting for the job")
        watcher.join()
        upload_s = time.perf_counter() - t_up
        load1 = os.getloadavg()[0]
        doc = pdf.name
        # Only answers that ended while the old state was still the committed one are held to it.
        before_commit = [(q, a) for q, a, ended in during.answers if ended < old_seen[0]]
        compared = [(q, a) for q, a in before_commit if q in expected]  # questions the idle phase asked too
        stale = [q for q, a in compared if _comparable(a) not in expected[q]]
        cited_new = sum(_cites(a, doc) for _, a in before_commit)
        after = httpx.post(f"{url}/api/ask", json={"question": MARKER_QUESTION.format(code=code)}, timeout=120).json()
        found = httpx.post(f"{url}/api/search", json={"query": f"REV-{code}", "k": 3}, timeout=120).json()
        docs_after = httpx.get(f"{url}/api/health", timeout=60).json()["documents"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    i, d = idle.summary(), during.summary()
    return {
        "clients": clients,
        "pages": pages,
        "pdf_mb": round(pdf.stat().st_size / 2**20, 2),
        "embedder": embedder,
        "dense_on": settings.search.w_dense > 0,
        "index_build_s": round(build_s, 1),
        "idle": i,
        "during_upload": d,
        "p95_ratio": round(d["p95_ms"] / i["p95_ms"], 2) if i["p95_ms"] and d["p95_ms"] else None,
        "p50_ratio": round(d["p50_ms"] / i["p50_ms"], 2) if i["p50_ms"] and d["p50_ms"] else None,
        "upload_job": {k: status.get(k) for k in ("status", "total_files", "done_files", "error")},
        "upload_report": status.get("report"),
        "upload_wall_s": round(upload_s, 1),
        "asking_window_s": round(window_s, 1),
        "window_covered_whole_upload": window_s >= upload_s - 1.0 and status.get("status") == "done",
        "progress_polls": len(progress),
        "idle_answers_deterministic": all(len(v) == 1 for v in expected.values()),
        "answers_before_commit": len(before_commit),
        "answers_before_commit_compared_to_idle": len(compared),
        "answers_before_commit_differing_from_idle": len(stale),
        "answers_before_commit_citing_new_doc": cited_new,
        "differing_fields": sorted(
            {k for q, a in before_commit for k in a if q in expected and _field_differs(a, k, expected[q])}
        ),
        "documents_before": docs_before,
        "new_doc_found_by_search": bool(found.get("passages")) and found["passages"][0]["doc"] == doc,
        "new_doc_cited_in_answer": _cites(after, doc),
        "documents_after": docs_after,
        "client_cpu_s": round(sum(os.times()[:2]) - sum(cpu0[:2]), 1),
        "loadavg_1m": [round(load0, 2), round(load1, 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--idle-per-client", type=int, default=26, help="questions each client asks while idle")
    parser.add_argument("--embedder", default=None, help="embedding model (default: the settings' own)")
    parser.add_argument("--max-during-s", type=float, default=900.0, help="stop asking after this long")
    parser.add_argument("--max-wait-s", type=float, default=1800.0, help="then wait at most this for the job")
    args = parser.parse_args(argv)
    embedder = args.embedder or Settings().embedder.model
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRANSKA_EMBEDDER__MODEL": embedder}
    work = Path(tempfile.mkdtemp(prefix="granska-concurrency-"))
    try:
        out = run(
            work=work,
            clients=args.clients,
            pages=args.pages,
            idle_per_client=args.idle_per_client,
            max_during_s=args.max_during_s,
            max_wait_s=args.max_wait_s,
            embedder=embedder,
            env=env,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["peak_rss_client_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    ok = (
        out["idle"]["errors"] == 0
        and out["during_upload"]["errors"] == 0
        and out["answers_before_commit_citing_new_doc"] == 0
        and out["answers_before_commit_differing_from_idle"] == 0
        and out["upload_job"]["status"] == "done"
        and out["new_doc_found_by_search"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
