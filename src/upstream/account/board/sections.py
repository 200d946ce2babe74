"""The items of the board pack: one function per item, each returning a :class:`PackItem`.

Every item carries its detail as a :class:`upstream.report.model.Section` (the strategic
profile's blocks of text, tables and figures, so the pack shows the same numbers and words
as the profile and the web pages), a plain-English ``summary`` for the two summary pages and
whether it shows synthetic data. An item whose data are not loaded says so in its summary
and in a :class:`~upstream.report.model.Notice` instead of failing the pack.

Everything here is an aggregate: the case store is read only through
:mod:`upstream.account.board.urgent` (counts and a median), the action plan only through its
service (actions, not people).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from upstream.account.board.quarter import Quarter
from upstream.account.board.urgent import UrgentUnavailable, urgent_figures
from upstream.account.outcomes.compute import MeasureResult
from upstream.account.outcomes.verdict import BETTER, WORSE
from upstream.analysis.disparity import PopulationShares
from upstream.config import Settings
from upstream.report.inputs import ProfileData
from upstream.report.model import OPEN, PARTNERSHIP, Figure, Notice, Section, Table, Text

__all__ = [
    "STALE_DAYS",
    "PackItem",
    "actions_item",
    "deployment_item",
    "evaluation_item",
    "first_sentences",
    "headline_item",
    "outcomes_item",
    "people_item",
    "rag_of",
    "resident_item",
    "urgent_item",
]

STALE_DAYS = 90
"""An open action with no update for this many days is an exception ("no update")."""


@dataclass
class PackItem:
    """One item of the pack: its detail section and the sentence the summary pages show."""

    id: str
    title: str
    summary: str
    section: Section
    synthetic: bool = False
    available: bool = True
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Small summary rows some items show on the summary pages (e.g. each measure's RAG)."""


def _readings(section: Section) -> list[str]:
    out = []
    for b in section.blocks:
        if isinstance(b, Figure) and b.reading:
            out.append(b.reading)
        elif isinstance(b, Text) and b.kind == "reading":
            out.append(b.text)
    return out


def first_sentences(text: str, n: int = 2) -> str:
    """The first ``n`` sentences of ``text`` (for the summary pages)."""
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z])", text.strip())
    return " ".join(parts[:n])


def _unavailable(item_id: str, number: int, title: str, why: str) -> PackItem:
    section = Section(item_id, number, title).add(Notice(why))
    return PackItem(item_id, title, f"Not available: {why}", section, available=False)


def headline_item(data: ProfileData, quarter: Quarter, number: int) -> PackItem:
    """The headline knife-injury measures, 12 months against the 12 before, with intervals."""
    from upstream.report.headline import headline_section

    months = data.partnership_months
    end = quarter.last_month if quarter.last_month in months else None
    section, _stop = headline_section(data, end)
    section.id, section.number, section.title = "headline", number, "Headline measures"
    if end is None and months:
        section.blocks.insert(
            0,
            Text(
                f"The partnership incident data end in {months[-1]}, before the end of "
                f"{quarter.label}: the headline uses the latest 12 months held.",
                kind="note",
            ),
        )
    readings = _readings(section)
    summary = readings[0] if readings else "No headline measures can be computed from these data."
    return PackItem("headline", section.title, summary, section, synthetic=section.synthetic)


def rag_of(result: MeasureResult) -> str:
    """RAG rating of an outcome measure: ``green`` better than baseline, ``red`` worse,
    ``amber`` not distinguishable from chance or cannot tell, ``grey`` not available."""
    if not result.available:
        return "grey"
    if result.verdict == BETTER:
        return "green"
    if result.verdict == WORSE:
        return "red"
    return "amber"


def outcomes_item(results: list[MeasureResult], number: int) -> PackItem:
    """Every outcome measure: RAG, verdict, reading and its control chart."""
    from upstream.account.outcomes.chart import control_figure

    section = Section("outcomes", number, "Outcome measures")
    section.add(
        Text(
            "RAG: green = better than the baseline, red = worse than the baseline (the 95% "
            "interval of the change excludes no change), amber = not distinguishable from "
            "chance or cannot tell, grey = not available. Charts: monthly values with 95% "
            "intervals, the baseline's centre line and 3-sigma limits; red points break a "
            "run rule.",
            kind="method",
        )
    )
    rows = []
    for r in results:
        rag = rag_of(r)
        label = r.measure.name + (" (SYNTHETIC)" if r.synthetic else "")
        rows.append({"id": r.measure.id, "name": label, "rag": rag, "verdict": r.verdict})
        if r.available:
            source = OPEN if r.audience == "public" else PARTNERSHIP
            section.add(
                Figure(
                    f"outcome-{r.measure.id}",
                    f"{label}: {rag.upper()}",
                    control_figure(r),
                    reading=r.reading,
                    caption="; ".join(r.notes),
                    source=source,
                )
            )
        else:
            section.add(Notice(f"{label}: {r.reading}"))
    section.synthetic = any(r.synthetic for r in results)
    counts = {c: sum(row["rag"] == c for row in rows) for c in ("red", "amber", "green", "grey")}
    summary = (
        f"{len(rows)} outcome measures: {counts['red']} red (worse than baseline), "
        f"{counts['amber']} amber (no change distinguishable from chance, or cannot tell), "
        f"{counts['green']} green (better than baseline), {counts['grey']} not available."
    )
    return PackItem(
        "outcomes", section.title, summary, section, synthetic=section.synthetic, rows=rows
    )


