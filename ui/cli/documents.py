"""`granska ingest` and `granska docs list|rm`: what is in the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from granska.ui.cli.common import EXIT_ERROR, EXIT_SKIPPED, IndexDir, app, docs_app, emit, engine_for, run


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (folders recurse; a metadata.tsv beside files is read).")
    ],
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Add or update documents. Unchanged files are skipped; unreadable ones are named with the reason."""
    engine = engine_for(index_dir)
    report = run(lambda: engine.ingest(paths, progress=sys.stderr.isatty()))
    for s in report.skipped:
        typer.echo(s.line(), err=True)
    if as_json:
        emit(report.as_dict())
    else:
        typer.echo(
            f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
            f"{len(report.skipped)} skipped; {report.chunks_embedded} chunks embedded"
        )
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@docs_app.command("list")
def docs_list(
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
) -> None:
    """List indexed documents with their metadata."""
    engine = engine_for(index_dir)
    status = run(engine.document_status)  # one row per document, without reading any document's text
    metas = engine.store.metas() if status else {}
    for name, st in sorted(status.items()):
        m = metas[name]
        if as_json:
            emit({"doc": name, "sha256": st["sha256"], "chunks": st["chunks"], "vectors": st["vectors"], **m.as_dict()})
        else:
            # Which documents take part in dense search (vectors are computed only when it is on).
            vectors = " (vectors)" if st["vectors"] else " (vectors pending)" if engine.dense_on() else ""
            typer.echo(
                f"{name}\t{m.municipality or '-'}\t{m.role}\t{m.date or '-'}\t{st['chunks']} chunks{vectors}\t{m.title or ''}"
            )


@docs_app.command("rm")
def docs_rm(
    doc: Annotated[str, typer.Argument(help="Document name as listed by `granska docs list`.")],
    index_dir: IndexDir = None,
) -> None:
    """Delete a document and every one of its chunks and vectors."""
    engine = engine_for(index_dir)
    n = run(lambda: engine.remove(doc))
    typer.echo(f"removed {doc} ({n} chunks)")


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
