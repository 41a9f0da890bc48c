"""`granska recommendations|responsibilities`: the tracker tables as text, JSON or CSV."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from granska.ui.cli.common import IndexDir, app, emit, engine_for, run

TrackerFilters = Annotated[
    list[str] | None,
    typer.Option("--filter", help="KEY=VALUE, repeatable: the metadata keys, plus addressee/body and status."),
]


def _table_out(rows: list[dict[str, Any]], columns: list[str], as_json: bool, as_csv: bool) -> None:
    if as_json:
        for r in rows:
            emit(r)
        return
    import csv

    flat = [{c: _flat(r, c) for c in columns} for r in rows]
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        return
    for r in flat:
        typer.echo("\t".join(str(r[c] or "–") for c in columns))


def _flat(row: dict[str, Any], column: str) -> Any:
    """'recommendation.text' -> row['recommendation']['text'] (None where a part is missing)."""
    value: Any = row
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return " ".join(value.split()) if isinstance(value, str) else value


@app.command()
def recommendations(
    index_dir: IndexDir = None,
    filters: TrackerFilters = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per recommendation.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    search: Annotated[
        str | None, typer.Option("--search", help="Only rows about these topic words (text and response), best first.")
    ] = None,
) -> None:
    """Every recommendation: to whom, the exact span, the response that answers it and its status."""
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    rows = [r.as_dict() for r in run(lambda: engine.recommendations(filters=filters, search=search))]
    columns = [
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
    _table_out(rows, columns, as_json, as_csv)


@app.command()
def responsibilities(
    index_dir: IndexDir = None,
    filters: TrackerFilters = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per statement.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
) -> None:
    """Who is responsible for what, as the documents state it, with the exact span."""
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    rows = [r.as_dict() for r in run(lambda: engine.responsibilities(filters=filters))]
    columns = [
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
    _table_out(rows, columns, as_json, as_csv)