def actions_item(actions: list[Any] | None, today: date, number: int, why: str = "") -> PackItem:
    """Action-plan exceptions: open actions overdue, rated red, or with no update in
    :data:`STALE_DAYS` days (``actions``: the plan's
    :class:`~upstream.account.actions.schemas.ActionView` rows; None: no plan)."""
    title = "Action plan exceptions"
    if actions is None:
        return _unavailable("actions", number, title, why or "no action plan is installed.")
    section = Section("actions", number, title)
    stale_before = today - timedelta(days=STALE_DAYS)
    rows = []
    for a in actions:
        if not a.open:
            continue
        reasons = []
        if a.overdue:
            reasons.append("overdue")
        if a.rag.value == "red":
            reasons.append("red")
        if a.updated_at.date() < stale_before:
            reasons.append(f"no update in {STALE_DAYS} days")
        if reasons:
            rows.append(
                [a.ref, a.title, a.lead_agency, a.due.isoformat(), a.rag.value.upper(),
                 ", ".join(reasons), a.rag_note or ""]
            )  # fmt: skip
    open_count = sum(a.open for a in actions)
    overdue = sum(a.open and a.overdue for a in actions)
    red = sum(a.open and a.rag.value == "red" for a in actions)
    stale = sum(1 for r in rows if "no update" in r[5])
    summary = (
        f"{open_count} of {len(actions)} actions are still open: {overdue} overdue, {red} rated "
        f"red and {stale} with no update in {STALE_DAYS} days "
        f"({len(rows)} exceptions listed)."
    )
    section.add(Text(summary))
    if rows:
        section.add(
            Table(
                "Open actions that are overdue, red or without a recent update",
                ["Ref", "Action", "Lead agency", "Due", "RAG", "Why listed", "RAG note"],
                rows,
                source=PARTNERSHIP,
            )
        )
    demo = any(a.demo for a in actions)
    if demo:
        section.add(Text("The action plan is the DEMONSTRATION plan (invented).", kind="note"))
    section.synthetic = demo
    return PackItem("actions", title, summary, section, synthetic=demo)


def urgent_item(settings: Settings, quarter: Quarter, number: int) -> PackItem:
    """Young people linked to incidents in the quarter: offered, reached in time, median
    hours to first contact (case store, totals only)."""
    title = "Urgent response"
    try:
        f = urgent_figures(settings, quarter)
    except UrgentUnavailable as exc:
        return _unavailable("urgent", number, title, f"{exc}.")
    pct = (lambda n: f"{100 * n / f.linked:.0f}%") if f.linked else (lambda n: "-")
    hours = "no one was reached" if f.median_hours is None else f"{f.median_hours:g} hours"
    summary = (
        f"In {quarter.label}, {f.linked} young people were linked to incidents: {f.offered} "
        f"({pct(f.offered)}) were offered support, {f.reached} ({pct(f.reached)}) were reached "
        f"and {f.reached_in_time} ({pct(f.reached_in_time)}) were reached within the offer's "
        f"deadline; median time to first contact: {hours}."
    )
    section = Section("urgent", number, title, synthetic=f.synthetic)
    section.add(
        Text(summary),
        Table(
            f"Young people linked to incidents recorded in {quarter.label}",
            ["Measure", "Young people", "Share of linked"],
            [
                ["Linked to an incident", str(f.linked), "100%" if f.linked else "-"],
                ["Offered support", str(f.offered), pct(f.offered)],
                ["Reached", str(f.reached), pct(f.reached)],
                ["Reached within the deadline", str(f.reached_in_time), pct(f.reached_in_time)],
            ],
            numeric=[False, True, True],
            counts=[False, True, False],
            source=PARTNERSHIP,
        ),
        Text(
            "From the case tool: counts only, no young person's record. Reached = a contact "
            "attempt for one of their offers reached them; the median hours run from their "
            "record being created to that first contact.",
            kind="method",
        ),
    )
    return PackItem("urgent", title, summary, section, synthetic=f.synthetic)


