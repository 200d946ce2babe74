"""Who is looking at a page that needs no login: the public, or a signed-in partnership user.

Pages open to everyone (``/``, ``/profile``, ``/api/coverage``) show figures built from
partnership records to the public only after disclosure control
(:mod:`upstream.account.disclosure`); a visitor with a live session of any role sees them in
full. This is the one place that decides which, and the one place that marks the answer on
the response so no shared cache hands a signed-in user's page to anyone else.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Response

from upstream.cases.auth import SessionView
from upstream.web.routes.auth import OptionalSession

__all__ = ["PublicDep", "is_public", "mark_audience", "signed_in"]


def is_public(view: OptionalSession) -> bool:
    """True when the request carries no live session (any role)."""
    return view is None


PublicDep = Annotated[bool, Depends(is_public)]

R = TypeVar("R", bound=Response)


def signed_in(view: SessionView | None) -> dict[str, Any]:
    """What the page layout needs about the visitor: who is signed in (``user``, for the
    Log out button) and the session's CSRF token that button posts."""
    return {"user": view.actor if view else None, "csrf_token": view.csrf_token if view else ""}


def mark_audience(response: R, public: bool) -> R:
    """Vary by cookie; the full version is never stored by any cache."""
    response.headers["Vary"] = "Cookie"
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-store"
    response.headers["X-Upstream-Version"] = "public" if public else "full"
    return response
