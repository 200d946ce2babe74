"""Section 5: time (needs partnership timestamps): weekday by hour, school days, near repeats."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from upstream.account.disclosure import PARTNERSHIP_RULE, show, suppress_one_way
from upstream.analysis.nearrepeat import knox, knox_reading
from upstream.analysis.timing import (
    DayTypeComparison,
    after_school,
    peak_hours,
    school_days,
    weekday_hour,
)
from upstream.formatting import p_value
from upstream.report import figures as F
from upstream.report.headline import fmt_ratio
from upstream.report.inputs import ProfileData
from upstream.report.model import PARTNERSHIP, Figure, Notice, Section, Table, Text
from upstream.report.public import FOOTNOTE, count_table, split, withheld
from upstream.vocab import TIME_ZONE

__all__ = ["TIME_BANDS", "time_section"]

TIME_BANDS = (
    ("00:00-06:00", 0, 6),
    ("06:00-12:00", 6, 12),
    ("12:00-18:00", 12, 18),
    ("18:00-24:00", 18, 24),
)
"""Six-hour bands of the public version's weekday table (hours would show small counts)."""

MONTH_ONLY = (
    "police.uk data give only the month of each crime, so {what} cannot be shown without "
    "partnership incident data with times (load them with 'upstream ingest incidents')."
)


def _day_reading(cmp: DayTypeComparison, what: str) -> str:
    r = cmp.result
    sure = (
        "the 95% interval excludes 1, so this is not chance"
        if r.significant
        else "the 95% interval includes 1, so this may be chance"
    )
    return (
        f"From {cmp.first} to {cmp.last} there were {cmp.events_a:,} {what} in "
        f"{cmp.label_a} ({cmp.rate_a:.3f} per {cmp.unit}) and {cmp.events_b:,} in "
        f"{cmp.label_b} ({cmp.rate_b:.3f} per {cmp.unit}): a rate ratio of {r.ratio:.2f} "
        f"(95% CI {r.lower:.2f} to {r.upper:.2f}); {sure}."
    )


def _weekday_hour(
    table: pd.DataFrame, known: int, total: int, label: str, public: bool
) -> list[Any]:
    """The weekday-by-hour chart, or in the public version a note and a table of six-hour
    bands under disclosure control."""
    title = "Serious-violence incidents by weekday and hour" + label
    if not public:
        peaks = peak_hours(table)
        peak_text = "; ".join(f"{d} {h:02d}:00-{h + 1:02d}:00 ({n:,})" for d, h, n in peaks)
        return [
            Figure(
                "weekday-hour",
                title,
                F.weekday_hour_figure(table),
                reading=(
                    f"{known:,} of {total:,} serious-violence incidents "
                    f"({known / max(total, 1) * 100:.0f}%) have a known time. The busiest "
                    f"hours were {peak_text}. Single cells hold small counts, so read broad "
                    "bands (evenings, weekends) rather than single hours."
                ),
                source=PARTNERSHIP,
            )
        ]
    bands = np.column_stack([table.iloc[:, a:b].sum(axis=1) for _, a, b in TIME_BANDS])
    share = (
        "Not every incident has a known time."
        if split(known, total, public)
        else f"{known:,} of {total:,} serious-violence incidents "
        f"({known / max(total, 1) * 100:.0f}%) have a known time."
    )
    return [
        withheld("weekday-hour", title),
        count_table(
            "Serious-violence incidents with a known time, by weekday and six-hour band" + label,
            "Weekday",
            list(table.index),
            [name for name, _, _ in TIME_BANDS],
            bands,
            public=True,
        ),
        Text(share + " Six-hour bands keep most counts large enough to publish."),
    ]


