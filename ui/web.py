"""The Gradio page: chat with citations, claim checks, the tracker tables, documents; one source viewer.

One source of truth: every table, filter choice and count is built by `refresh` from one engine snapshot
(`tables.snapshot`) when the page loads and after every upload, delete or language change, so all of
them show the same generation. Each tab has its own filters, and they apply only there. Every citation is
a link to its span; the page script (`HEAD`) opens any such link in the one source viewer beside the tabs.
All strings come from `granska.ui.messages` (Swedish by default, English by the switch).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from granska.ingest.loaders import SUPPORTED
from granska.qa import display
from granska.ui import export, pager, plots, render, tables, viewer
from granska.ui.jobs import jobs_of
from granska.ui.messages import LANGS, Lang, msg
from granska.ui.skip_reasons import skip_reason
from granska.ui.webparts import answer_markdown, sources_html, table_value

from granska.engine import Engine

TAB_KEYS = ("tab_ask", "tab_verify", "tab_recs", "tab_resps", "tab_docs")


def safe_name(name: str) -> str:
    """An uploaded file's name, reduced to a plain file name: never a path, never hidden."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    return base[:120] or "upload"


def _filters(**values: list[str] | None) -> dict[str, list[str]]:
    return {k: list(v) for k, v in values.items() if v}


