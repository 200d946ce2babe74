"""Section 1: the headline measures, 12 months against the 12 before, with exact intervals."""

from __future__ import annotations

import pandas as pd

from upstream.account.disclosure import show
from upstream.analysis.trends import (
    PeriodComparison,
    compare_periods,
    monthly_series,
    ratio_reading,
    rolling_summary,
)
from upstream.formatting import p_value, signed_percent
from upstream.report import figures as F
from upstream.report.inputs import ProfileData
from upstream.report.model import OPEN, PARTNERSHIP, Figure, Notice, Section, Table, Text
from upstream.report.public import FOOTNOTE, nested, withheld

__all__ = ["MPS_HEADLINE", "comparison_row", "headline_section", "london_series"]

MPS_HEADLINE = "Knife Injury Victims (non DA 1-24)"

COMPARISON_COLUMNS = [
    "Measure",
    "Previous 12 months",
    "Latest 12 months",
    "Change",
    "Ratio (95% CI)",
    "p",
]


def fmt_ratio(ratio: float, lower: float, upper: float) -> str:
    """``1.30 (0.84 to 2.01)``."""
    if not pd.notna(ratio) or ratio == float("inf"):
        return "not defined"
    return f"{ratio:.2f} ({lower:.2f} to {upper:.2f})"


def comparison_row(
    label: str, cmp: PeriodComparison, hide_old: bool = False, hide_new: bool = False
) -> list[str]:
    """One row of a 12-month comparison table; ``hide_old`` / ``hide_new``: that count is not
    published, so neither is anything computed from it."""
    r = cmp.result
    change = signed_percent(cmp.change) if r.old else "n/a"
    hidden = (hide_old, hide_new)
    return [
        label,
        f"{show(r.old, hide_old)} ({cmp.previous[0]} to {cmp.previous[1]})",
        f"{show(r.new, hide_new)} ({cmp.latest[0]} to {cmp.latest[1]})",
        show(change, *hidden, fmt="{}"),
        show(fmt_ratio(r.ratio, r.lower, r.upper), *hidden, fmt="{}"),
        show(p_value(r.p_value), *hidden, fmt="{}"),
    ]


def _windows(index: pd.Index, end: pd.Period) -> list[list[str]]:
    """Complete 12-month windows ending in ``end``'s calendar month, latest first."""
    out: list[list[str]] = []
    last = end
    while True:
        window = [str(last - i) for i in range(11, -1, -1)]
        if not set(window) <= set(index):
            return out
        out.append(window)
        last = last - 12


def _annual(
    frames: list[tuple[str, pd.DataFrame]], end: str, label: str, public: bool
) -> list[Table]:
    """Tables of every complete 12-month period: ending in the end month, and Aug-Jul years.

    ``frames`` are the under-25 and the under-18 series (the second a subgroup of the first,
    which the public version's suppression allows for)."""
    stop = pd.Period(end, freq="M")
    index = frames[0][1].index
    ends = [stop]
    july = [pd.Period(m, freq="M") for m in index if m.endswith("-07") and m <= end]
    if stop.month != 7 and july:
        ends.append(july[-1])
    tables = []
    for last in ends:
        windows = _windows(index, last)
        if len(windows) < 2:
            continue
        rows = []
        for w in windows[::-1]:
            outer, inner = (int(frame.loc[w, "count"].sum()) for _, frame in frames)
            hide_inner, hide_outer = nested(inner, outer, public)
            rows.append([f"{w[0]} to {w[-1]}", show(outer, hide_outer), show(inner, hide_inner)])
        kind = "August to July years" if last.month == 7 else f"ending in {last.strftime('%B')}"
        tables.append(
            Table(
                f"Every complete 12-month period {kind}{label}",
                ["12 months"] + [name for name, _ in frames],
                rows,
                [False] + [True] * len(frames),
                source=PARTNERSHIP,
                counts=[False] + [True] * len(frames),
                footnote=FOOTNOTE if public else "",
            )
        )
    return tables


