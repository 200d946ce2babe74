"""Section 6: people (needs partnership data): victims and suspects by age, sex and ethnic
group, and stop and search (police.uk) by ethnic group."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise

import numpy as np
import pandas as pd

from upstream.account.disclosure import show, suppress_one_way, suppress_two_way
from upstream.analysis.disparity import PopulationShares, relative_rates, stop_search_group
from upstream.analysis.rates import AgeBand, residents_in_bands
from upstream.report import figures as F
from upstream.report.headline import fmt_ratio
from upstream.report.inputs import ProfileData
from upstream.report.model import OPEN, PARTNERSHIP, Figure, Notice, Section, Table, Text
from upstream.report.public import FOOTNOTE, count_table, nested, withheld

__all__ = ["AGE_BANDS", "AGE_LABELS", "age_band_rates", "census_bands", "people_section"]

AGE_BANDS = [0, 10, 15, 18, 25, 35, 50, 65, 121]
AGE_LABELS = ["0-9", "10-14", "15-17", "18-24", "25-34", "35-49", "50-64", "65+"]
OPEN_BAND_YEARS = 25
"""Years the open band 65+ is taken to span (65 to 89) when there is no population to
divide by and people are drawn per year of age."""

_CENSUS_AGE = re.compile(r"age_(\d+)_(\d+|plus)")


def census_bands(census_age: pd.DataFrame) -> list[tuple[AgeBand, float]]:
    """Residents per Census 2021 age band (columns ``age_0_15`` ... ``age_65_plus``)."""
    out: list[tuple[AgeBand, float]] = []
    for column in census_age.columns:
        match = _CENSUS_AGE.fullmatch(str(column))
        if match:
            end = None if match[2] == "plus" else int(match[2]) + 1
            out.append(((int(match[1]), end), float(census_age[column].sum())))
    return out


def _bands() -> list[AgeBand]:
    """:data:`AGE_BANDS` as (first, end) pairs, the last one open."""
    pairs: list[AgeBand] = list(pairwise(AGE_BANDS))
    return [*pairs[:-1], (AGE_BANDS[-2], None)]


def age_band_rates(
    counts: pd.DataFrame, census_age: pd.DataFrame | None, years: float
) -> tuple[pd.DataFrame, str, str]:
    """People per age band as rates, so bands of unequal width can be compared.

    Returns the rates (same shape as ``counts``: rows :data:`AGE_LABELS`), the axis title
    and a sentence saying what the bars are: per 1,000 residents of that age a year when
    a Census age table is at hand, else per year of age.
    """
    if census_age is not None:
        residents = residents_in_bands(census_bands(census_age), _bands())
        per = pd.Series(residents, index=AGE_LABELS)
        rates = counts.div(per, axis=0) * 1000 / years
        return (
            rates,
            "Per 1,000 residents a year",
            "Bars are rates, not counts, because the age bands differ in width (0-9 spans "
            "ten years, 15-17 three): people per 1,000 residents of the band's ages (all "
            f"sexes) a year, over {years * 12:.0f} months. Residents: Census 2021, its 0-15 "
            "and 16-24 bands split evenly across single years of age.",
        )
    widths = pd.Series(
        [(end or first + OPEN_BAND_YEARS) - first for first, end in _bands()], index=AGE_LABELS
    )
    return (
        counts.div(widths, axis=0),
        "People per year of age",
        "Bars are people per year of age, not counts, because the age bands differ in width "
        f"(0-9 spans ten years, 15-17 three); 65+ is taken as {OPEN_BAND_YEARS} years. No "
        "Census age table is bundled, so these are not rates per resident.",
    )


def _rr_rows(table: pd.DataFrame, hide: Mapping[str, bool]) -> list[list[str]]:
    """Rows of a relative-rate table; a group's rate is hidden with its count, its relative
    rate with its own or the reference group's count."""
    white = hide.get("White", False)
    return [
        [
            str(group),
            show(int(r["count"]), hide[str(group)]),
            f"{r['residents']:,.0f}",
            show(
                f"{r['rate']:.2f} ({r['lower']:.2f} to {r['upper']:.2f})",
                hide[str(group)],
                fmt="{}",
            ),
            "1 (reference)"
            if group == "White"
            else show(
                fmt_ratio(r["relative_rate"], r["rr_lower"], r["rr_upper"]),
                hide[str(group)],
                white,
                fmt="{}",
            ),
        ]
        for group, r in table.iterrows()
    ]


