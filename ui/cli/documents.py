"""`granska ingest` and `granska docs list|rm`: what is in the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from granska.ui.cli.common import (
    EXIT_CODES_HELP,
    EXIT_ERROR,
    EXIT_MISSING,
    EXIT_SKIPPED,
    IndexDir,
    app,
    docs_app,
    emit,
    engine_for,
    index_in_use,
    plural,
    run,
)


@app.command(epilog=EXIT_CODES_HELP)
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (folders recurse; a metadata.tsv beside files is read).")
    ],
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Add or update documents. Unchanged files are skipped; unreadable ones are named with the reason."""
    from granska.ingest.pipeline import IngestReport, Skipped

    # A mistyped path is the user's error, not a file that could not be read: its own line and exit code,
    # and when nothing named exists no index is opened (or created) at all.
    missing = [p for p in paths if not p.is_dir() and not p.is_file()]
    for p in missing:
        typer.echo(f"error: {p}: no such file or folder", err=True)
    present = [p for p in paths if p not in missing]
    if present:
        engine = engine_for(index_dir)
        report = run(lambda: engine.ingest(present, progress=sys.stderr.isatty()))
    else:
        report = IngestReport()
    for s in report.skipped:
        typer.echo(s.line(), err=True)
    if as_json:
        # The JSON report keeps a missing path among the skipped, as it always has (a contract).
        report.skipped.extend(Skipped(str(p), "no such file or folder") for p in missing)
        emit(report.as_dict())
    elif present:
        typer.echo(
            f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
            f"{len(report.skipped)} skipped; {plural(report.chunks_embedded, 'chunk')} embedded"
        )
    if missing:
        raise typer.Exit(EXIT_MISSING)
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


LIST_COLUMNS = ["doc", "title", "municipality", "role", "date", "chunks", "vectors", "sha256"]


@docs_app.command("list", epilog=EXIT_CODES_HELP)
def docs_list(
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the list to this .xlsx file.")] = None,
) -> None:
    """List indexed documents with their metadata (on a terminal: a table sized to it)."""
    from granska.ui.cli import reports

    engine = engine_for(index_dir)
    status = run(engine.document_status)  # one row per document, without reading any document's text
    metas = engine.store.metas() if status else {}
    rows = [[name, metas[name].title, metas[name].municipality, metas[name].role, metas[name].date, st["chunks"],
             st["vectors"], st["sha256"]] for name, st in sorted(status.items())]  # fmt: skip
    if as_csv or xlsx is not None:
        run(lambda: reports.plain_out(LIST_COLUMNS, rows, as_csv=as_csv, xlsx=xlsx))
        if as_csv:
            return
    if not as_json and sys.stdout.isatty():
        from granska.ui.messages import msg, role_label

        headers = [msg(k) for k in ("col_doc", "col_title", "col_municipality", "col_role", "col_date", "col_passages")]
        shown = [[r[0], r[1], r[2], role_label(r[3]), r[4], r[5]] for r in rows]
        reports.rich_rows(headers, shown, [3, 5, 2, 2, 2, 1])
        typer.echo(index_in_use(engine.settings), err=True)
        if status:
            _say_failure(engine.tables.state())
        return
    if not as_json:
        typer.echo(index_in_use(engine.settings), err=True)  # on stderr: the piped lines stay as they were
    tables = engine.tables.document_states(metas) if status else {}
    if any(v != "current" for v in tables.values()):  # the tracker tables lag behind: said once, on stderr
        state = engine.tables.state()
        typer.echo(f"tracker tables: {state['rebuilding']} municipalities being rebuilt, "
                   f"{state['relinking']} being relinked, {state['pending']} documents pending", err=True)  # fmt: skip
        _say_failure(state)
    for name, st in sorted(status.items()):
        m = metas[name]
        if as_json:
            emit({"doc": name, "sha256": st["sha256"], "chunks": st["chunks"], "vectors": st["vectors"],
                  "tracker": tables.get(name, "current"), **m.as_dict()})  # fmt: skip
        else:
            # Which documents take part in dense search (vectors are computed only when it is on).
            vectors = " (vectors)" if st["vectors"] else " (vectors pending)" if engine.dense_on() else ""
            typer.echo(
                f"{name}\t{m.municipality or '-'}\t{m.role}\t{m.date or '-'}\t{plural(st['chunks'], 'chunk')}{vectors}\t{m.title or ''}"
            )


def _say_failure(state: dict[str, object]) -> None:
    """The background's work raised: one line on stderr (the traceback is in the worker's log)."""
    failed, lines = state.get("failed"), state.get("failures")
    if isinstance(failed, int) and failed and isinstance(lines, list):
        more = f" (and {failed - 1} more)" if failed > 1 else ""
        typer.echo(f"tracker tables: {lines[0]}{more}", err=True)


@docs_app.command("rm")
def docs_rm(
    doc: Annotated[str, typer.Argument(help="Document name as listed by `granska docs list`.")],
    index_dir: IndexDir = None,
) -> None:
    """Delete a document and every one of its chunks and vectors."""
    engine = engine_for(index_dir)
    n = run(lambda: engine.remove(doc))
    typer.echo(f"removed {doc} ({plural(n, 'chunk')})")


@docs_app.command("show")
def docs_show(
    doc: Annotated[str, typer.Argument(help="Document name as listed by `granska docs list`.")],
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: metadata, outline, facts.")] = False,
) -> None:
    """Show a document's outline (typed sections with their spans and heading paths) and its facts."""
    engine = engine_for(index_dir)
    docs = run(engine.documents)
    if doc not in docs:
        typer.echo(f"error: no document named {doc!r} in the index (see `granska docs list`)", err=True)
        raise typer.Exit(EXIT_ERROR)
    d = docs[doc]
    outline = d.outline.as_dict() if d.outline is not None else {"sections": [], "facts": []}
    if as_json:
        emit({"doc": doc, "sha256": d.doc_sha256, **d.meta.as_dict(), **outline})
        return
    m = d.meta
    typer.echo(f"{doc}\t{m.municipality or '-'}\t{m.role}\t{m.date or '-'}\t{m.title or ''}")
    typer.echo("sections:")
    for s in outline["sections"]:
        indent = "  " * max(s["level"], 1)
        typer.echo(f"{indent}[{s['kind']}] {s['heading'] or '(no heading)'}\t{s['start']}-{s['end']}")
    typer.echo("facts:")
    for f in outline["facts"]:
        role = f" ({f['role']})" if f.get("role") else ""
        typer.echo(f"  {f['kind']}: {f['value']}{role}\t{f['start']}-{f['end']}")
