"""The Gradio UI: chat with citations and a source viewer, claim checking, and document upload.

Swedish by default with an English switch. Every citation opens the source document with exactly
source[start:end] highlighted, beside its municipality, role, date and page.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from granska.ingest.loaders import SUPPORTED
from granska.ui import render

from granska.engine import Engine
from granska.types import Span

TEXT: dict[str, dict[str, Any]] = {
    "sv": {
        "intro": "## Granska\nFråga om revisionsrapporter, missiv och svar. Varje svar citerar källan ordagrant; klicka på en källa för att se den markerad i dokumentet.",
        "chat": "Samtal",
        "question": "Din fråga",
        "placeholder": "t.ex. Vem ansvarar för samordningen av integrationsarbetet i Borås?",
        "send": "Fråga",
        "clear": "Nytt samtal",
        "filters": "Filter",
        "municipality": "Kommun",
        "role": "Dokumenttyp",
        "year": "År",
        "sources": "Källor (klicka för att öppna)",
        "viewer_hint": "<p><em>Klicka på en källa för att se den markerad i dokumentet.</em></p>",
        "claim": "Påstående att granska",
        "claim_placeholder": "t.ex. Kommunstyrelsen har säkerställt en ändamålsenlig uppföljning.",
        "check": "Granska påstående",
        "upload": "Dra och släpp dokument (.pdf, .docx, .txt, .md, .html)",
        "ingest": "Lägg till i indexet",
        "documents": "Dokument i indexet",
        "empty": "Indexet är tomt. Lägg till dokument under fliken **Dokument**, eller kör `granska ingest MAPP`.",
        "verdicts": {"supported": "✅ Stöds", "contradicted": "❌ Motsägs", "not_found": "⚠️ Framgår inte"},
    },
    "en": {
        "intro": "## Granska\nAsk about audit reports, missives and responses. Every answer quotes its source; click a source to see it highlighted in the document.",
        "chat": "Conversation",
        "question": "Your question",
        "placeholder": "e.g. Who coordinates integration work in Borås?",
        "send": "Ask",
        "clear": "New conversation",
        "filters": "Filters",
        "municipality": "Municipality",
        "role": "Document type",
        "year": "Year",
        "sources": "Sources (click to open)",
        "viewer_hint": "<p><em>Click a source to see it highlighted in the document.</em></p>",
        "claim": "Claim to check",
        "claim_placeholder": "e.g. The board has ensured appropriate follow-up.",
        "check": "Check claim",
        "upload": "Drop documents here (.pdf, .docx, .txt, .md, .html)",
        "ingest": "Add to the index",
        "documents": "Documents in the index",
        "empty": "The index is empty. Add documents on the **Documents** tab, or run `granska ingest FOLDER`.",
        "verdicts": {
            "supported": "✅ Supported",
            "contradicted": "❌ Contradicted",
            "not_found": "⚠️ Not in the documents",
        },
    },
}
LANGS = {"Svenska": "sv", "English": "en"}
# Gradio does not relabel tabs after load, so tab names carry both languages.
TABS = (
    "Fråga · Ask",
    "Granska påstående · Check a claim",
    "Rekommendationer · Recommendations",
    "Ansvar · Responsibilities",
    "Dokument · Documents",
)
REC_HEADERS = ["Kommun", "Mottagare", "Rekommendation", "Status", "Svar", "Revisor", "Datum"]
RESP_HEADERS = ["Kommun", "Organ", "Ansvar", "Sedan", "Källa"]


def _link(text: str, span: Span | dict[str, Any] | None, limit: int = 160) -> str:
    """A table cell: the (shortened) text, linked to the exact span in the source viewer page."""
    if span is None:
        return "–"
    s = (
        span
        if isinstance(span, Span)
        else Span(span["doc"], span["start"], span["end"], span["page"], span["text"], 0.0)
    )
    short = " ".join(text.split())
    short = short if len(short) <= limit else short[: limit - 1] + "…"
    return render.md_link(short, render.source_url(s))  # document text: shown literally, never as markup


def _rec_rows(engine: Engine) -> list[list[str]]:
    return [
        [
            r.municipality or "–",
            r.addressee,
            _link(r.recommendation.text, r.recommendation),
            r.status,
            _link(r.response.text, r.response) if r.response else "–",
            r.auditor or "–",
            r.date or "–",
        ]
        for r in engine.recommendations()
    ]


def _resp_rows(engine: Engine) -> list[list[str]]:
    return [
        [r.municipality or "–", r.body, r.responsibility, r.since or "–", _link(r.source.text, r.source)]
        for r in engine.responsibilities()
    ]


VIEWER_CONTEXT = 400  # characters shown before a highlighted span in the side panel


def safe_name(name: str) -> str:
    """An uploaded file's name, reduced to a plain file name: never a path, never hidden."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    return base[:120] or "upload"


