"""A municipality's link memo kept in the tracker tables, so the first relink after a restart is incremental too.

`rec_relink` keeps, per municipality, what its last build found (each link with its contenders and segment
bounds, each follow-up verdict pair) in the worker process. A new process (a restart, a killed child) started
with none, and its first relink of a municipality linked every recommendation of it in full (4.6 s CPU at 9k
passages, where the next relink took 0.23 s). Here the background writes each municipality's memo as one row
beside its rows, in the same transaction (key and kind `memo:<place>`: a worker reads one municipality's row
through `Store.tracker(kind)` without reading the others'), and a worker without a memo of that municipality
reads it back before relinking it. The row names the tracker code; every document in it is named by its text's
digest (`recommendations._document_key`), so a link is only ever reused against the documents it was computed
from, as within one process: a row of another code or another shape is ignored (the links are computed again).
Floats are written as JSON writes them (`repr`, which reads back to the same float), so reused links and their
bounds are those the process had.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from granska.qa import rec_relink
from granska.qa.rec_relink import Contender, Link, PlaceMemo, Segment

from granska.types import Span

PREFIX = "memo:"
VERSION = 1  # the row's own layout


def kind(place: str) -> str:
    """Key and kind of a municipality's memo row."""
    return f"{PREFIX}{place}"


class _Docs:
    """Document keys (name, digest) numbered once per row."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.rows: list[list[str]] = []

    def __call__(self, key: Any) -> int:
        got = self.index.get(key)
        if got is None:
            got = self.index[key] = len(self.rows)
            self.rows.append([key[0], key[1].hex()])
        return got


def _span(s: Span | None) -> list[Any] | None:
    return None if s is None else [s.doc, s.start, s.end, s.page, s.text, s.score]


def _unspan(v: list[Any] | None) -> Span | None:
    return None if v is None else Span(v[0], int(v[1]), int(v[2]), v[3], v[4], float(v[5]))


def _verdict_list(vs: list[tuple[str, Span]] | None) -> list[Any] | None:
    return None if vs is None else [[v, _span(s)] for v, s in vs]


def _unverdict_list(v: list[Any] | None) -> list[tuple[str, Span]] | None:
    return None if v is None else [(str(name), _unspan(s)) for name, s in v]  # type: ignore[misc]


def dump(pm: PlaceMemo, code: str) -> dict[str, Any]:
    """One municipality's memo as a JSON row (its links and verdict pairs; the siblings' counts are counted
    afresh from the recommendations when read back: the same integers)."""
    docs = _Docs()
    recs: dict[Any, int] = {}
    rec_rows: list[list[Any]] = []
    docsets: dict[frozenset[Any], int] = {}
    set_rows: list[list[int]] = []

    def rec(key: Any) -> int:
        got = recs.get(key)
        if got is None:
            got = recs[key] = len(rec_rows)
            rec_rows.append([docs(key[0]), *key[1:]])
        return got

    def docset(s: frozenset[Any]) -> int:
        got = docsets.get(s)
        if got is None:
            got = docsets[s] = len(set_rows)
            set_rows.append(sorted(docs(k) for k in s))
        return got

    links = []
    for key, link in pm.links.items():
        links.append(
            [
                rec(key),
                docset(link.docs),
                link.kind,
                _span(link.result[0]),
                link.result[1],
                [[docs(c.doc), c.unit, c.terms.tolist(), list(c.fixed), c.refers] for c in link.contenders],
                [[seg.ref, seg.best] for seg in link.segments],
                None if link.overall is None else [docs(link.overall[0]), link.overall[1]],
                None if link.hit is None else docs(link.hit),
            ]
        )
    verdicts = [
        [rec(r), docs(d), _verdict_list(kept[0]), _verdict_list(kept[1])] for (r, d), kept in pm.verdicts.items()
    ]
    return {"version": VERSION, "code": code, "docs": docs.rows, "recs": rec_rows, "docsets": set_rows,
            "links": links, "verdicts": verdicts}  # fmt: skip


def load(stored: Any, code: str) -> PlaceMemo | None:
    """The memo a row holds, if it is of this code and this layout (else None: computed again)."""
    try:
        if stored.get("code") != code or stored.get("version") != VERSION:
            return None
        docs = [(name, bytes.fromhex(digest)) for name, digest in stored["docs"]]
        recs: list[rec_relink.RecKey] = [(docs[d], *rest) for d, *rest in stored["recs"]]
        docsets = [frozenset(docs[i] for i in s) for s in stored["docsets"]]
        pm = PlaceMemo()
        for r, ds, kind_, span, status, contenders, segments, overall, hit in stored["links"]:
            pm.links[recs[r]] = Link(
                docsets[ds],
                kind_,
                (_unspan(span), status),
                tuple(
                    Contender(docs[d], int(u), np.array(terms, np.float64).reshape(2, -1), tuple(fixed), bool(refers))  # type: ignore[arg-type]
                    for d, u, terms, fixed, refers in contenders
                ),
                tuple(Segment({str(x): float(v) for x, v in ref.items()}, float(best)) for ref, best in segments),
                None if overall is None else (docs[overall[0]], int(overall[1])),
                None if hit is None else docs[hit],
            )
        for r, d, own, title in stored["verdicts"]:
            pm.verdicts[(recs[r], docs[d])] = [_unverdict_list(own), _unverdict_list(title)]
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):  # another shape: computed again
        return None
    return pm
