"""`granska eval|bench`: scores on a dataset, and speed as ratios against same-run floors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from granska.ui.cli.common import IndexDir, app, run, settings_for

# Used when the shared dev questions are not beside the checkout: questions any audit corpus can be asked,
# so the bench never depends on one sample municipality.
GENERIC_QUESTIONS = (
    "Vad rekommenderade revisorerna?",
    "Hur svarade nämnden på revisorernas rekommendationer?",
    "Vem ansvarar för den interna kontrollen?",
    "Vilken period omfattade granskningen?",
    "Vem undertecknade svaret?",
)


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
    """Score answers, citations and retrieval on a dataset; write a report, per-question results and a chart.

    A recommendations table (recommendations.jsonl: recommendation/addressee/status fields) scores the tracker
    on the --docs folder instead: recall, precision, addressee, status and answer-link, with a baseline row."""
    from granska.eval import report, tracker_eval
    from granska.eval.run import evaluate

    if tracker_eval.is_recommendations_file(dataset):
        if docs is None:
            raise typer.BadParameter("a recommendations table needs --docs FOLDER (the documents it refers to)")
        results_t = run(lambda: tracker_eval.evaluate_tracker(dataset, docs))
        for line in tracker_eval.print_table(results_t):
            typer.echo(line)
        for path in tracker_eval.write(results_t, out):
            typer.echo(f"wrote {path}")
        return

    settings = settings_for(index_dir)
    results = run(
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
    passages: Annotated[
        str | None,
        typer.Option(
            "--passages",
            help="Only the store at scale: comma-separated corpus sizes in passages, e.g. 10000,100000 "
            "(writes scale.md, scale.json, scale.png).",
        ),
    ] = None,
    stores: Annotated[
        str,
        typer.Option(
            "--stores", help="With --passages: comma-separated stores to measure ('local' is the embedded one)."
        ),
    ] = "local",
) -> None:
    """Latency, ingest throughput and scale, each as a ratio against a floor measured in the same run."""
    if passages is not None:
        from granska.eval import scale

        sizes = [scale.SMOKE] if smoke else [int(x) for x in passages.split(",") if x.strip()]
        specs = tuple(x.strip() for x in stores.split(",") if x.strip()) or ("local",)
        results = run(lambda: scale.run(sizes, stores=specs))
        typer.echo(scale.table(results))
        for path in scale.write(results, out):
            typer.echo(f"wrote {path}")
        return
    from granska.eval import bench as b
    from granska.eval.run import read_dataset

    from granska.engine import BUNDLED_CORPUS

    dev = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"
    questions = [i.question for i in read_dataset(dev)] if dev.is_file() else list(GENERIC_QUESTIONS)
    if smoke:
        scale_n, repeats, questions = 20_000, 1, questions[:5]
    results = run(
        lambda: b.run(settings_for(), questions=questions, scale_n=scale_n, repeats=repeats, docs=BUNDLED_CORPUS)
    )
    typer.echo(b.table(results))
    typer.echo(f"wrote {b.write(results, out)}")
