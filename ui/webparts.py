"""Pieces of the page that are not layout: its style, its one script, and the renderings of answers,
source lists and tables (kept apart from `web.py` so each stays readable)."""

from __future__ import annotations

import html
import re
from typing import Any

from granska.ui import tables
from granska.ui.messages import STATUS_COLOURS, Lang, msg, status_label

from granska.types import Answer

# Proportional type in tables, words wrapped whole, the highlight dark-on-yellow (contrast 12:1),
# and nothing wider than the phone screen.
CSS = """
:root, .gradio-container {
  --color-accent: #1f5fa8; --color-accent-soft: #e8f0fa;
  --button-primary-background-fill: #1f5fa8; --button-primary-background-fill-hover: #174a85;
  --button-primary-text-color: #ffffff; --button-primary-border-color: #1f5fa8;
  --button-cancel-background-fill: #a4262c; --button-cancel-text-color: #ffffff;
  --input-placeholder-color: #5f5f69; --body-text-color-subdued: #4f4f58; --link-text-color: #1a4f8b;
}
.gradio-container { max-width: 1600px !important; }
footer a, footer button, .show-api { color: #3d3d45 !important; }
#counts, #counts * { overflow: visible !important; }
.granska-hidden { display: none !important; }
#rec-table, #resp-table, #docs-table { --font-mono: var(--font); font-family: var(--font); }
#rec-table .cell-wrap, #resp-table .cell-wrap, #docs-table .cell-wrap,
#rec-table .cell-wrap *, #resp-table .cell-wrap *, #docs-table .cell-wrap * {
  white-space: normal !important; word-break: normal !important; overflow-wrap: normal !important;
  hyphens: manual; font-family: var(--font) !important; }
#viewer mark, .granska-source mark { background: #ffe066; color: #000; padding: 0 .1em; }
.granska-text { white-space: pre-wrap; font-family: var(--font); max-height: 60vh; overflow: auto;
  border: 1px solid var(--border-color-primary); padding: .6em; }
.granska-quote { border-left: 4px solid #ffb000; margin: .5em 0; padding: .3em .8em; }
.granska-meta { color: var(--body-text-color); }
.granska-h { font-size: 1.15rem !important; margin: .6em 0 .2em !important; }
.granska-source h2 { font-size: 1.3rem !important; }
ol.granska-sources { padding-left: 1.4em; }
ol.granska-sources li { margin: .35em 0; }
ol.granska-sources a { text-decoration: underline; }
@media (max-width: 640px) {
  #main, #top { flex-direction: column; }
  #main > div, #top > div { min-width: 0 !important; width: 100% !important; }
  .gradio-container { padding: 0 6px !important; }
  .granska-text { max-height: 40vh; }
}
"""

# Any click on a citation link (chat, sources, tables, verdicts) opens it in the source viewer; with a
# modifier key, or without script, the link opens the standalone source page instead.
HEAD = """
<script>
document.documentElement.lang = 'sv';
// Gradio's table search box has only a placeholder: give it a label, in the page's language.
new MutationObserver(function () {
  document.querySelectorAll('input.search-input').forEach(function (el) {
    var label = document.documentElement.lang === 'en' ? 'Search the table' : 'Sök i tabellen';
    if (el.getAttribute('aria-label') !== label) { el.setAttribute('aria-label', label); el.placeholder = label + '…'; }
  });
}).observe(document.documentElement, {childList: true, subtree: true});
document.addEventListener('click', function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest('a[href*="/source/"]') : null;
  if (!a || a.dataset.whole || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  var box = document.querySelector('#open-cite textarea, #open-cite input');
  var btn = document.querySelector('#open-cite-btn');
  if (!box || !btn) return;
  ev.preventDefault(); ev.stopPropagation();
  box.value = a.getAttribute('href');
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () {
    btn.click();
    var v = document.getElementById('viewer-col');
    if (v && window.innerWidth < 900) v.scrollIntoView({block: 'start'});
  }, 60);
}, true);
</script>
"""


def _md_text(text: str) -> str:
    """Plain text made safe to sit inside Markdown: no markup, no brackets that would make links."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def answer_markdown(answer: Answer, obj: dict[str, Any], lang: Lang) -> str:
    """The chat message: every quote shown repaired (its citation's `display`), each marker a link."""
    if answer.abstained:
        return f"> ⚠️ *{_md_text(answer.answer)}*\n>\n> {msg('no_sources', lang)}"
    cites = obj["citations"]

    def quote(m: re.Match[str]) -> str:
        i = int(m.group(2))
        if not 1 <= i <= len(cites):
            return m.group(0)
        shown = tables.oneline(cites[i - 1]["display"])
        return f"”{_md_text(shown)}” [[{i}]]({tables.source_href(cites[i - 1])})"

    parts = re.split(r"(”[^”]*” \[\d+\])", answer.answer)
    out = []
    for part in parts:
        m = re.fullmatch(r"”([^”]*)” \[(\d+)\]", part)
        out.append(quote(m) if m else _md_text(part))
    return "".join(out)


def sources_html(snap: tables.Snapshot, obj: dict[str, Any], lang: Lang) -> str:
    """The answer's citations as one ordered list of links, each opening the viewer at its span."""
    if not obj.get("citations"):
        return ""
    from granska.ui.viewer import meta_line

    items = []
    for i, c in enumerate(obj["citations"], 1):
        doc = snap.docs.get(c["doc"])
        where = meta_line(doc, page=c["page"], lang=lang) if doc else c["doc"]
        title = tables.title_of(doc) if doc else c["doc"]
        short = tables.oneline(c["display"])
        short = short if len(short) <= 140 else short[:139] + "…"
        items.append(
            f'<li><a href="{html.escape(tables.source_href(c))}" data-n="{i}">'
            f"[{i}] {html.escape(title)}</a> — {html.escape(where)} · "
            f"<code>{html.escape(c['doc'])} {c['start']}–{c['end']}</code><br>{html.escape(short)}</li>"
        )
    return f"<h2 class='granska-h'>{msg('sources', lang)}</h2><ol class='granska-sources'>{''.join(items)}</ol>"


def table_value(rows: list[dict[str, Any]], cols: list[str], lang: Lang, *, links: bool = False) -> Any:
    """A Dataframe update: headers in `lang`, span columns as links (Markdown), statuses in colour."""
    import gradio as gr
    import pandas as pd

    span_cols = {c for r in rows for c in r.get("_spans", {})} if links else set()
    data = [[tables.md_link(str(r[c]), r["_spans"][c]) if c in span_cols else r[c] for c in cols] for r in rows]
    frame = pd.DataFrame(data, columns=tables.headers(cols, lang))
    datatype = ["markdown" if c in span_cols else "number" if c in ("col_pages", "col_passages") else "str"
                for c in cols]  # fmt: skip
    value: Any = frame
    if "col_status" in cols and rows:
        colours = {status_label(s, lang): c for s, c in STATUS_COLOURS.items()}
        status_header = msg("col_status", lang)
        value = frame.style.map(
            lambda v: f"color: {colours.get(v, '#1f1f1f')}; font-weight: 600", subset=[status_header]
        )
    return gr.update(value=value, datatype=datatype, headers=tables.headers(cols, lang))
