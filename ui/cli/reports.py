"""`granska recommendations|responsibilities`: the tracker tables for people and for machines.

On a terminal: a table sized to its width (rich), statuses in words. Piped: tab-separated values with a
header row. `--json` (one object per row) and `--csv` (all columns, header first) are contracts and stay
byte for byte; `--xlsx FILE` writes the same columns as a spreadsheet.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from granska.ui.cli.common import EXIT_CODES_HELP, IndexDir, app, emit, engine_for, run

TrackerFilters = Annotated[
    list[str] | None,
    typer.Option("--filter", help="KEY=VALUE, repeatable: the metadata keys, plus addressee/body and status."),
]
XlsxOut = Annotated[Path | None, typer.Option("--xlsx", help="Also write the table to this .xlsx file.")]
REC_COLUMNS = [
    "id",
    "municipality",
    "addressee",
    "status",
    "auditor",
    "date",
    "recommendation.doc",
    "recommendation.start",
    "recommendation.end",
    "recommendation.page",
    "recommendation.text",
    "response.doc",
    "response.start",
    "response.end",
    "response.page",
    "response.text",
    "section",
    "confidence",
]
RESP_COLUMNS = [
    "id",
    "municipality",
    "body",
    "responsibility",
    "since",
    "source.doc",
    "source.start",
    "source.end",
    "source.page",
    "source.text",
]
# What a person reads on a terminal: (column, header key in the message catalogue, share of the width).
REC_VIEW = [
    ("municipality", "col_municipality", 1),
    ("addressee", "col_addressee", 2),
    ("recommendation.text", "col_recommendation", 4),
    ("status", "col_status", 1),
    ("response.text", "col_response", 3),
    ("recommendation.doc", "col_source", 1),
]
RESP_VIEW = [
    ("municipality", "col_municipality", 1),
    ("body", "col_body", 2),
    ("responsibility", "col_responsibility", 3),
    ("since", "col_since", 1),
    ("source.doc", "col_source", 1),
]


def _table_out(
    rows: list[dict[str, Any]],
    columns: list[str],
    view: list[tuple[str, str, int]],
    *,
    as_json: bool,
    as_csv: bool,
    xlsx: Path | None,
    damaged: dict[str, bool] | None = None,
) -> None:
    flat = [{c: _flat(r, c) for c in columns} for r in rows]
    if xlsx is not None:
        _write_xlsx(flat, columns, xlsx)
    if as_json:
        for r in rows:
            emit(r)
        return
    if as_csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        return
    if sys.stdout.isatty():
        _rich_table(flat, view, damaged or {})
        return
    typer.echo("\t".join(columns))
    for r in flat:
        typer.echo("\t".join(str("–" if r[c] is None or r[c] == "" else r[c]) for c in columns))


def _rich_table(flat: list[dict[str, Any]], view: list[tuple[str, str, int]], damaged: dict[str, bool]) -> None:
    """Columns share the terminal's width by weight; long cells wrap at word boundaries."""
    from granska.qa import display
    from granska.ui.messages import msg, status_label

    rows = []
    for r in flat:
        doc = next((r[c] for c in r if c.endswith(".doc") and r[c]), None)
        cells = []
        for col, _, _ in view:
            value = r.get(col)
            if col == "status" and value:
                value = status_label(str(value))
            elif col.endswith(".text") or col == "responsibility":
                value = display.repair(value, damaged=damaged.get(doc or "")) if value else value
            cells.append(value)
        rows.append(cells)
    rich_rows([msg(key) for _, key, _ in view], rows, [ratio for _, _, ratio in view])