def _rr_reading(table: pd.DataFrame, what: str, hide: Mapping[str, bool]) -> str:
    if hide.get("White", False):
        return (
            f"The count for White residents is not published, so no relative rate of {what} "
            "is given here."
        )
    parts = []
    for group, r in table.iterrows():
        if group == "White" or not np.isfinite(r["relative_rate"]) or hide[str(group)]:
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
    if not parts:
        return f"No relative rate of {what} can be published."
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
    *,
    source: str,
    hidden: pd.Series | None = None,
    hidden_total: bool = False,
) -> None:
    """A relative-rate chart and table. ``hidden`` (public version of partnership data):
    which groups' counts are suppressed; then the chart is left out, saying so, and the
    table gains its total row."""
    table = relative_rates(counts, shares.shares, population, years=years)
    columns = [
        "Group",
        "Count",
        "Residents (assumed share x total)",
        "Per 1,000 a year (95% CI)",
        "Relative rate (95% CI)",
    ]
    if hidden is not None:
        hide = {str(g): bool(hidden.get(g, True)) for g in table.index}
        rows = _rr_rows(table, hide)
        rows.append(
            [
                "Total",
                show(int(table["count"].sum()), hidden_total),
                f"{table['residents'].sum():,.0f}",
                "",
                "",
            ]
        )
        section.add(
            withheld(ident, title),
            Table(
                title,
                columns,
                rows,
                [False, True, True, True, True],
                source=source,
                counts=[False, True, False, False, False],
                total_row=True,
                footnote=FOOTNOTE,
            ),
            Text(_rr_reading(table, what, hide) + " " + note),
        )
        return
    shown = {str(g): False for g in table.index}
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
            reading=_rr_reading(table, what, shown) + " " + note,
            caption="Log scale; the dashed line at 1 is the White residents' rate (the "
            "reference). Whiskers: 95% exact intervals.",
            source=source,
        ),
        Table(
            title,
            columns,
            _rr_rows(table, shown),
            [False, True, True, True, True],
            source=source,
            counts=[False, True, False, False, False],
        ),
    )


def _populations(data: ProfileData) -> tuple[float | None, float | None]:
    age = data.census_age
    if age is None:
        return None, None
    total = float(age["total_usual_residents"].sum())
    if not {"age_0_15", "age_16_24"} <= set(age.columns):  # a pack's table without age bands
        return total, None
    # Census bands are 0-15 and 16-24: under-18s = 0-15 plus 2/9 of 16-24 (assumed even ages)
    under_18 = float(age["age_0_15"].sum() + age["age_16_24"].sum() * 2 / 9)
    return total, under_18


def people_section(
    data: ProfileData, shares: Mapping[str, PopulationShares], public: bool = False
) -> Section:
    """Section 6: victims and suspects by age and sex; relative rates by ethnicity.

    ``public``: partnership counts under disclosure control (:mod:`upstream.report.public`).
    """
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
        _victims_and_suspects(data, shares, total, under_18, section, public)
    _stop_search(data, shares, total, section)
    return section


def _peak_band(rates: pd.DataFrame, axis: str) -> str:
    """The age band with the most victims for its size (male and female together)."""
    victims = rates[[c for c in rates.columns if c.startswith("Victims")]].sum(axis=1)
    if victims.empty or not (victims > 0).any():
        return ""
    band = str(victims.idxmax())
    return (
        f"For its size, the band with the most victims is {band}: {victims.max():.1f} "
        f"{axis[0].lower()}{axis[1:]}."
    )


