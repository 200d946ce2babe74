"""The case store's JSON API under ``/api/cases`` (documented at ``/openapi.json``).

Log in with ``GET /api/auth/csrf`` then ``POST /api/auth/login`` (send the token as
``X-CSRF-Token``); the session cookie authenticates later calls, and every change sends the
session's CSRF token as ``X-CSRF-Token``. Each handler calls one use case, which applies the
access policy and the audit log; refusals are 403, unknown records 404, stale versions 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from upstream.cases import service
from upstream.cases.board import board, board_list
from upstream.cases.duplicate_review import compare_duplicate, list_duplicates, resolve_duplicate
from upstream.cases.linking import link_person, search_people
from upstream.cases.schemas import (
    AccessReason,
    BoardList,
    BoardPublic,
    ContactCreate,
    DuplicateComparison,
    DuplicatePublic,
    DuplicateResolve,
    IncidentCreate,
    IncidentDetail,
    IngestedIncidentPublic,
    OfferCreate,
    OfferRow,
    OfferUpdate,
    PersonCreate,
    PersonDetail,
    PersonLink,
    PersonMatchRow,
    PersonPublic,
    PersonSearch,
    PersonUpdate,
)
from upstream.cases.vocab import Service
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect

__all__ = ["router"]

router = APIRouter(
    prefix="/api/cases",
    tags=["cases"],
    dependencies=[Depends(csrf_protect)],
    responses={
        401: {"description": "Not logged in"},
        403: {"description": "Refused by the access policy, or a bad CSRF token"},
        404: {"description": "No such record"},
        409: {"description": "The record changed or is closed"},
    },
)

Pseudonym = Annotated[str, Path(pattern=r"^YP-[0-9A-F]{8}$", description="e.g. YP-1A2B3C4D")]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/board", response_model=BoardPublic)
def get_board(view: ActorSession, store: StoreDep) -> BoardPublic:
    """The board as the caller may see it (the first rows of each list)."""
    return board(view.actor, store)


@router.get("/board/{name}", response_model=BoardList)
def get_board_list(
    name: Annotated[str, Path(pattern="^(overdue|not_reached|late_entries|open_incidents)$")],
    view: ActorSession,
    store: StoreDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: Annotated[str | None, Query(max_length=20)] = None,
    service: Annotated[Service | None, Query()] = None,
) -> BoardList:
    """One of the board's lists, 50 rows a page, sorted by one of its columns; the
    coordinator may filter by service."""
    return board_list(view.actor, store, name, page=page, sort=sort, service=service)


@router.post("/incidents", response_model=IncidentDetail, status_code=201)
def post_incident(data: IncidentCreate, view: ActorSession, store: StoreDep) -> IncidentDetail:
    """Record an incident."""
    return service.create_incident(view.actor, store, data)


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def get_incident(incident_id: RecordId, view: ActorSession, store: StoreDep) -> IncidentDetail:
    """An incident and the young people involved (by pseudonym)."""
    return service.get_incident(view.actor, store, incident_id)


@router.post("/incidents/{incident_id}/close", response_model=IncidentDetail)
def post_incident_close(
    incident_id: RecordId, view: ActorSession, store: StoreDep
) -> IncidentDetail:
    """Close an incident."""
    return service.close_incident(view.actor, store, incident_id)


@router.post("/incidents/{incident_id}/people", response_model=PersonPublic, status_code=201)
def post_person(
    incident_id: RecordId, data: PersonCreate, view: ActorSession, store: StoreDep
) -> PersonPublic:
    """Add a young person to an incident."""
    return service.add_person(view.actor, store, incident_id, data)


@router.post("/incidents/{incident_id}/links", response_model=PersonPublic, status_code=201)
def post_link(
    incident_id: RecordId, data: PersonLink, view: ActorSession, store: StoreDep
) -> PersonPublic:
    """Link an existing young person (by pseudonym) to an incident."""
    return link_person(view.actor, store, incident_id, data)


@router.get("/ingested", response_model=IngestedIncidentPublic)
def get_ingested(
    view: ActorSession,
    store: StoreDep,
    event_ref: Annotated[str, Query(pattern=r"^[A-Za-z0-9_.:/-]{1,64}$")],
) -> IngestedIncidentPublic:
    """An ingested incident's time, offence, place, weapon and injury (no people);
    an unknown id is answered 422 with the reason."""
    return service.ingested_incident(view.actor, store, event_ref)


@router.post("/people/search", response_model=list[PersonMatchRow])
def post_search(data: PersonSearch, view: ActorSession, store: StoreDep) -> list[PersonMatchRow]:
    """Find young people by name (coordinators; names only in the body; audited)."""
    return search_people(view.actor, store, data)


@router.get("/people/{pseudonym}", response_model=PersonDetail)
def get_person(pseudonym: Pseudonym, view: ActorSession, store: StoreDep) -> PersonDetail:
    """A young person, each field only where the caller may read it. Outside the caller's
    own caseload personal details are withheld (``identity_needs_reason``): ask again with
    ``POST .../view`` and a reason."""
    return service.get_person(view.actor, store, pseudonym)


@router.post("/people/{pseudonym}/view", response_model=PersonDetail)
def view_person(
    pseudonym: Pseudonym, data: AccessReason, view: ActorSession, store: StoreDep
) -> PersonDetail:
    """A young person with the personal details the caller may read, for a stated reason
    (recorded in the audit log; write it without names)."""
    return service.get_person(view.actor, store, pseudonym, data.reason)


@router.patch("/people/{pseudonym}", response_model=PersonDetail)
def patch_person(
    pseudonym: Pseudonym, data: PersonUpdate, view: ActorSession, store: StoreDep
) -> PersonDetail:
    """Change identifying or health details (send the ``version`` you read)."""
    return service.update_person(view.actor, store, pseudonym, data)


@router.post("/people/{pseudonym}/close", response_model=PersonPublic)
def post_person_close(pseudonym: Pseudonym, view: ActorSession, store: StoreDep) -> PersonPublic:
    """Close a young person's case."""
    return service.close_person(view.actor, store, pseudonym)


