"""Each document's recommendations: candidate units scored by the shipped classifier (rule hits always kept),
with their addressees, kept per document across relinks (`extract`).

Relinking a municipality after one of its documents changes reads all its documents again; what one document
yields depends only on its text, pages, metadata and the shipped model, so that is kept per document (as spans
and strings: a few hundred bytes a recommendation, never the document's text), and a relink costs its new
document plus the linking. Only the shipped model's results are kept (it is read once per process, so it is not
part of the key): a model passed in (the LOMO folds) is another model each time. `rec_found` stores them beside
the rows so a new process need not extract again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from granska.qa import addressees, rec_model, rec_rules
from granska.qa.rec_features import features
from granska.qa.rec_rules import Found
from granska.qa.rec_units import Unit, segment

from granska.text import fold_keep
from granska.types import Document, Span

OVERLAP = 0.5  # share of a unit a rule hit must cover to be that unit


def _span(doc: Document, start: int, end: int) -> Span:
    return Span(doc.doc, start, end, doc.page_at(start), doc.text[start:end], 1.0)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Share of a covered by b."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / max(1, a[1] - a[0])


def unit_features(doc: Document) -> list[tuple[Unit, dict[str, float], Found | None]]:
    """Every candidate unit with its features and the rule hit it is, if any (what the classifier sees)."""
    rules = rec_rules.extract(doc)
    units = segment(doc)
    folded = fold_keep(doc.text)
    out = []
    for i, u in enumerate(units):
        hit = next((r for r in rules if _overlaps((u.start, u.end), (r.span.start, r.span.end)) >= OVERLAP), None)
        out.append((u, features(doc, folded, units, i, hit is not None), hit))
    return out


def scored_units(doc: Document, model: rec_model.Model | None) -> list[tuple[Unit, float, Found | None]]:
    """Every candidate unit with the classifier's probability and the rule hit it is, if any."""
    return [(u, model.probability(x) if model else float(hit is not None), hit) for u, x, hit in unit_features(doc)]


def _addressee(doc: Document, folded: str, u: Unit) -> str | None:
    return (
        addressees.in_text(doc, folded, u.start, u.end)
        or (addressees.in_text(doc, folded, *u.intro) if u.intro else None)
        or addressees.assessed_before(doc, folded, u.intro[0] if u.intro else u.start)
    )


EXTRACT_CACHE = 50_000  # documents
_extracted: OrderedDict[tuple[str, bytes], list[tuple[Any, ...]]] = OrderedDict()
_extracted_lock = threading.Lock()  # the relinking thread and a reader's full rebuild may both extract


def _document_key(doc: Document) -> tuple[str, bytes]:
    h = hashlib.blake2b(doc.text.encode("utf-8"), digest_size=16)
    h.update(repr((doc.page_starts, doc.meta)).encode("utf-8"))
    return doc.doc, h.digest()


def extract(doc: Document, *, model: rec_model.Model | None = None, method: str = "model") -> list[Found]:
    """Every recommendation stated or quoted in one document, in order ("rules": today's rules only)."""
    if method == "rules":
        return rec_rules.extract(doc)
    if model is not None:
        return _extract(doc, model)
    return _extract_kept(doc, _document_key(doc))


def _extract_kept(doc: Document, key: tuple[str, bytes]) -> list[Found]:
    """The shipped model's recommendations of `doc` (its `_document_key` given: a relink hashes a text once)."""
    with _extracted_lock:
        kept = _extracted.get(key)
        if kept is not None:
            _extracted.move_to_end(key)
    if kept is None:
        found = _extract(doc, rec_model.default())
        kept = [(f.addressee, f.span, f.context, f.label, f.section, f.confidence) for f in found]
        with _extracted_lock:
            _extracted[key] = kept
            if len(_extracted) > EXTRACT_CACHE:
                _extracted.popitem(last=False)
    return [Found(doc, *fields) for fields in kept]


def _extract(doc: Document, model: rec_model.Model | None) -> list[Found]:
    folded = fold_keep(doc.text)
    found: list[tuple[Unit | None, Found]] = []
    for u, p, hit in scored_units(doc, model):
        if hit is not None:
            found.append((u, Found(doc, hit.addressee, hit.span, hit.context, u.label, u.section, max(p, 0.5))))
        elif model is not None and p >= model.threshold:
            intro = doc.text[u.intro[0] : u.intro[1]] + " " if u.intro else ""
            span = _span(doc, u.start, u.end)
            found.append((u, Found(doc, _addressee(doc, folded, u), span, intro + span.text, u.label, u.section, p)))
    seen: set[tuple[int, int]] = set()
    unique = []
    for u, f in found:  # a rule hit spanning two units is one recommendation
        if (f.span.start, f.span.end) not in seen:
            seen.add((f.span.start, f.span.end))
            unique.append((u, f))
    return _fill_addressees(doc, folded, unique)


def _fill_addressees(doc: Document, folded: str, found: list[tuple[Unit | None, Found]]) -> list[Found]:
    """An item naming no body takes its list's one addressee, else the document's own (a missive's "Till X")."""
    by_intro: dict[tuple[int, int] | None, set[str]] = {}
    for u, f in found:
        if u is not None and u.intro and f.addressee:
            by_intro.setdefault(u.intro, set()).add(f.addressee)
    own = addressees.of_document(doc, folded)
    out = []
    for u, f in found:
        name = f.addressee
        if name is None and u is not None and u.intro and len(by_intro.get(u.intro, ())) == 1:
            name = next(iter(by_intro[u.intro]))
        out.append(Found(f.doc, name or own, f.span, f.context, f.label, f.section, f.confidence))
    return out
