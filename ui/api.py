"""The JSON API (OpenAPI at /docs): the same objects as the CLI's --json output, over HTTP."""

from __future__ import annotations

import base64
import binascii
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from granska.ingest.pipeline import safe_name
from granska.ui import render
from granska.ui.jobs import QueueFullError, jobs_of
from granska.ui.present import answer_json
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from granska.engine import Engine
from granska.errors import (
    BadRequestError,
    GranskaError,
    IndexMismatchError,
    IndexMissingError,
    UnknownDocumentError,
    UnreadableFileError,
)
from granska.types import hit_span

MAX_TEXT = 2000  # characters in a question, claim, query or history turn
MAX_FILTER_KEYS = 10
MAX_FILTER_VALUES = 50
MAX_FILTER_CHARS = 200
MAX_UPLOAD_FILES = 20
# Questions computed at once. Python runs one thread at a time: 32 threads asking at once answer no faster
# than 4, but would leave an upload's writer thread 1/33 of the interpreter instead of 1/5 (it would crawl).
READERS = 4
_readers = threading.BoundedSemaphore(READERS)


def _no_surrogates(value: str) -> str:
    # JSON may spell a lone UTF-16 surrogate ("\\ud800"); it is not text and cannot be encoded as UTF-8.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("contains a lone surrogate (invalid Unicode)")
    return value


Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT), AfterValidator(_no_surrogates)]
FilterValue = Annotated[str, StringConstraints(max_length=MAX_FILTER_CHARS), AfterValidator(_no_surrogates)]
Filters = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=40), AfterValidator(_no_surrogates)],
        FilterValue | Annotated[list[FilterValue], Field(max_length=MAX_FILTER_VALUES)],
    ],
    Field(max_length=MAX_FILTER_KEYS),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AskBody(_Body):
    question: Text = Field(description="The question, Swedish or English.")
    k: int = Field(5, ge=1, le=100, description="Passages to return.")
    filters: Filters | None = Field(None, description='e.g. {"municipality": "X", "role": "response"}')
    history: list[Text] | None = Field(
        None, max_length=50, description="Earlier questions of the conversation, oldest first."
    )


class VerifyBody(_Body):
    claim: Text
    filters: Filters | None = None


class SearchBody(_Body):
    query: Text
    k: int = Field(5, ge=1, le=100)
    filters: Filters | None = None


_STATUS = {
    BadRequestError: 400,
    UnreadableFileError: 400,
    UnknownDocumentError: 404,
    IndexMissingError: 409,
    IndexMismatchError: 409,
    QueueFullError: 429,
}


class ErrorBody(BaseModel):
    error: str = Field(description="One line: what is wrong and, where it helps, how to fix it.")
    detail: list[dict[str, Any]] | None = None


# Documented, so a client (and the OpenAPI fuzzer) knows every status an endpoint may answer.
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad input (unknown filter key, unreadable file, bad range)"),
        (401, "Authentication required (when GRANSKA_AUTH is set)"),
        (404, "No such document"),
        (409, "No index yet, or one built with other settings"),
        (413, "Request, question, history or filters over their size limits"),
        (429, "Too many uploads waiting in the queue"),
        (422, "Malformed or invalid body"),
    )
}


