"""A table's controls on the page: search, sort, page size and previous/next page, in the page's language.

Gradio's Dataframe has no paging, and its own search and header sort see only the rows it was given, so
those happen on the server over every row (`tables.search_rows`, `sort_rows`, `page_of`): the table shows
one page at full height, and the line under it says which rows of how many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
from granska.ui import tables
from granska.ui.messages import Lang, msg


@dataclass
class Pager:
    search: gr.Textbox
    sort: gr.Dropdown
    descending: gr.Checkbox
    size: gr.Dropdown
    prev: gr.Button
    next: gr.Button
    info: gr.Markdown
    page: gr.State
    search_key: str  # the message keys of the search box's label and placeholder

    def view_inputs(self) -> list[Any]:
        return [self.search, self.sort, self.descending, self.size, self.page]

    def relabel(self, lang: Lang, cols: list[str]) -> list[Any]:
        """Updates for every control, in `lang` (the same order as `controls`)."""
        return [
            gr.update(label=msg(self.search_key, lang), placeholder=msg(self.search_key + "_placeholder", lang)),
            gr.update(label=msg("sort_by", lang), choices=sort_choices(cols, lang)),
            gr.update(label=msg("descending", lang)),
            gr.update(label=msg("page_size", lang)),
            gr.update(value=msg("prev", lang)),
            gr.update(value=msg("next", lang)),
        ]

    def controls(self) -> list[Any]:
        return [self.search, self.sort, self.descending, self.size, self.prev, self.next]


def sort_choices(cols: list[str], lang: Lang) -> list[tuple[str, str]]:
    return [(msg("sort_default", lang), ""), *((msg(c, lang), c) for c in cols)]


def controls_row(prefix: str, cols: list[str], *, search_key: str = "search") -> Pager:
    """Search and sort above the table; call `footer` below it for the page buttons and size."""
    with gr.Row(elem_classes=["granska-pager-top"]):
        search = gr.Textbox(label=msg(search_key), placeholder=msg(search_key + "_placeholder"),
                            elem_id=f"{prefix}-search", scale=3, min_width=200)  # fmt: skip
        sort = gr.Dropdown(sort_choices(cols, "sv"), value="", label=msg("sort_by"), elem_id=f"{prefix}-sort",
                           scale=2, min_width=160)  # fmt: skip
        descending = gr.Checkbox(False, label=msg("descending"), elem_id=f"{prefix}-desc", scale=1, min_width=120)
    return Pager(search, sort, descending, None, None, None, None, gr.State(1), search_key)  # type: ignore[arg-type]


def footer(pager: Pager, prefix: str) -> Pager:
    with gr.Row(elem_classes=["granska-pager"]):
        pager.prev = gr.Button(msg("prev"), elem_id=f"{prefix}-prev", size="sm", scale=1, min_width=140)
        pager.info = gr.Markdown(elem_id=f"{prefix}-info", elem_classes=["granska-page-info"])
        pager.next = gr.Button(msg("next"), elem_id=f"{prefix}-next", size="sm", scale=1, min_width=140)
        pager.size = gr.Dropdown([str(n) for n in tables.PAGE_SIZES], value=str(tables.DEFAULT_PAGE_SIZE),
                                 label=msg("page_size"), elem_id=f"{prefix}-size", scale=1, min_width=120)  # fmt: skip
    return pager


def view_of(query: str | None, sort: str | None, descending: bool | None, size: str | None, page: int | None):  # type: ignore[no-untyped-def]
    return tables.View(query=query or "", sort=sort or None, descending=bool(descending), page=int(page or 1),
                       size=int(size or tables.DEFAULT_PAGE_SIZE))  # fmt: skip


def wire(
    pager: Pager,
    show: Callable[..., tuple[Any, str, int]],
    inputs: list[Any],
    outputs: list[Any],
    filters: list[Any],
) -> None:
    """Every control re-renders the table: a new search, sort, size or filter starts at page 1.

    show(lang, *filter_values, query, sort, descending, size, page) -> (table update, info line, page)
    """
    every = [*inputs, *pager.view_inputs()]
    out = [*outputs, pager.info, pager.page]

    def first_page(*values: Any) -> tuple[Any, str, int]:
        return show(*values[:-1], 1)

    def step(delta: int) -> Callable[..., tuple[Any, str, int]]:
        return lambda *values: show(*values[:-1], int(values[-1] or 1) + delta)

    for control in (*filters, pager.sort, pager.descending, pager.size):
        control.change(first_page, every, out, show_progress="hidden")
    pager.search.submit(first_page, every, out)
    pager.search.change(first_page, every, out, show_progress="hidden", trigger_mode="always_last")
    pager.prev.click(step(-1), every, out)
    pager.next.click(step(+1), every, out)
