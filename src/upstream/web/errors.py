"""Server errors: answered with a reference, logged without any data.

An unexpected error can carry personal data in its message: a database error quotes the
failing row ("Failing row contains (..., 'contact notes', ...)"), a validation error quotes
its input. So a server error is never logged with its message or its values: the log line
names the error's type, the route, where in the code it happened (file, line and function
of the innermost frames) and a random reference, which the response shows too
(:class:`upstream.web.middleware.ServerErrors`).
"""

from __future__ import annotations

import traceback

__all__ = ["where"]

_FRAMES = 6


def where(exc: BaseException) -> str:
    """The innermost frames of ``exc``'s traceback as ``file:line function``, nothing else."""
    frames = traceback.extract_tb(exc.__traceback__)[-_FRAMES:]
    return " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )
