"""Login, logout, sessions and CSRF for the case-coordination pages and the JSON API.

* The session cookie holds a random token (HttpOnly, SameSite=Strict, Secure in production,
  ``__Host-`` prefixed when Secure); the case store keeps its hash, its CSRF token and the
  purpose stated at login, and ends it when idle or too old (:mod:`upstream.cases.auth`).
* Every POST under these routers passes :func:`csrf_protect`: a form's ``csrf_token`` field
  or the ``X-CSRF-Token`` header must equal the session's token. The login form, before any
  session exists, carries a token signed with the secret key that must match a cookie.
* A successful login also sets a signed *device cookie* naming the user, so that the login
  throttle's account delay does not apply to the account owner's own browser
  (:mod:`upstream.cases.throttle`).
* A session whose user must change their password can only change it or log out: every
  other page redirects to the form (the API answers 403).
* Access rules are not here: every handler calls one use case, which applies the policy.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from upstream.area import area_from_settings
from upstream.cases.access import PURPOSES
from upstream.cases.auth import (
    LoginFailed,
    LoginThrottled,
    SessionView,
    change_password,
    login,
    logout,
    resolve_session,
)
from upstream.cases.db import CaseStore, case_store
from upstream.cases.demo import DEMO_ADMIN_FILE, DEMO_PASSWORD
from upstream.cases.deployment import active_demo_users
from upstream.cases.localtime import age_on, local_input, london, london_time, uk_date, waited
from upstream.cases.models import utcnow
from upstream.cases.schemas import LoginRequest, LoginResult, PasswordChange
from upstream.cases.vocab import Purpose, Role, label
from upstream.config import Settings
from upstream.vocab import ETHNICITIES, SEXES
from upstream.web.deps import SettingsDep, templates

__all__ = [
    "ActorSession",
    "CsrfFailed",
    "LoginRequired",
    "OptionalSession",
    "PasswordChangeRequired",
    "StoreDep",
    "api_router",
    "client_addr",
    "csrf_protect",
    "page_context",
    "router",
    "session_cookie_name",
]

LOGIN_CSRF_COOKIE = "upstream_login_csrf"
DEVICE_COOKIE = "upstream_device"
DEVICE_DAYS = 365
PASSWORD_PAGE = "/account/password"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OPEN_WHILE_CHANGING = frozenset(
    {PASSWORD_PAGE, "/api/auth/password", "/logout", "/api/auth/logout"}
)


class LoginRequired(Exception):
    """No live session: pages redirect to the login page, the API answers 401."""


class PasswordChangeRequired(Exception):
    """The user must change the password they were given before doing anything else."""


def client_addr(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn's forwarded one)."""
    return request.client.host if request.client else "unknown"


class CsrfFailed(Exception):
    """A change without the right CSRF token: answered 403."""


def session_cookie_name(settings: Settings) -> str:
    """``__Host-upstream_session`` over HTTPS, ``upstream_session`` otherwise."""
    return "__Host-upstream_session" if settings.secure_cookies else "upstream_session"


def get_store(request: Request) -> CaseStore:
    """The case store of the app's settings."""
    settings: Settings = request.app.state.settings
    return case_store(settings)


StoreDep = Annotated[CaseStore, Depends(get_store)]


def optional_session(request: Request, store: StoreDep) -> SessionView | None:
    """The live session of the request's cookie, if any (looked up once per request)."""
    if not hasattr(request.state, "case_session"):
        token = request.cookies.get(session_cookie_name(store.settings))
        request.state.case_session = resolve_session(store, token, client_addr(request))
    view: SessionView | None = request.state.case_session
    return view


OptionalSession = Annotated[SessionView | None, Depends(optional_session)]


def required_session(request: Request, view: OptionalSession) -> SessionView:
    """The live session, or :class:`LoginRequired` (:class:`PasswordChangeRequired` while
    the user must change their password, except on the pages that do it)."""
    if view is None:
        raise LoginRequired
    if view.must_change_password and request.url.path not in _OPEN_WHILE_CHANGING:
        raise PasswordChangeRequired
    return view


ActorSession = Annotated[SessionView, Depends(required_session)]
ActorSessionForPassword = ActorSession
"""The session on the password pages (open while a change is required)."""


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="upstream-login-csrf")


def _devices(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="upstream-device")


