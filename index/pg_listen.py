"""LISTEN/NOTIFY for the PostgreSQL store: a server hears another server's commit when it happens, not at its
next question. Every commit bumps a counter and NOTIFYs the schema's channel (granska.index.pg_db.bump); a
Listener keeps one connection of its own LISTENing there, in a daemon thread, and hands each key it hears to
a callback. Best effort: a lost connection is retried, and readers keep polling the counter meanwhile.

What a notification does is mark a Polled value stale, nothing more: the next reader reads it once, so a burst
of commits (a vector fill commits per document) costs one read at the next question, not a reload per commit
in every listening server.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from granska.index.pg_db import CONNECT_TIMEOUT_S, split_url

log = logging.getLogger("granska")
T = TypeVar("T")
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


class Polled(Generic[T]):
    """A value read from the server at most every `ttl` seconds, and afresh at the first get() after forget()
    (this process's own commit, or a notification: lazy, so a burst of them costs one read)."""

    def __init__(
        self,
        read: Callable[[], T],
        *,
        ttl: float,
        heard_ttl: float | None = None,
        hearing: Callable[[], bool] | None = None,
    ) -> None:
        # While `hearing()` (the listener's LISTEN is up) every commit elsewhere arrives as a forget(), so the
        # poll is only the fallback for a notification lost with its connection: heard_ttl, not ttl.
        self._read, self.ttl = read, ttl
        self.heard_ttl, self._hearing = heard_ttl if heard_ttl is not None else ttl, hearing
        self._state: tuple[float, T | None] = (-math.inf, None)  # (monotonic time read, value)
        self._generation = 0  # grows with every forget(): a read that began before one is not kept as fresh
        self.reads = 0  # times the value was read from the server (tests count them)

    def get(self) -> T:
        at, value = self._state
        now = time.monotonic()
        ttl = self.heard_ttl if self._hearing is not None and self._hearing() else self.ttl
        if value is not None and now - at < ttl:
            return value
        generation = self._generation
        value = self._read()
        self.reads += 1
        # (a forget() meanwhile: keep the value for this caller, but the next get() reads again)
        self._state = (now if generation == self._generation else -math.inf, value)
        return value

    def forget(self) -> None:
        self._generation += 1
        self._state = (-math.inf, self._state[1])
