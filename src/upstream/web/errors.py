"""Server errors: answered with a reference, logged without any data.

An unexpected error can carry personal data in its message: a database error quotes the
failing row ("Failing row contains (..., 'contact notes', ...)"), a validation error quotes
its input. So a server error is never logged with its message or its values: the log line
names the error's type, the route, where in the code it happened (file, line and function
of the innermost frames) and a random reference, which the response shows too.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

__all__ = ["LOGGER", "install_error_log", "where"]

LOGGER = logging.getLogger("upstream.web")
_FRAMES = 6


def where(exc: BaseException) -> str:
    """The innermost frames of ``exc``'s traceback as ``file:line function``, nothing else."""
    frames = traceback.extract_tb(exc.__traceback__)[-_FRAMES:]
    return " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )


def install_error_log(app: FastAPI) -> None:
    """Answer unexpected errors with a 500 and a reference; log them without data."""

    @app.middleware("http")
    async def server_errors(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            return await call_next(request)
        except Exception as exc:
            ref = secrets.token_hex(4)
            route = getattr(request.scope.get("route"), "path", None) or "(no route)"
            LOGGER.error(
                "server error %s on %s %s: %s at %s",
                ref,
                request.method,
                route,
                type(exc).__name__,
                where(exc),
            )
            message = f"Something went wrong on the server (reference {ref}). Nothing was saved."
            if request.url.path.startswith("/api/"):
                return JSONResponse({"detail": message, "reference": ref}, status_code=500)
            return PlainTextResponse(message, status_code=500)
