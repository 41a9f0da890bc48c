"""`granska recommendations|responsibilities|serve|eval|bench`: registered on the app in granska.cli."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from granska.cli import IndexDir, _emit, _engine, _run, app

TrackerFilters = Annotated[
    list[str] | None,
    typer.Option("--filter", help="KEY=VALUE, repeatable: the metadata keys, plus addressee/body and status."),
]


def _table_out(rows: list[dict[str, Any]], columns: list[str], as_json: bool, as_csv: bool) -> None:
    if as_json:
        for r in rows:
            _emit(r)
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
) -> None:
    """Every recommendation: to whom, the exact span, the response that answers it and its status."""
    engine = _engine(index_dir)
    _run(engine.ensure_index)
    rows = [r.as_dict() for r in _run(lambda: engine.recommendations(filters=filters))]
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
    engine = _engine(index_dir)
    _run(engine.ensure_index)
    rows = [r.as_dict() for r in _run(lambda: engine.responsibilities(filters=filters))]
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


@app.command()
def serve(
    index_dir: IndexDir = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 7860,
) -> None:
    """Serve the web UI and the JSON API (/api/…, OpenAPI at /docs). Builds the demo index first if none exists."""
    from ui.server import serve as run_server

    engine = _engine(index_dir)
    _run(lambda: run_server(engine, host=host, port=port))


@app.command("eval")
def eval_cmd(
    dataset: Annotated[Path, typer.Argument(help="JSONL in the shared/eval/dev.jsonl format.")],
    docs: Annotated[
        Path | None, typer.Option("--docs", help="Ingest this folder into a temporary index first.")
    ] = None,
    index_dir: IndexDir = None,
    baselines: Annotated[
        bool, typer.Option("--baselines", help="Also score lexical-only, dense-only and the LangChain FAISS recipe.")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="Folder for report.md, results.json and metrics.png.")] = Path(
        "eval-out"
    ),
) -> None:
    """Score answers, citations and retrieval on a dataset; write a report, per-question results and a chart."""
    from eval import report
    from eval.run import evaluate
    from granska.settings import Settings

    settings = Settings(index_dir=index_dir) if index_dir else Settings()
    results = _run(
        lambda: evaluate(dataset, settings=settings, docs=docs, baselines=baselines, progress=sys.stderr.isatty())
    )
    report.print_tables(results)
    for path in report.write(results, out):
        typer.echo(f"wrote {path}")


@app.command()
def bench(
    scale_n: Annotated[
        int, typer.Option("--scale", min=1000, help="Synthetic vectors for the scale benchmark.")
    ] = 1_000_000,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Times each dev question is asked.")] = 3,
    smoke: Annotated[bool, typer.Option("--smoke", help="A small, quick run (what CI does).")] = False,
    out: Annotated[Path, typer.Option("--out", help="Folder for bench.json and bench.md.")] = Path("bench-out"),
) -> None:
    """Latency, ingest throughput and scale, each as a ratio against a floor measured in the same run."""
    from eval import bench as b
    from eval.run import read_dataset
    from granska.engine import BUNDLED_CORPUS
    from granska.settings import Settings

    dev = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
    questions = (
        [i.question for i in read_dataset(dev)]
        if dev.is_file()
        else ["Vem ansvarar för integrationsfrågorna i Motala?"]
    )
    if smoke:
        scale_n, repeats, questions = 20_000, 1, questions[:5]
    results = _run(
        lambda: b.run(Settings(), questions=questions, scale_n=scale_n, repeats=repeats, docs=BUNDLED_CORPUS)
    )
    typer.echo(b.table(results))
    typer.echo(f"wrote {b.write(results, out)}")