def _filters(municipality: list[str], role: list[str], year: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, values in (("municipality", municipality), ("role", role), ("year", year)):
        if values:
            out[key] = list(values)
    return out


def _choices(engine: Engine) -> tuple[list[str], list[str], list[str]]:
    metas = [d.meta for d in engine.documents().values()]
    return (
        sorted({m.municipality for m in metas if m.municipality}),
        sorted({m.role for m in metas}),
        sorted({m.year for m in metas if m.year}),
    )


def _doc_rows(engine: Engine) -> list[list[str]]:
    return [
        [n, d.meta.municipality or "", d.meta.role, d.meta.date or "", d.meta.title or ""]
        for n, d in sorted(engine.documents().items())
    ]


def build(engine: Engine) -> gr.Blocks:
    t = TEXT["sv"]
    munis, roles, years = _choices(engine)
    with gr.Blocks(title="Granska") as demo:
        with gr.Row():
            intro = gr.Markdown(t["intro"])
            lang = gr.Radio(list(LANGS), value="Svenska", label="Språk / Language", scale=0, min_width=220)
        with gr.Tabs():
            with gr.Tab(TABS[0], id="ask"), gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label=t["chat"], height=420, elem_id="chat", feedback_options=None)
                    question = gr.Textbox(label=t["question"], placeholder=t["placeholder"], elem_id="question")
                    with gr.Row():
                        send = gr.Button(t["send"], variant="primary", elem_id="send")
                        clear = gr.Button(t["clear"], elem_id="clear")
                    with gr.Accordion(t["filters"], open=False) as filters_box:
                        f_muni = gr.Dropdown(munis, multiselect=True, label=t["municipality"], elem_id="f-muni")
                        f_role = gr.Dropdown(roles, multiselect=True, label=t["role"], elem_id="f-role")
                        f_year = gr.Dropdown(years, multiselect=True, label=t["year"], elem_id="f-year")
                with gr.Column(scale=2):
                    sources = gr.Radio([], label=t["sources"], elem_id="sources")
                    viewer = gr.HTML(t["viewer_hint"], elem_id="viewer")
            with gr.Tab(TABS[1], id="verify"):
                claim = gr.Textbox(label=t["claim"], placeholder=t["claim_placeholder"], elem_id="claim")
                check = gr.Button(t["check"], variant="primary", elem_id="check")
                verdict = gr.Markdown(elem_id="verdict")
                claim_viewer = gr.HTML(elem_id="claim-viewer")
            with gr.Tab(TABS[2], id="recommendations"):
                rec_table = gr.Dataframe(
                    _rec_rows(engine),
                    headers=REC_HEADERS,
                    datatype=["str", "str", "markdown", "str", "markdown", "str", "str"],
                    column_widths=["9%", "11%", "36%", "9%", "25%", "5%", "5%"],
                    interactive=False,
                    wrap=True,
                    elem_id="rec-table",
                )
            with gr.Tab(TABS[3], id="responsibilities"):
                resp_table = gr.Dataframe(
                    _resp_rows(engine),
                    headers=RESP_HEADERS,
                    datatype=["str", "str", "str", "str", "markdown"],
                    column_widths=["12%", "14%", "30%", "12%", "32%"],
                    interactive=False,
                    wrap=True,
                    elem_id="resp-table",
                )
            with gr.Tab(TABS[4], id="docs"):
                upload = gr.File(file_count="multiple", file_types=list(SUPPORTED), label=t["upload"], elem_id="upload")
                add = gr.Button(t["ingest"], variant="primary", elem_id="add")
                report = gr.Markdown(elem_id="report")
                table = gr.Dataframe(
                    _doc_rows(engine),
                    headers=["doc", "municipality", "role", "date", "title"],
                    label=t["documents"],
                    interactive=False,
                    elem_id="docs-table",
                )
        turns = gr.State([])
        spans = gr.State([])
        lang_code = gr.State("sv")

        def on_ask(q: str, history: list[dict[str, Any]], past: list[str], muni, role, year, code: str):  # type: ignore[no-untyped-def]
            tx = TEXT[code]
            q = (q or "").strip()
            if not q:
                return history, "", past, gr.update(), spans.value, gr.update()
            if not engine.documents():
                return (
                    [*history, {"role": "user", "content": q}, {"role": "assistant", "content": tx["empty"]}],
                    "",
                    past,
                    gr.update(choices=[]),
                    [],
                    tx["viewer_hint"],
                )
            answer = engine.ask(q, filters=_filters(muni, role, year), history=past)
            docs = engine.documents()
            labels = [
                render.citation_label(i, c, docs.get(c.doc), lang=code) for i, c in enumerate(answer.citations, 1)
            ]
            history = [
                *history,
                {"role": "user", "content": q},
                {"role": "assistant", "content": render.answer_markdown(answer, lang=code)},
            ]
            stored = [c.as_dict() for c in answer.citations]
            return (
                history,
                "",
                [*past, answer.resolved_question or q],
                gr.update(choices=labels, value=None),
                stored,
                tx["viewer_hint"],
            )

        def on_source(label: str | None, stored: list[dict[str, Any]], code: str) -> str:
            m = re.match(r"\[(\d+)\]", label or "")
            if not m or int(m.group(1)) > len(stored):
                return TEXT[code]["viewer_hint"]
            c = stored[int(m.group(1)) - 1]
            doc = engine.documents().get(c["doc"])
            return render.source_html(doc, c["start"], c["end"], lang=code, context=VIEWER_CONTEXT) if doc else ""

        def on_verify(text: str, muni, role, year, code: str) -> tuple[str, str]:
            text = (text or "").strip()
            if not text:
                return "", ""
            v = engine.verify(text, filters=_filters(muni, role, year))
            head = f"### {TEXT[code]['verdicts'][v.verdict]}\n{render.md_escape(v.explanation)}"
            if not v.citations:
                return head, ""
            c: Span = v.citations[0]
            doc = engine.documents()[c.doc]
            return head + f"\n\n> {render.md_escape(c.text)}", render.source_html(doc, c.start, c.end, lang=code, context=VIEWER_CONTEXT)

        def on_upload(files: list[Any] | None, code: str, progress: gr.Progress = gr.Progress(track_tqdm=True)):  # type: ignore[no-untyped-def]  # noqa: B008 - Gradio's way to inject a progress bar
            if not files:
                return "", gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
            staging = Path(tempfile.mkdtemp(prefix="granska-upload-"))
            try:
                paths = []
                for f in files:
                    src = Path(getattr(f, "name", f))
                    dst = staging / safe_name(getattr(f, "orig_name", None) or src.name)
                    shutil.copyfile(src, dst)
                    paths.append(dst)
                rep = engine.ingest(paths, progress=True, uploaded=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            lines = [
                f"**{len(rep.added)}** nya, **{len(rep.replaced)}** ersatta, **{len(rep.unchanged)}** oförändrade, **{len(rep.skipped)}** överhoppade"
            ]
            lines += [f"- ⚠️ {render.md_escape(Path(s.path).name)}: {render.md_escape(s.reason)}" for s in rep.skipped]
            m, r, y = _choices(engine)
            return (
                "\n".join(lines),
                _doc_rows(engine),
                gr.update(choices=m),
                gr.update(choices=r),
                gr.update(choices=y),
                _rec_rows(engine),
                _resp_rows(engine),
            )

        def on_lang(choice: str):  # type: ignore[no-untyped-def]
            code = LANGS[choice]
            tx = TEXT[code]
            return (
                code,
                tx["intro"],
                gr.update(label=tx["chat"]),
                gr.update(label=tx["question"], placeholder=tx["placeholder"]),
                gr.update(value=tx["send"]),
                gr.update(value=tx["clear"]),
                gr.update(label=tx["filters"]),
                gr.update(label=tx["municipality"]),
                gr.update(label=tx["role"]),
                gr.update(label=tx["year"]),
                gr.update(label=tx["sources"]),
                gr.update(label=tx["claim"], placeholder=tx["claim_placeholder"]),
                gr.update(value=tx["check"]),
                gr.update(label=tx["upload"]),
                gr.update(value=tx["ingest"]),
                gr.update(label=tx["documents"]),
            )

        ask_inputs = [question, chat, turns, f_muni, f_role, f_year, lang_code]
        ask_outputs = [chat, question, turns, sources, spans, viewer]
        send.click(on_ask, ask_inputs, ask_outputs)
        question.submit(on_ask, ask_inputs, ask_outputs)
        clear.click(
            lambda code: ([], [], [], gr.update(choices=[], value=None), TEXT[code]["viewer_hint"]),
            [lang_code],
            [chat, turns, spans, sources, viewer],
        )
        sources.change(on_source, [sources, spans, lang_code], [viewer])
        check.click(on_verify, [claim, f_muni, f_role, f_year, lang_code], [verdict, claim_viewer])
        claim.submit(on_verify, [claim, f_muni, f_role, f_year, lang_code], [verdict, claim_viewer])
        add.click(on_upload, [upload, lang_code], [report, table, f_muni, f_role, f_year, rec_table, resp_table])
        lang.change(
            on_lang,
            [lang],
            [
                lang_code,
                intro,
                chat,
                question,
                send,
                clear,
                filters_box,
                f_muni,
                f_role,
                f_year,
                sources,
                claim,
                check,
                upload,
                add,
                table,
            ],
        )
    return demo
