"""The weekly Safer Routes rota: which team stands at which post, on which day, when.

Posts are staffed on the school days of one week (the area pack's term dates and England's
bank holidays), on the chosen weekdays, in the after-school window split into shifts. Each
(day, shift) is a *slot*; in each slot every team stands at one post, so no team is ever in
two places at once.

With fewer teams than posts, the posts share the slots: the team-slots of the week are
shared out among the posts in proportion to each post's expected risk by the D'Hondt
(highest averages) rule, capped at one team per post per slot, so the highest-risk posts
are staffed most often; each slot then staffs the posts with the most visits still owed
(ties: the lower post id), which spreads each post's visits across the week. A team keeps
its post from one shift to the next on the same day where it can. With more teams than
posts, every post is staffed in every slot and the extra teams double up at the
highest-risk posts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import jinja2
import numpy as np
import pandas as pd

from upstream.area import SchoolCalendar, bank_holidays
from upstream.plan.coverage import PlanError
from upstream.plan.risk import DEFAULT_WINDOW, parse_window
from upstream.vocab import month_index, month_label

__all__ = [
    "DAY_NAMES",
    "ROTA_COLUMNS",
    "Rota",
    "default_week",
    "make_rota",
    "parse_days",
    "parse_week",
    "rota_html",
    "school_days_of",
    "share_visits",
    "shift_times",
]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

ROTA_COLUMNS = (
    "date",
    "day",
    "start",
    "end",
    "team",
    "post_id",
    "street",
    "easting",
    "northing",
    "synthetic",
)
"""The columns of ``upstream plan rota --out``, in order (``synthetic``: the post's risk
was weighted with synthetic incidents, as its posts file says)."""


@dataclass(frozen=True)
class Rota:
    """One week's rota."""

    rows: pd.DataFrame
    """One row per team per slot, columns :data:`ROTA_COLUMNS`, by date, start, team."""
    week: date
    """The Monday of the week."""
    days: tuple[date, ...]
    """The school days staffed (empty in a holiday week)."""
    shifts: tuple[tuple[str, str], ...]
    teams: int
    visits: pd.Series
    """Slots each post is staffed in, by post id."""
    note: str
    """How the rota was made, and why it is empty when it is."""


def parse_week(text: str) -> date:
    """The Monday of the week holding the date ``YYYY-MM-DD``."""
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise PlanError(f"--week must be a date YYYY-MM-DD, got {text!r}") from exc
    return day - timedelta(days=day.weekday())


def default_week(until: str | None, today: date) -> date:
    """The first Monday after the end of month ``until``, or after ``today``."""
    if until is not None:
        try:
            start = month_label(month_index(until) + 1)
        except ValueError as exc:
            raise PlanError(f"--until must be a month YYYY-MM, got {until!r}") from exc
        after = date.fromisoformat(f"{start}-01") - timedelta(days=1)
    else:
        after = today
    return after + timedelta(days=7 - after.weekday())


def parse_days(text: str) -> tuple[int, ...]:
    """Weekdays from ``mon,tue,...`` (0 = Monday), in week order."""
    names = [part.strip().lower()[:3] for part in str(text).split(",") if part.strip()]
    bad = [n for n in names if n not in DAY_NAMES]
    if not names or bad:
        raise PlanError(f"--days must be day names from {','.join(DAY_NAMES)}, got {text!r}")
    return tuple(sorted({DAY_NAMES.index(n) for n in names}))


def shift_times(window: tuple[int, int], shift_hours: float | None) -> list[tuple[int, int]]:
    """The window (minutes after midnight) cut into shifts of ``shift_hours`` (the last
    may be shorter); one shift when None."""
    start, end = window
    if shift_hours is None:
        return [(start, end)]
    if not math.isfinite(shift_hours) or shift_hours <= 0:
        raise PlanError(f"--shift-hours must be more than 0, got {shift_hours}")
    step = max(1, round(shift_hours * 60))
    return [(s, min(s + step, end)) for s in range(start, end, step)]


