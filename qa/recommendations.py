"""The recommendation tracker: what the auditors recommended, to whom, what the body answered, what became of it.

Candidates are the sentences and list items of every document (`granska.qa.rec_units`, each joined to its
list introduction); a logistic-regression classifier over layout and grammar features (`rec_features`,
weights fitted by `python -m granska.eval.fit_tracker`) keeps the recommendations; today's rules
(`rec_rules`) are one of its features and their hits are always kept. The addressee is read from grammar
(`addressees`). The same recommendation quoted in a missive, a report, an answer and a follow-up is one row
whose `quoted_in` lists the quotations; each row links to the answer passage that responds to it and keeps a
dated `status_history` (`linking`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from granska.qa import bodies, linking, rec_index, rec_model, rec_relink
from granska.qa.evidence import Weights
from granska.qa.rec_extract import _document_key, _extract_kept, extract, scored_units, unit_features
from granska.qa.rec_rules import Found

from granska.text import fold
from granska.types import Document, Span

__all__ = ["Recommendation", "build", "extract", "place", "scored_units", "unit_features"]
STATUSES = (
    "answered",
    "partly",
    "rejected",
    "not_answered",
    "no_response_in_corpus",
    # A follow-up's verdict, when a later follow-up rules on the recommendation:
    "implemented",
    "partly_implemented",
    "not_implemented",
    "in_progress",
)
SAME_AT = rec_index.SAME_AT  # word-shape Jaccard above which two texts are the same recommendation


def _span_dict(s: Span | dict[str, Any] | None) -> dict[str, Any] | None:
    if s is None:
        return None
    if isinstance(s, dict):  # status_history entries hold their span as a dict once stored and read back
        return {k: s[k] for k in ("doc", "start", "end", "page", "text")}
    return {"doc": s.doc, "start": s.start, "end": s.end, "page": s.page, "text": s.text}


@dataclass(slots=True)
class Recommendation:
    id: str
    municipality: str | None
    addressee: str | None
    recommendation: Span
    response: Span | None
    status: str
    auditor: str | None
    date: str | None
    quoted_in: list[Span] = field(default_factory=list)  # the same recommendation quoted elsewhere
    status_history: list[dict[str, Any]] = field(default_factory=list)  # {status, date, span}, oldest first
    section: str | None = None  # the heading above the recommendation
    confidence: float = 1.0  # the classifier's probability (1.0 for a rule hit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "municipality": self.municipality,
            "addressee": self.addressee,
            "recommendation": _span_dict(self.recommendation),
            "response": _span_dict(self.response),
            "status": self.status,
            "auditor": self.auditor,
            "date": self.date,
            "quoted_in": [_span_dict(s) for s in self.quoted_in],
            "status_history": [{**h, "span": _span_dict(h["span"])} for h in self.status_history],
            "section": self.section,
            "confidence": round(self.confidence, 3),
        }


@lru_cache(maxsize=65_536)  # asked for every document at every relink; a pure function of the spelling
def place(municipality: str | None) -> str | None:
    """Comparable form of a municipality ("X Stad" == "X stad"; "Region Y" != "Y kommun")."""
    if not municipality:
        return None
    words = [w for w in fold(municipality).split() if w not in ("kommun", "stad", "kommuns", "stads")]
    return " ".join(w.rstrip("s") for w in words) or None


@lru_cache(maxsize=65_536)  # asked for every pair a grouping tests; a pure function of the spelling
def _body_key(name: str) -> str:
    return bodies.key(name)


def _same_body(a: str | None, b: str | None) -> bool:
    return a is None or b is None or _body_key(a) == _body_key(b)


def build(
    documents: dict[str, Document],
    *,
    model: rec_model.Model | None = None,
    method: str = "model",
    memo: rec_relink.Memo | None = None,
) -> list[Recommendation]:
    """The tracker over a corpus: de-duplicated recommendations, each linked to its response and follow-ups.

    `memo`: what the last build of these municipalities left (`rec_relink`): only the links and verdicts a change
    can move are computed again, with rows identical to a build without it (the shipped model only)."""
    if model is not None or method != "model":
        memo = None  # the memo holds links of the shipped model's recommendations
    ordered = sorted(documents.values(), key=lambda d: (*found_rank(d), d.doc))
    shipped = model is None and method == "model"
    # Each text hashed once: the extraction cache and the memo are keyed by the same digest.
    keys = {d.doc: _document_key(d) for d in documents.values()} if shipped else None
    found = [
        f
        for d in ordered
        for f in (_extract_kept(d, keys[d.doc]) if keys is not None else extract(d, model=model, method=method))
    ]
    places = _Places(documents)
    groups = rec_index.group(
        found,
        place_of=lambda f: places.of(f.doc),
        same_body=lambda g, f: _same_body(g.addressee, f.addressee),
    )
    taken: dict[str, list[tuple[int, int]]] = {}
    for f in found:
        taken.setdefault(f.span.doc, []).append((f.span.start, f.span.end))
    # What sets a recommendation apart from its siblings ("spridningen", not "Program för ett integrerat samhälle"),
    # weighed within its own municipality: links never cross places, so neither do their statistics (and the
    # engine can rebuild one municipality's rows alone, with the same result as a build over the corpus).
    by_place: dict[str, list[list[Found]]] = {}
    for g in groups:
        by_place.setdefault(_group_place(g), []).append(g)
    # With a memo (the background's relink) siblings, verdicts and links start from the last build's.
    keys = keys if memo is not None else None
    contexts = {key: [g[0].context for g in gs] for key, gs in by_place.items()}
    siblings = {
        key: memo.siblings(key, ctx) if memo is not None else rec_index.Siblings(ctx) for key, ctx in contexts.items()
    }
    verdicts = _verdicts(groups, places, taken, memo=memo, keys=keys)
    linked = None if memo is None or keys is None else _memo_linker(memo, places, taken, keys, siblings)
    rows = [
        _row(g, documents, places, taken, siblings[_group_place(g)], verdicts[i], linked=linked)
        for i, g in enumerate(groups)
    ]
    if memo is not None:
        memo.finish(set(by_place))
    return rows


def _memo_linker(
    memo: rec_relink.Memo,
    places: _Places,
    taken: dict[str, list[tuple[int, int]]],
    keys: dict[str, Any],
    siblings: dict[str, rec_index.Siblings],
) -> Callable[[list[Found], list[Document], set[str]], tuple[Span | None, str]]:
    """A group's link through the memo: one relink context per municipality, built at its first group."""
    contexts: dict[str | None, rec_relink.Context] = {}

    def linked(g: list[Found], responses: list[Document], own: set[str]) -> tuple[Span | None, str]:
        here = places.of(g[0].doc)
        if here not in contexts:
            contexts[here] = rec_relink.Context(responses, taken, keys)
        pm = memo.place(_group_place(g))
        key = rec_relink.rec_key(g[0], keys)
        return rec_relink.link(g[0], contexts[here], siblings[_group_place(g)], own, pm, key, memo.stats)

    return linked


