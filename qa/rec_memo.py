"""A municipality's link memo kept in the tracker tables, one row per entry, so the first relink after a restart
is incremental too and a relink writes only the entries it changed.

`rec_relink` keeps, per municipality, what its last build found (each link with its contenders and segment
bounds, each follow-up verdict pair) in the worker process. A new process (a restart, a killed child) starts with
none; here the background stores the memo beside the rows, in the same transaction, and a worker without a memo
of a municipality reads it back before relinking it.

Layout (session 25; session 24 wrote the whole memo as one row, 2.44 MB at 131 documents, rewritten at every
relink): for municipality P, all rows of kind `memo:P` (read together through the store's index on kind):
- `memo:P|<rec>`: one recommendation's link (its kind, result, contenders, overall stance, label hit);
- `memo:P|<rec>|s<i>`: its i-th segment bound, i = 0, 1, … (a relink that only adds a segment to a link writes
  that row alone: the link's row does not count them);
- `memo:P|<rec>|c<unit>`: one of its contenders (what it keeps reads only its unit and the recommendation, so
  the row stays as long as the contender does; the link row lists them in order);
- `memo:P|<rec>|v<doc>`: its verdict pair with one follow-up document;
and one head row, key `memo:P`, kind `memohead:P` (the tracker code, the documents the links were computed
against, shared by every link of one build, and a generation stamp). `<rec>` and `<doc>` are hashes of the
recommendation's and the document's keys, which the rows hold in full. A relink writes the rows whose content
changed, deletes those its memo no longer has, and writes the head only when it wrote anything: `Stored` holds
what the store holds (read once per worker and municipality; read again when the head's stamp shows another
process wrote since).

The head names the tracker code and every document is named by its text's digest
(`recommendations._document_key`), so a link is only ever reused against the documents it was computed from, as
within one process; a head of another code or another layout is ignored (the links are computed again). A link
whose rows are incomplete is left out (computed again). Floats are written as JSON writes them (`repr`, which
reads back to the same float), so reused links and their bounds are those the process had.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import Counter
from typing import Any

import numpy as np
from granska.qa import rec_relink
from granska.qa.rec_relink import Contender, Link, PlaceMemo, Segment

from granska.types import Span

PREFIX = "memo:"
HEAD = "memohead:"
VERSION = 2  # the rows' own layout (1: the whole memo in one row)
KEY_HASH_BYTES = 10  # 80 bits: a municipality holds thousands of keys, a collision is not a practical concern

Rows = dict[str, dict[str, list[Any]]]


def kind(place: str) -> str:
    """Kind of a municipality's memo rows (and the head's key)."""
    return f"{PREFIX}{place}"


def head_kind(place: str) -> str:
    return f"{HEAD}{place}"


def _doc(key: Any) -> list[str]:
    return [key[0], key[1].hex()]


def _undoc(v: list[str]) -> Any:
    return (v[0], bytes.fromhex(v[1]))


def _hash(value: Any) -> str:
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(raw, digest_size=KEY_HASH_BYTES).hexdigest()


def _rec(key: rec_relink.RecKey) -> list[Any]:
    return [_doc(key[0]), *key[1:]]


def _unrec(v: list[Any]) -> rec_relink.RecKey:
    return (_undoc(v[0]), *v[1:])


def _span(s: Span | None) -> list[Any] | None:
    return None if s is None else [s.doc, s.start, s.end, s.page, s.text, s.score]


def _unspan(v: list[Any] | None) -> Span | None:
    return None if v is None else Span(v[0], int(v[1]), int(v[2]), v[3], v[4], float(v[5]))


def _verdict_list(vs: list[tuple[str, Span]] | None) -> list[Any] | None:
    return None if vs is None else [[v, _span(s)] for v, s in vs]


def _unverdict_list(v: list[Any] | None) -> list[tuple[str, Span]] | None:
    return None if v is None else [(str(name), _unspan(s)) for name, s in v]  # type: ignore[misc]


def rows(pm: PlaceMemo, place: str) -> tuple[dict[str, Any], list[list[str]]]:
    """One municipality's memo as rows {key: value} (the head apart) and the documents its links share (the
    siblings' counts are not stored: counted afresh from the recommendations when read back, the same integers)."""
    shared = Counter(link.docs for link in pm.links.values()).most_common(1)
    docset = shared[0][0] if shared else frozenset()
    base = kind(place)
    out: dict[str, Any] = {}
    for key, link in pm.links.items():
        rec = _rec(key)
        at = f"{base}|{_hash(rec)}"
        out[at] = {
            "rec": rec,
            "kind": link.kind,
            "result": [_span(link.result[0]), link.result[1]],
            "contenders": [_hash([_doc(c.doc), c.unit]) for c in link.contenders],
            "overall": None if link.overall is None else [_doc(link.overall[0]), link.overall[1]],
            "hit": None if link.hit is None else _doc(link.hit),
            "docs": None if link.docs == docset else sorted(_doc(k) for k in link.docs),
        }
        for i, seg in enumerate(link.segments):
            out[f"{at}|s{i}"] = [seg.ref, seg.best]
        for c in link.contenders:  # what a contender keeps reads only its unit and the recommendation: it stays
            out[f"{at}|c{_hash([_doc(c.doc), c.unit])}"] = [
                _doc(c.doc),
                c.unit,
                c.terms.tolist(),
                list(c.fixed),
                c.refers,
            ]
    for (key, d), (own, title) in pm.verdicts.items():
        rec, doc = _rec(key), _doc(d)
        out[f"{base}|{_hash(rec)}|v{_hash(doc)}"] = {
            "rec": rec, "doc": doc, "own": _verdict_list(own), "title": _verdict_list(title)
        }  # fmt: skip
    return out, sorted(_doc(k) for k in docset)