def router(engine: Engine) -> APIRouter:
    api = APIRouter(responses=_ERRORS)

    @api.get("/api/health")
    def health() -> dict[str, Any]:
        docs = engine.documents()
        return {"status": "ok", "documents": len(docs)}  # no paths: health is open even when auth is on

    @api.post("/api/ask")
    def ask(body: AskBody) -> dict[str, Any]:
        with _readers:
            answer = engine.ask(body.question, k=body.k, filters=body.filters, history=body.history)
            return answer_json(answer.as_dict(), engine.documents())

    @api.post("/api/verify")
    def verify(body: VerifyBody) -> dict[str, Any]:
        with _readers:
            return answer_json(engine.verify(body.claim, filters=body.filters).as_dict(), engine.documents())

    @api.post("/api/search")
    def search(body: SearchBody) -> dict[str, Any]:
        with _readers:
            hits = engine.search(body.query, k=body.k, filters=body.filters)
        return {"query": body.query, "passages": [{**hit_span(h).as_dict(), "meta": h.meta.as_dict()} for h in hits]}

    @api.get("/api/documents")
    def documents() -> dict[str, Any]:
        status = engine.document_status()  # chunk counts kept per document: no scan of every passage
        counts = {n: int(s["chunks"]) for n, s in status.items()}
        docs = engine.documents()
        tables = engine.tables.document_states({n: d.meta for n, d in docs.items()}) if status else {}
        return {
            "documents": [
                {
                    "doc": n,
                    "sha256": d.doc_sha256,
                    "chunks": counts.get(n, 0),
                    "tracker": tables.get(n, "current"),
                    **d.meta.as_dict(),
                }
                for n, d in sorted(docs.items())
            ],
            "tracker": _tracker_state(engine),
        }

    @api.post("/api/documents", responses={202: {"description": "Queued (wait=false): the job, to poll"}})
    def upload(
        files: Annotated[list[UploadFile], File(description="Documents (.pdf, .docx, .txt, .md, .html)")],
        response: Response,
        wait: bool = Query(True, description="false: answer 202 with the queued job at once (poll /api/jobs/{job})"),
    ) -> dict[str, Any]:
        """Add or replace documents: the same report as `granska ingest --json`, naming each file by its name.
        Uploads wait in one queue (one writer at a time); questions are answered meanwhile from the last
        committed state. With wait=false the answer is the job (202), whose progress GET /api/jobs/{job} shows."""
        if len(files) > MAX_UPLOAD_FILES:
            raise TooLargeError(f"{len(files)} files in one upload (at most {MAX_UPLOAD_FILES})")
        staging, paths = stage_uploads([(f.filename or "upload", f.file) for f in files])
        job = jobs_of(engine).submit(staging, paths, [f.filename or "upload" for f in files])
        if not wait:
            response.status_code = 202
            return {**job.as_dict(), "url": f"/api/jobs/{job.id}"}
        return {**_finished(job), "job": job.id}

    @api.get("/api/jobs")
    def jobs() -> dict[str, Any]:
        """Recent uploads, oldest first, each with its status and progress (the report once done)."""
        queue = jobs_of(engine)
        return {"jobs": [{**j.as_dict(), "ahead": queue.position(j)} for j in queue.all()]}

    @api.get("/api/jobs/{job_id}")
    def job(job_id: str) -> dict[str, Any]:
        """One upload: queued | running | done | failed, files done of planned, and the report once done."""
        queue = jobs_of(engine)
        found = queue.get(job_id)
        if found is None:
            raise UnknownJobError(f"no upload job {job_id[:40]!r} (finished jobs are kept for a while only)")
        return {**found.as_dict(), "ahead": queue.position(found)}

    @api.get("/api/documents/{doc:path}")
    def document(doc: str) -> dict[str, Any]:
        d = _doc(engine, doc)
        return {"doc": doc, "text": d.text, "page_starts": d.page_starts, **d.meta.as_dict()}

    @api.delete("/api/documents/{doc:path}")
    def delete(doc: str) -> dict[str, Any]:
        return {"doc": doc, "removed_chunks": engine.remove(doc)}

    @api.get("/api/recommendations")
    def recommendations(request: Request) -> dict[str, Any]:
        """Filters as query parameters, e.g. ?municipality=X&addressee=kommunstyrelsen&status=answered;
        q=TEXT searches the rows' text and responses (best first)."""
        filters = _query_filters(request)
        q = " ".join(filters.pop("q", [])) or None
        rows = [r.as_dict() for r in engine.recommendations(filters=filters, search=q)]
        return {"recommendations": rows, "tracker": _tracker_state(engine)}

    @api.get("/api/responsibilities")
    def responsibilities(request: Request) -> dict[str, Any]:
        """Filters as query parameters, e.g. ?municipality=X&body=kommunstyrelsen."""
        return {"responsibilities": [r.as_dict() for r in engine.responsibilities(filters=_query_filters(request))]}

    @api.get("/source/{doc:path}", response_class=HTMLResponse, include_in_schema=False)
    def source(doc: str, start: int = Query(0, ge=0), end: int = Query(0, ge=0)) -> HTMLResponse:
        if end < start:
            raise BadRequestError("end must not be before start")
        page = HTMLResponse(render.source_page(_doc(engine, doc), start, end))
        page.headers["Content-Security-Policy"] = render.SOURCE_PAGE_CSP  # no script but its own one line
        return page

    return api


