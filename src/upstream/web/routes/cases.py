"""Case-coordination pages: the board, incidents, young people, offers, duplicates, admin.

Server-rendered forms (no script needed). Every handler resolves the session, calls one use
case of :mod:`upstream.cases` and renders or redirects; the use case applies the access
policy and writes the audit record. Identifying details travel only in POST bodies, never in
URLs, which name young people by pseudonym.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from pydantic import ValidationError

from upstream.cases import service
from upstream.cases.access import AccessDenied, Action, is_allowed
from upstream.cases.admin import (
    admin_alerts,
    approve_user,
    create_user,
    export_audit,
    list_users,
    set_user_active,
    unlock_user,
    view_audit,
)
from upstream.cases.audit import describe
from upstream.cases.audit_verify import ChainReport, verify_audit
from upstream.cases.board import PAGE_SIZE, board, board_list
from upstream.cases.db import case_store
from upstream.cases.deployment import check_production
from upstream.cases.duplicate_review import compare_duplicate, list_duplicates, resolve_duplicate
from upstream.cases.ingested import UnknownIngestedIncident
from upstream.cases.linking import link_person, search_people
from upstream.cases.localtime import from_local_input, from_uk_date
from upstream.cases.schemas import (
    AccessReason,
    ContactCreate,
    DuplicateResolve,
    IncidentCreate,
    OfferCreate,
    OfferUpdate,
    PersonCreate,
    PersonLink,
    PersonMatchRow,
    PersonSearch,
    PersonUpdate,
    UserCreate,
    UserStatus,
)
from upstream.cases.vocab import (
    IDENTITY_FIELDS,
    ContactMethod,
    InvolvementRole,
    Outcome,
    Role,
    Service,
)
from upstream.config import Settings
from upstream.definitions import POLICE_UK_CRIME_TYPES
from upstream.web.deps import templates
from upstream.web.routes import auth, cases_api
from upstream.web.routes.auth import (
    PASSWORD_PAGE,
    ActorSession,
    CsrfFailed,
    LoginRequired,
    PasswordChangeRequired,
    StoreDep,
    csrf_protect,
    login_url,
    page_context,
)

__all__ = ["CASE_PATHS", "check_deployment", "install", "migrate", "router"]


def migrate(settings: Settings) -> None:
    """Bring the case store's schema up to date (run at app start)."""
    case_store(settings).migrate()


def seal_audit(settings: Settings) -> None:
    """Seal the audit events still waiting (at app shutdown)."""
    case_store(settings).seal_audit()


def check_deployment(settings: Settings) -> None:
    """Refuse to start a production server while demo users are active (at app start)."""
    check_production(case_store(settings))


router = APIRouter(prefix="/cases", dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _form(request: Request, *names: str) -> dict[str, Any]:
    """The named fields of the posted form; blank values count as not given; dates may be
    typed as people here write them (16/02/2011)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    out: dict[str, Any] = {n: form[n].strip() or None for n in names if n in form}
    if out.get("date_of_birth"):
        out["date_of_birth"] = from_uk_date(str(out["date_of_birth"]))
    return out


def _page(request: Request, view: Any, template: str, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(
        request, f"cases/{template}", page_context(request, view, **extra), status_code=status
    )


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("", response_class=HTMLResponse)
def board_page(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """The coordinator's board (a caseworker's own service; figures only for analysts)."""
    if view.actor.role == Role.ADMIN:
        return _see_other("/cases/admin")
    if view.actor.role == Role.BOARD:  # board members read the action plan only
        return _see_other("/actions")
    if view.actor.role == Role.INTEL_ANALYST:  # no case work: the network is theirs
        return _see_other("/network")
    if view.actor.role == Role.TRADING_OFFICER:  # the knife-retail register only
        return _see_other("/retail")
    if view.actor.role == Role.ORDER_OFFICER:  # order officers work on the orders register
        return _see_other("/orders/alerts")
    data = board(view.actor, store)
    return _page(request, view, "board.html", board=data)


@router.get("/lists/{name}", response_class=HTMLResponse)
def list_page(
    request: Request,
    name: str,
    view: ActorSession,
    store: StoreDep,
    page: int = 1,
    sort: str | None = None,
    service: str | None = None,
) -> Response:
    """One of the board's lists, a page at a time, sorted and (coordinator) filtered."""
    data = board_list(
        view.actor, store, name, page=page, sort=sort or None, service=service or None
    )
    first = (data.page - 1) * PAGE_SIZE + 1
    query = urlencode({k: v for k, v in (("sort", data.sort), ("service", service or "")) if v})
    return _page(
        request,
        view,
        "board_list.html",
        page=data,
        first=first,
        last=min(data.total, first + PAGE_SIZE - 1),
        query=query,
        can_filter=view.actor.role == Role.COORDINATOR,
        services=list(Service),
    )


