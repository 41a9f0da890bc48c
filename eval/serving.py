"""A `granska serve` on a free local port, started for a script and waited for until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("granska")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local_server(
    index_dir: Path, *, env: dict[str, str] | None = None, polls: int = 360, interval_s: float = 0.5
) -> tuple[subprocess.Popen[bytes], str]:
    """(process, url) of `granska serve --index-dir index_dir` on 127.0.0.1 once /api/health answers 200;
    raises RuntimeError (after killing it) when it does not within `polls` tries."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [str(EXE), "serve", "--index-dir", str(index_dir), "--port", str(port)],
        env=env if env is not None else {**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(polls):
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(interval_s)
    proc.kill()
    raise RuntimeError("granska serve did not start")