@router.post("/people/{pseudonym}/offers", response_model=OfferRow, status_code=201)
def post_offer(
    pseudonym: Pseudonym, data: OfferCreate, view: ActorSession, store: StoreDep
) -> OfferRow:
    """Offer a service's support."""
    return service.make_offer(view.actor, store, pseudonym, data)


@router.post("/offers/{offer_id}/contacts", response_model=OfferRow, status_code=201)
def post_contact(
    offer_id: RecordId, data: ContactCreate, view: ActorSession, store: StoreDep
) -> OfferRow:
    """Record a contact attempt."""
    return service.record_contact(view.actor, store, offer_id, data)


@router.patch("/offers/{offer_id}", response_model=OfferRow)
def patch_offer(
    offer_id: RecordId, data: OfferUpdate, view: ActorSession, store: StoreDep
) -> OfferRow:
    """Set an offer's outcome and/or close it (send the ``version`` you read)."""
    return service.update_offer(view.actor, store, offer_id, data)


@router.get("/duplicates", response_model=list[DuplicatePublic])
def get_duplicates(view: ActorSession, store: StoreDep) -> list[DuplicatePublic]:
    """Possible duplicates awaiting a decision."""
    return list_duplicates(view.actor, store)


@router.get("/duplicates/{flag_id}", response_model=DuplicateComparison)
def get_duplicate(flag_id: RecordId, view: ActorSession, store: StoreDep) -> DuplicateComparison:
    """Both records side by side (identities included; each read is audited)."""
    return compare_duplicate(view.actor, store, flag_id)


@router.post("/duplicates/{flag_id}", response_model=DuplicatePublic)
def post_duplicate(
    flag_id: RecordId, data: DuplicateResolve, view: ActorSession, store: StoreDep
) -> DuplicatePublic:
    """Merge two records or mark them distinct."""
    return resolve_duplicate(view.actor, store, flag_id, data)