def stage_uploads(files: list[tuple[str, Any]]) -> tuple[Path, list[Path]]:
    """Copy uploaded (name, binary file) pairs under safe names into a fresh folder: (folder, paths)."""
    staging = Path(tempfile.mkdtemp(prefix="granska-upload-"))
    try:
        paths: list[Path] = []
        for name, fh in files:
            target = staging / safe_name(name)
            n = 2
            while target in paths:  # two uploads of one name: both are read, neither overwrites the other
                stem, dot, ext = safe_name(name).rpartition(".")
                target = staging / (f"{stem} ({n}).{ext}" if dot and stem else f"{safe_name(name)} ({n})")
                n += 1
            with target.open("wb") as out:
                shutil.copyfileobj(fh, out)
            paths.append(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, paths


def ingest_uploads(engine: Engine, files: list[tuple[str, Any]]) -> dict[str, Any]:
    """Stage uploaded (name, binary file) pairs, queue them, and wait for the report (as `ingest --json`)."""
    staging, paths = stage_uploads(files)
    return _finished(jobs_of(engine).submit(staging, paths, [name for name, _ in files]))


def _finished(job: Any) -> dict[str, Any]:
    """The report of a job, once the writer has done it; its error as the engine raised it."""
    job.finished.wait()
    if job.exception is not None:
        raise job.exception
    return dict(job.report or {})


def _tracker_state(engine: Engine) -> dict[str, Any]:
    """Whether the tracker tables cover every document: `stale` while they are rebuilt after an upgrade or
    documents' rows wait for the background (`pending` documents)."""
    state = engine.tables.state()
    return {k: state[k] for k in ("stale", "rebuilding", "relinking", "pending", "failed", "failures")}


def _query_filters(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out


def _doc(engine: Engine, name: str) -> Any:
    docs = engine.documents()
    if name not in docs:
        raise UnknownDocumentError(f"no document named {name!r} in the index")
    return docs[name]


class TooLargeError(BadRequestError):
    """A request over a size limit (413)."""


class UnknownJobError(UnknownDocumentError):
    """No upload job of that id (404)."""


_TOO_LONG = {"string_too_long", "too_long"}


def _error_detail(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the input they complain about: it may be huge, bytes, or not encodable."""
    out = []
    for e in errors if isinstance(errors, list | tuple) else []:
        loc = [p if isinstance(p, int) else _printable(str(p))[:100] for p in e.get("loc", ())]
        out.append({"loc": loc, "msg": _printable(str(e.get("msg", "")))[:300], "type": str(e.get("type", ""))})
    return out


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors and invalid bodies become 4xx with one clear message, never a 500."""

    async def domain(_: Request, exc: Exception) -> JSONResponse:
        status = (
            413
            if isinstance(exc, TooLargeError)
            else next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        )
        return JSONResponse({"error": _printable(str(exc))}, status_code=status)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        errors = _error_detail(exc.errors() if isinstance(exc, RequestValidationError) else [])
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in errors)
        status = 413 if any(e["type"] in _TOO_LONG for e in errors) else 422
        return JSONResponse(
            {"error": f"invalid request: {detail or 'malformed body'}", "detail": errors}, status_code=status
        )

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        # FastAPI's own errors (a body that is not UTF-8 JSON, an unknown route) in the same {"error": …} shape.
        status = getattr(exc, "status_code", 400)
        detail = getattr(exc, "detail", None) or "bad request"
        return JSONResponse(
            {"error": _printable(str(detail))}, status_code=status, headers=getattr(exc, "headers", None)
        )

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(GranskaError, domain)
    app.add_exception_handler(RequestValidationError, invalid)


class BasicAuth(BaseHTTPMiddleware):
    """HTTP basic auth over the whole app (UI and API) when GRANSKA_AUTH=user:password is set."""

    def __init__(self, app: Any, credentials: str) -> None:
        super().__init__(app)
        user, _, password = credentials.partition(":")
        self._user, self._password = user.encode(), password.encode()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path != "/api/health" and not self._ok(request.headers.get("authorization", "")):
            return Response(
                "authentication required", status_code=401, headers={"WWW-Authenticate": 'Basic realm="granska"'}
            )
        return await call_next(request)

    def _ok(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(user, self._user) & secrets.compare_digest(password, self._password)
