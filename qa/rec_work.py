"""The tracker tables' background work, driven by the journal stored beside the rows.

Three kinds of entries (kind "pending") say what is left to do; each is done and cleared in one transaction:
- `respond:<doc>@<stamp>`: a document whose own rows (responsibilities) are not computed yet (an ingest
  killed after its commit left them); done in batches of at most BATCH_DOCS documents or BATCH_SECONDS;
- `relink:<place>@<stamp>`: a municipality whose recommendations wait for their links (a write touched it);
- `upgrade:<place>`: a municipality whose rows were made by other tracker code.

Work that raises keeps its entries and leaves a `failed:<what>:<target>` entry beside them, with one line saying
what failed (`failure`): the tables' `state()`, `granska docs list` and the server's status read it from the
journal (a failure in the child process is otherwise seen only on its stderr). The next success of the same work
clears it, in its own transaction.

A worker deletes exactly the entries it saw before it read the documents, never a newer one: a write that
queues the same document or municipality again meanwhile adds an entry under another stamp, which stays and
is done once more. So the work may run in another thread or another process (a kill of either side leaves
the journal, and the next worker resumes it).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from granska.index import rows as tracker_rows
from granska.index.db import Documents
from granska.index.store import Store
from granska.qa import (
    link_pool,
    rec_code,
    rec_found,
    rec_memo,
    rec_relink,
    rec_tables,
    recommendations,
    responsibilities,
)
from granska.qa.rec_tables import place_key

from granska.text import oneline
from granska.types import DocMeta, Document

PENDING_KEY = "journal:pending"  # tracker rows of documents a writer committed but has not computed yet
UPGRADE = "upgrade:"  # a municipality whose rows were made by other tracker code, queued for the rebuild
RELINK = "relink:"  # a municipality whose recommendations wait for their links (a write touched it)
RESPOND = "respond:"  # a document whose own rows wait for the background (a killed ingest left them)
BATCH_DOCS = 200  # documents' rows per transaction of the background
LOCK_FILE = "tracker.lock"  # held by the one worker of an index folder
BATCH_SECONDS = 3.0  # ... or this long, whichever comes first (a kill loses at most one batch's work)
FAILED = "failed:"  # work that raised: `failed:relink:<place>`, `failed:rebuild:<place>`, `failed:rows:<doc>`
PLACE = "place:"  # a municipality's recommendations: `place:<place>|<doc>|<start>|<i>`, one row each
KIND = "recommendations"  # the kind of those rows, which every reader reads
PLACE_HEAD = "placehead:"  # a municipality's head row: {"rows": {key: digest}} of what it holds
DIGEST_CHARS = 32  # 128 bits of sha256: a changed row is told from the stored one
START_DIGITS = 10  # a position in a key, zero-padded: keys of one document sort by position
TIE_DIGITS = 6  # the count of rows at one position, zero-padded: they sort in build order
FAILURE_CHARS = 300  # the error's line is cut here (a message quoting a whole text stays one readable line)

log = logging.getLogger(__name__)

Rows = dict[str, dict[str, list[Any]]]


@functools.cache
def tracker_code() -> str:
    """A hash of the code and the fitted classifier that compute tracker rows (`rec_code`: the modules the rows
    depend on, from their imports): stored rows made by other code or another model are rebuilt (a refit that
    changes only the model must not leave stale rows); a change to answering code rebuilds nothing. Computed once
    per process: a running process computes rows with the code and the model it loaded, whatever is on disk later."""
    return rec_code.code_digest()


def current(store: Store) -> bool:
    """True when the stored tracker rows were made by this code."""
    return store.tracker_state()[0] == tracker_code()


def journal(store: Store, prefix: str | tuple[str, ...]) -> dict[str, list[Any]]:
    """The journal's entries under `prefix` (or any of several): {key: [stamp]}."""
    return {k: v for k, v in store.tracker("pending") if k.startswith(prefix)}


def target(key: str, prefix: str) -> str:
    """The document or municipality an entry names (`relink:<place>@<stamp>`; an older `relink:<place>`)."""
    rest = key[len(prefix) :]
    head, at, stamp = rest.rpartition("@")
    return head if at and stamp.isdigit() else rest