def _partnership_headline(
    data: ProfileData, end: str | None, section: Section, public: bool
) -> str | None:
    inc = data.incidents
    months = data.partnership_months
    if inc is None or not months:
        section.add(
            Notice(
                "No partnership incident data are loaded, so the knife-injury headline "
                "measures cannot be computed: they need the victim's age, the weapon, the "
                "injury and the domestic-abuse flag, which police.uk data do not carry. Load "
                "a police extract with 'upstream ingest incidents' (docs/data-formats.md)."
            )
        )
        return None
    stop = end or months[-1]
    if stop not in months:
        section.add(
            Notice(
                f"The chosen end month {stop} is outside the partnership data "
                f"({months[0]} to {months[-1]}); no headline comparison is possible."
            )
        )
        return None
    base = inc[inc["knife_injury"] & ~inc["domestic_abuse"]]
    series = {
        "Under 25": base[base["victim_u25"]].groupby("local_month").size(),
        "Under 18": base[base["victim_u18"]].groupby("local_month").size(),
    }
    label = " (SYNTHETIC data)" if data.partnership_synthetic else ""
    rows = []
    readings = []
    frames = []
    comparisons = {}
    for name, counts in series.items():
        frame = monthly_series(counts, months[0], months[-1])
        frame = frame[frame.index.isin(months)]
        frames.append((f"Victim {name.lower()}", frame))
        comparisons[name] = compare_periods(frame["count"], stop)
    hidden = _hidden_comparisons(comparisons, public)
    for name, cmp in comparisons.items():
        what = f"knife-injury offences against {name.lower()}s (not domestic abuse)"
        if cmp is None:
            readings.append(
                f"The partnership data do not cover the 24 months to {stop}, so the latest "
                f"12 months of {what} cannot be compared with the 12 before."
            )
            continue
        hide_old, hide_new = hidden[name]
        rows.append(
            comparison_row(f"Knife injury, victim {name.lower()}{label}", cmp, hide_old, hide_new)
        )
        readings.append(
            f"The counts of {what} are not published (below 10, or they would reveal such a "
            "count), so their change is not described."
            if hide_old or hide_new
            else ratio_reading(cmp, what)
        )
    if rows:
        section.add(
            Table(
                "Knife-injury offences (not domestic abuse) with at least one victim under "
                f"25 / under 18: the 12 months to {stop} against the 12 before{label}",
                COMPARISON_COLUMNS,
                rows,
                [False, True, True, True, True, True],
                source=PARTNERSHIP,
                counts=[False, True, True, False, False, False],
                footnote=FOOTNOTE if public else "",
            )
        )
    for text in readings:
        section.add(Text(text))
    section.add(*_annual(frames, stop, label, public))
    title = "Knife-injury offences against young people, per month" + label
    if public:
        section.add(withheld("headline-monthly", title))
        return stop
    section.add(
        Figure(
            "headline-monthly",
            title,
            F.monthly_figure(frames, "Offences per month"),
            reading=" ".join(
                [
                    f"Monthly counts from {months[0]} to {months[-1]} with 12-month averages.",
                    rolling_summary(frames[0][1]),
                    "Single months are small numbers and swing by chance; judge change by "
                    "the 12-month lines and the intervals in the table above.",
                ]
            ),
            caption="Thin lines: offences per month. Thick lines: average of the 12 months to "
            "that month. Months are local (Europe/London) months of the offence.",
            source=PARTNERSHIP,
        )
    )
    return stop


def _hidden_comparisons(
    comparisons: dict[str, PeriodComparison | None], public: bool
) -> dict[str, tuple[bool, bool]]:
    """Per measure, whether its previous and latest counts are suppressed (under 18 nested
    in under 25, period by period)."""
    out = {name: (False, False) for name in comparisons}
    outer, inner = comparisons.get("Under 25"), comparisons.get("Under 18")
    if not public:
        return out
    if outer is None or inner is None:  # pragma: no cover - both cover the same months
        return {name: (True, True) for name in comparisons}
    old = nested(inner.result.old, outer.result.old, public)
    new = nested(inner.result.new, outer.result.new, public)
    return {"Under 25": (old[1], new[1]), "Under 18": (old[0], new[0])}


def london_series(london: pd.DataFrame, series: str, borough: str | None) -> pd.Series:
    """Monthly counts of one MPS series for a borough (or all London when None)."""
    rows = london[london["series"] == series]
    if borough is not None:
        rows = rows[rows["borough"] == borough]
    months = sorted(london.loc[london["series"] == series, "month"].unique())
    out = rows.groupby("month")["count"].sum().reindex(months, fill_value=0)
    return out.astype("int64")


