"""What the tracker's stored tables need from the tracker: the key a document's rows are kept under, the
order rows are shown in, rows read back tolerantly, and the caveat an answer carries while they are rebuilt."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from granska.index import rows as tracker_rows
from granska.qa import recommendations

from granska.text import language
from granska.types import Answer, DocMeta, Span

# Answers made from the tables' rows, and the one made where the table had none (a report's list section).
TABLE_GENERATORS = ("recommendations", "responses", "responsibilities", "recommendations-section")


def stale_caveat(answer: Answer, left: int, *, pending: int = 0) -> Answer:
    """The answer with a sentence saying the list may be incomplete: the tables are being rebuilt after an
    upgrade (`left` municipalities to go), or `pending` documents' rows wait for the background (an ingest
    stopped before it computed them); notes `tracker_stale`, `tracker_rebuilding`, `tracker_pending`."""
    en = language(answer.question) == "en"
    if left:
        note = (
            f"(The tracker tables are being rebuilt after an upgrade, {left} municipalities left: this list may be"
            " incomplete.)"
            if en
            else f"(Spårningstabellerna byggs om efter en uppgradering, {left} kommuner kvar: listan kan vara ofullständig.)"
        )
    else:
        note = (
            f"(The tracker tables are still being computed for {pending} documents: this list may be incomplete.)"
            if en
            else f"(Spårningstabellerna beräknas ännu för {pending} dokument: listan kan vara ofullständig.)"
        )
    notes = {**answer.notes, "tracker_stale": True, "tracker_rebuilding": left, "tracker_pending": pending}
    return replace(answer, answer=f"{answer.answer} {note}", notes=notes)


def place_key(meta: DocMeta, name: str) -> str:
    """Recommendations link within a municipality; a document whose municipality is unknown links to none,
    so it is its own group (else every such document would be rebuilt with each new one)."""
    place = recommendations.place(meta.municipality)  # the same comparison the tracker links by
    return place if place else f"?{name}"


def corpus_order(span: Span, metas: dict[str, DocMeta]) -> tuple[bool, str, int]:
    """The order the tables had when built over the whole corpus: reports before responses, then by name."""
    meta = metas.get(span.doc)
    return (meta is not None and meta.role == "response", span.doc, span.start)


def quote_of(rows: list[Any]) -> str | None:
    """The key of the recommendation a stored row of quotations belongs to (`rec_work.quote_rows`), else None."""
    if rows and isinstance(rows[0], dict) and isinstance(of := rows[0].get("quote_of"), str):
        return of
    return None


def with_quotes(stored: list[tuple[str, list[Any]]], loaded: list[list[Any]]) -> list[list[Any]]:
    """The recommendations read back (`loaded`: each stored row's objects, in the store's key order) with the
    quotations stored in rows of their own appended to their `quoted_in`, in key order (the list's order); a
    row's own `quoted_in` (the older layout, or a list not split) comes first. Rows without quotations are the
    objects given; a quote row gives none."""
    quotes: dict[str, list[tuple[str, list[Any]]]] = {}
    for key, rows in stored:
        if (of := quote_of(rows)) is not None:
            quotes.setdefault(of, []).append((key, rows[0].get("spans") or []))
    out: list[list[Any]] = []
    for (key, rows), objects in zip(stored, loaded, strict=True):
        if quote_of(rows) is not None:
            out.append([])
            continue
        spans = [s for _, got in sorted(quotes.get(key, [])) for s in got]
        if spans:
            more = [tracker_rows.load(Span, s) for s in spans]
            objects = [replace(r, quoted_in=[*r.quoted_in, *more]) for r in objects]
        out.append(objects)
    return out


def loaded_rows(cls: type[Any], rows: list[Any]) -> list[Any]:
    """Rows read back as `cls`; a row another code's version wrote in another shape is left out (it is
    being rebuilt)."""
    out = []
    for r in rows:
        try:
            out.append(tracker_rows.load(cls, r))
        except (TypeError, KeyError, AttributeError):
            continue
    return out
