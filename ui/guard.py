"""One ASGI layer around the whole app: body size limits (413), security headers, and CORS only when configured.

Pure ASGI rather than BaseHTTPMiddleware, so Gradio's streamed (server-sent event) responses pass untouched.
Gradio's own CORS layer answers any localhost origin; cross-origin headers are removed here unless the origin
is listed in GRANSKA_CORS_ORIGINS (comma-separated, e.g. "https://intranet.example"), so a page on another
port of the same machine cannot read answers with the user's credentials.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_LIMIT = 1_000_000  # an /api/ JSON body: a question, filters and 50 history turns fit in a few KB
PAGE_LIMIT = 8_000_000  # the web page's own calls carry the chat history
# Inline script and style: Gradio's page is built that way. What matters against injected markup is that
# nothing may be fetched from or sent to another origin, and the page may not be framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def cors_origins() -> frozenset[str]:
    raw = os.environ.get("GRANSKA_CORS_ORIGINS", "")
    return frozenset(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


class _TooLarge(Exception):
    pass


class Guard:
    """Wraps an ASGI app; upload_limit is the most bytes a document upload request may carry."""

    def __init__(self, app: ASGIApp, *, upload_limit: int, origins: frozenset[str] | None = None) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.origins = cors_origins() if origins is None else origins

    def limit_for(self, scope: Scope) -> int:
        path: str = scope.get("path", "")
        if path == "/api/documents" or "/upload" in path:
            return self.upload_limit
        return JSON_LIMIT if path.startswith("/api/") else PAGE_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        origin = headers.get(b"origin", b"").decode("latin-1").rstrip("/")
        allowed = origin in self.origins
        limit = self.limit_for(scope)
        over = False  # the body passed the limit: whatever the app answers becomes one 413
        replaced = False

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if over:
                if not replaced:
                    replaced = True
                    await self._too_large(scope, send, limit, origin, allowed)
                return
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(scope, list(message.get("headers", [])), origin, allowed)
            await send(message)

        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit, origin, allowed)
            return
        method = scope.get("method", "GET")
        foreign = (
            bool(origin) and not allowed and urlsplit(origin).netloc != headers.get(b"host", b"").decode("latin-1")
        )
        # A preflight from another origin, or a write it may send without one (a form POST carries the
        # user's credentials): refused, so another site cannot upload or delete in the user's name.
        if foreign and method not in ("GET", "HEAD"):
            await self._respond(
                scope, send, 403, {"error": "cross-origin requests are not allowed here"}, origin, allowed
            )
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            pass
        if over and not replaced:
            replaced = True
            await self._too_large(scope, send, limit, origin, allowed)

    def _headers(
        self, scope: Scope, headers: list[tuple[bytes, bytes]], origin: str, allowed: bool
    ) -> list[tuple[bytes, bytes]]:
        path: str = scope.get("path", "")
        kept = [(k, v) for k, v in headers if allowed or not k.lower().startswith(b"access-control-")]
        names = {k.lower() for k, _ in kept}
        kept += [(k, v) for k, v in _HEADERS if k not in names]
        if b"content-security-policy" not in names and path not in ("/docs", "/redoc"):
            kept.append((b"content-security-policy", PAGE_CSP.encode()))
        if allowed and b"access-control-allow-origin" not in names:
            kept += [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        return kept

    async def _too_large(self, scope: Scope, send: Send, limit: int, origin: str, allowed: bool) -> None:
        body = {"error": f"request body over {limit / 1e6:g} MB ({scope.get('path', '')})"}
        await self._respond(scope, send, 413, body, origin, allowed)

    async def _respond(
        self, scope: Scope, send: Send, status: int, body: dict[str, str], origin: str, allowed: bool
    ) -> None:
        data = json.dumps(body).encode()
        base = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        await send(
            {"type": "http.response.start", "status": status, "headers": self._headers(scope, base, origin, allowed)}
        )
        await send({"type": "http.response.body", "body": data})
