"""The demo action plan: the seed strategy's own commitments, every one labelled DEMO.

The actions are those the strategy commits to (Safer Routes chaperones, safe spaces,
Streetbase outreach, A&E navigators at Whipps Cross, custody mentors, the Urgent Response
Coordinator, family therapy, gang injunctions, knife-retailer enforcement, mobile CCTV, Life
Skills in primary schools, the police mentoring scheme and more). Their references begin
``DEMO-``, they are stored with ``demo`` set, and every page and export says so. Budgets,
dates, ratings and notes are plausible inventions for the demonstration, not the borough's
figures. Owners are the demo logins (:data:`upstream.cases.demo.DEMO_USERS`) when they exist.

:func:`load_demo_plan` loads them into an empty plan (``make run`` does, outside production).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select

from upstream.account.actions.access import plan_operator
from upstream.account.actions.schemas import ActionData
from upstream.account.actions.service import PlanRow, import_plan, plan_size
from upstream.cases.db import CaseStore, case_store
from upstream.cases.models import User
from upstream.config import Settings

__all__ = ["DEMO_PLAN", "DEMO_PREFIX", "demo_rows", "load_demo_plan", "prepare_action_plan"]

DEMO_PREFIX = "DEMO-"

_D = date


def _a(
    ref: str, domain: str, title: str, commitment: str, agency: str, **rest: Any
) -> dict[str, Any]:
    return {
        "ref": DEMO_PREFIX + ref,
        "domain": domain,
        "title": title,
        "commitment": f"DEMO. {commitment}",
        "lead_agency": agency,
        **rest,
    }


DEMO_PLAN: tuple[dict[str, Any], ...] = (
    _a("ST1", "strengthen", "Life Skills in primary schools",
       "Deliver the Life Skills programme (conflict, online harm, peer pressure) to every "
       "Year 6 class in the borough's primary schools.", "council",
       start=_D(2025, 9, 1), due=_D(2027, 7, 23), status="in_progress", rag="green",
       budget_gbp=120_000, programme="life_skills", outcome_ids=["knife_injury_u18"],
       milestones=[{"title": "Programme in 20 schools", "due": _D(2026, 3, 31),
                    "done_on": _D(2026, 3, 20)},
                   {"title": "Programme in every primary school", "due": _D(2027, 3, 31)}]),
    _a("ST2", "strengthen", "Safe spaces on young people's routes",
       "Sign up shops, libraries and community venues as safe spaces a young person can walk "
       "into, placed on the routes the Plan page shows.", "council", owner="coordinator",
       start=_D(2025, 6, 1), due=_D(2026, 9, 30), status="in_progress", rag="amber",
       rag_note="DEMO: 31 of 50 venues signed; the High Road shops want training first.",
       budget_gbp=35_000, programme="safe_spaces", outcome_ids=["knife_injury_u25"],
       milestones=[{"title": "25 venues signed", "due": _D(2026, 1, 31),
                    "done_on": _D(2026, 2, 14)},
                   {"title": "50 venues signed", "due": _D(2026, 9, 30)}]),
    _a("ST3", "strengthen", "Safer Routes chaperones",
       "Put trained chaperones on the school journeys with most violence at 15:00-18:00 in "
       "term time, at the posts the Plan page chooses.", "council", owner="coordinator",
       start=_D(2025, 9, 1), due=_D(2028, 3, 31), status="in_progress", rag="green",
       budget_gbp=180_000, programme="safer_routes",
       outcome_ids=["knife_injury_u18", "knife_injury_u25"],
       milestones=[{"title": "Ten posts staffed", "due": _D(2025, 11, 1),
                    "done_on": _D(2025, 10, 27)}]),
    _a("ST4", "strengthen", "Police mentoring scheme",
       "Officers mentor young people referred by schools, one hour a week for a school year.",
       "police", start=_D(2026, 1, 5), due=_D(2027, 7, 23), status="not_started",
       rag="red", rag_note="DEMO: no mentors released from shifts yet; raised with the BCU "
       "commander for the February board.", budget_gbp=60_000,
       programme="police_mentoring", outcome_ids=["repeat_victimisation_young"]),
    _a("SU1", "support", "Streetbase outreach",
       "Detached youth workers in the evening where young people gather, offering a way "
       "into support.", "voluntary", owner="youthworker",
       start=_D(2025, 4, 1), due=_D(2028, 3, 31), status="in_progress", rag="green",
       budget_gbp=150_000, programme="streetbase",
       outcome_ids=["reached_in_time", "offer_acceptance"]),
    _a("SU2", "support", "Urgent Response Coordinator",
       "One coordinator makes sure every young person harmed or involved in serious violence "
       "is offered support within the deadline (the case tool).", "council",
       owner="coordinator", start=_D(2025, 4, 1), due=_D(2028, 3, 31),
       status="in_progress", rag="green", budget_gbp=55_000, programme="urgent_response",
       outcome_ids=["reached_in_time", "offer_acceptance"]),
    _a("SU3", "support", "Family therapy",
       "Functional family therapy for families of young people at risk, referred through the "
       "Urgent Response Coordinator.", "health", owner="therapist",
       start=_D(2025, 10, 1), due=_D(2027, 9, 30), status="in_progress", rag="amber",
       rag_note="DEMO: waiting list of 9 families; second therapist starts in January.",
       budget_gbp=140_000, programme="family_therapy", outcome_ids=["offer_acceptance"]),
    _a("SU4", "support", "Education, training and employment offer",
       "Every young person supported is offered a place in education, training or work "
       "within three months.", "council", start=_D(2025, 9, 1), due=_D(2027, 8, 31),
       status="in_progress", rag="green", budget_gbp=95_000, programme="ete",
       outcome_ids=["ete_participation"]),
    _a("TR1", "treat", "A&E navigators at Whipps Cross",
       "Youth workers in the emergency department reach young people injured by violence "
       "within 24 hours (the teachable moment).", "health", owner="navigator",
       start=_D(2025, 4, 1), due=_D(2026, 10, 31), status="in_progress", rag="red",
       rag_note="DEMO: funding ends in October; renewal bid with the ICB not yet decided.",
       budget_gbp=110_000, programme="ae_navigators",
       outcome_ids=["reached_in_time", "knife_injury_u25"],
       milestones=[{"title": "Evening and weekend cover", "due": _D(2026, 6, 30)}]),
    _a("TR2", "treat", "Custody mentors",
       "Mentors meet young people in police custody and stay with them for twelve weeks "
       "after release.", "voluntary", owner="mentor",
       start=_D(2025, 7, 1), due=_D(2027, 6, 30), status="in_progress", rag="green",
       budget_gbp=90_000, programme="custody_mentors",
       outcome_ids=["repeat_victimisation_young", "offer_acceptance"]),
    _a("CU1", "curtail", "Gang injunctions",
       "Apply for injunctions against the adults who exploit young people, with positive "
       "requirements, and track breaches.", "police",
       start=_D(2025, 4, 1), due=_D(2026, 3, 31), status="complete", rag="green",
       budget_gbp=40_000, programme="gang_injunctions"),
    _a("CU2", "curtail", "Knife-retailer enforcement",
       "Test purchases at every shop selling knives, twice a year, and follow-up visits to "
       "any that sells to a child.", "council", start=_D(2025, 6, 1),
       due=_D(2026, 11, 30), status="in_progress", rag="amber",
       rag_note="DEMO: first round done; the second round slipped to January (staff leave).",
       budget_gbp=25_000, programme="knife_retail", outcome_ids=["knife_injury_u18"],
       milestones=[{"title": "First round of test purchases", "due": _D(2025, 12, 31),
                    "done_on": _D(2025, 12, 12)},
                   {"title": "Second round of test purchases", "due": _D(2026, 6, 30)}]),
    _a("CU3", "curtail", "Mobile CCTV",
       "Move the mobile cameras every month to the places the Plan page shows rising harm.",
       "council", owner="coordinator", start=_D(2025, 4, 1), due=_D(2028, 3, 31),
       status="in_progress", rag="green", budget_gbp=75_000, programme="mobile_cctv",
       outcome_ids=["knife_injury_u25"]),
    _a("CU4", "curtail", "Community monitoring of stop and search",
       "A community group reviews body-worn footage and the stop-and-search disparity "
       "every quarter.", "police", start=_D(2025, 4, 1), due=_D(2028, 3, 31),
       status="in_progress", rag="green", outcome_ids=["stop_search_disparity"]),
)  # fmt: skip
"""The demo actions as whole rows (owners by demo username)."""


def demo_rows(owners: set[str]) -> list[PlanRow]:
    """The demo plan as rows to import; an owner not among ``owners`` is left unassigned."""
    rows = []
    for item in DEMO_PLAN:
        fields = dict(item)
        if fields.get("owner") not in owners:
            fields.pop("owner", None)
        rows.append(PlanRow(ActionData.model_validate(fields), f"demo {item['ref']}"))
    return rows


def load_demo_plan(store: CaseStore) -> list[str]:
    """Load the demo plan into an empty plan; lines to print."""
    if plan_size(store):
        return ["the action plan already holds actions; demo plan not loaded"]
    with store.unit_of_work() as session:
        owners = set(
            session.scalars(select(User.username).where(User.demo.is_(True), User.active.is_(True)))
        )
    result = import_plan(
        plan_operator("demo-plan"), store, demo_rows(owners), source="demo plan", demo=True
    )
    return [f"loaded the DEMO action plan: {len(result.created)} actions (labelled demo)"]


def prepare_action_plan(settings: Settings) -> Iterator[str]:
    """Bootstrap step: outside production, load the demo plan when the plan is empty."""
    if settings.env == "production":
        return
    yield from load_demo_plan(case_store(settings))
