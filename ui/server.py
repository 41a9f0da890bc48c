"""One process, one port: the JSON API and the Gradio UI mounted on the same FastAPI app."""

from __future__ import annotations

import os
import sys

# Gradio phones home (version check, analytics) unless told not to, before it is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fastapi import FastAPI
from granska.ui import api, guard

from granska.engine import Engine
from granska.errors import GranskaError


def build_app(engine: Engine, *, auth: str | None = None) -> FastAPI:
    import gradio as gr
    from granska.ui import web, webparts

    app = FastAPI(
        title="Granska API",
        description="Cited answers, claim checks and search over Swedish municipal audit documents.",
        version="0.1.0",
    )
    api.install_error_handlers(app)
    app.include_router(api.router(engine))
    if auth:
        if ":" not in auth:
            raise ValueError("GRANSKA_AUTH must look like user:password")
        app.add_middleware(api.BasicAuth, credentials=auth)
    max_mb = engine.settings.ingest.max_file_mb
    app.add_middleware(webparts.LocaleFirst)  # Gradio's own strings in the page's language (`?lang=`)
    # Outermost layer: size limits, security headers, CORS only for GRANSKA_CORS_ORIGINS.
    app.add_middleware(guard.Guard, upload_limit=int(max_mb * 1e6 * api.MAX_UPLOAD_FILES) + (1 << 20))
    return gr.mount_gradio_app(
        app,
        web.build(engine),
        path="/",
        max_file_size=f"{max_mb:g}mb",
        footer_links=["api"],
        theme=gr.themes.Default(),
        css=webparts.CSS,
        head=webparts.HEAD,
        i18n=webparts.gradio_i18n(),
    )


KEEP_ALIVE_S = 75  # seconds an idle kept-alive connection stays open (nginx's default, above most clients')


def _refuse_a_taken_port(host: str, port: int) -> None:
    """One line for an address in use: uvicorn would print our URL (another server's page) and exit 3, the code
    that means "ingest skipped files"."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        hint = "another server is there? choose another --port" if taken else "choose another --host"
        why = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        raise GranskaError(f"cannot listen on {host}:{port}: {why} ({hint})") from exc


def serve(engine: Engine, *, host: str, port: int, index_line: str = "") -> None:
    import uvicorn

    _refuse_a_taken_port(host, port)  # before building anything, so the user hears it at once
    engine.ensure_index()
    engine.searcher()  # load the index before the first request, not during it
    app = build_app(engine, auth=os.environ.get("GRANSKA_AUTH") or None)
    if index_line:  # which index this server answers from (the default folder is shared by the user's processes)
        print(index_line, file=sys.stderr, flush=True)
    print(f"Granska: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", flush=True)
    # A kept-alive connection idle for 5 s (uvicorn's default) is closed; a client that sends its next request
    # just then gets a reset. Under load (and during an upload) a client may take that long between requests.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)
