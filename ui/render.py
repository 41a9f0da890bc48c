"""HTML and Markdown renderings of our records, shared by the JSON API's source page and the Gradio UI.

Document text and metadata come from uploaded files, so from anyone: every piece of it is escaped where it is
put into Markdown or HTML (md_escape, html.escape), and the finished HTML passes an allow-list sanitiser
(nh3) as a second wall, so a document holding <script>, <img onerror=…> or javascript: links shows them as
text and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import quote

from granska.types import Answer, Document, Span

ROLE_LABELS = {
    "sv": {"audit_report": "granskningsrapport", "missive": "missiv", "response": "svar", "other": "övrigt"},
    "en": {"audit_report": "audit report", "missive": "missive", "response": "response", "other": "other"},
}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:])")
# What our own HTML uses; nothing else survives (no script, no event handlers, no foreign URL schemes).
_TAGS = {"div", "h3", "p", "code", "a", "pre", "mark", "span", "em", "strong"}
_ATTRS = {
    "*": {"class", "id", "data-doc", "data-start", "data-end"},
    "a": {"href", "target"},
    "pre": {"style"},
}
SCROLL_SCRIPT = "document.getElementById('hl').scrollIntoView({block:'center'})"
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCROLL_SCRIPT.encode()).digest()).decode()
SOURCE_PAGE_CSP = (
    f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: every punctuation mark it could read as markup backslash-escaped,
    and <, > and & as entities, so no tag, link, image or autolink can be formed from it."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")


def md_link(text: str, url: str) -> str:
    """A Markdown link whose visible text is shown literally; url must be one we built (source_url)."""
    return f"[{md_escape(text)}]({url})"


def clean_html(fragment: str) -> str:
    """Our HTML through the allow-list: whatever slipped past escaping is dropped, links get rel=noopener."""
    import nh3

    return nh3.clean(
        fragment, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https"}, link_rel="noopener noreferrer"
    )


def source_url(span: Span) -> str:
    return f"/source/{quote(span.doc)}?start={span.start}&end={span.end}#hl"


def meta_line(doc: Document, *, page: int | None = None, lang: str = "sv") -> str:
    m = doc.meta
    parts = [
        m.municipality or ("kommun okänd" if lang == "sv" else "municipality unknown"),
        ROLE_LABELS[lang].get(m.role, m.role),
        m.date or ("datum okänt" if lang == "sv" else "date unknown"),
    ]
    if m.auditor:
        parts.append(m.auditor)
    if page is not None:
        parts.append(f"{'sida' if lang == 'sv' else 'page'} {page}")
    return " · ".join(parts)


def source_html(doc: Document, start: int, end: int, *, lang: str = "sv", context: int | None = None) -> str:
    """The document with text[start:end] in a <mark id="hl">; the mark's text is exactly that span.

    context: show only this many characters around the span (the UI panel opens *at* the span, since it
    cannot scroll by script), with a link to the whole document.
    """
    text = doc.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = (0, len(text)) if context is None else (max(0, start - context), min(len(text), end + 3 * context))
    title = html.escape(doc.meta.title or doc.doc)
    whole = "hela dokumentet" if lang == "sv" else "whole document"
    link = (
        ""
        if context is None
        else f' · <a href="{source_url(Span(doc.doc, start, end, None, "", 0.0))}" target="_blank">{whole} ↗</a>'
    )
    return clean_html(
        f'<div class="granska-source" data-doc="{html.escape(doc.doc)}">'
        f"<h3>{title}</h3>"
        f'<p class="granska-meta"><code>{html.escape(doc.doc)}</code> · {html.escape(meta_line(doc, page=doc.page_at(start), lang=lang))}'
        f" · {start}–{end}{link}</p>"
        '<pre style="white-space:pre-wrap;font-family:inherit">'
        f"{'… ' if lo > 0 else ''}{html.escape(text[lo:start])}"
        f'<mark id="hl" data-start="{start}" data-end="{end}">{html.escape(text[start:end])}</mark>'
        f"{html.escape(text[end:hi])}{' …' if hi < len(text) else ''}</pre></div>"
    )


def source_page(doc: Document, start: int, end: int) -> str:
    """A standalone page (what a citation link opens), scrolled to the highlighted span."""
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(doc.doc)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "mark{background:#ffe066;padding:0 .1em}</style></head><body>"
        f"{source_html(doc, start, end)}"
        f"<script>{SCROLL_SCRIPT}</script></body></html>"
    )


def answer_markdown(answer: Answer, *, lang: str = "sv") -> str:
    """The chat rendering: each quoted sentence keeps its numbered marker, linked to the source span."""
    if answer.abstained:
        note = "Inga stödjande källor hittades." if lang == "sv" else "No supporting sources were found."
        return f"> ⚠️ *{md_escape(answer.answer)}*\n>\n> {note}"
    out: list[str] = []
    linked: set[int] = set()
    for piece in re.split(r"(\[\d+\])", answer.answer):
        m = re.fullmatch(r"\[(\d+)\]", piece)
        i = int(m.group(1)) if m else 0
        if m and 1 <= i <= len(answer.citations) and i not in linked:
            linked.add(i)
            out.append(f"[\\[{i}\\]]({source_url(answer.citations[i - 1])})")
        else:
            out.append(md_escape(piece))
    return "".join(out)


def citation_label(i: int, span: Span, doc: Document | None, *, lang: str = "sv") -> str:
    where = meta_line(doc, page=span.page, lang=lang) if doc else span.doc
    return f"[{i}] {where} — {span.doc} {span.start}–{span.end}"
