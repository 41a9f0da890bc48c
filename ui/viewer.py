"""The source viewer: a cited span opened in its document, highlighted, with its page.

One way everywhere: every citation on the page is a link to `/source/DOC?start=…&end=…` (see
`tables.source_href`); the page's script opens it here instead of in a new tab. For a PDF whose original
was kept (`Engine.original_path`: ingested and uploaded PDFs alike), the real page is rendered with PyMuPDF and the cited words are highlighted
on it, beside the extracted text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from granska.qa import display
from granska.ui import tables
from granska.ui.messages import Lang, msg, role_label

from granska.text import fold
from granska.types import Document

CONTEXT = 400  # characters shown before the span (the panel opens *at* the span)
ZOOM = 1.6  # PDF page render scale: about 115 dpi, readable at the panel's width
_WORD = re.compile(r"[^\W_]+")


def parse_href(href: str) -> tuple[str, int, int] | None:
    """(doc, start, end) from a citation address, or None for anything else."""
    url = urlparse(href or "")
    m = re.fullmatch(r"/source/(.+)", url.path)
    query = parse_qs(url.query)
    if m is None:
        return None
    try:
        return unquote(m.group(1)), int(query["start"][0]), int(query["end"][0])
    except (KeyError, ValueError, IndexError):
        return None


def meta_line(doc: Document, *, page: int | None, lang: Lang) -> str:
    m = doc.meta
    parts = [m.municipality or f"{msg('col_municipality', lang)} {msg('unknown', lang)}", role_label(m.role, lang)]
    parts.append(m.date or f"{msg('col_date', lang)} {msg('unknown', lang)}")
    if m.auditor:
        parts.append(m.auditor)
    if page is not None:
        parts.append(f"{msg('viewer_page', lang)} {page}")
    return " · ".join(parts)


def source_html(doc: Document, start: int, end: int, *, lang: Lang, damaged: bool | None = None) -> str:
    """Header, metadata, the repaired quote, and the extracted text around it with exactly
    `text[start:end]` inside `<mark id="hl">`."""
    text = doc.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - CONTEXT), min(len(text), end + 3 * CONTEXT)
    quote = tables.oneline(display.repair(text[start:end], damaged=damaged))
    link = tables.source_href({"doc": doc.doc, "start": start, "end": end})
    return (
        f'<section class="granska-source" data-doc="{html.escape(doc.doc)}" aria-label="{msg("viewer", lang)}">'
        f"<h2>{html.escape(tables.title_of(doc))}</h2>"
        f'<p class="granska-meta">{html.escape(meta_line(doc, page=doc.page_at(start), lang=lang))}'
        f" · <code>{html.escape(doc.doc)}</code> {start}–{end} · "
        f'<a href="{html.escape(link)}" target="_blank" rel="noopener" data-whole="1">'
        f"{msg('whole_document', lang)} ↗</a></p>"
        f'<blockquote class="granska-quote">{html.escape(quote)}</blockquote>'
        f"<h3>{msg('viewer_text', lang)}</h3>"
        '<pre class="granska-text" tabindex="0">'
        f"{'… ' if lo > 0 else ''}{html.escape(text[lo:start])}"
        f'<mark id="hl" data-start="{start}" data-end="{end}">{html.escape(text[start:end])}</mark>'
        f"{html.escape(text[end:hi])}{' …' if hi < len(text) else ''}</pre></section>"
    )


def _norm(word: str) -> str:
    return fold(word)


def render_pdf_page(pdf: Path, doc: Document, start: int, end: int):  # type: ignore[no-untyped-def]
    """The cited page of the original PDF as an image, with the cited words highlighted (None when the
    file is missing or unreadable)."""
    page_no = doc.page_at(start)
    if page_no is None or not pdf.is_file():
        return None
    import pymupdf
    from PIL import Image

    try:
        with pymupdf.open(pdf) as pdoc:
            page = pdoc[page_no - 1]
            words = page.get_text("words")
            cited = [_norm(w) for w in _WORD.findall(doc.text[start:end])]
            for rect in _cited_rects(words, cited):
                page.draw_rect(rect, color=None, fill=(1.0, 0.85, 0.2), fill_opacity=0.45, overlay=True)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), alpha=False)
            return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    except (RuntimeError, ValueError, IndexError):  # pymupdf raises these for damaged or changed files
        return None


def _cited_rects(words: list[tuple], cited: list[str]) -> list[tuple[float, float, float, float]]:
    """The rectangles of the page words that best line up with the cited words, in order."""
    if not cited or not words:
        return []
    page = [_norm(" ".join(_WORD.findall(w[4]))) for w in words]
    best, best_at = 0, 0
    for i in range(len(page)):
        hits = sum(1 for j, c in enumerate(cited) if i + j < len(page) and page[i + j] == c)
        if hits > best:
            best, best_at = hits, i
    if best == 0:
        return []
    span = words[best_at : best_at + len(cited)]
    return [tuple(w[:4]) for w, c in zip(span, cited, strict=False) if _norm(" ".join(_WORD.findall(w[4]))) == c]