def known_device_user(request: Request, settings: Settings) -> int | None:
    """The user id named by a valid device cookie, if the request carries one."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = _devices(settings).loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def _set_device_cookie(response: Response, settings: Settings, user_id: int | None) -> None:
    if user_id is None:
        return
    response.set_cookie(
        DEVICE_COOKIE,
        _devices(settings).dumps(user_id),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


async def csrf_protect(request: Request) -> None:
    """Refuse any change whose CSRF token does not match (router-wide dependency)."""
    if request.method not in UNSAFE:
        return
    sent = request.headers.get("x-csrf-token")
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        request.state.form = {k: v for k, v in form.items() if isinstance(v, str)}
        sent = request.state.form.get("csrf_token")
    if not sent:
        raise CsrfFailed
    settings: Settings = request.app.state.settings
    store = case_store(settings)
    if request.url.path in ("/login", "/api/auth/login"):
        nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        try:
            signed = _serializer(settings).loads(sent, max_age=3600)
        except BadSignature:
            raise CsrfFailed from None
        if nonce and isinstance(signed, str) and hmac.compare_digest(signed, nonce):
            return
        raise CsrfFailed
    view = await run_in_threadpool(optional_session, request, store)
    if view is None:
        raise LoginRequired
    if not hmac.compare_digest(sent, view.csrf_token):
        raise CsrfFailed


def page_context(request: Request, view: SessionView | None, **extra: Any) -> dict[str, Any]:
    """What every case page's template needs: the user, the CSRF token, labels, and
    ``when`` (an instant in Europe/London time, with GMT/BST)."""
    settings: Settings = request.app.state.settings
    return {
        "area_name": area_from_settings(settings).name,
        "user": view.actor if view else None,
        "csrf_token": view.csrf_token if view else "",
        "label": label,
        "when": london_time,
        "local_input": local_input,
        "uk_date": uk_date,
        "age_on": age_on,
        "today": london(utcnow()).date(),
        "waited": waited,
        "sexes": SEXES,
        "ethnicities": ETHNICITIES,
        "active": "cases",
        **extra,
    }


router = APIRouter(tags=["auth"], dependencies=[Depends(csrf_protect)])
api_router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(csrf_protect)])


def _set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        session_cookie_name(settings),
        token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


_RETURN_PAGES = (
    "/cases", "/actions", "/board", "/network", "/retail", "/orders",
    "/plan", "/reach", "/outcomes",
)  # fmt: skip
"""Pages (and the pages under them) that signing in may return to; anything else goes to
the case board, so a crafted ``next`` never leads off this site."""


def _safe_next(target: str | None) -> str:
    if (
        target
        and any(target == p or target.startswith((p + "/", p + "?")) for p in _RETURN_PAGES)
        and "//" not in target
        and "\\" not in target
    ):
        return target
    return "/cases"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(
    request: Request, settings: SettingsDep, view: OptionalSession, next: str | None = None
) -> Response:
    """The login form (with a signed CSRF token bound to a cookie)."""
    if view is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, settings, next, error=None, status=200)


def _demo_hint(settings: Settings) -> dict[str, Any]:
    """The demo logins, shown on the login page in development only."""
    if settings.env != "development":
        return {"demo_hint": []}
    names = [n for n in active_demo_users(case_store(settings)) if n != "admin"]
    return {
        "demo_hint": sorted(names),
        "demo_password": DEMO_PASSWORD,
        "demo_admin_file": settings.data_dir / DEMO_ADMIN_FILE,
    }


def _login_form(
    request: Request, settings: Settings, next: str | None, error: str | None, status: int
) -> Response:
    nonce = secrets.token_urlsafe(16)
    response = templates.TemplateResponse(
        request,
        "cases/login.html",
        page_context(
            request,
            None,
            login_token=_serializer(settings).dumps(nonce),
            next=_safe_next(next),
            purposes=[p for p in Purpose if p not in (Purpose.RETENTION,)],
            role_purposes=[
                (role.value, [p.value for p in Purpose if p in PURPOSES[role]])
                for role in Role
                if role in PURPOSES
            ],
            error=error,
            **_demo_hint(settings),
        ),
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )
    return response


def _login(
    request: Request, settings: Settings, store: CaseStore, data: LoginRequest
) -> tuple[str, SessionView]:
    return login(
        store,
        data.username,
        data.password,
        data.purpose,
        client_addr(request),
        known_device_user(request, settings),
    )


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """Check the credentials; on success set the session cookie and go to the board (or,
    first, to the password form when the password was set by someone else)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    try:
        data = LoginRequest(
            username=form.get("username", ""),
            password=form.get("password", ""),
            purpose=form.get("purpose", Purpose.DIRECT_SUPPORT),  # type: ignore[arg-type]
        )
    except ValueError:
        return _login_form(
            request, settings, form.get("next"), "Give a username and password.", 401
        )
    try:
        token, view = _login(request, settings, store, data)
    except LoginFailed as exc:
        message = str(exc)
        status = 429 if isinstance(exc, LoginThrottled) else 401
        return _login_form(
            request, settings, form.get("next"), message[0].upper() + message[1:] + ".", status
        )
    target = PASSWORD_PAGE if view.must_change_password else _safe_next(form.get("next"))
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, settings, token)
    _set_device_cookie(response, settings, view.actor.user_id)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.get(PASSWORD_PAGE, response_class=HTMLResponse, include_in_schema=False)
