"""The Outcomes page: every outcome measure's control chart and plain-English reading.

Audience: measures built from open data (police.uk, MPS) are shown to everyone; measures
built from partnership records (the incident extract, the case store, programme returns, the
resident survey) only to signed-in partnership users, because their monthly counts are often
1 to 9, which the partnership does not publish; and the case-store counts only to users whom
the case store's policy lets see the board's figures (coordinators, caseworkers, analysts:
one permission call, :func:`upstream.cases.access.is_allowed`). Event-store measures are
cached per store version; case-store measures are counted afresh on each visit (they change as
case work is recorded).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from upstream.account.outcomes.chart import control_figure
from upstream.account.outcomes.compute import MeasureResult, compute_all
from upstream.account.outcomes.definitions import Measure, load_measures
from upstream.area import area_from_settings
from upstream.cases.access import Action, is_allowed
from upstream.config import Settings
from upstream.plotting import figure_json
from upstream.vocab import is_month
from upstream.web.audience import PublicDep, mark_audience, signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession
from upstream.web.views import page_version

__all__ = ["router"]

router = APIRouter(tags=["outcomes"])

CACHED = ("open", "events")
"""Stores whose measures change only when the event store does (cached per version)."""


def _card(result: MeasureResult) -> dict[str, Any]:
    summary = result.summary()
    return {
        "id": result.measure.id,
        "name": result.measure.name,
        "verdict": result.verdict,
        "reading": result.reading,
        "note": result.measure.note,
        "notes": list(result.notes),
        "synthetic": result.synthetic,
        "available": result.available,
        "audience": result.audience,
        "last_signals": summary["last_signals"],
        "figure": figure_json(control_figure(result)) if result.available else None,
    }


def _cards(settings: Settings, measures: list[Measure], end: str | None) -> list[dict[str, Any]]:
    return [_card(r) for r in compute_all(settings, measures, end=end)]


def _may_see(measure: Measure, public: bool, case_figures: bool) -> bool:
    """Open data for everyone; partnership records for signed-in users; case-store counts
    for those the case store's policy lets see the board's figures."""
    if measure.spec.audience == "public":
        return True
    if public:
        return False
    return measure.spec.store != "cases" or case_figures


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(
    request: Request,
    settings: SettingsDep,
    cache: CacheDep,
    public: PublicDep,
    view: OptionalSession,
    end: str | None = None,
) -> HTMLResponse:
    """Outcome measures: u-charts and p-charts with the verdict against the baseline
    (``?end=YYYY-MM`` ends the latest window there)."""
    if end is not None and not is_month(end):
        raise HTTPException(status_code=422, detail="end must be a month, YYYY-MM")
    measures = load_measures()
    figures = view is not None and is_allowed(view.actor, Action.BOARD_FIGURES)
    shown = [m for m in measures if _may_see(m, public, figures)]
    cached = [m for m in shown if m.spec.store in CACHED]
    name = f"outcomes:{'public' if public else 'full'}:{end or ''}"
    cards = {
        c["id"]: c
        for c in cache.get(name, page_version(settings), lambda: _cards(settings, cached, end))
    }
    fresh = [m for m in shown if m.spec.store not in CACHED]
    cards.update({c["id"]: c for c in _cards(settings, fresh, end)})
    context = {
        "cards": [cards[m.id] for m in shown],
        "hidden": len(measures) - len(shown),
        "public": public,
        "end": end,
        "area_name": area_from_settings(settings).name,
        "active": "outcomes",
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "outcomes.html", {**context, **signed_in(view)}
    )
    return mark_audience(response, public)
