"""The JSON API (OpenAPI at /docs): the same objects as the CLI's --json output, over HTTP."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from granska.ui import render
from granska.ui.present import answer_json
from pydantic import BaseModel, ConfigDict, Field
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

Filters = dict[str, str | list[str]]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AskBody(_Body):
    question: str = Field(min_length=1, max_length=2000, description="The question, Swedish or English.")
    k: int = Field(5, ge=1, le=100, description="Passages to return.")
    filters: Filters | None = Field(None, description='e.g. {"municipality": "Motala", "role": "response"}')
    history: list[str] | None = Field(
        None, max_length=50, description="Earlier questions of the conversation, oldest first."
    )


class VerifyBody(_Body):
    claim: str = Field(min_length=1, max_length=2000)
    filters: Filters | None = None


class SearchBody(_Body):
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(5, ge=1, le=100)
    filters: Filters | None = None


_STATUS = {
    BadRequestError: 400,
    UnreadableFileError: 400,
    UnknownDocumentError: 404,
    IndexMissingError: 409,
    IndexMismatchError: 409,
}


def router(engine: Engine) -> APIRouter:
    api = APIRouter()

    @api.get("/api/health")
    def health() -> dict[str, Any]:
        docs = engine.documents()
        return {"status": "ok", "documents": len(docs), "index_dir": str(engine.settings.index_dir)}

    @api.post("/api/ask")
    def ask(body: AskBody) -> dict[str, Any]:
        answer = engine.ask(body.question, k=body.k, filters=body.filters, history=body.history)
        return answer_json(answer.as_dict(), engine.documents())

    @api.post("/api/verify")
    def verify(body: VerifyBody) -> dict[str, Any]:
        return answer_json(engine.verify(body.claim, filters=body.filters).as_dict(), engine.documents())

    @api.post("/api/search")
    def search(body: SearchBody) -> dict[str, Any]:
        hits = engine.search(body.query, k=body.k, filters=body.filters)
        return {"query": body.query, "passages": [{**hit_span(h).as_dict(), "meta": h.meta.as_dict()} for h in hits]}

    @api.get("/api/documents")
    def documents() -> dict[str, Any]:
        counts: dict[str, int] = {}
        for c in engine.store.chunks() if engine.has_index() else []:
            counts[c.doc] = counts.get(c.doc, 0) + 1
        return {
            "documents": [
                {"doc": n, "sha256": d.doc_sha256, "chunks": counts.get(n, 0), **d.meta.as_dict()}
                for n, d in sorted(engine.documents().items())
            ]
        }

    @api.get("/api/documents/{doc}")
    def document(doc: str) -> dict[str, Any]:
        d = _doc(engine, doc)
        return {"doc": doc, "text": d.text, "page_starts": d.page_starts, **d.meta.as_dict()}

    @api.delete("/api/documents/{doc}")
    def delete(doc: str) -> dict[str, Any]:
        return {"doc": doc, "removed_chunks": engine.remove(doc)}

    @api.get("/api/recommendations")
    def recommendations(request: Request) -> dict[str, Any]:
        """Filters as query parameters, e.g. ?municipality=Borås&addressee=kommunstyrelsen&status=answered."""
        filters = _query_filters(request)
        return {"recommendations": [r.as_dict() for r in engine.recommendations(filters=filters)]}

    @api.get("/api/responsibilities")
    def responsibilities(request: Request) -> dict[str, Any]:
        """Filters as query parameters, e.g. ?municipality=Motala&body=kommunstyrelsen."""
        return {"responsibilities": [r.as_dict() for r in engine.responsibilities(filters=_query_filters(request))]}

    @api.get("/source/{doc}", response_class=HTMLResponse, include_in_schema=False)
    def source(doc: str, start: int = Query(0, ge=0), end: int = Query(0, ge=0)) -> HTMLResponse:
        if end < start:
            raise BadRequestError("end must not be before start")
        return HTMLResponse(render.source_page(_doc(engine, doc), start, end))

    return api


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


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors and invalid bodies become 4xx with one clear message, never a 500."""

    async def domain(_: Request, exc: Exception) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse({"error": str(exc)}, status_code=status)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}" for e in errors
        )
        return JSONResponse({"error": f"invalid request: {detail or exc}", "detail": errors}, status_code=422)

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