class _Places:
    """The corpus's documents by municipality, in corpus order, read once per build (a row asks for its
    place's responses and follow-ups; scanning every document per row is quadratic in the place)."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.members: dict[str, list[Document]] = {}
        for d in documents.values():
            here = self.of(d)
            if here:
                self.members.setdefault(here, []).append(d)
        self.responses = {k: [d for d in ds if d.meta.role == "response"] for k, ds in self.members.items()}
        self.follow_ups = {k: [d for d in ds if linking.is_follow_up(d)] for k, ds in self.members.items()}

    def of(self, doc: Document) -> str | None:
        return place(doc.meta.municipality)


def _follow_ups_of(places: _Places, doc: Document) -> list[Document]:
    here = places.of(doc)
    return places.follow_ups.get(here, []) if here else []


def _verdicts(
    groups: list[list[Found]],
    places: _Places,
    taken: dict[str, list[tuple[int, int]]],
    *,
    memo: rec_relink.Memo | None = None,
    keys: dict[str, Any] | None = None,
) -> list[list[tuple[str, Span]]]:
    """Each group's follow-up verdicts: those on the recommendation itself (by its words); where there are none,
    the verdict on its audit as a whole (by the audit's title), unless that passage is the verdict another
    recommendation of the place has by its own words. A follow-up that goes through an audit's recommendations one
    by one shares the audit's title words with every verdict line; the title would give each the first one's.
    With a memo, each (recommendation, follow-up) verdict is computed once and kept (a follow-up rules on each
    recommendation on its own: the verdicts of a list of follow-ups are each one's in turn)."""
    later = [_follow_ups_of(places, g[0].doc) for g in groups]
    pools: dict[str, list[linking.Passage]] = {}  # each follow-up's verdict passages, read once per build

    def ruled(g: list[Found], docs: list[Document], title: str = "") -> list[tuple[str, Span]]:
        if memo is None or keys is None:
            return linking.follow_ups(g[0], docs, taken, title=title, pools=pools)
        pm, rec, slot = memo.place(_group_place(g)), rec_relink.rec_key(g[0], keys), 1 if title else 0
        out = []
        for doc in docs:
            pair = (rec, keys[doc.doc])
            kept = pm.next_verdicts.get(pair) or pm.verdicts.get(pair) or [None, None]
            pm.next_verdicts[pair] = kept
            if kept[slot] is None:
                kept[slot] = linking.follow_ups(g[0], [doc], taken, title=title, pools=pools)
            out.extend(kept[slot])
        return out

    own = [ruled(g, docs) if docs else [] for g, docs in zip(groups, later, strict=True)]
    claimed: dict[str, set[tuple[str, int]]] = {}
    for g, vs in zip(groups, own, strict=True):
        claimed.setdefault(_group_place(g), set()).update((sp.doc, sp.start) for _, sp in vs)
    out = []
    for g, docs, vs in zip(groups, later, own, strict=True):
        if not vs and docs:
            by_title = ruled(g, docs, title=_title(g[0].doc))
            vs = [(v, sp) for v, sp in by_title if (sp.doc, sp.start) not in claimed[_group_place(g)]]
        out.append(vs)
    return out


def found_rank(doc: Document) -> tuple[bool, bool]:
    """Where a document comes in the order a build reads documents (then by name): reports and others first,
    follow-ups after them, answers last (a recommendation's group, and its quotations, follow that order)."""
    return doc.meta.role == "response", linking.is_follow_up(doc)


def _group_place(g: list[Found]) -> str:
    """The municipality a group belongs to; a document of unknown place is a place of its own."""
    return place(g[0].doc.meta.municipality) or f"?{g[0].doc.doc}"


def _title(doc: Document) -> str:
    """The audit's name as a follow-up would cite it: the metadata title, else the document's first line."""
    return doc.meta.title or doc.text.strip().split("\n", 1)[0][:200]


def _row(
    g: list[Found],
    documents: dict[str, Document],
    places: _Places,
    taken: dict[str, list[tuple[int, int]]],
    siblings: Weights,
    verdicts: list[tuple[str, Span]],
    *,
    linked: Callable[[list[Found], list[Document], set[str]], tuple[Span | None, str]] | None = None,
) -> Recommendation:
    first = g[0]
    meta = first.doc.meta
    here = places.of(first.doc)
    responses = places.responses.get(here, []) if here else []
    own = {f.span.doc for f in g}
    if linked is None:
        response, status = linking.best_response(first, responses, taken, siblings, own)
    else:
        response, status = linked(g, responses, own)
    history: list[dict[str, Any]] = []
    if response is not None:
        history.append({"status": status, "date": documents[response.doc].meta.date, "span": response})
    for verdict, span in verdicts:
        history.append({"status": verdict, "date": documents[span.doc].meta.date, "span": span})
    history.sort(key=lambda h: str(h["date"] or ""))
    s = first.span
    return Recommendation(
        id=hashlib.sha256(f"{s.doc}:{s.start}:{s.end}".encode()).hexdigest()[:12],
        municipality=meta.municipality,
        addressee=first.addressee,
        recommendation=s,
        response=response,
        status=history[-1]["status"] if history else status,
        auditor=meta.auditor,
        date=meta.date,
        quoted_in=[x.span for x in g[1:]],
        status_history=history,
        section=first.section,
        confidence=max(x.confidence for x in g),
    )
