"""The tables people read, from one snapshot of the engine: documents, recommendations, responsibilities.

A `Snapshot` is taken once per refresh, so every table, filter choice and count on the page comes from the
same generation of the index. Rows keep their spans: a cell shows repaired text (`granska.qa.display`) and
links to the exact original span; exports carry both the original text and the offsets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from granska.qa import display
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.ui import render
from granska.ui.messages import Lang, msg, role_label, status_label

from granska.engine import Engine
from granska.text import oneline
from granska.types import Document, Span


@dataclass(frozen=True)
class Snapshot:
    """What the index holds at one moment: the same generation for every table on the page."""

    generation: str
    docs: dict[str, Document]
    passages: dict[str, int]
    recs: list[Recommendation]
    resps: list[Responsibility]
    damaged: dict[str, bool] = field(default_factory=dict)


def snapshot(engine: Engine) -> Snapshot:
    with engine._lock:  # one generation: no write may land between reading the documents and the tables
        docs = dict(engine.documents())  # a snapshot holds its documents, not a lazy view
        passages = {n: int(s["chunks"]) for n, s in engine.document_status().items()}
        recs = engine.recommendations() if docs else []
        resps = engine.responsibilities() if docs else []
    generation = hashlib.sha256("".join(f"{n}:{d.doc_sha256};" for n, d in sorted(docs.items())).encode())
    return Snapshot(
        generation.hexdigest()[:12],
        docs,
        passages,
        recs,
        resps,
        {n: _damaged(d) for n, d in docs.items()},
    )


_DAMAGE_CACHE: dict[str, bool] = {}


def _damaged(doc: Document) -> bool:
    if doc.doc_sha256 not in _DAMAGE_CACHE:
        _DAMAGE_CACHE[doc.doc_sha256] = display.is_damaged(doc.text)
    return _DAMAGE_CACHE[doc.doc_sha256]


def source_href(span: Span | dict[str, Any]) -> str:
    """The one address of a citation: the page opens it in the source viewer, a new tab as a page."""
    from urllib.parse import quote

    s = span if isinstance(span, dict) else {"doc": span.doc, "start": span.start, "end": span.end}
    return f"/source/{quote(str(s['doc']))}?start={s['start']}&end={s['end']}#hl"


def shown(snap: Snapshot, span: Span, *, limit: int | None = None) -> str:
    """A span's text as a reader sees it: OCR repaired, on one line, shortened to `limit` characters."""
    text = oneline(display.repair(span.text, damaged=snap.damaged.get(span.doc)))
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def md_link(text: str, span: Span | None) -> str:
    if span is None:
        return "–"
    return render.md_link(text, source_href(span))  # document text: shown literally, never as markup


def title_of(doc: Document) -> str:
    """A readable name: the title from metadata, else the file name without its hash-like stem."""
    return oneline(display.repair(doc.meta.title, damaged=False)) if doc.meta.title else doc.doc


# --- the three tables: each a list of rows (dicts of plain values) ------------------------------------
def _matches(value: str | None, wanted: list[str] | None) -> bool:
    return not wanted or (value or "") in wanted


def doc_rows(snap: Snapshot, lang: Lang, *, municipality: list[str] | None = None, role: list[str] | None = None):
    rows = []
    for name, d in sorted(snap.docs.items(), key=lambda kv: (title_of(kv[1]).lower(), kv[0])):
        m = d.meta
        if not (_matches(m.municipality, municipality) and _matches(role_label(m.role, lang), role)):
            continue
        rows.append(
            {
                "col_title": title_of(d),
                "col_doc": name,
                "col_municipality": m.municipality or "–",
                "col_role": role_label(m.role, lang),
                "col_date": m.date or "–",
                "col_pages": len(d.page_starts) if d.page_starts else 1,
                "col_passages": snap.passages.get(name, 0),
            }
        )
    return rows


def rec_rows(
    snap: Snapshot,
    lang: Lang,
    *,
    municipality: list[str] | None = None,
    year: list[str] | None = None,
    status: list[str] | None = None,
    ranked: list[str] | None = None,
) -> list[dict[str, Any]]:
    """ranked: recommendation ids best first (the engine's search); only those rows, in that order."""
    rows = []
    recs = snap.recs
    if ranked is not None:
        by_id = {r.id: r for r in snap.recs}
        recs = [by_id[i] for i in ranked if i in by_id]
    for r in recs:
        y = (r.date or "")[:4] if r.date and r.date[:4].isdigit() else None
        label = status_label(r.status, lang)
        if not (_matches(r.municipality, municipality) and _matches(y, year) and _matches(label, status)):
            continue
        rows.append(
            {
                "col_municipality": r.municipality or "–",
                "col_year": y or "–",
                "col_addressee": r.addressee,
                "col_recommendation": shown(snap, r.recommendation),
                "col_status": label,
                "col_response": shown(snap, r.response) if r.response else "–",
                "col_auditor": r.auditor or "–",
                "_status": r.status,
                "_id": r.id,
                "_spans": {"col_recommendation": r.recommendation, "col_response": r.response},
            }
        )
    return rows