def _victims_and_suspects(
    data: ProfileData,
    shares: Mapping[str, PopulationShares],
    total: float | None,
    under_18: float | None,
    section: Section,
    public: bool,
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
    title = "Victims and suspects of serious violence by age and sex" + label
    if public:
        section.add(withheld("age-sex", title), *_age_sex_tables(known, label))
        medians = [
            f"{who} {ages.median():.0f}"
            for who, ages in (("victims", v_age), ("suspects", s_age))
            if ages.notna().sum() >= 10
        ]
        if medians:
            section.add(Text("Median age: " + ", ".join(medians) + "."))
    else:
        reading = (
            f"{len(victims):,} victim and {len(suspects):,} suspect records in serious-violence "
            f"incidents; ages are known for {v_age.notna().mean() * 100:.0f}% of victims and "
            f"{s_age.notna().mean() * 100:.0f}% of suspects (unknown suspects have no age). "
            f"Median age: victims {v_age.median():.0f}, suspects {s_age.median():.0f}. "
            f"{v_male * 100:.0f}% of victims of known sex are male. "
            f"{(v_age < 25).sum():,} victims were under 25 and {(v_age < 18).sum():,} under 18."
        )
        years = max(len(data.partnership_months), 1) / 12
        rates, axis, what = age_band_rates(table, data.census_age, years)
        section.add(
            Figure(
                "age-sex",
                title,
                F.people_bars(rates, axis, counts=table),
                reading=reading + " " + _peak_band(rates, axis),
                caption="People with a known age and sex recorded as male or female. " + what,
                source=PARTNERSHIP,
            )
        )
    if total is None:
        section.add(
            Notice(
                data.area.lacks("residents", "Comparing victims with residents")
                or "No Census 2021 population, so no relative rates."
            )
        )
        return
    years = max(len(data.partnership_months), 1) / 12
    self_def = victims["ethnicity_self_defined"]
    stated = self_def[self_def.isin(list(shares["all_ages"].shares))]
    young = victims[pd.to_numeric(victims["age"], errors="coerce") < 18]
    young_stated = young["ethnicity_self_defined"]
    young_stated = young_stated[young_stated.isin(list(shares["under_18"].shares))]
    hidden = _ethnicity_hidden(stated, young_stated, shares) if public else None
    if hidden is not None:
        hide_stated = nested(len(stated), len(victims), public)[0] or hidden["all"][1]
        note = (
            f"{show(len(stated), hide_stated)} victims stated one of the five groups; the "
            "others are left out, which lowers every rate equally only if not stating is "
            "unrelated to group."
        )
    else:
        note = (
            f"{len(stated):,} of {len(victims):,} victims stated one of the five groups; "
            "the others are left out, which lowers every rate equally only if not stating is "
            "unrelated to group."
        )
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
        note,
        source=PARTNERSHIP,
        hidden=None if hidden is None else hidden["all"][0],
        hidden_total=False if hidden is None else hidden["all"][1],
    )
    if under_18 is not None:
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
            source=PARTNERSHIP,
            hidden=None if hidden is None else hidden["under_18"][0],
            hidden_total=False if hidden is None else hidden["under_18"][1],
        )


def _age_sex_tables(known: pd.DataFrame, label: str) -> list[Table]:
    """Public version: victims and suspects of known age and sex, by age band and sex, each
    with its totals under disclosure control."""
    tables = []
    for role, name in (("victim", "Victims"), ("suspect", "Suspects")):
        people = known[known["role"] == role]
        counts = (
            people.groupby(["band", "sex"], observed=False)
            .size()
            .unstack("sex")
            .reindex(index=AGE_LABELS, columns=["male", "female"])
            .fillna(0)
            .astype("int64")
        )
        tables.append(
            count_table(
                f"{name} of serious violence with a known age and sex{label}",
                "Age",
                AGE_LABELS,
                ["Male", "Female"],
                counts.to_numpy(),
                public=True,
            )
        )
    return tables


def _ethnicity_hidden(
    stated: pd.Series, young_stated: pd.Series, shares: Mapping[str, PopulationShares]
) -> dict[str, tuple[pd.Series, bool]]:
    """Public version: which groups' victim counts (all ages, under 18) are suppressed.

    Under-18 victims are a subgroup of all victims, so the two tables are suppressed as one:
    group x (under 18, 18 and over or unknown age), whose row totals are the all-ages counts;
    nothing can be subtracted from one table to reveal a small count in the other. When the
    two tables use different groups, the under-18 one is suppressed whole."""
    groups = list(shares["all_ages"].shares)
    every = stated.value_counts().reindex(groups, fill_value=0)
    young = young_stated.value_counts().reindex(groups, fill_value=0)
    if set(shares["under_18"].shares) != set(groups) or bool((young > every).any()):
        alone = suppress_one_way(every.to_numpy())
        everyone = pd.Series(alone.suppressed[:-1], index=groups)
        nobody = pd.Series(True, index=list(shares["under_18"].shares))
        return {"all": (everyone, bool(alone.suppressed[-1])), "under_18": (nobody, True)}
    s = suppress_two_way(np.column_stack([young.to_numpy(), (every - young).to_numpy()]))
    hidden = s.suppressed
    return {
        "all": (pd.Series(hidden[:-1, 2], index=groups), bool(hidden[-1, 2])),
        "under_18": (pd.Series(hidden[:-1, 0], index=groups), bool(hidden[-1, 0])),
    }


def _stop_search(
    data: ProfileData,
    shares: Mapping[str, PopulationShares],
    total: float | None,
    section: Section,
) -> None:
    stop = data.stop_search
    if stop is None or not data.stop_search_months:
        section.add(Notice("No stop-and-search data, so no analysis."))
        return
    if total is None:
        section.add(
            Notice(
                data.area.lacks("residents", "Comparing stop and search with residents")
                or "No Census 2021 population, so no stop-and-search rates."
            )
        )
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
        source=OPEN,
    )
