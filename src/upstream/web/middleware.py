"""The web app's middleware, as plain ASGI (no per-request task groups or streams, which
Starlette's ``BaseHTTPMiddleware`` adds to every layer and which slow every request under load).

From the outside in:

* :class:`RequestLog` — one line per request through the ``upstream.web`` logger: method, the
  route pattern matched (``/cases/people/{pseudonym}``: never the concrete path, which carries
  pseudonyms), status and duration; never a query string, cookie, header or body.
* :class:`ResponseHeaders` — the Content-Security-Policy and the other security headers on
  every response (HSTS in production), and ``Cache-Control: no-store`` on the case pages.
* :class:`ServerErrors` — an unexpected error is answered 500 with a reference and logged as
  its type, route, reference and code location only (:func:`upstream.web.errors.where`),
  never its message: a database error quotes the failing row.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from upstream.web.errors import where

__all__ = ["LOGGER", "RequestLog", "ResponseHeaders", "ServerErrors", "route_pattern"]

LOGGER = logging.getLogger("upstream.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def route_pattern(scope: Scope) -> str:
    """The route pattern a request matched (``/cases/people/{pseudonym}``)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not path:
        return "(no route)"
    if not hasattr(route, "endpoint"):
        return f"{path}/..."  # a mounted app (static files): its own paths are not logged
    return str(path)


class RequestLog:
    """Log method, route pattern, status and milliseconds of every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            LOGGER.info(
                "%s %s %d %.0f ms",
                scope.get("method", "-"),
                route_pattern(scope),
                status,
                (time.perf_counter() - started) * 1000,
            )


class ResponseHeaders:
    """Add ``always`` headers to every response unless set, and ``no_store`` paths'."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        always: dict[str, str],
        no_store_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.always = [(k.lower().encode(), v.encode()) for k, v in always.items()]
        self.no_store = no_store_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = str(scope.get("path", "")).startswith(self.no_store) if self.no_store else False

        async def sent(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.always if k not in names]
                if no_store:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sent)


class ServerErrors:
    """Answer an unexpected error with a 500 and a reference; log it without any data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sent(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sent)
        except Exception as exc:
            ref = secrets.token_hex(4)
            LOGGER.error(
                "server error %s on %s %s: %s at %s",
                ref,
                scope.get("method", "-"),
                route_pattern(scope),
                type(exc).__name__,
                where(exc),
            )
            if started:  # too late for another answer: end the connection's response
                raise
            message = f"Something went wrong on the server (reference {ref}). Nothing was saved."
            api = str(scope.get("path", "")).startswith("/api/")
            body = (
                json.dumps({"detail": message, "reference": ref}).encode()
                if api
                else message.encode()
            )
            kind = b"application/json" if api else b"text/plain; charset=utf-8"
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", kind),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
