"""LISTEN/NOTIFY for the PostgreSQL store: a server hears another server's commit when it happens, not at its
next question. Every commit bumps a counter and NOTIFYs the schema's channel (granska.index.pg_db.bump); a
Listener keeps one connection of its own LISTENing there, in a daemon thread, and hands each key it hears to
a callback. Best effort: a lost connection is retried, and readers keep polling the counter meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from granska.index.pg_db import CONNECT_TIMEOUT_S, split_url

log = logging.getLogger("granska")
WAKE_S = 1.0  # the thread looks at its stop flag at least this often
RETRY_S = 5.0  # after a lost or refused connection


class Listener:
    """One LISTEN connection per store object, started on first use, stopped by stop()."""

    def __init__(self, url: str, channel: str, heard: Callable[[str], None]) -> None:
        self._url, self._channel, self._heard = url, channel, heard
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.listening = threading.Event()  # set while LISTEN is active (tests wait for it)
        self.notes = 0  # notifications heard, of any key

    def start(self) -> None:
        """Start the thread once (cheap to call on every read)."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="granska-pg-listen", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * WAKE_S)

    def _run(self) -> None:
        import psycopg

        conninfo = split_url(self._url)[0]
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
                    conn.execute(f'LISTEN "{self._channel}"')
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=WAKE_S):
                            self.notes += 1
                            self._hand_over(note.payload)
            except psycopg.Error as exc:
                log.debug("store listener: %s (retrying in %.0f s)", exc, RETRY_S)
            self.listening.clear()
            self._stop.wait(RETRY_S)

    def _hand_over(self, key: str) -> None:
        try:
            self._heard(key)
        except Exception as exc:  # noqa: BLE001 - a failed pre-read must not end the listener
            log.debug("store listener: reading after %s failed: %s", key, exc)
