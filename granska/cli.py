"""The `granska` command: parses arguments, calls the library, formats output. Nothing else."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from granska.errors import BadRequestError, GranskaError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Cited answers over Swedish municipal audit documents."
)
docs_app = typer.Typer(no_args_is_help=True, help="List or delete indexed documents.")
app.add_typer(docs_app, name="docs")

EXIT_ERROR = 1
EXIT_SKIPPED = 3  # ingest finished, but some files could not be read

IndexDir = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index folder (default: $GRANSKA_INDEX_DIR or ~/.local/share/granska/index)."),
]
Filters = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        help="KEY=VALUE metadata filter, repeatable (municipality, role, auditor, issuer, year, date, doc, title).",
    ),
]
T = TypeVar("T")


def _engine(index_dir: Path | None) -> Any:
    from granska.engine import Engine
    from granska.settings import Settings

    settings = Settings(index_dir=index_dir) if index_dir else Settings()
    return Engine(settings)


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Domain errors become one line on stderr and exit 1, here at the boundary only."""
    try:
        return fn(*args, **kwargs)
    except GranskaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _emit(obj: dict[str, Any]) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (folders recurse; a metadata.tsv beside files is read).")
    ],
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Add or update documents. Unchanged files are skipped; unreadable ones are named with the reason."""
    engine = _engine(index_dir)
    report = _run(lambda: engine.ingest(paths, progress=sys.stderr.isatty()))
    for s in report.skipped:
        typer.echo(s.line(), err=True)
    if as_json:
        _emit(report.as_dict())
    else:
        typer.echo(
            f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
            f"{len(report.skipped)} skipped; {report.chunks_embedded} chunks embedded"
        )
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question, in Swedish or English.")] = None,
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Passages to return.")] = 5,
    filters: Filters = None,
    questions: Annotated[
        Path | None,
        typer.Option("--questions", help='JSONL file of {"id","question"}; prints one JSON object per line, in order.'),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help='Earlier turns: a JSON list of questions (or {"question"} objects), or JSONL of {"question"}.',
        ),
    ] = None,
) -> None:
    """Answer a question with quoted, cited sentences, or say that the documents do not say."""
    if (question is None) == (questions is None):
        typer.echo("error: give either a QUESTION or --questions FILE", err=True)
        raise typer.Exit(EXIT_ERROR)
    engine = _engine(index_dir)
    _run(engine.ensure_index)
    if questions is not None:
        _batch(questions, "question", lambda text, qid: engine.ask(text, k=k, filters=filters, qid=qid))
        return
    turns = _run(lambda: _read_history(history)) if history else None
    result = _run(lambda: engine.ask(question or "", k=k, filters=filters, history=turns))
    if as_json:
        _emit(result.as_dict())
        return
    _print_answer(result)


def _print_answer(result: Any) -> None:
    if result.resolved_question and result.resolved_question != result.question:
        typer.echo(f"(tolkat som: {result.resolved_question})", err=True)
    typer.echo(result.answer)
    for i, c in enumerate(result.citations, 1):
        page = f", s. {c.page}" if c.page else ""
        typer.echo(f"  [{i}] {c.doc} {c.start}-{c.end}{page}")


def _read_history(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
        rows = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(x) for x in text.splitlines() if x.strip()]
        )
        return [r if isinstance(r, str) else str(r["question"]) for r in rows]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise BadRequestError(f"cannot read history {path}: {exc} (want a JSON list of questions)") from exc


@app.command()
def chat(
    index_dir: IndexDir = None, k: Annotated[int, typer.Option("-k", min=1, max=100)] = 5, filters: Filters = None
) -> None:
    """Ask questions in a row; follow-ups ("Och i Trollhättan?", "Vem ansvarar för det?") use the earlier ones."""
    engine = _engine(index_dir)
    _run(engine.ensure_index)
    turns: list[str] = []
    typer.echo("Ställ en fråga (tom rad avslutar).", err=True)
    for line in sys.stdin:
        question = line.strip()
        if not question or question in ("exit", "quit", "avsluta"):
            break
        result = _run(engine.ask, question, k=k, filters=filters, history=turns)
        _print_answer(result)
        turns.append(result.resolved_question or question)


@app.command()
def verify(
    claim: Annotated[str | None, typer.Argument(help="A statement to check against the documents.")] = None,
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    filters: Filters = None,
    claims: Annotated[
        Path | None,
        typer.Option("--claims", help='JSONL file of {"id","claim"}; prints one JSON object per line, in order.'),
    ] = None,
) -> None:
    """Check a claim: supported, contradicted or not_found, with the cited sentence and a one-line reason."""
    if (claim is None) == (claims is None):
        typer.echo("error: give either a CLAIM or --claims FILE", err=True)
        raise typer.Exit(EXIT_ERROR)
    engine = _engine(index_dir)
    _run(engine.ensure_index)
    if claims is not None:
        _batch(claims, "claim", lambda text, qid: engine.verify(text, filters=filters, qid=qid))
        return
    result = _run(lambda: engine.verify(claim or "", filters=filters))
    if as_json:
        _emit(result.as_dict())
        return
    typer.echo(f"{result.verdict}: {result.explanation}")
    for i, c in enumerate(result.citations, 1):
        page = f", s. {c.page}" if c.page else ""
        typer.echo(f"  [{i}] {c.doc} {c.start}-{c.end}{page}: {c.text}")


def _batch(path: Path, field: str, run_one: Callable[[str, Any], Any]) -> None:
    """One JSON object out per input line, in order; a bad line gets an object with an "error"."""
    for qid, text, error in _run(lambda: list(_read_jsonl(path, field))):
        if error:
            _emit({"id": qid, field: text, "error": error})
        else:
            _emit(_run(run_one, text, qid).as_dict())


def _read_jsonl(path: Path, field: str) -> Iterator[tuple[Any, str, str | None]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row[field]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty question")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            yield (None, "", f'{path}:{n}: not a {{"id", "{field}"}} object ({exc})')
            continue
        yield (row.get("id"), text, None)


@docs_app.command("list")
def docs_list(
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
) -> None:
    """List indexed documents with their metadata."""
    engine = _engine(index_dir)
    docs = _run(engine.documents)
    counts: dict[str, int] = {}
    if docs:
        for c in engine.store.chunks():
            counts[c.doc] = counts.get(c.doc, 0) + 1
    for name, d in sorted(docs.items()):
        if as_json:
            _emit({"doc": name, "sha256": d.doc_sha256, "chunks": counts.get(name, 0), **d.meta.as_dict()})
        else:
            m = d.meta
            typer.echo(
                f"{name}\t{m.municipality or '-'}\t{m.role}\t{m.date or '-'}\t{counts.get(name, 0)} chunks\t{m.title or ''}"
            )


@docs_app.command("rm")
def docs_rm(
    doc: Annotated[str, typer.Argument(help="Document name as listed by `granska docs list`.")],
    index_dir: IndexDir = None,
) -> None:
    """Delete a document and every one of its chunks and vectors."""
    engine = _engine(index_dir)
    n = _run(lambda: engine.remove(doc))
    typer.echo(f"removed {doc} ({n} chunks)")


def main() -> None:
    app()


# The reporting and serving commands live in their own module; importing it registers them on `app`.
from granska import cli_reports  # noqa: F401

if __name__ == "__main__":
    # Run the canonical module's app, on which cli_reports registered its commands.
    from granska.cli import main as canonical_main

    canonical_main()