def fit_widths(headers: list[str], rows: list[list[str]], ratios: list[int], total: int) -> list[int]:
    """Column widths for a terminal `total` wide: no column narrower than its longest word (headers whole,
    words wrap whole; a word over 24 characters, such as a file name, may fold), and what is left shared by
    weight. rich's own ratios ignore minimum widths, so the widths are set here."""

    def longest(texts: list[str]) -> int:
        return max((len(w) for t in texts for w in t.split()), default=1)

    usable = total - 3 * len(headers) - 1  # borders and padding take 3 per column and 1
    cap = 24
    while True:  # on a narrow terminal long words fold sooner, headers never
        floors = [max(longest([h]), min(longest([r[i] for r in rows]), cap)) for i, h in enumerate(headers)]
        if sum(floors) <= usable or cap <= 6:
            break
        cap -= 1
    natural = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    room = usable - sum(floors)
    widths = list(floors)
    while room > 0:
        open_ = [i for i in range(len(widths)) if widths[i] < natural[i]]
        if not open_:
            break
        weight = sum(ratios[i] for i in open_)
        given = 0
        for i in open_:
            more = min(natural[i] - widths[i], max(1, room * ratios[i] // weight))
            more = min(more, room - given)
            widths[i] += more
            given += more
        room -= given
        if given == 0:
            break
    return widths


def rich_rows(headers: list[str], rows: list[list[Any]], ratios: list[int]) -> None:
    """Any table for a person at a terminal: sized to its width (`fit_widths`), words wrapped whole."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    cells = [["–" if v in (None, "") else str(v) for v in row] for row in rows]
    table = Table(show_lines=True, header_style="bold")
    for header, width in zip(headers, fit_widths(headers, cells, ratios, console.width), strict=True):
        table.add_column(header, width=width, overflow="fold")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def plain_out(columns: list[str], rows: list[list[Any]], *, as_csv: bool = False, xlsx: Path | None = None) -> None:
    """The machine forms of a table: `--csv` (header first) on stdout, `--xlsx FILE` beside it."""
    if xlsx is not None:
        _write_xlsx([dict(zip(columns, r, strict=True)) for r in rows], columns, xlsx)
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def _write_xlsx(flat: list[dict[str, Any]], columns: list[str], path: Path) -> None:
    from granska.ui import export

    from granska.errors import BadRequestError

    try:
        export.write_xlsx(columns, [[r[c] for c in columns] for r in flat], path)
    except OSError as exc:
        raise BadRequestError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _damaged(engine: Any) -> dict[str, bool]:
    """Which documents lost their å/ä/ö (judged on the whole text, so short quotes are repaired right)."""
    from granska.qa import display

    return {n: display.is_damaged(d.text) for n, d in engine.documents().items()}


def _flat(row: dict[str, Any], column: str) -> Any:
    """'recommendation.text' -> row['recommendation']['text'] (None where a part is missing)."""
    value: Any = row
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return " ".join(value.split()) if isinstance(value, str) else value


@app.command(epilog=EXIT_CODES_HELP)
def recommendations(
    index_dir: IndexDir = None,
    filters: TrackerFilters = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per recommendation.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    search: Annotated[
        str | None, typer.Option("--search", help="Only rows about these topic words (text and response), best first.")
    ] = None,
    xlsx: XlsxOut = None,
) -> None:
    """Every recommendation: to whom, the exact span, the response that answers it and its status."""
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    rows = [r.as_dict() for r in run(lambda: engine.recommendations(filters=filters, search=search))]
    damaged = _damaged(engine) if sys.stdout.isatty() and not (as_json or as_csv) else None
    run(lambda: _table_out(rows, REC_COLUMNS, REC_VIEW, as_json=as_json, as_csv=as_csv, xlsx=xlsx, damaged=damaged))


@app.command(epilog=EXIT_CODES_HELP)
def responsibilities(
    index_dir: IndexDir = None,
    filters: TrackerFilters = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per statement.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    xlsx: XlsxOut = None,
) -> None:
    """Who is responsible for what, as the documents state it, with the exact span."""
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    rows = [r.as_dict() for r in run(lambda: engine.responsibilities(filters=filters))]
    damaged = _damaged(engine) if sys.stdout.isatty() and not (as_json or as_csv) else None
    run(lambda: _table_out(rows, RESP_COLUMNS, RESP_VIEW, as_json=as_json, as_csv=as_csv, xlsx=xlsx, damaged=damaged))
