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
    "3 ingest finished but some files were skipped (each named on stderr); "
    "4 a path given to ingest does not exist (the other paths are ingested)."
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
    from granska.settings import unknown_env

    for line in unknown_env(os.environ):  # a misspelt variable would change nothing, without a word
        typer.echo(f"error: {line}", err=True)
        raise typer.Exit(EXIT_ERROR)


docs_app = typer.Typer(no_args_is_help=True, help="List, show or delete indexed documents.")
app.add_typer(docs_app, name="docs")

EXIT_ERROR = 1
EXIT_SKIPPED = 3  # ingest finished, but some files could not be read
EXIT_MISSING = 4  # a path named to ingest does not exist: a typo, not an unreadable file

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


def settings_for(index_dir: Path | None = None) -> Any:
    """The settings, or one line naming the variable that is wrong and exit 1 (not pydantic's traceback)."""
    from pydantic import ValidationError

    from granska.settings import Settings, problem

    try:
        settings = Settings(index_dir=index_dir) if index_dir else Settings()
    except ValidationError as exc:
        typer.echo(f"error: {problem(exc)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if settings.store is None and settings.index_dir.exists() and not settings.index_dir.is_dir():
        typer.echo(f"error: index folder {settings.index_dir} is a file; give a folder (--index-dir)", err=True)
        raise typer.Exit(EXIT_ERROR)
    return settings


def index_in_use(settings: Any) -> str:
    """Which index a command reads, in one line: the default folder is shared by every process of the user."""
    if settings.store is not None:
        return "index: the PostgreSQL store (--store / GRANSKA_STORE)"  # never the address: it may hold a password
    from granska.settings import default_index_dir

    if Path(settings.index_dir) == default_index_dir():
        return (f"index: {settings.index_dir} (the default: shared by every granska command and server of this user; "
                "--index-dir or GRANSKA_INDEX_DIR for another)")  # fmt: skip
    return f"index: {settings.index_dir}"


def engine_for(index_dir: Path | None) -> Any:
    from granska.engine import Engine

    settings = settings_for(index_dir)
    return run(lambda: Engine(settings))  # opening a store can fail (an unreachable PostgreSQL): one line


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Domain errors become one line on stderr and exit 1, here at the boundary only."""
    try:
        return fn(*args, **kwargs)
    except GranskaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def plural(n: int, noun: str) -> str:
    """ "1 chunk", "2 chunks": the count lines are read by people (machines read --json)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def emit(obj: dict[str, Any]) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))
