"""The tracker workers' lock on the PostgreSQL store: one worker per schema on every machine, across real
processes on a real server (an advisory lock, released when its holder dies)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from granska.index import pg_server
from granska.index.pg import PgStore

from tests.index.test_pg import postgres  # noqa: F401 - the module's real server

HOLD = """
import sys, time
from pathlib import Path
from granska.index.pg import PgStore
from granska.qa import rec_work
store = PgStore(sys.argv[1])
log = Path(sys.argv[2])
with rec_work.worker_lock(store):
    with log.open("a") as f:
        f.write(f"in {time.time()}\\n")
    time.sleep(float(sys.argv[3]))
    with log.open("a") as f:
        f.write(f"out {time.time()}\\n")
"""


def _start(url: str, log: Path, seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", HOLD, url, str(log), str(seconds)], env=os.environ.copy())


def _wait_for(log: Path, marks: int, timeout: float = 60.0) -> list[tuple[str, float]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text().split() if log.exists() else []
        if len(lines) >= 2 * marks:
            return [(lines[i], float(lines[i + 1])) for i in range(0, len(lines), 2)]
        time.sleep(0.1)
    raise AssertionError(
        f"{log}: fewer than {marks} marks after {timeout} s: {log.read_text() if log.exists() else ''}"
    )


def test_one_tracker_worker_per_schema_across_processes(
    postgres: pg_server.LocalPostgres,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = postgres.create_database("locks") + "?schema=shared"
    log = tmp_path / "held.log"
    first, second = _start(url, log, 2.0), _start(url, log, 0.5)
    try:
        assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    finally:
        for p in (first, second):
            p.kill()
    marks = _wait_for(log, 4)
    # Both ran, one after the other: each "in" is followed by its own "out" before the other's "in".
    assert [m for m, _ in marks] == ["in", "out", "in", "out"], marks
    assert marks[2][1] >= marks[1][1]

    # A holder killed outright (no cleanup) lets the lock go with its connection; another schema never waits.
    killed = tmp_path / "killed.log"
    holder = _start(url, killed, 600.0)
    try:
        _wait_for(killed, 1)
        store = PgStore(url)
        other = PgStore(url.replace("schema=shared", "schema=other"))
        try:
            with store.worker_lock(wait=False) as held:
                assert held is False  # the other process holds it
            with other.worker_lock(wait=False) as held:
                assert held is True
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
            t0 = time.monotonic()
            with store.worker_lock() as held:
                assert held is True and time.monotonic() - t0 < 30
                with store.worker_lock(wait=False) as again:  # each holder is a connection of its own
                    assert again is False
            with store.worker_lock(wait=False) as held:  # released at the end of the block
                assert held is True
        finally:
            store.close()
            other.close()
    finally:
        holder.kill()
