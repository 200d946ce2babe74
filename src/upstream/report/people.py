"""Sections 5 and 6: time (needs timestamps) and people (needs partnership data)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from upstream.analysis.disparity import PopulationShares, relative_rates, stop_search_group
from upstream.analysis.nearrepeat import knox, knox_reading
from upstream.analysis.timing import (
    DayTypeComparison,
    after_school,
    default_calendar,
    peak_hours,
    school_days,
    weekday_hour,
)
from upstream.report import figures as F
from upstream.report.headline import fmt_ratio
from upstream.report.inputs import ProfileData
from upstream.report.model import Figure, Notice, Section, Table, Text

__all__ = ["people_section", "time_section"]

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


def time_section(data: ProfileData) -> Section:
    """Section 5: weekday by hour, school days, after school, near repeats."""
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
    peaks = peak_hours(table)
    peak_text = "; ".join(f"{d} {h:02d}:00-{h + 1:02d}:00 ({n:,})" for d, h, n in peaks)
    section.add(
        Text(
            "Times are Europe/London local time. Only incidents recorded within a window of two "
            "hours or less count as having a known time; the others are counted as 'time not "
            "known' and never spread over the day.",
            kind="method",
        ),
        Figure(
            "weekday-hour",
            "Serious-violence incidents by weekday and hour" + label,
            F.weekday_hour_figure(table),
            reading=(
                f"{len(known):,} of {len(sv):,} serious-violence incidents "
                f"({len(known) / max(len(sv), 1) * 100:.0f}%) have a known time. The busiest "
                f"hours were {peak_text}. Single cells hold small counts, so read broad bands "
                "(evenings, weekends) rather than single hours."
            ),
        ),
    )
    cal = default_calendar()
    young = inc[inc["victim_u18"]]
    dates = pd.to_datetime(inc["occurred_from"], utc=True).dt.tz_convert("Europe/London")
    first, last = dates.min().date(), dates.max().date()
    local_days = pd.to_datetime(young["occurred_from"], utc=True).dt.tz_convert("Europe/London")
    days_cmp = school_days(local_days, cal, first, last)
    after_cmp = after_school(young["known_time"], cal, first, last)
    rows = []
    readings = []
    for cmp, what in (
        (days_cmp, "incidents with a victim under 18"),
        (after_cmp, "incidents with a victim under 18 (known times)"),
    ):
        if cmp is None:
            continue
        r = cmp.result
        rows.append(
            [
                f"{cmp.label_a} vs {cmp.label_b}",
                f"{cmp.events_a:,} / {cmp.events_b:,}",
                f"{cmp.rate_a:.3f} / {cmp.rate_b:.3f} per {cmp.unit}",
                fmt_ratio(r.ratio, r.lower, r.upper),
                f"{r.p_value:.3f}",
            ]
        )
        readings.append(_day_reading(cmp, what))
    if rows:
        section.add(
            Table(
                "Under-18 victims: school days and the two hours after school" + label,
                ["Comparison", "Incidents", "Rate", "Rate ratio (95% CI)", "p"],
                rows,
                [False, True, True, True, True],
            ),
            Text(" ".join(readings)),
            Text(
                "School days: typical London term dates (approximate, a week either way of "
                "each borough's dates; INSET days not modelled) on weekdays that are not bank "
                "holidays in England. School ends at 15:15; the after-school window is "
                "15:15-17:15.",
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
    knife = inc[inc["knife_injury"] & ~inc["domestic_abuse"]]
    stamps = pd.to_datetime(knife["occurred_from"], utc=True)
    t_days = (stamps - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
    res = knox(knife["x"].to_numpy(), knife["y"].to_numpy(), t_days.to_numpy(dtype="float64"))
    section.add(
        Table(
            "Near repeats: knife-injury offences (not domestic abuse) within 400 m and 14 days"
            + label,
            ["Events", "Close pairs observed", "Expected by chance", "Knox ratio", "p"],
            [
                [
                    f"{res.events:,}",
                    f"{res.observed:,}",
                    f"{res.expected:,.1f}",
                    f"{res.ratio:.2f}",
                    f"{res.p_value:.3f}",
                ]
            ],
            [True, True, True, True, True],
        ),
        Text(knox_reading(res, "knife-injury offences")),
    )
    return section


AGE_BANDS = [0, 10, 15, 18, 25, 35, 50, 65, 121]
AGE_LABELS = ["0-9", "10-14", "15-17", "18-24", "25-34", "35-49", "50-64", "65+"]


def _rr_rows(table: pd.DataFrame) -> list[list[str]]:
    return [
        [
            str(group),
            f"{int(r['count']):,}",
            f"{r['residents']:,.0f}",
            f"{r['rate']:.2f} ({r['lower']:.2f} to {r['upper']:.2f})",
            "1 (reference)"
            if group == "White"
            else fmt_ratio(r["relative_rate"], r["rr_lower"], r["rr_upper"]),
        ]
        for group, r in table.iterrows()
    ]


def _rr_reading(table: pd.DataFrame, what: str) -> str:
    parts = []
    for group, r in table.iterrows():
        if group == "White" or not np.isfinite(r["relative_rate"]):
            continue
        sure = (
            "beyond chance"
            if (r["rr_lower"] > 1 or r["rr_upper"] < 1)
            else "within chance variation"
        )
        parts.append(
            f"{group} residents {r['relative_rate']:.1f} times the White rate (95% CI "
            f"{r['rr_lower']:.1f} to {r['rr_upper']:.1f}, {sure})"
        )
    return f"Relative to White residents, {what}: " + "; ".join(parts) + "."


def _rr_block(
    ident: str,
    title: str,
    counts: pd.Series,
    shares: PopulationShares,
    population: float,
    years: float,
    what: str,
    section: Section,
    note: str,
) -> None:
    table = relative_rates(counts, shares.shares, population, years=years)
    section.add(
        Figure(
            ident,
            title,
            F.bar_with_intervals(
                list(table.index),
                table["relative_rate"],
                table["rr_lower"].where(table.index != "White"),
                table["rr_upper"].where(table.index != "White"),
                "Rate relative to White residents",
                reference=1.0,
                log=True,
            ),
            reading=_rr_reading(table, what) + " " + note,
            caption="Log scale; the dashed line at 1 is the White residents' rate (the "
            "reference). Whiskers: 95% exact intervals.",
        ),
        Table(
            title,
            [
                "Group",
                "Count",
                "Residents (assumed share x total)",
                "Per 1,000 a year (95% CI)",
                "Relative rate (95% CI)",
            ],
            _rr_rows(table),
            [False, True, True, True, True],
        ),
    )


def _populations(data: ProfileData) -> tuple[float | None, float | None]:
    age = data.census_age
    if age is None:
        return None, None
    total = float(age["total_usual_residents"].sum())
    # Census bands are 0-15 and 16-24: under-18s = 0-15 plus 2/9 of 16-24 (assumed even ages)
    under_18 = float(age["age_0_15"].sum() + age["age_16_24"].sum() * 2 / 9)
    return total, under_18


def people_section(data: ProfileData, shares: Mapping[str, PopulationShares]) -> Section:
    """Section 6: victims and suspects by age and sex; relative rates by ethnicity."""
    section = Section("people", 6, "People: who is harmed, who is involved, and fairness")
    total, under_18 = _populations(data)
    assumed = [s for s in shares.values() if s.assumed]
    section.add(
        Text(
            "Resident shares by ethnic group used below: "
            + "; ".join(
                f"{name.replace('_', ' ')}: "
                + ", ".join(f"{g} {v * 100:.0f}%" for g, v in s.shares.items())
                + f" [{s.source}]"
                for name, s in shares.items()
            )
            + (
                " No Census 2021 ethnic-group table is bundled with upstream, so these shares "
                "are ASSUMPTIONS: every relative rate below depends on them. Supply real figures "
                "with 'upstream profile --populations FILE' (see the README)."
                if assumed
                else ""
            ),
            kind="note",
        )
    )
    inc, inv = data.incidents, data.involvements
    if inc is None or inv is None or not len(inc):
        section.add(
            Notice(
                "No partnership incident data are loaded, so the age, sex and ethnicity of "
                "victims and suspects cannot be shown: police.uk street-level data hold no "
                "people."
            )
        )
    else:
        _victims_and_suspects(data, shares, total, under_18, section)
    _stop_search(data, shares, total, section)
    return section


def _victims_and_suspects(
    data: ProfileData,
    shares: Mapping[str, PopulationShares],
    total: float | None,
    under_18: float | None,
    section: Section,
) -> None:
    assert data.incidents is not None and data.involvements is not None
    section.synthetic = data.partnership_synthetic
    label = " (SYNTHETIC data)" if data.partnership_synthetic else ""
    sv_ids = data.incidents.loc[
        data.incidents["offence"].isin(data.definitions.serious_violence), "incident_id"
    ]
    people = data.involvements[data.involvements["incident_id"].isin(sv_ids)]
    people = people[people["role"].isin(["victim", "suspect"])].copy()
    age = pd.to_numeric(people["age"], errors="coerce")
    people["band"] = pd.cut(age, AGE_BANDS, right=False, labels=AGE_LABELS)
    known = people.dropna(subset=["band"])
    known = known[known["sex"].isin(["male", "female"])]
    table = (
        known.groupby(["band", "role", "sex"], observed=False).size().unstack(["role", "sex"])
    ).reindex(AGE_LABELS)
    table = table.fillna(0).astype("int64")
    table.columns = [f"{str(key[0]).capitalize()}s: {key[1]}" for key in table.columns]
    victims = people[people["role"] == "victim"]
    suspects = people[people["role"] == "suspect"]
    v_age = pd.to_numeric(victims["age"], errors="coerce")
    s_age = pd.to_numeric(suspects["age"], errors="coerce")
    v_male = (victims["sex"] == "male").sum() / max(
        victims["sex"].isin(["male", "female"]).sum(), 1
    )
    reading = (
        f"{len(victims):,} victim and {len(suspects):,} suspect records in serious-violence "
        f"incidents; ages are known for {v_age.notna().mean() * 100:.0f}% of victims and "
        f"{s_age.notna().mean() * 100:.0f}% of suspects (unknown suspects have no age). "
        f"Median age: victims {v_age.median():.0f}, suspects {s_age.median():.0f}. "
        f"{v_male * 100:.0f}% of victims of known sex are male. "
        f"{(v_age < 25).sum():,} victims were under 25 and {(v_age < 18).sum():,} under 18."
    )
    section.add(
        Figure(
            "age-sex",
            "Victims and suspects of serious violence by age and sex" + label,
            F.people_bars(table, "People"),
            reading=reading,
            caption="People with a known age and sex recorded as male or female.",
        )
    )
    if total is None:
        section.add(Notice("No Census 2021 population is bundled, so no relative rates."))
        return
    years = max(len(data.partnership_months), 1) / 12
    self_def = victims["ethnicity_self_defined"]
    stated = self_def[self_def.isin(list(shares["all_ages"].shares))]
    _rr_block(
        "victims-ethnicity",
        "Victims of serious violence by self-defined ethnic group, relative to White residents"
        + label,
        stated.value_counts(),
        shares["all_ages"],
        total,
        years,
        "victims of serious violence were",
        section,
        f"{len(stated):,} of {len(victims):,} victims stated one of the five groups; "
        "the others are left out, which lowers every rate equally only if not stating is "
        "unrelated to group.",
    )
    if under_18 is not None:
        young = victims[pd.to_numeric(victims["age"], errors="coerce") < 18]
        young_stated = young["ethnicity_self_defined"]
        young_stated = young_stated[young_stated.isin(list(shares["under_18"].shares))]
        _rr_block(
            "victims-u18-ethnicity",
            "Victims under 18 by self-defined ethnic group, relative to White under-18s" + label,
            young_stated.value_counts(),
            shares["under_18"],
            under_18,
            years,
            "victims under 18 were",
            section,
            "Under-18 residents: Census 2021 ages 0-15 plus two ninths of ages 16-24.",
        )


def _stop_search(
    data: ProfileData,
    shares: Mapping[str, PopulationShares],
    total: float | None,
    section: Section,
) -> None:
    stop = data.stop_search
    if stop is None or not data.stop_search_months or total is None:
        section.add(Notice("No stop-and-search data (or no population), so no analysis."))
        return
    last = pd.Period(data.stop_search_months[-1], freq="M")
    window = {str(last - i) for i in range(12)}
    months = sorted(window & set(data.stop_search_months))
    recent = stop[stop["month"].isin(months)]
    group = stop_search_group(recent["officer_defined_ethnicity"])
    counts = group.value_counts()
    recorded = set(stop_search_group(stop["officer_defined_ethnicity"]).dropna())
    all_ages = shares["all_ages"]
    used = PopulationShares(
        {g: v for g, v in all_ages.shares.items() if g in recorded},
        all_ages.source,
        all_ages.assumed,
    )
    missing = sorted(set(all_ages.shares) - recorded)
    note = (
        f"Stop and search, {months[0]} to {months[-1]} ({len(months)} months with data), "
        f"{len(recent):,} searches; officer-defined ethnicity is not recorded for "
        f"{int(group.isna().sum()):,}. Officer-defined ethnicity (what the officer perceived) "
        "is compared with residents' self-defined census groups, as the Home Office does; "
        "searches of people who do not live here also count, so rates are per resident, not "
        "per person present."
        + (
            f" police.uk's officer-defined ethnicity has no {' or '.join(missing)} group, so "
            "those residents are left out of this comparison."
            if missing
            else ""
        )
    )
    _rr_block(
        "stop-search-ethnicity",
        "Stop and search by officer-defined ethnic group, relative to White residents "
        "(police.uk, real data)",
        counts,
        used,
        total,
        len(months) / 12,
        "people were stopped and searched at",
        section,
        note,
    )
