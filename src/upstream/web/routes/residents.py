"""The Residents page: what the resident survey says, with intervals, for everyone.

Public: it shows weighted survey estimates only (shares with 95% intervals), never a
response, and withholds any subgroup or area with fewer than 30 respondents or an
effective sample under 30 (its interval is too wide to read, and small cells are where a
respondent could be recognised). The content comes from
:func:`upstream.account.survey.summary.survey_page`, kept per version of the survey file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from upstream.account.survey import MIN_BASE, responses_path, survey_page
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.web.audience import signed_in
from upstream.web.deps import CacheDep, SettingsDep, templates
from upstream.web.routes.auth import OptionalSession

__all__ = ["router"]

router = APIRouter(tags=["residents"])

GROUP_NAMES = {
    "age_band": "Age",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "tenure": "Tenure",
    "parent_dependent_children": "Parent of dependent children",
}


def _context(settings: Settings, cache: CacheDep) -> dict[str, Any]:
    path = responses_path(settings.data_dir)
    stamp = path.stat().st_mtime_ns if path.exists() else 0

    def build() -> dict[str, Any]:
        area = area_from_settings(settings)
        names: dict[str, str] = {}
        if area.msoas_2021 is not None and "msoa_name" in area.msoas_2021:
            names = dict(
                zip(area.msoas_2021["msoa_code"], area.msoas_2021["msoa_name"], strict=True)
            )
        return {
            "s": survey_page(settings),
            "area_names": names,
            "group_names": GROUP_NAMES,
            "min_base": MIN_BASE,
            "area_name": area.name,
            "active": "residents",
        }

    return cache.get("residents", (str(path), stamp), build)


@router.get("/residents", response_class=HTMLResponse)
def residents(
    request: Request, settings: SettingsDep, cache: CacheDep, view: OptionalSession
) -> HTMLResponse:
    """Residents' fear of crime, worry and confidence in the police, from the survey."""
    return templates.TemplateResponse(
        request, "residents.html", {**_context(settings, cache), **signed_in(view)}
    )
