"""The knife-retailer pages: the register with the re-tests due, compliance and the
priority map; one premises with its history and the officer's forms; the register import.

Signed-in partnership users only (the case tool's sessions and CSRF). Every handler calls
use cases of :mod:`upstream.orders.retail.service`, which apply the register's policy and
write the audit; the routes hold no role checks beyond choosing which sections to draw
(:func:`~upstream.orders.retail.access.retail_allowed`: an analyst's page shows the
compliance figures only).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from upstream.area import area_from_settings
from upstream.cases.db import CaseStore
from upstream.cases.localtime import from_uk_date
from upstream.config import Settings
from upstream.events import EventStore
from upstream.orders.retail.access import RetailPermission, retail_allowed
from upstream.orders.retail.areadata import schools_of, weapon_points
from upstream.orders.retail.compliance import Period, compliance
from upstream.orders.retail.figures import compliance_figure, priority_map
from upstream.orders.retail.priority import PriorityScore, explain, priority_scores
from upstream.orders.retail.registerfile import RegisterFileError, read_register
from upstream.orders.retail.schedule import RetailRules, due_list, load_rules
from upstream.orders.retail.schemas import FollowUpData, PremisesView, TestPurchaseData
from upstream.orders.retail.service import (
    ImportResult,
    RetailInputError,
    add_follow_up,
    add_test_purchase,
    compliance_records,
    get_premises,
    import_premises,
    list_premises,
    today_in_london,
)
from upstream.orders.retail.vocab import AgeBand, Delivery, FollowUpKind, Result
from upstream.plotting import figure_json
from upstream.web.deps import SettingsDep, templates
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect, page_context

__all__ = ["MAX_UPLOAD", "file_name", "ranked", "router"]

router = APIRouter(prefix="/retail", dependencies=[Depends(csrf_protect)], include_in_schema=False)

MAX_UPLOAD = 5 * 1024 * 1024
"""The largest register file the import form takes (bytes)."""


def _page(request: Request, view: Any, template: str, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(
        request,
        f"retail/{template}",
        page_context(request, view, active="retail", **extra),
        status_code=status,
    )


def _compliance(actor: Any, store: CaseStore, by: Period, by_type: bool) -> dict[str, Any]:
    records = compliance_records(actor, store)
    rows = compliance(records, by)
    return {
        "rows": rows,
        "by_type": compliance(records, by, by_type=True) if by_type else [],
        "figure": figure_json(compliance_figure(rows)) if rows else None,
    }


def ranked(
    premises: list[PremisesView], settings: Settings, rules: RetailRules, today: date
) -> tuple[list[PriorityScore], str | None]:
    """The premises' priority scores, highest first, against the area's secondary schools and
    the event store's weapon incidents, and the months those incidents span (page and API)."""
    weapons, span = weapon_points(EventStore(settings.events_dir), rules.risk_months)
    schools = schools_of(area_from_settings(settings))
    return priority_scores(premises, schools, weapons, rules, today), span


def _register(actor: Any, store: CaseStore, settings: Settings) -> dict[str, Any]:
    premises = list_premises(actor, store)
    rules = load_rules()
    today = today_in_london()
    area = area_from_settings(settings)
    scores, span = ranked(premises, settings, rules, today)
    return {
        "premises": premises,
        "due": due_list(premises, rules, today),
        "scores": scores[:10],
        "explanations": {s.ref: explain(s, rules) for s in scores[:10]},
        "rules": rules,
        "weapons_span": span,
        "map": figure_json(priority_map(scores, area)) if scores else None,
    }


@router.get("", response_class=HTMLResponse)
def retail_page(
    request: Request,
    view: ActorSession,
    store: StoreDep,
    settings: SettingsDep,
    by: Period = Period.QUARTER,
) -> Response:
    """The register, re-tests due, compliance and the priority map (analysts: compliance)."""
    actor = view.actor
    reads = retail_allowed(actor, RetailPermission.READ)
    register = _register(actor, store, settings) if reads else None
    return _page(
        request,
        view,
        "index.html",
        register=register,
        compliance=_compliance(actor, store, by, by_type=reads),
        by=by,
        today=today_in_london(),
        demo=bool(register and any(p.demo for p in register["premises"])),
        can_manage=retail_allowed(actor, RetailPermission.MANAGE),
    )