def people_item(data: ProfileData, shares: Mapping[str, PopulationShares], number: int) -> PackItem:
    """Disproportionality: victims, suspects and stop and search by ethnic group against
    residents (the strategic profile's section)."""
    from upstream.report.people import people_section

    section = people_section(data, shares)
    section.id, section.number, section.title = "people", number, "Disproportionality"
    section.synthetic = data.partnership_synthetic and data.incidents is not None
    readings = [r for r in _readings(section) if "ethnic" in r.lower() or "times" in r.lower()]
    notices = [b.text for b in section.blocks if isinstance(b, Notice)]
    summary = next(iter(readings or _readings(section) or notices), "No figures.")
    return PackItem("people", section.title, summary, section, synthetic=section.synthetic)


def deployment_item(plan: Mapping[str, Any], number: int) -> PackItem:
    """The deployment plan's headline: chaperone posts and the emerging hot spots."""
    title = "Deployment plan"
    if not plan.get("available"):
        return _unavailable("deployment", number, title, plan.get("reason", "no plan."))
    section = Section("deployment", number, title)
    lines = []
    posts = plan.get("posts", {})
    if posts.get("available"):
        share = posts.get("share")
        covered = "" if share is None else f", covering {100 * share:.0f}% of the forecast risk"
        lines.append(
            f"For {posts.get('month')}, {posts.get('teams')} chaperone teams are placed within "
            f"{posts.get('radius'):g} m of the highest forecast risk{covered}."
        )
        section.synthetic = bool(posts.get("synthetic"))
    elif posts:
        lines.append(f"Chaperone posts: not available ({posts.get('reason')}).")
    emerging = plan.get("emerging", {})
    if emerging.get("available") and emerging.get("reading"):
        lines.append(str(emerging["reading"]))
    for key, what in (("spaces", "Safe spaces"), ("cctv", "Mobile CCTV")):
        part = plan.get(key, {})
        if part and not part.get("available"):
            lines.append(f"{what}: not available ({part.get('reason')}).")
    for line in lines:
        section.add(Text(line))
    summary = lines[0] if lines else "The deployment plan holds nothing to report."
    return PackItem("deployment", title, summary, section, synthetic=section.synthetic)


def evaluation_item(page: Mapping[str, Any] | None, number: int, why: str = "") -> PackItem:
    """Evaluation results (open data): the worked example and the area's own illustration."""
    title = "Evaluation results"
    if page is None:
        return _unavailable("evaluation", number, title, why or "no evaluation is available.")
    section = Section("evaluation", number, title)
    lines = []
    example = page.get("example")
    if example:
        lines.append(f"{page.get('borough')}, robbery, spring 2020: {example['its']['verdict']}")
        if example.get("did", {}).get("verdict"):
            lines.append(f"Against other boroughs: {example['did']['verdict']}")
    police = page.get("police")
    if police:
        lines.append(
            f"Serious violence near schools (illustration from an invented start): "
            f"{police['its']['verdict']}"
        )
    for line in lines:
        section.add(Text(line))
    rows = [
        [f"{m['label']} ({float(m['per_year']):g} a year)", _fall(m["trend"]), _fall(m["flat"])]
        for m in page.get("mde", [])
    ]
    if rows:
        section.add(
            Table(
                "Smallest change a 24-month evaluation could detect (80% power)",
                ["Measure", "With trend", "No trend"],
                rows,
                source=OPEN,
            )
        )
    summary = first_sentences(lines[0]) if lines else "No evaluation results are held."
    return PackItem("evaluation", title, summary, section)


def _fall(mde: Mapping[str, Any]) -> str:
    fall = mde.get("fall_percent")
    return "none detectable" if fall is None else f"a fall of {float(fall):.0f}%"


def resident_item(summary_data: Mapping[str, Any] | None, number: int) -> PackItem:
    """Resident insight from the resident survey, when one is loaded."""
    title = "Resident insight"
    if summary_data is None:
        return _unavailable("residents", number, title, "no resident survey loaded.")
    synthetic = bool(summary_data.get("synthetic"))
    section = Section("residents", number, title, synthetic=synthetic)
    reading = str(summary_data.get("reading") or "")
    if reading:
        section.add(Text(reading))
    rows = [
        [
            str(h.get("label") or h.get("question", "")),
            f"{100 * float(h['estimate']):.0f}%",
            f"{100 * float(h['ci_low']):.0f}% to {100 * float(h['ci_high']):.0f}%",
            str(h.get("n", "")),
            str(h.get("wave", "")),
        ]
        for h in summary_data.get("headline", [])
    ]
    if rows:
        section.add(
            Table(
                "Resident survey: weighted estimates with 95% intervals"
                + (" (SYNTHETIC survey)" if synthetic else ""),
                ["Question", "Estimate", "95% interval", "Respondents", "Wave"],
                rows,
                numeric=[False, True, True, True, False],
                source=PARTNERSHIP,
            )
        )
    summary = reading or f"{len(rows)} survey measures."
    return PackItem("residents", title, summary, section, synthetic=synthetic)