def resp_rows(
    snap: Snapshot, lang: Lang, *, municipality: list[str] | None = None, body: list[str] | None = None
) -> list[dict[str, Any]]:
    rows = []
    for r in snap.resps:
        if not (_matches(r.municipality, municipality) and _matches(r.body, body)):
            continue
        rows.append(
            {
                "col_municipality": r.municipality or "–",
                "col_body": r.body,
                "col_responsibility": oneline(display.repair(r.responsibility, damaged=snap.damaged.get(r.source.doc))),
                "col_since": r.since or "–",
                "col_source": shown(snap, r.source),
                "_spans": {"col_source": r.source},
            }
        )
    return rows


def columns(rows: list[dict[str, Any]], fallback: list[str]) -> list[str]:
    keys = list(rows[0]) if rows else fallback
    return [k for k in keys if not k.startswith("_")]


DOC_COLUMNS = ["col_title", "col_doc", "col_municipality", "col_role", "col_date", "col_pages", "col_passages"]
REC_COLUMNS = [
    "col_municipality",
    "col_year",
    "col_addressee",
    "col_recommendation",
    "col_status",
    "col_response",
    "col_auditor",
]
RESP_COLUMNS = ["col_municipality", "col_body", "col_responsibility", "col_since", "col_source"]


def headers(cols: list[str], lang: Lang) -> list[str]:
    return [msg(c, lang) for c in cols]


def choices(snap: Snapshot, lang: Lang) -> dict[str, list[str]]:
    """Every filter's choices, from the same snapshot as the tables."""
    metas = [d.meta for d in snap.docs.values()]
    return {
        "municipality": sorted({m.municipality for m in metas if m.municipality}),
        "role": sorted({role_label(m.role, lang) for m in metas}),
        "year": sorted({m.year for m in metas if m.year}),
        "rec_municipality": sorted({r.municipality for r in snap.recs if r.municipality}),
        "rec_year": sorted({r.date[:4] for r in snap.recs if r.date and r.date[:4].isdigit()}),
        "status": sorted({status_label(r.status, lang) for r in snap.recs}),
        "resp_municipality": sorted({r.municipality for r in snap.resps if r.municipality}),
        "body": sorted({r.body for r in snap.resps}),
        "docs": sorted(snap.docs),
    }


def role_codes(labels: list[str] | None, lang: Lang) -> list[str]:
    """Document-type labels chosen in a filter, back to the codes the engine filters on."""
    codes = ("audit_report", "missive", "response", "other")
    return [c for c in codes if role_label(c, lang) in (labels or [])]


def status_counts(snap: Snapshot) -> list[tuple[str, str, str, int]]:
    """(municipality, year, status, count) for the status overview, straight from the engine's rows."""
    counts: dict[tuple[str, str, str], int] = {}
    for r in snap.recs:
        y = r.date[:4] if r.date and r.date[:4].isdigit() else "?"
        key = (r.municipality or "?", y, r.status)
        counts[key] = counts.get(key, 0) + 1
    return [(m, y, s, n) for (m, y, s), n in sorted(counts.items())]


# --- paging, sorting and searching a table (server side, over all rows, not only the shown page) ------
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class View:
    """How a table is shown: its search words, the column it is sorted by, and the page."""

    query: str = ""
    sort: str | None = None  # a column key; None keeps the table's own order (for a search: best first)
    descending: bool = False
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE


def search_rows(rows: list[dict[str, Any]], query: str, cols: list[str]) -> list[dict[str, Any]]:
    """Rows whose shown cells hold every word of `query` (folded: case, accents and OCR look-alikes)."""
    from granska.text import fold

    words = fold(query).split()
    if not words:
        return rows
    return [r for r in rows if all(w in fold(" ".join(str(r.get(c, "")) for c in cols)) for w in words)]


def sort_rows(rows: list[dict[str, Any]], col: str | None, *, descending: bool) -> list[dict[str, Any]]:
    """Sorted by one column: numbers as numbers, text by its folded form, empty cells ("–") last."""
    if not col or not rows or col not in rows[0]:
        return rows
    from granska.text import fold

    def key(r: dict[str, Any]) -> tuple[int, float, str]:
        v = r.get(col)
        if isinstance(v, int | float):
            return (0, float(v), "")
        text = str(v or "").strip()
        return (1 if text in ("", "–") else 0, 0.0, fold(text))

    filled = [r for r in rows if key(r)[0] == 0]
    empty = [r for r in rows if key(r)[0] == 1]
    return sorted(filled, key=key, reverse=descending) + empty


def page_of(rows: list[dict[str, Any]], view: View) -> tuple[list[dict[str, Any]], int, int]:
    """The rows of `view.page` (clamped into range), that page's number, and how many pages there are."""
    size = max(1, int(view.size))
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, int(view.page)), pages)
    return rows[(page - 1) * size : page * size], page, pages


def page_info(total: int, page: int, pages: int, size: int, lang: Lang) -> str:
    if total == 0:
        return msg("page_none", lang)
    first = (page - 1) * size + 1
    return msg("page_info", lang, page=page, pages=pages, first=first, last=min(total, page * size), total=total)