def file_name(upload: UploadFile) -> str:
    """The uploaded file's own name, made safe to show and to record (never a path)."""
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", (upload.filename or "").rsplit("/", 1)[-1])
    return name[:80] or "upload.csv"


def _import(
    actor: Any, store: CaseStore, settings: Settings, data: bytes, name: str
) -> ImportResult:
    rows = read_register(data, name)
    return import_premises(actor, store, rows, area_from_settings(settings), source=name)


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request, view: ActorSession, store: StoreDep, settings: SettingsDep
) -> Response:
    """Import an uploaded register (CSV or XLSX): all of it or, naming each bad row and
    field, none of it (Trading Standards officers)."""
    form = await request.form()
    upload = form.get("file")
    problems: list[str] = []
    result: ImportResult | None = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems = ["choose the register's CSV or XLSX file to import"]
    else:
        name = file_name(upload)
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            problems = [f"{name}: larger than {MAX_UPLOAD // (1024 * 1024)} MB"]
        else:
            try:
                result = await run_in_threadpool(_import, view.actor, store, settings, data, name)
            except RegisterFileError as exc:
                problems = exc.problems
            except RetailInputError as exc:
                problems = [str(exc)]
    return _page(
        request, view, "import.html", status=400 if problems else 200,
        problems=problems, result=result,
    )  # fmt: skip


def _premises_page(
    request: Request, view: Any, store: CaseStore, ref: str, errors: list[str], status: int = 200
) -> Response:
    detail = get_premises(view.actor, store, ref)
    return _page(
        request,
        view,
        "premises.html",
        status=status,
        p=detail.premises,
        purchases=detail.purchases,
        errors=errors,
        can_record=retail_allowed(view.actor, RetailPermission.RECORD),
        bands=list(AgeBand),
        results=list(Result),
        deliveries=list(Delivery),
        kinds=list(FollowUpKind),
        today=today_in_london(),
    )


@router.get("/{ref}", response_class=HTMLResponse)
def premises_page(request: Request, ref: str, view: ActorSession, store: StoreDep) -> Response:
    """One premises: where, what, its test purchases and follow-ups, the officer's forms."""
    return _premises_page(request, view, store, ref, [])


def _day(text: str) -> date:
    """A typed date as the schema reads it (it refuses anything else, naming the field)."""
    return from_uk_date(text)  # type: ignore[return-value]


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(f"{where}: {msg}" if where else msg)
    return out


@router.post("/{ref}/tests")
def record_test(request: Request, ref: str, view: ActorSession, store: StoreDep) -> Response:
    """Record a test purchase (Trading Standards officers)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    try:
        data = TestPurchaseData(
            on=_day(form.get("on", "")),
            age_band=form.get("age_band", ""),  # type: ignore[arg-type]
            result=form.get("result", ""),  # type: ignore[arg-type]
            asked_for_id=form.get("asked_for_id") == "on",
            challenge25_signage=form.get("challenge25_signage") == "on",
            till_prompt=form.get("till_prompt") == "on",
            delivery=form.get("delivery") or None,  # type: ignore[arg-type]
        )
        add_test_purchase(view.actor, store, ref, data)
    except ValidationError as exc:
        return _premises_page(request, view, store, ref, _errors(exc), status=400)
    except RetailInputError as exc:
        return _premises_page(request, view, store, ref, [str(exc)], status=400)
    return RedirectResponse(f"/retail/{ref}", status_code=303)


@router.post("/{ref}/tests/{purchase_id}/follow-ups")
def record_follow_up(
    request: Request, ref: str, purchase_id: int, view: ActorSession, store: StoreDep
) -> Response:
    """Record a follow-up of a test purchase (Trading Standards officers)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    try:
        data = FollowUpData(
            kind=form.get("kind", ""),  # type: ignore[arg-type]
            on=_day(form.get("on", "")),
        )
        add_follow_up(view.actor, store, ref, purchase_id, data)
    except ValidationError as exc:
        return _premises_page(request, view, store, ref, _errors(exc), status=400)
    except RetailInputError as exc:
        return _premises_page(request, view, store, ref, [str(exc)], status=400)
    return RedirectResponse(f"/retail/{ref}", status_code=303)