def entries(prefix: str, names: Iterable[str], stamp: int | None = None) -> Rows:
    """New journal entries for `names` under `prefix`, each under this stamp (a key no worker has seen)."""
    stamp = time.time_ns() if stamp is None else stamp
    return {f"{prefix}{n}@{stamp}": {"pending": [stamp]} for n in names}


def cleared(keys: Iterable[str]) -> Rows:
    return {k: {"pending": []} for k in keys}


def failed_key(what: str, target_: str) -> str:
    return f"{FAILED}{what}:{target_}"


def failure(what: str, target_: str, exc: BaseException) -> Rows:
    """The journal entry saying that `what` of `target_` raised `exc`, on one line."""
    line = oneline(f"{type(exc).__name__}: {exc}")
    if len(line) > FAILURE_CHARS:
        line = line[: FAILURE_CHARS - 1] + "…"
    row = {"what": what, "target": target_, "error": line, "at": time.time_ns()}
    return {failed_key(what, target_): {"pending": [row]}}


def failures(queued: Iterable[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """The failure entries of a journal as read (`store.tracker("pending")`), in key order."""
    return [rows[0] for k, rows in sorted(queued) if k.startswith(FAILED) and rows and isinstance(rows[0], dict)]


def failure_line(row: Mapping[str, Any]) -> str:
    """One failure as said to a user: "relink of <municipality> failed: <error>"."""
    return f"{row.get('what')} of {row.get('target')} failed: {row.get('error')}"


def responsibility_rows(store: Store, names: Iterable[str]) -> Rows:
    """Each document's own rows (an empty list for a document no longer committed)."""
    metas = store.metas()
    names = list(names)
    out: Rows = {}
    # The end of a large ingest asks for every document it added (14,700 at the 2M build: the texts of 1.1M
    # passages); each is read once, so the view lets it go when its rows are made (and is bounded anyway).
    documents = store.documents()
    for name in names:
        out[f"doc:{name}"] = own_rows(name, metas, documents)
        _forget(documents, [name])
    return out | rec_found.gone(n for n in names if n not in metas)


def _forget(documents: Mapping[str, Document], names: Iterable[str]) -> None:
    """Let a view's loaded documents go (a plain mapping, an empty store's, holds nothing to let go)."""
    if isinstance(documents, Documents):
        for name in names:
            documents.forget(name)


def own_rows(name: str, metas: Mapping[str, DocMeta], documents: Mapping[str, Document]) -> dict[str, list[Any]]:
    """One document's own rows, given the store's metadata and documents read once for a batch."""
    rows = responsibilities.build({name: documents[name]}) if name in metas else []
    return {"responsibilities": [tracker_rows.dump(r) for r in rows]}


def recommendation_rows(
    store: Store,
    places: Iterable[str],
    *,
    kept: rec_found.Kept | None = None,
    memos: rec_memo.Stored | None = None,
    delta: bool = False,
) -> Rows:
    """Each municipality's recommendations over its committed documents (they link within it), one row per
    recommendation (`place_rows`). `kept`: the worker's view of the stored extractions (read back before a first
    relink, written beside the rows); with it, the link memo is read back and written too (`memos`: the worker's
    view of the stored memo rows, so a relink writes only the entries it changed; a fresh one when not given).
    `delta`: only the rows that changed since the stored head are given (a relink); else all."""
    if kept is not None and memos is None:
        memos = rec_memo.Stored()
    metas = store.metas()
    members: dict[str, list[str]] = {}
    for n, m in metas.items():  # one pass over the metadata, not one per municipality
        members.setdefault(place_key(m, n), []).append(n)
    out: Rows = {}
    documents = store.documents()
    for place in places:
        group = {n: documents[n] for n in members.get(place, [])}
        if kept is not None:
            kept.restore(store, group, tracker_code())
        with rec_relink.MEMO_LOCK:  # the last build of this municipality bounds what a change can move
            try:
                if memos is not None:
                    _memo_restored(store, place, memos)
                rows = recommendations.build(group, memo=rec_relink.MEMO) if group else []
                if memos is not None:
                    out.update(memos.delta(store, place, _memo_kept(place), tracker_code()))
                    rec_relink.MEMO.stats["memo bytes written"] += memos.written
            except BaseException:  # what the memo held may be why: the next try computes this place in full
                rec_relink.MEMO.places.pop(place, None)
                if memos is not None:
                    memos.places.pop(place, None)
                    memos.distrusted.add(place)  # nor read back from the store: its rows are then rewritten
                raise
            if memos is not None:
                memos.distrusted.discard(place)
        dumped = [tracker_rows.dump(r) for r in rows]
        out.update(place_rows(store, place, dumped, delta=delta, order=quote_order(group.values())))
        if kept is not None:
            out.update(kept.rows(group.values(), tracker_code()))
        _forget(documents, group)  # the next municipality reads other documents
    link_pool.release()  # the linking's analysed passages are not kept by a serving process
    return out


def place_key_of(place: str, doc: str) -> str:
    """The prefix of one document's recommendations' keys in its municipality's rows (`split`)."""
    return f"{PLACE}{place}|{doc}"


def head_kind(place: str) -> str:
    """The kind (and key) of a municipality's head row: the digest of each recommendation's row it holds."""
    return f"{PLACE_HEAD}{place}"


def digest(rows: list[Any]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:DIGEST_CHARS]


def split(place: str, dumped: list[Any], order: Mapping[str, str] | None = None) -> dict[str, list[Any]]:
    """A municipality's rows (as built), one per recommendation: `place:<place>|<doc>|<start>|<i>`, i counting
    the rows of one document at one position in build order. Every reader reads all rows of the kind in key
    order and sorts them by `corpus_order` (role, document, position), stably: rows that tie keep their build
    order (their keys sort by i), so the tables are those of the one list. A recommendation's row changes
    alone, so a relink rewrites only the rows that changed.

    `order` (`quote_order`: each document's rank in the build's order): the quotations of a recommendation are
    stored one row per quoting document beside it (`quote_rows`), so a document quoting it that comes or goes
    writes its own row, not the whole list (a missive quoted across a corpus held 77 kB of quotes in one row)."""
    out: dict[str, list[Any]] = {}
    ties: Counter[tuple[str, int]] = Counter()
    for row in dumped:
        doc, start = str(row["recommendation"]["doc"]), int(row["recommendation"]["start"])
        key = f"{place_key_of(place, doc)}|{start:0{START_DIGITS}d}|{ties[doc, start]:0{TIE_DIGITS}d}"
        quotes = quote_rows(key, row.get("quoted_in") or [], order) if order is not None else None
        out[key] = [row if quotes is None else {**row, "quoted_in": []}]
        out.update(quotes or {})
        ties[doc, start] += 1
    return out


QUOTE_SEP = ".q"  # a quote row's key: its recommendation's key, ".q", the quoting document's rank and name


def quote_order(documents: Iterable[Document]) -> dict[str, str]:
    """Each document's rank in the order a build reads documents (`recommendations.found_rank`), as two digits:
    a recommendation's quotations are listed in that order, then by document name, then by position."""
    return {d.doc: "".join(str(int(x)) for x in recommendations.found_rank(d)) for d in documents}


def quote_rows(key: str, quoted: list[Any], order: Mapping[str, str]) -> dict[str, list[Any]] | None:
    """The quotations of the recommendation stored under `key`, one row per quoting document, keyed so that the
    keys' order is the list's (`<key>.q<rank>.<document>`); None when the keys would not give the list back (a
    document without a rank, or quoting in two separate runs): the list then stays in the row."""
    runs: dict[str, list[Any]] = {}
    keys: list[str] = []
    for span in quoted:
        doc = str(span["doc"])
        if doc not in order:
            return None
        k = f"{key}{QUOTE_SEP}{order[doc]}.{doc}"
        if k not in runs:
            runs[k] = []
            keys.append(k)
        elif keys[-1] != k:
            return None
        runs[k].append(span)
    if keys != sorted(keys):
        return None
    return {k: [{"quote_of": key, "spans": runs[k]}] for k in keys}


def place_rows(
    store: Store, place: str, dumped: list[Any], *, delta: bool, order: Mapping[str, str] | None = None
) -> Rows:
    """The rows writing a municipality's recommendations, one row per recommendation (`split`), and its head
    (the digest of each row) when anything changed. `delta`: only the rows whose digest differs from the stored
    head's, and deletes of the keys the head has that are gone; else every row. The head is written in the
    same transaction as the rows, by the one worker of the index, so it says what the store holds. The municipality's
    single row of the older layout (key `place:<place>`) is deleted in both (a no-op once gone): readers read
    it until the first relink replaces it."""
    rows = split(place, dumped, order)
    now = {k: digest(v) for k, v in rows.items()}
    had: dict[str, str] = {}
    for _, head in store.tracker(head_kind(place)):
        if head and isinstance(head[0], dict):
            had = {str(k): str(v) for k, v in head[0].get("rows", {}).items()}
    out: Rows = {f"{PLACE}{place}": {KIND: []}}
    out.update({k: {KIND: v} for k, v in rows.items() if not delta or had.get(k) != now[k]})
    out.update({k: {KIND: []} for k in had if k not in rows})
    if now != had or not delta:
        out[head_kind(place)] = {head_kind(place): [{"rows": now}] if now else []}
    return out


def _memo_restored(store: Store, place: str, memos: rec_memo.Stored) -> None:
    """The stored memo of `place` into the process's memo when this process has none of it (under MEMO_LOCK): a
    new worker's first relink of a municipality re-examines only what changed since the stored build."""
    if place in rec_relink.MEMO.places or place in memos.distrusted:
        return
    if (pm := memos.read(store, place, tracker_code())) is not None:
        rec_relink.MEMO.places[place] = pm
        rec_relink.MEMO.stats["memo restored"] += 1


def _memo_kept(place: str) -> rec_relink.PlaceMemo | None:
    """`place`'s memo as its build left it (under MEMO_LOCK), None when it holds nothing."""
    pm = rec_relink.MEMO.places.get(place)
    return pm if pm is not None and (pm.links or pm.verdicts) else None


def orphans(store: Store, metas: Mapping[str, DocMeta]) -> Rows:
    """Stored rows under keys no committed document has (another code's keys, a municipality emptied)."""
    want = {f"doc:{n}" for n in metas} | {place_key_of(place_key(m, n), n) for n, m in metas.items()}
    now = {place_key(m, n) for n, m in metas.items()}
    out: Rows = {}
    emptied: set[str] = set()
    for kind in ("recommendations", "responsibilities"):
        for key, rows in store.tracker(kind):
            # a recommendation's key is its document's prefix and `|<start>|<i>` (`split`); a quote row's is its
            # recommendation's key and more (which it holds: a document's name may hold "|")
            of = rec_tables.quote_of(rows) or key
            if (key if kind != KIND else of.rsplit("|", 2)[0]) not in want:
                out.setdefault(key, {})[kind] = []
                if kind == KIND and key.startswith(PLACE):
                    emptied |= _places_of(key[len(PLACE) :]) - now
    for place in sorted(emptied):  # a municipality no document is in: its memo and head go with its rows
        out.update(rec_memo.Stored().gone(store, place))
        if store.tracker(head_kind(place)):
            out.setdefault(head_kind(place), {})[head_kind(place)] = []
    out.update(rec_found.gone(k[len(rec_found.FOUND) :] for k, _ in store.tracker(rec_found.KIND)
                              if k[len(rec_found.FOUND) :] not in metas))  # fmt: skip
    return out


def _places_of(rest: str) -> set[str]:
    """The municipalities a key `place:<rest>` may be of: `<place>|<doc>|<start>|<i>`, or a whole `<place>` (the older
    layout); a name may hold "|", so every split is a candidate (only those no document is in are dropped, and
    one with no document has nothing to keep)."""
    return {rest} | {rest[:i] for i, c in enumerate(rest) if c == "|"}


@contextlib.contextmanager
def worker_lock(store: Store) -> Iterator[None]:
    """One worker per index folder at a time (a file lock, so also across processes); a store that has a lock of
    its own (PostgreSQL: `worker_lock`, an advisory lock per schema) takes that, so one worker runs per schema on
    every machine. Without either, its workers' transactions are each exact on their own (see the docstring)."""
    shared = getattr(store, "worker_lock", None)
    if shared is not None:
        with shared("tracker"):
            yield
        return
    root = getattr(store, "root", None)
    if root is None or not Path(root).is_dir():
        yield
        return
    with open(Path(root) / LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class Worker:
    """Works the journal off until nothing is left (or only entries whose work failed): documents' own rows
    first (the tables say they are incomplete), then relinks (a write waits for them), then the upgrade's
    rebuild, one municipality per transaction, so a relink waits for at most one municipality's rebuild."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.failed: set[str] = set()  # entries whose work raised: seen in the log, left in the journal
        self.kept = rec_found.Kept()  # the stored extractions: read back once, written beside the rows
        self.memos = rec_memo.Stored()  # what the store holds of each municipality's link memo

    def run(self, *, alive: Any = None) -> None:
        """`alive`: a callable; the work stops between transactions when it returns False (its parent went)."""
        while current(self.store) and (alive is None or alive()):
            if not (self.respond_batch() or self.relink_one() or self.upgrade_one()):
                return

    def record(self, rows: Rows) -> None:
        """A failure into the journal (its own transaction); a store that cannot take it leaves the log alone."""
        try:
            self.store.put_tracker(rows, code=tracker_code())
        except Exception:
            log.exception("the tracker's failure could not be recorded in the store")

    def _left(self, prefix: str) -> dict[str, list[Any]]:
        return {k: v for k, v in journal(self.store, prefix).items() if k not in self.failed}

    def respond_batch(self) -> bool:
        """One transaction of documents' own rows (at most BATCH_DOCS documents or BATCH_SECONDS)."""
        left = self._left(RESPOND)
        if not left:
            return False
        start = time.monotonic()
        rows: Rows = {}
        done: list[str] = []
        by_doc: dict[str, list[str]] = {}
        for key in sorted(left):
            by_doc.setdefault(target(key, RESPOND), []).append(key)
        metas = self.store.metas()  # once per batch, not once per document
        documents = self.store.documents()
        for name, keys in list(by_doc.items())[:BATCH_DOCS]:
            try:
                rows[f"doc:{name}"] = own_rows(name, metas, documents)
                _forget(documents, [name])
            except Exception as exc:  # in the log and the journal; that document keeps its entry, the others go on
                log.exception("tracker rows of %s failed", name)
                self.failed.update(keys)
                rows.update(failure("rows", name, exc))
                continue
            done.extend(keys)
            rows.update(cleared([failed_key("rows", name)]))
            if time.monotonic() - start >= BATCH_SECONDS:
                break
        self.store.put_tracker(rows | cleared(done), code=tracker_code())
        return True

    def relink_one(self) -> bool:
        """One municipality's recommendations over its documents now, and its entries seen so far cleared."""
        queued = journal(self.store, RELINK)
        left = [k for k in queued if k not in self.failed]
        if not left:
            return False
        place = target(min(left), RELINK)
        # Its entries whose relink failed before go too: this relink reads the documents as they are now.
        keys = [k for k in queued if target(k, RELINK) == place]
        try:
            rows = recommendation_rows(self.store, [place], kept=self.kept, memos=self.memos, delta=True)
        except Exception as exc:
            log.exception("tracker relink of %s failed", place)
            self.failed.update(keys)
            self.record(failure("relink", place, exc))
            return True
        self.store.put_tracker(rows | cleared([*keys, failed_key("relink", place)]), code=tracker_code())
        return True

    def upgrade_one(self) -> bool:
        """One municipality rebuilt after a change of tracker code (the smallest first: most of the table is
        current soonest); the last one also drops rows of keys no document has any more."""
        left = self._left(UPGRADE)
        if not left:
            return False
        metas = self.store.metas()
        size = Counter(place_key(m, n) for n, m in metas.items())
        key = min(left, key=lambda k: (size[k[len(UPGRADE) :]], k))
        place = key[len(UPGRADE) :]
        try:
            names = {n for n, m in metas.items() if place_key(m, n) == place}
            rows = responsibility_rows(self.store, names) | recommendation_rows(
                self.store, [place], kept=self.kept, memos=self.memos
            )
        except Exception as exc:  # that municipality keeps its rows, the others go on
            log.exception("tracker rebuild of %s failed", place)
            self.failed.add(key)
            self.record(failure("rebuild", place, exc))
            return True
        rows[key] = {"pending": []}
        rows.update(cleared([failed_key("rebuild", place)]))
        if len(left) == 1:
            rows.update(orphans(self.store, metas))
        self.store.put_tracker(rows, code=tracker_code())
        return True