def load(head: Any, stored: dict[str, Any], place: str, code: str) -> PlaceMemo | None:
    """The memo these rows hold, if the head is of this code and this layout (else None: computed again)."""
    try:
        if head.get("code") != code or head.get("version") != VERSION:
            return None
        docset = frozenset(_undoc(v) for v in head["docset"])
        base = kind(place)
        pm = PlaceMemo()
        for key, value in stored.items():
            rest = key[len(base) :].split("|")
            if len(rest) == 2:  # "|<rec>": a link
                # Its segments are s0, s1, … as far as they go (a relink that appends one writes that row alone;
                # one transaction writes a memo, so the rows stored are one memo's).
                segments = list(
                    itertools.takewhile(lambda v: v is not None, (stored.get(f"{key}|s{i}") for i in itertools.count()))
                )
                contenders: list[Any] = [stored.get(f"{key}|c{c}") for c in value["contenders"]]
                if any(c is None for c in contenders):
                    continue  # incomplete: computed again
                docs = docset if value["docs"] is None else frozenset(_undoc(v) for v in value["docs"])
                overall, hit = value["overall"], value["hit"]
                pm.links[_unrec(value["rec"])] = Link(
                    docs,
                    value["kind"],
                    (_unspan(value["result"][0]), value["result"][1]),
                    tuple(
                        Contender(
                            _undoc(d), int(u), np.array(terms, np.float64).reshape(2, -1), tuple(fixed), bool(refers)
                        )
                        for d, u, terms, fixed, refers in contenders
                    ),
                    tuple(Segment({str(x): float(v) for x, v in ref.items()}, float(best)) for ref, best in segments),  # type: ignore[misc]
                    None if overall is None else (_undoc(overall[0]), int(overall[1])),
                    None if hit is None else _undoc(hit),
                )
            elif len(rest) == 3 and rest[2].startswith("v"):
                pair = (_unrec(value["rec"]), _undoc(value["doc"]))
                pm.verdicts[pair] = [_unverdict_list(value["own"]), _unverdict_list(value["title"])]
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):  # another shape: computed again
        return None
    return pm


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Stored:
    """What one worker knows the store holds of each municipality's memo: the head's stamp and every row's JSON,
    so a relink writes only what differs."""

    def __init__(self) -> None:
        self.places: dict[str, tuple[int | None, dict[str, str]]] = {}  # place -> (head's stamp, key -> JSON)
        self.written = 0  # bytes of memo rows (JSON) the last `delta` wrote
        self.distrusted: set[str] = set()  # places whose relink failed: their stored memo is not read back

    def _head(self, store: Any, place: str) -> Any:
        got = [items[0] for key, items in store.tracker(head_kind(place)) if key == kind(place) and items]
        return got[0] if got else None

    def read(self, store: Any, place: str, code: str) -> PlaceMemo | None:
        """The stored memo of `place` (None when there is none of this code), and what the store holds noted."""
        head = self._head(store, place)
        stored = {key: items[0] for key, items in store.tracker(kind(place)) if items}
        stamp = head.get("gen") if isinstance(head, dict) else None
        self.places[place] = (stamp, {key: _text(v) for key, v in stored.items()})
        return None if not isinstance(head, dict) else load(head, stored, place, code)

    def delta(self, store: Any, place: str, pm: PlaceMemo | None, code: str) -> Rows:
        """The rows that bring the store's memo of `place` to `pm` (None: no memo): changed rows, deleted ones,
        and a new head when anything changed. Read back first when another process wrote since this worker did."""
        known = self.places.get(place)
        head = self._head(store, place)
        stamp = head.get("gen") if isinstance(head, dict) else None
        if known is None or known[0] != stamp:
            self.read(store, place, code)
            known = self.places[place]
        old = known[1]
        new, docset = rows(pm, place) if pm is not None else ({}, [])
        texts = {key: _text(v) for key, v in new.items()}
        at = kind(place)
        out: Rows = {key: {at: [new[key]]} for key, t in texts.items() if old.get(key) != t}
        out.update({key: {at: []} for key in old if key not in texts})
        self.written = sum(len(texts.get(key, "")) for key in out)
        if pm is None:  # no memo: its rows and head go
            if head is not None:
                out[at] = out.get(at, {}) | {head_kind(place): []}
            self.places[place] = (None, {})
            return out
        new_head = {"version": VERSION, "code": code, "docset": docset}
        if not out and isinstance(head, dict) and {k: head.get(k) for k in new_head} == new_head:
            return {}  # the store holds this memo already
        gen = time.time_ns()
        out[at] = out.get(at, {}) | {head_kind(place): [new_head | {"gen": gen}]}
        self.written += len(_text(out[at][head_kind(place)][0]))
        self.places[place] = (gen, texts)
        return out

    def gone(self, store: Any, place: str) -> Rows:
        """Rows deleting every stored memo row of a municipality no document is in any more."""
        self.places.pop(place, None)
        out: Rows = {key: {kind(place): []} for key, _ in store.tracker(kind(place))}
        out[kind(place)] = out.get(kind(place), {}) | {head_kind(place): []}
        return out