def _mps_headline(data: ProfileData, end: str | None, section: Section) -> None:
    london = data.london
    name = data.area.mps_borough
    if london is None or name is None or name not in set(london["borough"]):
        section.add(
            Notice(
                f"No MPS knife-crime series is bundled for {data.area.name} (its area pack names "
                "no London borough with MPS series), so there is no real published series to "
                "compare with."
            )
        )
        return
    wf = london_series(london, MPS_HEADLINE, name)
    stop = end if end is not None and end in wf.index else str(wf.index[-1])
    cmp = compare_periods(wf, stop)
    if cmp is None:
        stop = str(wf.index[-1])
        cmp = compare_periods(wf, stop)
    frame = monthly_series(wf, str(wf.index[0]), str(wf.index[-1]))
    if cmp is not None:
        section.add(
            Table(
                f"REAL published series: MPS '{MPS_HEADLINE}', {name}",
                COMPARISON_COLUMNS,
                [comparison_row(f"Knife-injury victims aged 1-24, not DA ({name}, MPS)", cmp)],
                [False, True, True, True, True, True],
                source=OPEN,
            ),
            Text(
                ratio_reading(cmp, "knife-injury victims aged 1-24 (not domestic abuse)")
                + " This is the Metropolitan Police's published count of victims (real data), "
                "not the partnership's count of offences."
            ),
        )
    section.add(
        Figure(
            "headline-mps",
            f"REAL: MPS knife-injury victims aged 1-24 (not domestic abuse), {name}",
            F.monthly_figure([(name, frame)], "Victims per month"),
            reading=(
                f"The Metropolitan Police's monthly count for {name} from {frame.index[0]} to "
                f"{frame.index[-1]}. " + rolling_summary(frame)
            ),
            caption="Source: MPS Monthly Crime Dashboard (real data, OGL v2.0).",
            source=OPEN,
        )
    )


def _street_trend(data: ProfileData, section: Section) -> None:
    street = data.street
    if street is None or not data.street_months:
        section.add(
            Notice("No police.uk street-level crime is loaded, so there is no monthly trend.")
        )
        return
    months = data.street_months
    counts = street.groupby("month").size()
    frame = monthly_series(counts, months[0], months[-1])
    frame = frame[frame.index.isin(months)]
    cmp = compare_periods(frame["count"], months[-1])
    reading = (
        f"police.uk recorded {len(street):,} serious-violence crimes in {data.area.name} "
        f"from {months[0]} to {months[-1]}. " + rolling_summary(frame)
    )
    if cmp is not None:
        reading += " " + ratio_reading(cmp, "serious-violence crimes")
    else:
        reading += " The data cover less than 24 months, so no 12-month comparison is made."
    types = ", ".join(data.definitions.serious_violence)
    section.add(
        Figure(
            "street-monthly",
            "Serious violence recorded by police (police.uk), per month",
            F.monthly_figure([("Serious violence", frame)], "Crimes per month"),
            reading=reading,
            caption=f"Serious violence = police.uk crime types {types} (local definitions).",
            source=OPEN,
        )
    )


def headline_section(
    data: ProfileData, end: str | None, public: bool = False
) -> tuple[Section, str | None]:
    """Section 1 and the end month used for the partnership headline (None without it).

    ``public``: partnership counts under disclosure control (:mod:`upstream.report.public`).
    """
    section = Section("headline", 1, "Headline measures")
    section.synthetic = data.incidents is not None and data.partnership_synthetic
    section.add(
        Text(
            "A knife-injury offence is a police-recorded incident with a knife or sharp "
            "instrument and an injury (minor, serious or fatal). The headline counts those not "
            "flagged as domestic abuse with at least one victim under 25, and separately under "
            "18. Each period is compared with the one before using the exact test for two "
            "Poisson counts: the 95% confidence interval for the ratio of the two rates shows "
            "whether a change is larger than chance variation alone would give.",
            kind="method",
        )
    )
    stop = _partnership_headline(data, end, section, public)
    _mps_headline(data, end, section)
    _street_trend(data, section)
    return section, stop
