"""The knife-retail register's JSON API under ``/api/retail`` (documented at ``/openapi.json``).

Log in as for the case store's API (``/api/auth``); every change sends the session's CSRF
token as ``X-CSRF-Token``. Each handler calls use cases of
:mod:`upstream.orders.retail.service`, which apply the register's policy and write the audit
(with the session's purpose); the routes hold no role checks. Refusals are 403, unknown
premises 404, a follow-up of another premises' test purchase 409, bad input 422 naming the
field (a register file: each bad line or row, and field).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from upstream.area import area_from_settings
from upstream.cases.db import CaseStore
from upstream.config import Settings
from upstream.orders.retail.compliance import Period, compliance
from upstream.orders.retail.priority import explain
from upstream.orders.retail.registerfile import RegisterFileError, read_register
from upstream.orders.retail.schedule import due_list, load_rules
from upstream.orders.retail.schemas import (
    REF_PATTERN,
    FollowUpData,
    FollowUpView,
    PremisesData,
    PremisesView,
    PurchaseView,
    TestPurchaseData,
)
from upstream.orders.retail.service import (
    ImportResult,
    add_follow_up,
    add_test_purchase,
    compliance_records,
    get_premises,
    import_premises,
    list_premises,
    save_premises,
    today_in_london,
)
from upstream.orders.retail.vocab import Result
from upstream.web.deps import SettingsDep
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect
from upstream.web.routes.retail import MAX_UPLOAD, file_name, ranked

__all__ = ["router"]

router = APIRouter(
    prefix="/api/retail",
    tags=["retail"],
    dependencies=[Depends(csrf_protect)],
    responses={
        401: {"description": "Not logged in"},
        403: {"description": "Refused by the register's policy, or a bad CSRF token"},
        404: {"description": "No such premises"},
        422: {"description": "Bad input; `errors` names each field (and file line or row)"},
    },
)

Ref = Annotated[str, Path(pattern=REF_PATTERN, description="e.g. DEMO-R01")]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class PremisesHistory(BaseModel):
    """A premises and its test purchases (newest first) with their follow-ups."""

    premises: PremisesView
    purchases: list[PurchaseView]


class Saved(BaseModel):
    """What saving a premises did (``created``, ``updated`` or ``unchanged``) and the result."""

    outcome: str
    premises: PremisesView


class Imported(BaseModel):
    """What an import did: references created, changed and left as they were."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


class ComplianceFigure(BaseModel):
    """One period's compliance (``premises_type`` ``all``, or one type when split): refused
    of tests, 95% exact interval."""

    period: str
    premises_type: str
    tests: int
    refused: int
    rate: float
    lower: float
    upper: float
    line: str


class DueView(BaseModel):
    """When one premises is next due a test purchase, and why."""

    ref: str
    name: str
    premises_type: str
    last_on: date | None
    last_result: Result | None
    due: date
    overdue: bool
    reason: str


class PriorityView(BaseModel):
    """One premises' priority score, its parts and the sentence that explains it."""

    ref: str
    name: str
    premises_type: str
    x: float
    y: float
    school: str | None
    school_m: float | None
    school_points: float
    failures: int
    failures_points: float
    weapons_near: float
    risk_points: float
    score: float
    explanation: str


class Priorities(BaseModel):
    """Every active premises' score, highest first; ``weapons_span``: the incidents counted."""

    weapons_span: str | None
    scores: list[PriorityView]


@router.get("/premises", response_model=list[PremisesView])
def premises_list(view: ActorSession, store: StoreDep) -> list[PremisesView]:
    """The register: every active premises, by name."""
    return list_premises(view.actor, store)


@router.post("/premises", response_model=Saved, responses={201: {"model": Saved}})
def premises_save(
    view: ActorSession,
    store: StoreDep,
    settings: SettingsDep,
    data: PremisesData,
    response: Response,
) -> Saved:
    """Create a premises (201) or change the one with this ``ref`` (200); the location must
    lie inside the partnership area."""
    outcome, saved = save_premises(view.actor, store, data, area_from_settings(settings))
    response.status_code = 201 if outcome == "created" else 200
    return Saved(outcome=outcome, premises=saved)


def _import(
    actor: Any, store: CaseStore, settings: Settings, data: bytes, name: str
) -> ImportResult:
    try:
        rows = read_register(data, name)
    except RegisterFileError as exc:  # every bad line or row, as the import page lists them
        raise RequestValidationError(
            [{"loc": ("body", "file"), "msg": p, "type": "value_error"} for p in exc.problems]
        ) from None
    return import_premises(actor, store, rows, area_from_settings(settings), source=name)


@router.post("/import", response_model=Imported)
async def register_import(
    view: ActorSession,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the register as CSV or XLSX")],
) -> Imported:
    """Import a register file (as the import page does): all of it or, naming each bad line
    or row and field, none of it."""
    name = file_name(file)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"{name}: larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    result = await run_in_threadpool(_import, view.actor, store, settings, data, name)
    return Imported(**asdict(result))


@router.get("/premises/{ref}", response_model=PremisesHistory)
def premises_one(ref: Ref, view: ActorSession, store: StoreDep) -> PremisesHistory:
    """One premises with its test purchases and their follow-ups, newest first."""
    detail = get_premises(view.actor, store, ref)
    return PremisesHistory(premises=detail.premises, purchases=detail.purchases)


@router.post("/premises/{ref}/tests", response_model=PurchaseView, status_code=201)
def test_purchase(
    ref: Ref, data: TestPurchaseData, view: ActorSession, store: StoreDep
) -> PurchaseView:
    """Record a test purchase (the officer is the caller; online sellers need ``delivery``)."""
    return add_test_purchase(view.actor, store, ref, data)


@router.post(
    "/premises/{ref}/tests/{purchase_id}/follow-ups",
    response_model=FollowUpView,
    status_code=201,
    responses={409: {"description": "The test purchase is not this premises'"}},
)
def follow_up(
    ref: Ref, purchase_id: RecordId, data: FollowUpData, view: ActorSession, store: StoreDep
) -> FollowUpView:
    """Record a follow-up of a test purchase (not before it, not in the future)."""
    return add_follow_up(view.actor, store, ref, purchase_id, data)


@router.get("/compliance", response_model=list[ComplianceFigure])
def compliance_figures(
    view: ActorSession, store: StoreDep, by: Period = Period.QUARTER, by_type: bool = False
) -> list[ComplianceFigure]:
    """The compliance rate per quarter or year over all premises, or with ``by_type`` per
    premises type (as the page's *By premises type* and ``--by-type``), with exact intervals
    (no premises named: analysts may read this and nothing else of the register)."""
    rows = compliance(compliance_records(view.actor, store), by, by_type=by_type)
    return [ComplianceFigure(**asdict(r)) for r in rows]


@router.get("/due", response_model=list[DueView])
def due(view: ActorSession, store: StoreDep) -> list[DueView]:
    """Every premises' next re-test under the re-test rules, the earliest due first."""
    rows = due_list(list_premises(view.actor, store), load_rules(), today_in_london())
    return [DueView(**asdict(d)) for d in rows]


@router.get("/priority", response_model=Priorities)
def priority(view: ActorSession, store: StoreDep, settings: SettingsDep) -> Priorities:
    """Priority scores (near a secondary school, previous sales, weapon incidents nearby),
    highest first, each with the sentence that explains it."""
    rules = load_rules()
    scores, span = ranked(list_premises(view.actor, store), settings, rules, today_in_london())
    return Priorities(
        weapons_span=span,
        scores=[PriorityView(**asdict(s), explanation=explain(s, rules)) for s in scores],
    )
