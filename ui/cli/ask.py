"""`granska ask|chat|verify`: questions and claims, one at a time or as JSONL batches."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from granska.ui.cli.common import EXIT_CODES_HELP, EXIT_ERROR, Filters, IndexDir, app, emit, engine_for, run
from granska.ui.present import answer_json

from granska.errors import BadRequestError
from granska.jsonl import numbered_lines


@app.command(epilog=EXIT_CODES_HELP)
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
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    if questions is not None:
        _batch(questions, "question", lambda text, qid: engine.ask(text, k=k, filters=filters, qid=qid), engine)
        return
    turns = run(lambda: _read_history(history)) if history else None
    result = run(lambda: engine.ask(question or "", k=k, filters=filters, history=turns))
    if as_json:
        emit(answer_json(result.as_dict(), engine.documents()))
        return
    _print_answer(result, engine)


def _shown(result: Any, engine: Any) -> str:
    """The answer as a person reads it: each quote replaced by its citation's repaired text (`display`, as the
    web UI shows it), so an OCR-damaged scan's "pa" reads "på"; markers and everything else as they are."""
    import re

    from granska.text import oneline

    cites = answer_json(result.as_dict(), engine.documents()).get("citations", [])

    def quote(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return f"”{oneline(cites[i - 1]['display'])}” [{i}]" if 1 <= i <= len(cites) else m.group(0)

    return re.sub(r"”[^”]*” \[(\d+)\]", quote, result.answer)


def _print_answer(result: Any, engine: Any) -> None:
    if result.resolved_question and result.resolved_question != result.question:
        typer.echo(f"(tolkat som: {result.resolved_question})", err=True)
    person = sys.stdout.isatty()  # piped output keeps the answer exactly as cited (scripts read it)
    typer.echo(_shown(result, engine) if person and result.citations and not result.abstained else result.answer)
    if person and result.citations:  # a person: the sources as a table sized to the terminal
        from granska.qa import display
        from granska.ui.cli.reports import rich_rows
        from granska.ui.messages import msg

        headers = [msg(k) for k in ("col_n", "col_doc", "col_page", "col_span", "col_text")]
        rows = [[f"[{i}]", c.doc, c.page, f"{c.start}–{c.end}", display.repair(c.text)]
                for i, c in enumerate(result.citations, 1)]  # fmt: skip
        rich_rows(headers, rows, [1, 3, 1, 2, 8])
        return
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


@app.command(epilog=EXIT_CODES_HELP)
def chat(
    index_dir: IndexDir = None, k: Annotated[int, typer.Option("-k", min=1, max=100)] = 5, filters: Filters = None
) -> None:
    """Ask questions in a row; follow-ups ("Och i X?", "Vem ansvarar för det?") use the earlier ones."""
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    turns: list[str] = []
    typer.echo("Ställ en fråga (tom rad avslutar).", err=True)
    for line in sys.stdin:
        question = line.strip()
        if not question or question in ("exit", "quit", "avsluta"):
            break
        result = run(engine.ask, question, k=k, filters=filters, history=turns)
        _print_answer(result, engine)
        turns.append(result.resolved_question or question)


@app.command(epilog=EXIT_CODES_HELP)
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
    engine = engine_for(index_dir)
    run(engine.ensure_index)
    if claims is not None:
        _batch(claims, "claim", lambda text, qid: engine.verify(text, filters=filters, qid=qid), engine)
        return
    result = run(lambda: engine.verify(claim or "", filters=filters))
    if as_json:
        emit(answer_json(result.as_dict(), engine.documents()))
        return
    typer.echo(f"{result.verdict}: {result.explanation}")
    for i, c in enumerate(result.citations, 1):
        page = f", s. {c.page}" if c.page else ""
        typer.echo(f"  [{i}] {c.doc} {c.start}-{c.end}{page}: {c.text}")


def _batch(path: Path, field: str, run_one: Callable[[str, Any], Any], engine: Any) -> None:
    """One JSON object out per input line, in order; a bad line gets an object with an "error"."""
    docs = engine.documents()
    for qid, text, error in run(lambda: list(_read_jsonl(path, field))):
        if error:
            emit({"id": qid, field: text, "error": error})
        else:
            emit(answer_json(run(run_one, text, qid).as_dict(), docs))


def _read_jsonl(path: Path, field: str) -> Iterator[tuple[Any, str, str | None]]:
    for n, line in numbered_lines(path):
        row, why = _row(line, field)
        qid = row.get("id") if isinstance(row, dict) else None  # a bad line's result still says which it was
        if why:
            yield (qid, "", f'{path}:{n}: not a {{"id", "{field}"}} object: {why}')
            continue
        yield (qid, row[field], None)


def _row(line: str, field: str) -> tuple[Any, str | None]:
    """The line's object, and why it cannot be asked (None when it can), said in words, not an exception's repr."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(row, dict):
        return None, f"a JSON {type(row).__name__}, not an object"
    if field not in row:
        return row, f'no "{field}" field'
    if not isinstance(row[field], str) or not row[field].strip():
        return row, f'"{field}" is empty or not a string'
    return row, None
