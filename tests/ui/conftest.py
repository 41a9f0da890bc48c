"""A real `granska serve` process on 127.0.0.1 over the bundled corpus, shared by the API and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import GRANSKA


@dataclass
class Server:
    url: str
    index_dir: Path
    proc: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index_dir: Path, **env: str) -> Server:
    port = free_port()
    proc = subprocess.Popen(
        [GRANSKA, "serve", "--index-dir", str(index_dir), "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"granska serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return Server(url, index_dir, proc)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("granska serve did not become healthy in time")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """No index yet: `serve` builds one from the bundled corpus first, as for a new user."""
    s = start_server(tmp_path_factory.mktemp("serve") / "index")
    yield s
    stop_server(s)


ALLOWED_ORIGIN = "http://intranet.example"


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own for uploads, fuzzing and hostile documents (the shared one keeps its 5 documents);
    one origin allowed for CORS, a 1 MB file limit so the upload limit (20 files) is quick to pass."""
    s = start_server(
        tmp_path_factory.mktemp("hostile") / "index",
        GRANSKA_CORS_ORIGINS=ALLOWED_ORIGIN,
        GRANSKA_INGEST__MAX_FILE_MB="1",
    )
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium (/usr/bin/chromium) through Playwright: never a browser Playwright downloaded. One per
    session (per xdist worker): each test opens its own context or page, so nothing is shared between tests."""
    from granska.ui.screenshot import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
