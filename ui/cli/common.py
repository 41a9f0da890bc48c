"""What every command group shares: the Typer app, the index option, one error boundary, JSON output."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from granska.errors import GranskaError

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 error (bad input, missing or incompatible index, unknown document), "
    "one line on stderr naming the file and the reason; 2 wrong usage (unknown option, missing argument); "
    "3 ingest finished but some files were skipped (each named on stderr)."
)
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Cited answers over Swedish municipal audit documents.",
    epilog=EXIT_CODES_HELP,
)


@app.callback()
def _options(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="A shared PostgreSQL store for every command: postgresql://USER@HOST:PORT/DB[?schema=NAME] "
            "(default: $GRANSKA_STORE; unset = the embedded index folder).",
        ),
    ] = None,
) -> None:
    """Cited answers over Swedish municipal audit documents."""
    if store:
        os.environ["GRANSKA_STORE"] = store  # Settings() in every command (and its child processes) reads it


docs_app = typer.Typer(no_args_is_help=True, help="List, show or delete indexed documents.")
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
        help="KEY=VALUE filter, repeatable (municipality, role, auditor, issuer, year, date, doc, title, section).",
    ),
]
T = TypeVar("T")


def engine_for(index_dir: Path | None) -> Any:
    from granska.engine import Engine
    from granska.settings import Settings

    settings = Settings(index_dir=index_dir) if index_dir else Settings()
    return run(lambda: Engine(settings))  # opening a store can fail (an unreachable PostgreSQL): one line


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Domain errors become one line on stderr and exit 1, here at the boundary only."""
    try:
        return fn(*args, **kwargs)
    except GranskaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def emit(obj: dict[str, Any]) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))
