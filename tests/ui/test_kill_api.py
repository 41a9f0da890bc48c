"""kill -9 of the server in the middle of an upload and of a delete through the API: the previous (or, for a
finished write, the new) state loads whole, the next start sweeps half-written generations away, and the
restarted server answers as before. The CLI ingest kill test is tests/index/test_store.py."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
from granska.eval.kill import mid_write
from granska.index.store import LocalStore

from tests.conftest import SHARED
from tests.ui.conftest import Server, start_server, stop_server

HASH = {"GRANSKA_EMBEDDER__MODEL": "hash"}
QUESTION = {"question": "Vem gav EY i uppdrag att granska integrationsarbetet?", "k": 3}


def _state(index_dir: Path) -> tuple[list[str], list[str]]:
    store = LocalStore(index_dir)
    return sorted(store.documents()), [c.chunk_id for c in store.chunks()]


def _fire(server: Server, method: str, path: str, **kw: object) -> threading.Thread:
    def call() -> None:
        try:
            httpx.request(method, f"{server.url}{path}", timeout=120, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError:
            pass  # the server is killed under it

    t = threading.Thread(target=call, daemon=True)
    t.start()
    return t


def _kill_when(server: Server, ready: object, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not ready():  # type: ignore[operator]
        time.sleep(0.002)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()


def test_killed_upload_leaves_the_previous_state_answering(tmp_path: Path):
    idx = tmp_path / "idx"
    s = start_server(idx)  # the real model: embedding a batch takes seconds, long enough to kill it midway
    before = _state(idx)
    answer = httpx.post(f"{s.url}/api/ask", json=QUESTION, timeout=60).json()
    docs = sorted((SHARED / "datasets" / "swequad_mc" / "docs").glob("*.txt"))[:40]
    files = [("files", (f"u_{p.name}", p.read_bytes())) for p in docs]
    t = _fire(s, "POST", "/api/documents", files=files)
    _kill_when(s, lambda: False, 4.0)
    t.join(5)
    assert _state(idx) == before
    again = start_server(idx)
    try:
        assert not list(idx.glob("*.partial"))
        assert httpx.post(f"{again.url}/api/ask", json=QUESTION, timeout=60).json() == answer
        assert len(httpx.get(f"{again.url}/api/documents").json()["documents"]) == len(before[0])
    finally:
        stop_server(again)


def test_killed_delete_is_all_or_nothing_and_leaves_no_partial(tmp_path: Path):
    idx = tmp_path / "idx"
    s = start_server(idx, **HASH)
    big = [
        ("files", (f"s_{p.name}", p.read_bytes()))
        for p in sorted((SHARED / "datasets" / "swequad_mc" / "docs").glob("*.txt"))
    ]
    for i in range(0, len(big), 20):  # at most 20 files per upload
        assert httpx.post(f"{s.url}/api/documents", files=big[i : i + 20], timeout=300).json()["added"]
    before = _state(idx)
    victim = "003_f15778b1dd09b2e4.txt"
    t = _fire(s, "DELETE", f"/api/documents/{victim}")
    # Kill while the write is half done: rows journalled as pending (in Tantivy, not yet committed in SQLite).
    _kill_when(s, lambda: mid_write(idx), 10.0)
    t.join(5)
    caught_midway = mid_write(idx)
    after = _state(idx)
    print(f"killed with a half-written generation on disk: {caught_midway}")
    gone = (sorted(d for d in before[0] if d != victim), [c for c in before[1] if c in set(after[1])])
    assert after == before or (after[0] == gone[0] and victim not in after[0])
    again = start_server(idx, **HASH)
    try:
        assert not list(idx.glob("*.partial"))
        listed = sorted(d["doc"] for d in httpx.get(f"{again.url}/api/documents").json()["documents"])
        assert listed == after[0]
        r = httpx.delete(f"{again.url}/api/documents/{victim}", timeout=60)
        assert r.status_code == (200 if victim in after[0] else 404)
    finally:
        stop_server(again)
