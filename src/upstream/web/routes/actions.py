"""The action plan pages: the plan in the board's order, one action with its history, the
owner's progress form, and the XLSX export.

Signed-in partnership users only (the case tool's sessions and CSRF). Every handler calls one
use case of :mod:`upstream.account.actions.service`, which applies the plan's policy and
writes the history and the audit; the routes hold no role checks.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from upstream.account.actions.access import PlanPermission, plan_allowed
from upstream.account.actions.schemas import MIN_NOTE, ActionView, ProgressUpdate
from upstream.account.actions.service import (
    ImportResult,
    PlanInputError,
    assign_owner,
    assignable_owners,
    export_plan,
    get_action,
    import_plan,
    list_actions,
    today_in_london,
    update_progress,
)
from upstream.account.actions.vocab import Domain, Rag, Status
from upstream.account.actions.xlsx import PlanFileError, plan_workbook, read_plan
from upstream.cases.localtime import from_uk_date
from upstream.web.deps import templates
from upstream.web.routes.auth import ActorSession, StoreDep, csrf_protect, page_context

__all__ = ["router"]

router = APIRouter(prefix="/actions", dependencies=[Depends(csrf_protect)], include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024
"""The largest workbook the import page takes (bytes)."""


def _page(request: Request, view: Any, template: str, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(
        request,
        template,
        page_context(request, view, active="actions", **extra),
        status_code=status,
    )


def _counts(actions: list[ActionView]) -> dict[str, int]:
    still = [a for a in actions if a.open]
    return {
        "actions": len(actions),
        "overdue": sum(a.overdue for a in still),
        "red": sum(a.rag is Rag.RED for a in still),
        "amber": sum(a.rag is Rag.AMBER for a in still),
    }


@router.get("", response_class=HTMLResponse)
def plan_page(
    request: Request, view: ActorSession, store: StoreDep, mine: bool = False
) -> Response:
    """The plan, overdue and red first (``?mine=true``: the signed-in user's own actions)."""
    actions = list_actions(view.actor, store, mine=mine)
    everything = actions if not mine else list_actions(view.actor, store)
    return _page(
        request,
        view,
        "actions.html",
        actions=actions,
        counts=_counts(everything),
        mine=mine,
        demo=any(a.demo for a in everything),
        domains=list(Domain),
        budget=sum(a.budget_gbp or 0 for a in everything),
        can_manage=plan_allowed(view.actor, PlanPermission.MANAGE),
    )


@router.get("/plan.xlsx")
def export_xlsx(view: ActorSession, store: StoreDep) -> Response:
    """The whole plan as the XLSX workbook import reads (audited)."""
    actions, demo = export_plan(view.actor, store)
    today = today_in_london()
    name = f"upstream-action-plan{'-DEMO' if demo else ''}-{today.isoformat()}.xlsx"
    return Response(
        plan_workbook(actions, demo=demo, exported=today),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file_name(upload: UploadFile) -> str:
    """The upload's own name, reduced to plain characters (it goes into messages and the
    audit); ``upload.xlsx`` when there is none."""
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", (upload.filename or "").rsplit("/", 1)[-1])
    return name[:80] or "upload.xlsx"


def _import(actor: Any, store: StoreDep, data: bytes, name: str) -> ImportResult:
    rows = read_plan(io.BytesIO(data), name)
    return import_plan(actor, store, rows, source=name)


@router.post("/import", response_class=HTMLResponse)
async def import_upload(request: Request, view: ActorSession, store: StoreDep) -> Response:
    """Import an uploaded plan workbook: all of it or, naming each bad cell, none of it
    (the coordinator and admins)."""
    form = await request.form()
    upload = form.get("file")
    problems: list[str] = []
    result: ImportResult | None = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems = ["choose the plan's XLSX file to import"]
    else:
        name = _file_name(upload)
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            problems = [f"{name}: larger than {MAX_UPLOAD // (1024 * 1024)} MB"]
        else:
            try:
                result = await run_in_threadpool(_import, view.actor, store, data, name)
            except PlanFileError as exc:
                problems = exc.problems
            except PlanInputError as exc:
                problems = [str(exc)]
    return _page(
        request,
        view,
        "actions_import.html",
        status=400 if problems else 200,
        problems=problems,
        result=result,
    )


def _action_page(
    request: Request, view: Any, store: StoreDep, ref: str, errors: list[str], status: int = 200
) -> Response:
    detail = get_action(view.actor, store, ref)
    managing = plan_allowed(view.actor, PlanPermission.MANAGE)
    return _page(
        request,
        view,
        "action.html",
        status=status,
        a=detail.action,
        history=detail.history,
        statuses=list(Status),
        rags=list(Rag),
        min_note=MIN_NOTE,
        errors=errors,
        owners=assignable_owners(view.actor, store) if managing else None,
    )


@router.get("/{ref}", response_class=HTMLResponse)
def action_page(request: Request, ref: str, view: ActorSession, store: StoreDep) -> Response:
    """One action: what, who, when, milestones, the progress form (owners) and its history."""
    return _action_page(request, view, store, ref, [])


def _done(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(from_uk_date(text))


@router.post("/{ref}")
def report_progress(request: Request, ref: str, view: ActorSession, store: StoreDep) -> Response:
    """Save the owner's report: status, RAG rating and note, milestones reached."""
    form: dict[str, str] = getattr(request.state, "form", {})
    try:
        milestones = {
            int(k.removeprefix("milestone_")): _done(v)
            for k, v in form.items()
            if k.startswith("milestone_") and k.removeprefix("milestone_").isdigit()
        }
        data = ProgressUpdate(
            status=form.get("status", ""),  # type: ignore[arg-type]
            rag=form.get("rag", ""),  # type: ignore[arg-type]
            rag_note=form.get("rag_note", "").strip() or None,
            version=int(form.get("version", "0") or 0),
            milestones_done=milestones,
        )
    except ValidationError as exc:
        errors = [str(e.get("msg", "invalid")).removeprefix("Value error, ") for e in exc.errors()]
        return _action_page(request, view, store, ref, errors, status=400)
    except ValueError:
        return _action_page(request, view, store, ref, ["a date is not valid"], status=400)
    update_progress(view.actor, store, ref, data)
    return RedirectResponse(f"/actions/{ref}", status_code=303)


@router.post("/{ref}/owner")
def give_to_owner(request: Request, ref: str, view: ActorSession, store: StoreDep) -> Response:
    """Give the action to a user, or to nobody (the coordinator and admins)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    version = form.get("version", "0")
    owner = form.get("owner", "").strip() or None
    assign_owner(view.actor, store, ref, owner, int(version) if version.isdigit() else 0)
    return RedirectResponse(f"/actions/{ref}", status_code=303)