def password_page(request: Request, view: ActorSessionForPassword) -> Response:
    """The form to change one's own password."""
    return _password_form(request, view, None, 200)


def _password_form(
    request: Request, view: SessionView, error: str | None, status: int, done: bool = False
) -> Response:
    return templates.TemplateResponse(
        request,
        "cases/password.html",
        page_context(request, view, error=error, done=done, forced=view.must_change_password),
        status_code=status,
    )


@router.post(PASSWORD_PAGE, include_in_schema=False)
def password_submit(request: Request, view: ActorSessionForPassword, store: StoreDep) -> Response:
    """Change one's own password; other sessions end."""
    form: dict[str, str] = getattr(request.state, "form", {})
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return _password_form(request, view, "The two new passwords differ.", 400)
    try:
        data = PasswordChange(
            current_password=form.get("current_password", ""),
            new_password=form.get("new_password", ""),
        )
        change_password(store, view, data)
    except LoginFailed as exc:
        return _password_form(request, view, str(exc).capitalize() + ".", 400)
    except ValueError as exc:
        return _password_form(request, view, _first_error(exc), 400)
    if view.must_change_password:
        return RedirectResponse("/cases", status_code=303)
    return _password_form(request, _without_forced(view), None, 200, done=True)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}"
    return str(exc)


def _without_forced(view: SessionView) -> SessionView:
    return SessionView(view.actor, view.csrf_token, view.expires_at, False)


@router.post("/logout", include_in_schema=False)
def logout_submit(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """End the session and forget the cookie."""
    logout(store, request.cookies.get(session_cookie_name(settings)), client_addr(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


@api_router.get("/csrf")
def api_login_token(settings: SettingsDep, response: Response) -> dict[str, str]:
    """A login CSRF token (send it as ``X-CSRF-Token`` to ``POST /api/auth/login``)."""
    nonce = secrets.token_urlsafe(16)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )
    return {"csrf_token": _serializer(settings).dumps(nonce)}


@api_router.post(
    "/login",
    response_model=LoginResult,
    responses={401: {"description": "Refused"}, 429: {"description": "Too many failures"}},
)
def api_login(
    request: Request, data: LoginRequest, settings: SettingsDep, store: StoreDep
) -> Response:
    """Log in; the session cookie is set and the session's CSRF token returned.

    ``must_change_password``: until it is changed (``POST /api/auth/password``) every other
    call is refused.
    """
    try:
        token, view = _login(request, settings, store, data)
    except LoginThrottled as exc:
        return JSONResponse(
            {"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.seconds)}
        )
    except LoginFailed as exc:
        return JSONResponse({"detail": str(exc)}, status_code=401)
    result = LoginResult(
        username=view.actor.username,
        role=view.actor.role,
        csrf_token=view.csrf_token,
        expires_at=view.expires_at,
        must_change_password=view.must_change_password,
    )
    response = JSONResponse(result.model_dump(mode="json"))
    _set_session_cookie(response, settings, token)
    _set_device_cookie(response, settings, view.actor.user_id)
    return response


@api_router.post(
    "/password", status_code=204, responses={400: {"description": "Wrong or weak password"}}
)
def api_password(data: PasswordChange, view: ActorSessionForPassword, store: StoreDep) -> Response:
    """Change one's own password; the caller's other sessions end."""
    try:
        change_password(store, view, data)
    except LoginFailed as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    return Response(status_code=204)


@api_router.post("/logout", status_code=204)
def api_logout(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """End the session."""
    logout(store, request.cookies.get(session_cookie_name(settings)), client_addr(request))
    response = Response(status_code=204)
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


def login_url(path: str) -> str:
    """The login page returning to ``path``."""
    return f"/login?next={quote(path)}"