@router.get("/incidents/new", response_class=HTMLResponse)
def new_incident_page(
    request: Request, view: ActorSession, store: StoreDep, event_ref: str | None = None
) -> Response:
    """The form to record an incident, pre-filled from an ingested incident id if given."""
    ingested, error = None, None
    if event_ref:
        try:
            ingested = service.ingested_incident(view.actor, store, event_ref.strip())
        except UnknownIngestedIncident as exc:
            error = str(exc)
    return _page(
        request,
        view,
        "incident_new.html",
        status=400 if error else 200,
        offences=POLICE_UK_CRIME_TYPES,
        event_ref=event_ref or "",
        ingested=ingested,
        error=error,
    )


@router.post("/incidents")
def create_incident(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Record an incident, then show it."""
    fields = _form(
        request,
        "occurred_at",
        "offence",
        "location_type",
        "weapon",
        "injury",
        "summary",
        "event_ref",
    )
    if fields.get("occurred_at") and len(fields["occurred_at"]) <= 16:
        fields["occurred_at"] = from_local_input(fields["occurred_at"])
    incident = service.create_incident(view.actor, store, IncidentCreate(**fields))
    return _see_other(f"/cases/incidents/{incident.id}")


def _incident_page(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    incident_id: int,
    matches: list[PersonMatchRow] | None = None,
) -> Response:
    incident = service.get_incident(view.actor, store, incident_id)
    return _page(
        request,
        view,
        "incident.html",
        incident=incident,
        roles=list(InvolvementRole),
        can_search=is_allowed(view.actor, Action.PERSON_SEARCH),
        matches=matches,
    )


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request, incident_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """An incident, the young people involved (by pseudonym) and forms to add or link one."""
    return _incident_page(request, view, store, incident_id)


@router.post("/incidents/{incident_id}/people")
def add_person(request: Request, incident_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Add a young person to the incident, then show their page."""
    fields = _form(request, "role", *IDENTITY_FIELDS, "health_notes")
    person = service.add_person(view.actor, store, incident_id, PersonCreate(**fields))
    return _see_other(f"/cases/people/{person.pseudonym}")


@router.post("/incidents/{incident_id}/links")
def link_existing_person(
    request: Request, incident_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Link an existing young person, by pseudonym, to the incident."""
    link_person(view.actor, store, incident_id, PersonLink(**_form(request, "pseudonym", "role")))
    return _see_other(f"/cases/incidents/{incident_id}")


@router.post("/incidents/{incident_id}/search", response_class=HTMLResponse)
def search_for_person(
    request: Request, incident_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Find an existing young person by name (coordinators), shown by pseudonym."""
    data = PersonSearch(**_form(request, "given_name", "family_name", "date_of_birth", "reason"))
    matches = search_people(view.actor, store, data)
    return _incident_page(request, view, store, incident_id, matches)


@router.post("/incidents/{incident_id}/close")
def close_incident(
    request: Request, incident_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Close the incident."""
    service.close_incident(view.actor, store, incident_id)
    return _see_other(f"/cases/incidents/{incident_id}")


@router.get("/people/{pseudonym}", response_class=HTMLResponse)
def person_page(request: Request, pseudonym: str, view: ActorSession, store: StoreDep) -> Response:
    """A young person's page: each field only for readers the policy allows it (outside
    one's own caseload, personal details wait for a reason: see :func:`person_with_reason`)."""
    return _person_page(request, pseudonym, view, store, None)


@router.post("/people/{pseudonym}/view", response_class=HTMLResponse)
def person_with_reason(
    request: Request, pseudonym: str, view: ActorSession, store: StoreDep
) -> Response:
    """The person page with personal details, for a reason given in the form (audited)."""
    reason = AccessReason(**_form(request, "reason")).reason
    return _person_page(request, pseudonym, view, store, reason)


def _person_page(
    request: Request, pseudonym: str, view: ActorSession, store: StoreDep, reason: str | None
) -> Response:
    person = service.get_person(view.actor, store, pseudonym, reason)
    return _page(
        request,
        view,
        "person.html",
        detail=person,
        services=list(Service),
        methods=list(ContactMethod),
        outcomes=list(Outcome),
        can_close=is_allowed(view.actor, Action.PERSON_CLOSE),
    )


@router.post("/people/{pseudonym}")
def update_person(
    request: Request, pseudonym: str, view: ActorSession, store: StoreDep
) -> Response:
    """Save identifying (and, where allowed, health) details."""
    fields = _form(request, *IDENTITY_FIELDS, "health_notes", "version")
    service.update_person(view.actor, store, pseudonym, PersonUpdate(**fields))
    return _see_other(f"/cases/people/{pseudonym}")


@router.post("/people/{pseudonym}/offers")
def make_offer(request: Request, pseudonym: str, view: ActorSession, store: StoreDep) -> Response:
    """Offer a service's support."""
    service.make_offer(
        view.actor, store, pseudonym, OfferCreate(**_form(request, "service", "incident_id"))
    )
    return _see_other(f"/cases/people/{pseudonym}")


@router.post("/people/{pseudonym}/close")
def close_person(request: Request, pseudonym: str, view: ActorSession, store: StoreDep) -> Response:
    """Close the young person's case."""
    service.close_person(view.actor, store, pseudonym)
    return _see_other(f"/cases/people/{pseudonym}")


@router.post("/offers/{offer_id}/contacts")
def record_contact(
    request: Request, offer_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Record a contact attempt."""
    fields = _form(request, "method", "notes")
    fields["reached"] = _form(request, "reached").get("reached") == "yes"
    offer = service.record_contact(view.actor, store, offer_id, ContactCreate(**fields))
    return _see_other(f"/cases/people/{offer.pseudonym}")


@router.post("/offers/{offer_id}/outcome")
def offer_outcome(request: Request, offer_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Set an offer's outcome and optionally close it."""
    fields = _form(request, "outcome", "version")
    fields["close"] = _form(request, "close").get("close") == "yes"
    offer = service.update_offer(view.actor, store, offer_id, OfferUpdate(**fields))
    return _see_other(f"/cases/people/{offer.pseudonym}")


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Possible duplicates awaiting a decision."""
    return _page(request, view, "duplicates.html", flags=list_duplicates(view.actor, store))


@router.get("/duplicates/{flag_id}", response_class=HTMLResponse)
def compare_page(request: Request, flag_id: int, view: ActorSession, store: StoreDep) -> Response:
    """The two records side by side, and the decision."""
    return _page(
        request, view, "duplicate.html", pair=compare_duplicate(view.actor, store, flag_id)
    )


@router.post("/duplicates/{flag_id}")
def decide_duplicate(
    request: Request, flag_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Merge the two records or mark them distinct."""
    fields = _form(request, "resolution", "confirm")
    if fields.get("resolution") == "merge" and fields.get("confirm") != "yes":
        raise service.Conflict("tick the box to confirm the merge: it cannot be undone here")
    resolve_duplicate(
        view.actor,
        store,
        flag_id,
        DuplicateResolve.model_validate({"resolution": fields.get("resolution")}),
    )
    return _see_other("/cases/duplicates")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Users and the newest audit events (admins)."""
    return _admin(request, view, store, None)


def _admin(request: Request, view: Any, store: StoreDep, chain: ChainReport | None) -> Response:
    return _page(
        request,
        view,
        "admin.html",
        users=list_users(view.actor, store),
        events=view_audit(view.actor, store),
        alerts=admin_alerts(view.actor, store),
        roles=list(Role),
        services=list(Service),
        chain=chain,
        describe=describe,
    )


@router.post("/admin/users/{user_id}/approve")
def user_approve(user_id: int, view: ActorSession, store: StoreDep) -> Response:
    """A second admin approves a user another admin made."""
    approve_user(view.actor, store, user_id)
    return _see_other("/cases/admin")


@router.post("/admin/verify-audit", response_class=HTMLResponse)
def audit_verify(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Check the audit log's hash chain and show the result on the admin page."""
    return _admin(request, view, store, verify_audit(view.actor, store))


@router.post("/admin/users")
def add_user(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Create a user."""
    create_user(
        view.actor,
        store,
        UserCreate(**_form(request, "username", "password", "role", "agency", "service")),
    )
    return _see_other("/cases/admin")


@router.post("/admin/users/{user_id}/active")
def user_active(request: Request, user_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Disable or enable a user."""
    active = _form(request, "active").get("active") == "yes"
    set_user_active(view.actor, store, user_id, UserStatus(active=active))
    return _see_other("/cases/admin")


@router.post("/admin/users/{user_id}/unlock")
def user_unlock(user_id: int, view: ActorSession, store: StoreDep) -> Response:
    """Unlock a user locked out by wrong passwords."""
    unlock_user(view.actor, store, user_id)
    return _see_other("/cases/admin")


@router.post("/audit.csv")
def audit_export(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """The whole audit log as CSV (admins, with a reason given in the form)."""
    reason = AccessReason(**_form(request, "reason")).reason
    return PlainTextResponse(
        export_audit(view.actor, store, reason),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="upstream-audit.csv"'},
    )


# -- errors and wiring -------------------------------------------------------------------

_STATUS = {
    AccessDenied: (403, "You are not allowed to do that. The attempt has been recorded."),
    service.NotFound: (404, "There is no such record."),
    service.Conflict: (409, "The record changed or is closed. Reload it and try again."),
    CsrfFailed: (403, "The form had expired or was not sent from this site. Reload and retry."),
}


CASE_PATHS = (
    "/cases", "/api/cases", "/api/auth", "/login", "/logout", "/account", "/actions", "/board",
    "/retail", "/api/retail",
    "/orders", "/api/orders",
)  # fmt: skip
"""Paths of the case tool (and the action plan, board pack and knife-retail register, which
share its sessions): sent with ``Cache-Control: no-store``; their invalid input is answered
with the case tool's error page."""
_OURS = CASE_PATHS


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(
    request: Request, status: int, message: str, errors: list[str] | None = None
) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"detail": message}
        if errors:
            body["errors"] = errors
        return JSONResponse(body, status_code=status)
    return templates.TemplateResponse(
        request,
        "cases/error.html",
        page_context(
            request,
            getattr(request.state, "case_session", None),
            status=status,
            message=message,
            errors=errors or [],
        ),
        status_code=status,
    )


def _field_errors(exc: ValidationError | RequestValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        out.append(f"{where or 'input'}: {e.get('msg', 'invalid')}")
    return out


def install(app: FastAPI) -> None:
    """Add the case pages, the JSON API, login/logout and their error handling to ``app``."""
    app.include_router(auth.router)
    app.include_router(auth.api_router)
    app.include_router(router)
    app.include_router(cases_api.router)

    async def login_required(request: Request, _exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return RedirectResponse(login_url(request.url.path), status_code=303)

    async def password_first(request: Request, _exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "change your password first (POST /api/auth/password)"},
                status_code=403,
            )
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    async def known(request: Request, exc: Exception) -> Response:
        if isinstance(exc, AccessDenied) and exc.conceal:  # answered like an unknown id
            not_found = _STATUS[service.NotFound][1]
            detail = service.concealed_message(exc) if _is_api(request) else not_found
            return _error(request, 404, detail)
        for kind, (status, message) in _STATUS.items():
            if isinstance(exc, kind):
                own = isinstance(exc, service.Conflict | service.NotFound)
                detail = str(exc) if own else message
                # a conflict says what to do (our own words, never personal data)
                shown = detail if _is_api(request) or isinstance(exc, service.Conflict) else message
                return _error(request, status, shown)
        return _error(request, 500, "error")

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ValidationError | RequestValidationError | ValueError)
        if not request.url.path.startswith(_OURS) and not isinstance(exc, RequestValidationError):
            raise exc
        errors = (
            _field_errors(exc)
            if not isinstance(exc, ValueError) or isinstance(exc, ValidationError)
            else [str(exc)]
        )
        status = 422 if _is_api(request) else 400
        return _error(request, status, "Some of the values are not valid.", errors)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PasswordChangeRequired, password_first)
    for kind in _STATUS:
        app.add_exception_handler(kind, known)
    app.add_exception_handler(ValidationError, invalid)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(ValueError, invalid)