def build(engine: Engine) -> gr.Blocks:
    sv: Lang = "sv"
    with gr.Blocks(title="Granska", analytics_enabled=False) as demo:
        lang = gr.State(sv)
        with gr.Row(elem_id="top"):
            intro = gr.Markdown(f"# {msg('title')}\n{msg('intro')}", elem_id="intro")
            lang_radio = gr.Radio(list(LANGS), value="Svenska", label="Språk / Language", elem_id="lang",
                                  scale=0, min_width=200)  # fmt: skip
        counts = gr.Markdown(elem_id="counts")
        with gr.Row(elem_id="main"):
            with gr.Column(scale=3, min_width=320), gr.Tabs(elem_id="tabs") as tabs:
                with gr.Tab(msg("tab_ask"), id="ask") as tab_ask:
                    chat = gr.Chatbot(
                        label=msg("chat"), height=420, elem_id="chat", feedback_options=None, buttons=["copy"]
                    )
                    question = gr.Textbox(label=msg("question"), placeholder=msg("placeholder"), elem_id="question")
                    with gr.Row():
                        send = gr.Button(msg("send"), variant="primary", elem_id="send")
                        clear = gr.Button(msg("clear"), elem_id="clear")
                    with gr.Accordion(msg("filters"), open=False, elem_id="ask-filters") as ask_box:
                        a_muni = gr.Dropdown([], multiselect=True, label=msg("municipality"), elem_id="a-muni")
                        a_role = gr.Dropdown([], multiselect=True, label=msg("role"), elem_id="a-role")
                        a_year = gr.Dropdown([], multiselect=True, label=msg("year"), elem_id="a-year")
                    sources = gr.HTML(elem_id="sources")
                    with gr.Row():
                        answer_export = gr.Button(msg("export_answer"), elem_id="answer-export", size="sm")
                    answer_files = gr.File(label=msg("export_files"), file_count="multiple", visible=False, elem_id="answer-files",
                                           interactive=False)  # fmt: skip
                with gr.Tab(msg("tab_verify"), id="verify") as tab_verify:
                    claim = gr.Textbox(label=msg("claim"), placeholder=msg("claim_placeholder"), elem_id="claim")
                    with gr.Accordion(msg("filters"), open=True, elem_id="verify-filters") as verify_box:
                        v_muni = gr.Dropdown([], multiselect=True, label=msg("municipality"), elem_id="v-muni")
                        v_role = gr.Dropdown([], multiselect=True, label=msg("role"), elem_id="v-role")
                        v_year = gr.Dropdown([], multiselect=True, label=msg("year"), elem_id="v-year")
                    check = gr.Button(msg("check"), variant="primary", elem_id="check")
                    verdict = gr.Markdown(elem_id="verdict")
                with gr.Tab(msg("tab_recs"), id="recommendations") as tab_recs:
                    with gr.Row():
                        r_muni = gr.Dropdown([], multiselect=True, label=msg("municipality"), elem_id="r-muni")
                        r_year = gr.Dropdown([], multiselect=True, label=msg("year"), elem_id="r-year")
                        r_status = gr.Dropdown([], multiselect=True, label=msg("status"), elem_id="r-status")
                    plot = gr.Plot(label=msg("plot"), elem_id="status-plot", show_label=True)
                    with gr.Accordion(msg("plot_figures"), open=False, elem_id="status-figures") as figures_box:
                        plot_text = gr.Markdown(elem_id="status-summary")
                    rec_pager = pager.controls_row("rec", tables.REC_COLUMNS, search_key="search_recs")
                    rec_table = gr.Dataframe(elem_id="rec-table", column_widths=["11%", "6%", "13%", "27%", "11%", "22%", "10%"],
                                             **_table_kw())  # fmt: skip
                    pager.footer(rec_pager, "rec")
                    rec_export = gr.Button(msg("export"), elem_id="rec-export", size="sm")
                    rec_files = gr.File(label=msg("export_files"), file_count="multiple", visible=False, elem_id="rec-files",
                                        interactive=False)  # fmt: skip
                with gr.Tab(msg("tab_resps"), id="responsibilities") as tab_resps:
                    with gr.Row():
                        p_muni = gr.Dropdown([], multiselect=True, label=msg("municipality"), elem_id="p-muni")
                        p_body = gr.Dropdown([], multiselect=True, label=msg("col_body"), elem_id="p-body")
                    resp_pager = pager.controls_row("resp", tables.RESP_COLUMNS)
                    resp_table = gr.Dataframe(elem_id="resp-table", column_widths=["12%", "15%", "30%", "11%", "32%"],
                                              **_table_kw())  # fmt: skip
                    pager.footer(resp_pager, "resp")
                    resp_export = gr.Button(msg("export"), elem_id="resp-export", size="sm")
                    resp_files = gr.File(label=msg("export_files"), file_count="multiple", visible=False, elem_id="resp-files",
                                         interactive=False)  # fmt: skip
                with gr.Tab(msg("tab_docs"), id="docs") as tab_docs:
                    upload = gr.File(file_count="multiple", file_types=list(SUPPORTED), label=msg("upload"),
                                     elem_id="upload")  # fmt: skip
                    add = gr.Button(msg("ingest"), variant="primary", elem_id="add")
                    report = gr.Markdown(elem_id="report")
                    with gr.Row():
                        d_muni = gr.Dropdown([], multiselect=True, label=msg("municipality"), elem_id="d-muni")
                        d_role = gr.Dropdown([], multiselect=True, label=msg("role"), elem_id="d-role")
                    docs_pager = pager.controls_row("docs", tables.DOC_COLUMNS)
                    docs_table = gr.Dataframe(elem_id="docs-table", column_widths=["34%", "20%", "13%", "11%", "10%", "6%", "6%"],
                                              **_table_kw())  # fmt: skip
                    pager.footer(docs_pager, "docs")
                    docs_export = gr.Button(msg("export"), elem_id="docs-export", size="sm")
                    docs_files = gr.File(label=msg("export_files"), file_count="multiple", visible=False, elem_id="docs-files",
                                         interactive=False)  # fmt: skip
                    with gr.Row():
                        to_delete = gr.Dropdown([], label=msg("delete_pick"), elem_id="delete-pick")
                        delete = gr.Button(msg("delete"), variant="stop", elem_id="delete")
                    confirm_text = gr.Markdown(elem_id="delete-ask")
                    with gr.Row(visible=False) as confirm_row:
                        confirm = gr.Button(msg("delete_confirm"), variant="stop", elem_id="delete-confirm")
                        cancel = gr.Button(msg("delete_cancel"), elem_id="delete-cancel")
            with gr.Column(scale=2, min_width=320, elem_id="viewer-col", visible=False) as viewer_col:
                close = gr.Button(msg("close"), elem_id="viewer-close", size="sm")
                viewer_html = gr.HTML(f"<p><em>{msg('viewer_hint')}</em></p>", elem_id="viewer")
                page_img = gr.Image(label=msg("viewer_scan"), visible=False, elem_id="page-img", interactive=False,
                                    show_label=True, buttons=[])  # fmt: skip
        # The page script writes a clicked citation's address here and presses the hidden button.
        cite_box = gr.Textbox(elem_id="open-cite", label="open citation", visible="hidden")
        cite_btn = gr.Button("open", elem_id="open-cite-btn", visible="hidden")
        turns = gr.State([])
        last = gr.State({})  # the last answer as JSON (citations with `display`), for the export

        # --- one refresh for everything -------------------------------------------------------
        pagers = {"recs": rec_pager, "resps": resp_pager, "docs": docs_pager}
        views = [c for p in pagers.values() for c in p.view_inputs()]

        def refresh(code: Lang, am, ar, ay, vm, vr, vy, rm, ry, rs, pm, pb, dm, dr, *view_values):  # type: ignore[no-untyped-def]
            snap = tables.snapshot(engine)
            ch = tables.choices(snap, code)

            def keep(values: list[str] | None, options: list[str]) -> Any:
                return gr.update(choices=options, value=[v for v in values or [] if v in options])

            rv, pv, dv = (pager.view_of(*view_values[i : i + 5]) for i in (0, 5, 10))
            rm, ry, rs = ([v for v in x or [] if v in ch[k]] for x, k in ((rm, "rec_municipality"), (ry, "rec_year"), (rs, "status")))  # fmt: skip
            pm, pb = ([v for v in x or [] if v in ch[k]] for x, k in ((pm, "resp_municipality"), (pb, "body")))
            dm, dr = ([v for v in x or [] if v in ch[k]] for x, k in ((dm, "municipality"), (dr, "role")))
            return (
                msg("counts", code, docs=len(snap.docs), recs=len(snap.recs), resps=len(snap.resps)),
                keep(am, ch["municipality"]), keep(ar, ch["role"]), keep(ay, ch["year"]),
                keep(vm, ch["municipality"]), keep(vr, ch["role"]), keep(vy, ch["year"]),
                keep(rm, ch["rec_municipality"]), keep(ry, ch["rec_year"]), keep(rs, ch["status"]),
                keep(pm, ch["resp_municipality"]), keep(pb, ch["body"]),
                keep(dm, ch["municipality"]), keep(dr, ch["role"]),
                *_show("recs", snap, code, (rm, ry, rs), rv), plots.status_figure(snap, code),
                plots.status_summary(snap, code), *_show("resps", snap, code, (pm, pb), pv),
                *_show("docs", snap, code, (dm, dr), dv), gr.update(choices=ch["docs"], value=None),
            )  # fmt: skip

        filter_inputs = [a_muni, a_role, a_year, v_muni, v_role, v_year, r_muni, r_year, r_status, p_muni, p_body]
        filter_inputs += [d_muni, d_role]
        everything = [counts, *filter_inputs, rec_table, rec_pager.info, rec_pager.page, plot, plot_text,
                      resp_table, resp_pager.info, resp_pager.page, docs_table, docs_pager.info, docs_pager.page,
                      to_delete]  # fmt: skip
        refresh_inputs = [lang, *filter_inputs, *views]

        def _rows(kind: str, snap: tables.Snapshot, code: Lang, values: Any, query: str):  # type: ignore[no-untyped-def]
            """All rows of one table under its filters and search words (recommendations: the engine's search,
            the same as `granska recommendations --search` and `/api/recommendations?q=`, best first)."""
            if kind == "recs":
                ranked = [r.id for r in engine.recommendations(search=query)] if query.strip() else None
                rows = tables.rec_rows(snap, code, municipality=values[0], year=values[1], status=values[2],
                                       ranked=ranked)  # fmt: skip
                return rows, tables.REC_COLUMNS
            if kind == "resps":
                rows, cols = tables.resp_rows(snap, code, municipality=values[0], body=values[1]), tables.RESP_COLUMNS
            else:
                rows, cols = tables.doc_rows(snap, code, municipality=values[0], role=values[1]), tables.DOC_COLUMNS
            return tables.search_rows(rows, query, cols), cols

        def _show(kind: str, snap: tables.Snapshot, code: Lang, values: Any, view: tables.View):  # type: ignore[no-untyped-def]
            rows, cols = _rows(kind, snap, code, values, view.query)
            rows = tables.sort_rows(rows, view.sort, descending=view.descending)
            shown, page, pages = tables.page_of(rows, view)
            info = tables.page_info(len(rows), page, pages, view.size, code)
            return table_value(shown, cols, code, links=kind != "docs"), info, page

        def _shower(kind: str):  # type: ignore[no-untyped-def]
            def run(code: Lang, *values: Any):  # type: ignore[no-untyped-def]
                filters, view = values[:-5], pager.view_of(*values[-5:])
                return _show(kind, tables.snapshot(engine), code, filters, view)

            return run

        # A filter, search, sort or page control changes only its own tab's table.
        for kind, table, fs in (("recs", rec_table, [r_muni, r_year, r_status]), ("resps", resp_table, [p_muni, p_body]),
                                ("docs", docs_table, [d_muni, d_role])):  # fmt: skip
            pager.wire(pagers[kind], _shower(kind), [lang, *fs], [table], fs)

        # --- ask ---------------------------------------------------------------------------------
        def on_ask(q: str, history: list[dict[str, Any]], past: list[str], muni, role, year, code: Lang):  # type: ignore[no-untyped-def]
            q = (q or "").strip()
            if not q:  # an empty question changes nothing: the last answer and its sources stay
                return history, "", past, gr.update(), gr.update()
            snap = tables.snapshot(engine)
            if not snap.docs:
                reply = msg("empty", code)
                return [*history, _turn("user", q), _turn("assistant", reply)], "", past, "", {}
            filters = _filters(municipality=muni, role=tables.role_codes(role, code), year=year)
            answer = engine.ask(q, filters=filters, history=past)
            obj = display.add_display(answer.as_dict(), snap.damaged)
            history = [*history, _turn("user", q), _turn("assistant", answer_markdown(answer, obj, code))]
            return history, "", [*past, answer.resolved_question or q], sources_html(snap, obj, code), obj

        ask_io = ([question, chat, turns, a_muni, a_role, a_year, lang], [chat, question, turns, sources, last])
        send.click(on_ask, *ask_io)
        question.submit(on_ask, *ask_io)
        clear.click(lambda code: ([], [], "", {}), [lang], [chat, turns, sources, last])

        def on_answer_export(obj: dict[str, Any], code: Lang):  # type: ignore[no-untyped-def]
            if not obj:
                return gr.update(visible=False)
            header, rows = export.answer_rows(obj["question"], obj["answer"], obj["citations"], code)
            paths = export.write(header, rows, "granska-svar" if code == "sv" else "granska-answer")
            return gr.update(value=[str(p) for p in paths], visible=True)

        answer_export.click(on_answer_export, [last, lang], [answer_files])

        # --- verify: its own filters -------------------------------------------------------------
        def on_verify(text: str, muni, role, year, code: Lang) -> str:  # type: ignore[no-untyped-def]
            text = (text or "").strip()
            if not text:
                return ""
            snap = tables.snapshot(engine)
            filters = _filters(municipality=muni, role=tables.role_codes(role, code), year=year)
            v = engine.verify(text, filters=filters)
            head = f"### {msg('verdict_' + v.verdict, code)}\n{render.md_escape(v.explanation)}"
            for i, c in enumerate(v.citations, 1):
                quote = tables.shown(snap, c)
                head += f"\n\n> {render.md_escape(quote)} [[{i}]]({tables.source_href(c)})"
            return head

        verify_io = ([claim, v_muni, v_role, v_year, lang], [verdict])
        check.click(on_verify, *verify_io)
        claim.submit(on_verify, *verify_io)

        # --- the one source viewer ---------------------------------------------------------------
        def on_open(href: str, code: Lang):  # type: ignore[no-untyped-def]
            parsed = viewer.parse_href(href)
            doc = engine.documents().get(parsed[0]) if parsed else None
            if parsed is None or doc is None:
                return f"<p><em>{msg('viewer_hint', code)}</em></p>", gr.update(visible=False, value=None), gr.update()
            _, start, end = parsed
            html_ = viewer.source_html(doc, start, end, lang=code, damaged=display.is_damaged(doc.text))
            image = None
            if doc.page_starts is not None:
                image = viewer.render_pdf_page(engine.original_path(doc.doc), doc, start, end)
                if image is None:
                    html_ += f'<p class="granska-note">{msg("viewer_no_original", code)}</p>'
            label = f"{msg('viewer_scan', code)}: {msg('viewer_page', code)} {doc.page_at(start)}"
            return html_, gr.update(visible=image is not None, value=image, label=label), gr.update(visible=True)

        cite_btn.click(on_open, [cite_box, lang], [viewer_html, page_img, viewer_col])
        close.click(lambda: gr.update(visible=False), None, [viewer_col])

        # --- exports of the tables as shown ------------------------------------------------------
        def table_export(kind: str):  # type: ignore[no-untyped-def]
            """Every row under the tab's filters, search and sort (all pages, not only the one shown)."""

            def run(code: Lang, *values: Any):  # type: ignore[no-untyped-def]
                view = pager.view_of(*values[-5:])
                rows, cols = _rows(kind, tables.snapshot(engine), code, values[:-5], view.query)
                rows = tables.sort_rows(rows, view.sort, descending=view.descending)
                header, flat = export.flatten(rows, cols, code)
                return gr.update(value=[str(p) for p in export.write(header, flat, f"granska-{kind}")], visible=True)

            return run

        for kind, button, files, fs in (("recs", rec_export, rec_files, [r_muni, r_year, r_status]),
                                        ("resps", resp_export, resp_files, [p_muni, p_body]),
                                        ("docs", docs_export, docs_files, [d_muni, d_role])):  # fmt: skip
            button.click(table_export(kind), [lang, *fs, *pagers[kind].view_inputs()], [files])

        # --- upload and delete: then refresh everything ------------------------------------------
        def on_upload(files: list[Any] | None, code: Lang, progress: gr.Progress = gr.Progress(track_tqdm=True)):  # type: ignore[no-untyped-def]  # noqa: B008 - Gradio's way to inject a progress bar
            if not files:
                return ""
            staging = Path(tempfile.mkdtemp(prefix="granska-upload-"))
            paths = []
            for f in files:
                src = Path(getattr(f, "name", f))
                dst = staging / safe_name(getattr(f, "orig_name", None) or src.name)
                shutil.copyfile(src, dst)
                paths.append(dst)

            # Queued with the API's uploads (one writer at a time); questions are answered meanwhile.
            job = jobs_of(engine).submit(staging, paths, [p.name for p in paths])  # the engine keeps PDF originals
            while not job.finished.wait(0.25):
                progress((job.done_files, job.total_files or len(paths)), unit="file")
            if job.exception is not None:
                raise job.exception
            rep = job.report or {}
            head = msg("ingest_report", code, added=len(rep["added"]), replaced=len(rep["replaced"]),
                       unchanged=len(rep["unchanged"]), skipped=len(rep["skipped"]))  # fmt: skip
            lines = [
                f"- ⚠️ {render.md_escape(Path(s['path']).name)}: {render.md_escape(skip_reason(s['reason'], code))}"
                for s in rep["skipped"]
            ]
            return "\n".join([head, *lines])

        add.click(on_upload, [upload, lang], [report]).then(refresh, refresh_inputs, everything)

        def on_delete(doc: str | None, code: Lang):  # type: ignore[no-untyped-def]
            if not doc:
                return "", gr.update(visible=False)
            n = tables.snapshot(engine).passages.get(doc, 0)
            return msg("delete_ask", code, doc=doc, n=n), gr.update(visible=True)

        def on_confirm(doc: str | None, code: Lang):  # type: ignore[no-untyped-def]
            if not doc or doc not in engine.documents():
                return "", gr.update(visible=False)
            n = engine.remove(doc)
            return msg("deleted", code, doc=doc, n=n), gr.update(visible=False)

        delete.click(on_delete, [to_delete, lang], [confirm_text, confirm_row])
        cancel.click(lambda: ("", gr.update(visible=False)), None, [confirm_text, confirm_row])
        confirm.click(on_confirm, [to_delete, lang], [confirm_text, confirm_row]).then(
            refresh, refresh_inputs, everything
        )

        # --- language: the page is in one language, set by ?lang= (the switch reloads the page in the other,
        # so Gradio's own strings, which it reads once per component, follow as well) ---------------------
        def on_lang(request: gr.Request):  # type: ignore[no-untyped-def]
            code: Lang = "en" if (request.query_params.get("lang") if request else None) == "en" else "sv"
            m = lambda key: msg(key, code)
            return (
                code, gr.update(value=next(k for k, v in LANGS.items() if v == code)), f"# {m('title')}\n{m('intro')}",
                *(gr.update(label=m(k)) for k in TAB_KEYS),
                gr.update(label=m("chat")), gr.update(label=m("question"), placeholder=m("placeholder")),
                gr.update(value=m("send")), gr.update(value=m("clear")),
                gr.update(label=m("filters")), gr.update(label=m("filters")),
                *(gr.update(label=m(k)) for k in ("municipality", "role", "year") * 2),
                gr.update(label=m("municipality")), gr.update(label=m("year")), gr.update(label=m("status")),
                gr.update(label=m("municipality")), gr.update(label=m("col_body")),
                gr.update(label=m("municipality")), gr.update(label=m("role")),
                gr.update(label=m("claim"), placeholder=m("claim_placeholder")), gr.update(value=m("check")),
                gr.update(label=m("upload")), gr.update(value=m("ingest")),
                *(gr.update(value=m("export")) for _ in range(3)), gr.update(value=m("export_answer")),
                *(gr.update(label=m("export_files")) for _ in range(4)),
                gr.update(label=m("delete_pick")), gr.update(value=m("delete")),
                gr.update(value=m("delete_confirm")), gr.update(value=m("delete_cancel")),
                f"<p><em>{m('viewer_hint')}</em></p>", gr.update(label=m("plot")), gr.update(value=m("close")),
                gr.update(label=m("plot_figures")), gr.update(label=m("viewer_scan")),
                *rec_pager.relabel(code, tables.REC_COLUMNS), *resp_pager.relabel(code, tables.RESP_COLUMNS),
                *docs_pager.relabel(code, tables.DOC_COLUMNS),
            )  # fmt: skip

        demo.load(
            on_lang,
            None,
            [lang, lang_radio, intro, tab_ask, tab_verify, tab_recs, tab_resps, tab_docs, chat, question, send, clear,
             ask_box, verify_box, a_muni, a_role, a_year, v_muni, v_role, v_year, r_muni, r_year, r_status,
             p_muni, p_body, d_muni, d_role, claim, check, upload, add, rec_export, resp_export, docs_export,
             answer_export, rec_files, resp_files, docs_files, answer_files, to_delete, delete, confirm, cancel,
             viewer_html, plot, close, figures_box, page_img, *rec_pager.controls(), *resp_pager.controls(),
             *docs_pager.controls()],
        ).then(refresh, refresh_inputs, everything)  # fmt: skip
        # Only a person's choice (`input`, not the load's own update) switches the page's language.
        lang_radio.input(None, [lang_radio], None, js=_switch_js())
        del tabs
    return demo


def _switch_js() -> str:
    """The language switch: the same page in the other language (`?lang=`), its hash and other query kept."""
    return (
        "(c) => { const u = new URL(window.location.href);"
        " u.searchParams.set('lang', c === 'English' ? 'en' : 'sv'); window.location.assign(u.toString()); return []; }"
    )


def _turn(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def _table_kw() -> dict[str, Any]:
    """Tables people read: wrapped cells, links rendered, one page at full height (the page scrolls); search,
    sort and paging are the pager's, over every row (`ui/pager.py`)."""
    return {"interactive": False, "wrap": True, "max_height": 100_000, "label": msg("table_label"), "show_label": False}