def time_section(data: ProfileData, public: bool = False) -> Section:
    """Section 5: weekday by hour, school days, after school, near repeats.

    ``public``: partnership counts under disclosure control (:mod:`upstream.report.public`).
    """
    section = Section("time", 5, "Time: when violence happens")
    inc = data.incidents
    if inc is None or not len(inc):
        for what in (
            "the weekday-by-hour pattern",
            "school days against other days",
            "the hours after school",
            "the near-repeat (Knox) test, which needs dates to the day,",
        ):
            section.add(Notice(MONTH_ONLY.format(what=what)))
        return section
    section.synthetic = data.partnership_synthetic
    label = " (SYNTHETIC data)" if data.partnership_synthetic else ""
    sv = inc[inc["offence"].isin(data.definitions.serious_violence)]
    known = sv["known_time"].dropna()
    table = weekday_hour(known)
    section.add(
        Text(
            "Times are Europe/London local time. Only incidents recorded within a window of two "
            "hours or less count as having a known time; the others are counted as 'time not "
            "known' and never spread over the day.",
            kind="method",
        ),
        *_weekday_hour(table, len(known), len(sv), label, public),
    )
    _school_days(data, section, label, public)
    knife = inc[inc["knife_injury"] & ~inc["domestic_abuse"]]
    stamps = pd.to_datetime(knife["occurred_from"], utc=True)
    t_days = (stamps - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
    res = knox(knife["x"].to_numpy(), knife["y"].to_numpy(), t_days.to_numpy(dtype="float64"))
    few = public and bool(PARTNERSHIP_RULE.small(res.events))
    close = few or (public and bool(PARTNERSHIP_RULE.small(res.observed)))
    section.add(
        Table(
            "Near repeats: knife-injury offences (not domestic abuse) within 400 m and 14 days"
            + label,
            ["Events", "Close pairs observed", "Expected by chance", "Knox ratio", "p"],
            [
                [
                    show(res.events, few),
                    show(res.observed, close),
                    show(res.expected, few, fmt="{:,.1f}"),
                    show(res.ratio, close, fmt="{:.2f}"),
                    show(p_value(res.p_value), close, fmt="{}"),
                ]
            ],
            [True, True, True, True, True],
            source=PARTNERSHIP,
            counts=[True, True, False, False, False],
            footnote=FOOTNOTE if close else "",
        ),
        Text(
            "The counts of this test are not published (below 10)."
            if close
            else knox_reading(res, "knife-injury offences")
        ),
    )
    return section


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _terms_text(data: ProfileData) -> str:
    """The area pack's words for its term dates, first letter lower-cased."""
    text = data.area.terms_description.strip().rstrip(".") or "the area pack's term dates"
    return text[0].lower() + text[1:]


def _school_days(data: ProfileData, section: Section, label: str, public: bool) -> None:
    """Under-18 victims on school days and after school, by the area pack's term dates."""
    cal = data.area.calendar
    if cal is None:
        section.add(Notice(data.area.lacks("school_days") or "No school term dates."))
        return
    inc = data.incidents
    assert inc is not None
    young = inc[inc["victim_u18"]]
    dates = pd.to_datetime(inc["occurred_from"], utc=True).dt.tz_convert(TIME_ZONE)
    first, last = dates.min().date(), dates.max().date()
    local_days = pd.to_datetime(young["occurred_from"], utc=True).dt.tz_convert(TIME_ZONE)
    days_cmp = school_days(local_days, cal, first, last)
    after_cmp = after_school(young["known_time"], cal, first, last)
    rows = []
    readings = []
    hidden_any = False
    for cmp, what in (
        (days_cmp, "incidents with a victim under 18"),
        (after_cmp, "incidents with a victim under 18 (known times)"),
    ):
        if cmp is None:
            continue
        r = cmp.result
        a, b = _pair_hidden(cmp.events_a, cmp.events_b, public)
        hidden_any |= a or b
        rows.append(
            [
                f"{cmp.label_a} vs {cmp.label_b}",
                f"{show(cmp.events_a, a)} / {show(cmp.events_b, b)}",
                f"{show(cmp.rate_a, a, fmt='{:.3f}')} / {show(cmp.rate_b, b, fmt='{:.3f}')} "
                f"per {cmp.unit}",
                show(fmt_ratio(r.ratio, r.lower, r.upper), a, b, fmt="{}"),
                show(p_value(r.p_value), a, b, fmt="{}"),
            ]
        )
        if not (a or b):
            readings.append(_day_reading(cmp, what))
    if rows:
        section.add(
            Table(
                "Under-18 victims: school days and the two hours after school" + label,
                ["Comparison", "Incidents", "Rate", "Rate ratio (95% CI)", "p"],
                rows,
                [False, True, True, True, True],
                source=PARTNERSHIP,
                counts=[False, True, False, False, False],
                footnote=FOOTNOTE if hidden_any else "",
            ),
            Text(
                " ".join(readings)
                or "The counts behind these comparisons are not published (below 10, or they "
                "would reveal such a count)."
            ),
            Text(
                f"School days: {_terms_text(data)} on weekdays that are not bank holidays in "
                f"England. School ends at {_clock(cal.after_school_window[0])}; the "
                f"after-school window is {_clock(cal.after_school_window[0])}-"
                f"{_clock(cal.after_school_window[1])}.",
                kind="method",
            ),
        )
    else:
        section.add(
            Notice(
                f"The school calendar covers {cal.first_day} to {cal.last_day}, which does not "
                "overlap the incident data; supply term dates for those school years."
            )
        )


def _pair_hidden(a: int, b: int, public: bool) -> tuple[bool, bool]:
    """Whether two counts compared with each other (their sum implied) are suppressed."""
    if not public:
        return False, False
    s = suppress_one_way([a, b])
    return bool(s.suppressed[0]), bool(s.suppressed[1])
