"""`granska serve`: the web UI and the JSON API in one process."""

from __future__ import annotations

from typing import Annotated

import typer
from granska.ui.cli.common import IndexDir, app, engine_for, index_in_use, run


@app.command()
def serve(
    index_dir: IndexDir = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 7860,
) -> None:
    """Serve the web UI and the JSON API (/api/…, OpenAPI at /docs). Builds the demo index first if none exists."""
    import os

    from granska.qa import rec_process
    from granska.ui.server import serve as run_server

    # The tracker's background process yields the cores to the questions (unless the env var says otherwise).
    os.environ.setdefault(rec_process.NICE_ENV, str(rec_process.SERVER_NICE))
    engine = engine_for(index_dir)
    run(lambda: run_server(engine, host=host, port=port, index_line=index_in_use(engine.settings)))
