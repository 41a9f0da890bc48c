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
/* Gradio sizes a table's columns in pixels from its own width: a minimum width keeps words whole, and the
   table scrolls sideways inside its box on a narrow screen (data tables may; the page itself never does). */
div:has(> #rec-table), div:has(> #resp-table), div:has(> #docs-table) { overflow-x: auto; }
#rec-table { min-width: 880px !important; }
#resp-table, #docs-table { min-width: 720px !important; }
#rec-table .cell-wrap *, #resp-table .cell-wrap *, #docs-table .cell-wrap * { overflow-wrap: break-word !important; }
.granska-page-info { align-self: center; text-align: center; }
.granska-page-info > .wrap { display: none !important; } /* the line says what is shown, not a timer */
/* The chat's label sits above the messages, not over the first one (it did on phones). */
#chat label.float { position: static !important; margin: 0 0 .25rem 0; }
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

# The page's one script. Before Gradio starts it sets the page's language from `?lang=` (Swedish unless
# "en"): `<html lang>` and the locale Gradio's own strings follow (its i18n reads `navigator.language`).
# While the page lives it puts Swedish in place of the few strings Gradio writes in English whatever the
# locale, names the tabs in English on the English page (Gradio does not relabel tabs after load), and
# opens any click on a citation link (chat, sources, tables, verdicts) in the source viewer; with a
# modifier key, or without script, the link opens the standalone source page instead.
_SCRIPT = """
<script>
(function () {
var LANG = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'sv';
var LOCALE = LANG === 'en' ? 'en-US' : 'sv-SE';
try {
  Object.defineProperty(navigator, 'language', {get: function () { return LOCALE; }, configurable: true});
  Object.defineProperty(navigator, 'languages', {get: function () { return [LOCALE, LANG]; }, configurable: true});
} catch (e) {}
document.documentElement.lang = LANG;
window.granskaLang = LANG;
var GRADIO_SV = __GRADIO_SV__;
var TABS_EN = __TABS_EN__;
var SEARCH = __SEARCH__;
function sv(text) {
  if (GRADIO_SV[text]) return GRADIO_SV[text];
  for (var k in GRADIO_SV) if (k.slice(-1) === ':' && text.indexOf(k) === 0) return GRADIO_SV[k] + text.slice(k.length);
  return null;
}
function fix() {
  if (document.documentElement.lang !== LANG) document.documentElement.lang = LANG;
  if (LANG === 'sv') {
    document.querySelectorAll('[aria-label], [title], [alt], [placeholder]').forEach(function (el) {
      ['aria-label', 'title', 'alt', 'placeholder'].forEach(function (a) {
        var v = el.getAttribute(a); var t = v && sv(v); if (t) el.setAttribute(a, t);
      });
    });
    document.querySelectorAll('button, [role=button]').forEach(function (el) {
      if (el.children.length) return;
      var v = el.textContent.trim(); var t = v && GRADIO_SV[v]; if (t) el.textContent = t;
    });
  } else {
    document.querySelectorAll('#tabs button, .overflow-dropdown button').forEach(function (b) {
      var t = b.textContent.trim(); if (TABS_EN[t]) b.textContent = TABS_EN[t];
    });
  }
  document.querySelectorAll('input.search-input').forEach(function (el) {
    if (el.getAttribute('aria-label') !== SEARCH[LANG]) { el.setAttribute('aria-label', SEARCH[LANG]); el.placeholder = SEARCH[LANG] + '…'; }
  });
  // Gradio's upload box, once it holds files, puts its "add files" control (a focusable button) inside an icon
  // button: a control inside a control, which screen readers cannot reach (axe: nested-interactive). The inner
  // one does the work (the outer does nothing from the keyboard), so the outer becomes a labelled group.
  document.querySelectorAll('button').forEach(function (el) {
    if (el.getAttribute('role') !== 'group' && el.querySelector('button, a[href], [tabindex]:not([tabindex="-1"])')) {
      el.setAttribute('role', 'group'); el.setAttribute('tabindex', '-1');
    }
  });
  document.querySelectorAll('#status-plot img').forEach(function (img) {
    var label = document.querySelector('#status-plot [data-testid=block-label]');
    var want = label ? label.textContent.trim() : '';
    if (want && img.alt !== want) img.alt = want;
  });
}
var pending = false;
new MutationObserver(function () {
  if (pending) return; pending = true;
  requestAnimationFrame(function () { pending = false; fix(); });
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true,
  attributes: true, attributeFilter: ['aria-label', 'title', 'alt', 'placeholder']});
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
})();
</script>
"""


def head() -> str:
    """The page script with its strings from the one catalogue (`granska.ui.messages`)."""
    import json

    from granska.ui.messages import GRADIO_ENGLISH_SV

    tabs_en = {msg(k, "sv"): msg(k, "en") for k in ("tab_ask", "tab_verify", "tab_recs", "tab_resps", "tab_docs")}
    search = {"sv": msg("search", "sv"), "en": msg("search", "en")}
    dump = lambda v: json.dumps(v, ensure_ascii=False)
    return (
        _SCRIPT.replace("__GRADIO_SV__", dump(GRADIO_ENGLISH_SV))
        .replace("__TABS_EN__", dump(tabs_en))
        .replace("__SEARCH__", dump(search))
    )


HEAD = head()


def gradio_i18n() -> Any:
    """Gradio's own translation keys that its Swedish dictionary lacks, through Gradio's `gr.I18n`."""
    import gradio as gr
    from granska.ui.messages import GRADIO_KEYS

    return gr.I18n(**GRADIO_KEYS)


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


# Gradio reads the locale for its own strings once, as it starts, before the `head` scripts run: this
# must come first in the page's <head>, so `LocaleFirst` puts it there.
LOCALE_SCRIPT = (
    "<script>(function () { var en = new URLSearchParams(location.search).get('lang') === 'en';"
    " var loc = en ? 'en-US' : 'sv-SE'; document.documentElement.lang = en ? 'en' : 'sv'; try {"
    " Object.defineProperty(navigator, 'language', {get: function () { return loc; }, configurable: true});"
    " Object.defineProperty(navigator, 'languages', {get: function () { return [loc]; }, configurable: true});"
    " } catch (e) {} })();</script>"
)


class LocaleFirst:
    """ASGI middleware: the page's HTML (GET /) gets `LOCALE_SCRIPT` at the start of its <head>."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") not in ("/", ""):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def buffered(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            data = b"".join(body)
            headers = list(start.get("headers", []))
            html_page = any(k.lower() == b"content-type" and b"text/html" in v for k, v in headers)
            if html_page and b"<head>" in data:
                data = data.replace(b"<head>", b"<head>" + LOCALE_SCRIPT.encode(), 1)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(data)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, buffered)