def school_days_of(dates: list[date], calendar: SchoolCalendar | None) -> tuple[list[date], str]:
    """The school days among ``dates``, with a note when the calendar cannot say.

    Dates outside the calendar's school years (or with no calendar) count as school days
    when they are weekdays that are not bank holidays in England; the note says so.
    """
    if not dates:
        return [], ""
    first, last = min(dates), max(dates)
    if calendar is not None and calendar.first_day <= first and last <= calendar.last_day:
        table = calendar.day_table(first, last).set_index("date")
        flags = table["is_school_day"].reindex(pd.to_datetime(dates)).to_numpy(dtype=bool)
        return [d for d, f in zip(dates, flags, strict=True) if f], ""
    banks = set(bank_holidays(first, last))
    kept = [d for d in dates if d.weekday() < 5 and d not in banks]
    span = (
        f"the area pack's term dates cover {calendar.first_day} to {calendar.last_day}"
        if calendar is not None
        else "the area pack has no term dates"
    )
    return kept, (
        f"School days are not known for {first} to {last} ({span}): every weekday that is "
        "not a bank holiday in England is treated as a school day; check the week against "
        "your schools' term dates."
    )


def share_visits(weights: np.ndarray, slots: int, per_slot: int) -> np.ndarray:
    """Slots per post: ``slots * per_slot`` visits shared in proportion to ``weights`` by
    the D'Hondt rule, at most ``slots`` each (ties: the earlier post)."""
    w = np.asarray(weights, "float64")
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    if w.sum() <= 0:
        w = np.ones_like(w)
    visits = np.zeros(len(w), dtype="int64")
    for _ in range(slots * min(per_slot, len(w))):
        quotient = np.where(visits < slots, w / (visits + 1), -1.0)
        if quotient.max() <= 0:  # the rest weigh nothing: share them evenly
            quotient = np.where(visits < slots, 1.0 / (visits + 1), -1.0)
        visits[int(np.argmax(quotient))] += 1
    return visits


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_rota(
    posts: pd.DataFrame,
    teams: int,
    week: date,
    calendar: SchoolCalendar | None,
    *,
    days: tuple[int, ...] = (0, 1, 2, 3, 4),
    window: tuple[str, str] = DEFAULT_WINDOW,
    shift_hours: float | None = None,
) -> Rota:
    """The rota of ``teams`` teams over ``posts`` for the week starting Monday ``week``.

    Parameters
    ----------
    posts
        ``post_id``, ``easting``, ``northing``; optional ``street`` and ``expected`` (the
        risk that decides how often a post is staffed: equal without it), highest-risk
        first or in any order.

    Raises
    ------
    PlanError
        If there are no posts or teams, or the window or shifts are not valid.
    """
    if teams < 1:
        raise PlanError(f"--teams must be 1 or more, got {teams}")
    if posts.empty:
        raise PlanError("there are no posts to make a rota for")
    minutes = parse_window(*window)
    shifts = shift_times(minutes, shift_hours)
    week = week - timedelta(days=week.weekday())
    wanted = [week + timedelta(days=d) for d in days]
    school, calendar_note = school_days_of(wanted, calendar)
    posts = posts.reset_index(drop=True)
    has_risk = "expected" in posts
    weights = (
        pd.to_numeric(posts["expected"], errors="coerce").fillna(0).to_numpy("float64")
        if has_risk
        else np.ones(len(posts))
    )
    slots = [(d, s) for d in school for s in shifts]
    per_slot = min(teams, len(posts))
    visits = share_visits(weights, len(slots), per_slot)
    owed = visits.copy()
    order = np.argsort(-weights, kind="stable")  # extra teams double up here
    street = posts["street"] if "street" in posts else pd.Series([None] * len(posts))
    synthetic = (
        posts["synthetic"].astype(str).str.strip().str.lower().isin(["true", "1"]).to_numpy()
        if "synthetic" in posts
        else np.zeros(len(posts), dtype=bool)
    )
    east = posts["easting"].astype("float64").to_numpy()
    north = posts["northing"].astype("float64").to_numpy()
    rows: list[dict[str, object]] = []
    held: dict[int, int] = {}
    last_day: date | None = None
    for day, (start, end) in slots:
        if day != last_day:
            held, last_day = {}, day
        ranked = sorted(range(len(posts)), key=lambda p: (-owed[p], p))
        chosen = sorted(ranked[:per_slot])
        owed[chosen] -= 1
        assignment: dict[int, int] = {}
        for team in range(1, per_slot + 1):  # keep a team at its post where it can
            if held.get(team) in chosen:
                assignment[team] = held[team]
        free = [p for p in chosen if p not in assignment.values()]
        for team in range(1, per_slot + 1):
            if team not in assignment:
                assignment[team] = free.pop(0)
        for extra in range(per_slot + 1, teams + 1):
            staffed = [p for p in order if p in chosen]
            assignment[extra] = staffed[(extra - per_slot - 1) % len(staffed)]
        held = assignment
        for team, p in sorted(assignment.items()):
            rows.append(
                {
                    "date": day.isoformat(),
                    "day": day.strftime("%A"),
                    "start": _clock(start),
                    "end": _clock(end),
                    "team": team,
                    "post_id": str(posts["post_id"].iat[p]),
                    "street": street.iat[p],
                    "easting": float(east[p]),
                    "northing": float(north[p]),
                    "synthetic": bool(synthetic[p]),
                }
            )
    frame = pd.DataFrame(rows, columns=list(ROTA_COLUMNS))
    count = pd.Series(visits, index=posts["post_id"].astype(str).to_numpy(), name="slots")
    notes = [calendar_note] if calendar_note else []
    if not school:
        named = ", ".join(DAY_NAMES[d].capitalize() for d in days)
        notes.append(
            f"The week of {week} has no school days on {named} (school holidays or bank "
            "holidays): no posts are staffed, so the rota is empty."
        )
    elif len(posts) > teams:
        by = "expected risk" if has_risk else "equal shares (the posts carry no expected risk)"
        most, least = str(count.idxmax()), str(count.idxmin())
        notes.append(
            f"{teams} team(s) for {len(posts)} posts over {len(slots)} shift(s): posts are "
            f"staffed in proportion to their {by} (D'Hondt rule), from {most} in "
            f"{count.max()} of {len(slots)} shifts to {least} in {count.min()}."
        )
    elif teams > len(posts):
        notes.append(
            f"{teams} teams for {len(posts)} posts: every post is staffed in every shift and "
            f"the {teams - len(posts)} extra team(s) double up at the highest-risk posts."
        )
    return Rota(
        rows=frame,
        week=week,
        days=tuple(school),
        shifts=tuple((_clock(a), _clock(b)) for a, b in shifts),
        teams=teams,
        visits=count,
        note=" ".join(notes),
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("upstream.plan", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def rota_html(rota: Rota, posts: pd.DataFrame, *, area_name: str, note: str = "") -> str:
    """The rota as a printable, self-contained HTML page (nothing fetched from elsewhere).

    One table per school day (shifts down, teams across, each cell the post and its
    street), then the posts with their reasons, and the notes.
    """
    days = []
    for day in rota.days:
        part = rota.rows[rota.rows["date"] == day.isoformat()]
        grid = []
        for start, end in rota.shifts:
            slot = part[part["start"] == start].set_index("team")
            grid.append(
                {
                    "time": f"{start}–{end}",
                    "cells": [
                        (slot.at[t, "post_id"], slot.at[t, "street"]) if t in slot.index else None
                        for t in range(1, rota.teams + 1)
                    ],
                }
            )
        days.append({"label": day.strftime("%A %d %B %Y"), "grid": grid})
    records = posts.to_dict("records")
    return (
        _environment()
        .get_template("rota.html")
        .render(
            area_name=area_name,
            week=rota.week,
            days=days,
            teams=list(range(1, rota.teams + 1)),
            posts=records,
            visits=rota.visits.to_dict(),
            notes=[n for n in (rota.note, note) if n],
        )
    )
