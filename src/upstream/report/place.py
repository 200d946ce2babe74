"""Sections 2 to 4: rates by neighbourhood and London comparators, place, deprivation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upstream.account.disclosure import show
from upstream.analysis.concentration import gini, lorenz, top_shares
from upstream.analysis.deprivation import rates_by_decile
from upstream.analysis.hotspots import gi_star, grid_weights, polygon_weights
from upstream.analysis.placenames import name_cells
from upstream.analysis.proximity import nearest_distance, proximity, residential_background
from upstream.analysis.rates import rate_table
from upstream.analysis.trends import compare_periods
from upstream.area import cell_ids, study_grid
from upstream.plotting import reference_traces
from upstream.report import figures as F
from upstream.report.headline import COMPARISON_COLUMNS, comparison_row, london_series
from upstream.report.inputs import ProfileData
from upstream.report.model import OPEN, PARTNERSHIP, Figure, Notice, Section, Table, Text
from upstream.report.public import FOOTNOTE, split, withheld

__all__ = ["Events", "deprivation_section", "place_events", "place_section", "rates_section"]

CELL = 250
"""Grid cell size (metres) for hot spots and concentration."""


@dataclass
class Events:
    """The events the place sections count, and how to describe them."""

    what: str
    source: str
    frame: pd.DataFrame
    """x, y, lsoa_code (the 2011 LSOA placement gives; None without LSOAs) and, for police.uk
    crimes, location (police.uk's "On or near ..." description)."""
    months: int
    synthetic: bool
    partnership: bool = False
    """True when the events are partnership records (no police.uk street crime loaded)."""

    @property
    def years(self) -> float:
        return self.months / 12

    @property
    def source_kind(self) -> str:
        """``partnership`` or ``open`` (see :mod:`upstream.report.model`)."""
        return PARTNERSHIP if self.partnership else OPEN


def place_events(data: ProfileData) -> Events | None:
    """police.uk serious violence when loaded, else partnership serious-violence incidents."""
    if data.street is not None and len(data.street):
        return Events(
            "serious-violence crimes",
            "police.uk street-level crime",
            data.street[["x", "y", "lsoa_code", "location"]],
            len(data.street_months),
            False,
        )
    inc = data.incidents
    if inc is not None and len(inc):
        sv = inc[inc["offence"].isin(data.definitions.serious_violence)]
        frame = sv[["x", "y", "lsoa_code"]].reset_index(drop=True)
        return Events(
            "serious-violence incidents",
            "partnership police incidents" + (" (SYNTHETIC)" if data.partnership_synthetic else ""),
            frame,
            len(data.partnership_months),
            data.partnership_synthetic,
            partnership=True,
        )
    return None


def _withheld_events(
    events: Events, public: bool, section: Section, *views: tuple[str, str]
) -> bool:
    """In the public version, views of partnership events are left out (each says so)."""
    if not (public and events.partnership):
        return False
    section.add(*(withheld(ident, title) for ident, title in views))
    return True


def _lsoa_rates(data: ProfileData, events: Events) -> pd.DataFrame:
    lsoas = data.area.lsoas.set_index("lsoa_code")
    counts = events.frame["lsoa_code"].dropna().value_counts()
    return rate_table(counts, lsoas["population"], years=events.years)


def rates_section(data: ProfileData, events: Events | None, public: bool = False) -> Section:
    """Section 2: rates per 1,000 residents by LSOA, and London comparators."""
    section = Section("rates", 2, "Rates per 1,000 residents and London comparators")
    lacks = data.area.lacks("rates")
    if lacks is not None:
        section.add(Notice(lacks))
    elif events is None:
        section.add(
            Notice(
                f"No crime or incident data inside {data.area.name} are loaded, so no rates "
                "can be given."
            )
        )
    elif _withheld_events(
        events,
        public,
        section,
        ("lsoa-rates", f"{events.what.capitalize()} per 1,000 residents per year, by LSOA"),
    ):
        section.synthetic = events.synthetic
    else:
        section.synthetic = events.synthetic
        rates = _lsoa_rates(data, events)
        pop = float(rates["population"].sum())
        placed = int(rates["count"].sum())
        overall = placed / pop * 1000 / events.years
        above = rates[rates["lower"] > overall]
        top = rates.sort_values("rate", ascending=False).head(10)
        names = data.area.lsoas.set_index("lsoa_code")["lsoa_name"]
        first = top.iloc[0]
        reading = (
            f"Across {data.area.name}, {placed:,} {events.what} ({events.source}) fell in its "
            f"{len(rates)} neighbourhoods (2011 LSOAs) over {events.months} months: "
            f"{overall:.1f} a year per 1,000 residents. The highest rate was in "
            f"{names.get(top.index[0], top.index[0])}, {first['rate']:.1f} per 1,000 (95% CI "
            f"{first['lower']:.1f} to {first['upper']:.1f}); LSOAs that hold town centres "
            "have few residents and many visitors, so their rates per resident run high. "
            f"{len(above)} of {len(rates)} LSOAs have a rate whose whole 95% interval lies "
            "above the borough rate."
        )
        section.add(
            Figure(
                "lsoa-rates",
                f"{events.what.capitalize()} per 1,000 residents per year, by LSOA",
                F.lsoa_map(
                    data.area.lsoas,
                    rates["rate"],
                    data.area.boundary,
                    "Per 1,000",
                    reference_traces(data.area, school_labels=False),
                ),
                reading=reading,
                caption="Five classes of equal numbers of LSOAs (quintiles). Population: ONS "
                "mid-2020 estimates for 2011 LSOAs.",
                source=events.source_kind,
            ),
            Table(
                "The ten LSOAs with the highest rates (95% exact Poisson intervals)",
                ["LSOA", "Events", "Residents", "Per 1,000 a year", "95% CI"],
                [
                    [
                        f"{names.get(code, code)} ({code})",
                        f"{int(r['count']):,}",
                        f"{int(r['population']):,}",
                        f"{r['rate']:.1f}",
                        f"{r['lower']:.1f} to {r['upper']:.1f}",
                    ]
                    for code, r in top.iterrows()
                ],
                [False, True, True, True, True],
                source=events.source_kind,
                counts=[False, True, False, False, False],
            ),
        )
    _london(data, section)
    return section


LONDON_SERIES = (
    "Violence against the person",
    "Robbery",
    "Possession of weapons",
    "Knife Crime",
    "Knife Crime with Injury",
    "Knife Injury Victims (non DA 1-24)",
)


def _london(data: ProfileData, section: Section) -> None:
    london = data.london
    name = data.area.mps_borough
    if london is None or name is None or name not in set(london["borough"]):
        section.add(
            Notice(
                f"No London comparator data are bundled for {data.area.name} (its area pack "
                "names no London borough with MPS series); comparison with London is not "
                "possible."
            )
        )
        return
    rows = []
    out_of_line = []
    for series in LONDON_SERIES:
        here = london_series(london, series, name)
        all_london = london_series(london, series, None)
        end = str(here.index[-1])
        a = compare_periods(here, end)
        b = compare_periods(all_london, end)
        if a is None or b is None:
            continue
        rows.append(comparison_row(f"{series}: {name}", a))
        rows.append(comparison_row(f"{series}: all London", b))
        share = a.result.new / b.result.new if b.result.new else float("nan")
        rows[-2][0] += f" ({share * 100:.1f}% of London)"
        if (a.result.lower > b.result.upper) or (a.result.upper < b.result.lower):
            out_of_line.append(series)
    if not rows:
        return
    section.add(
        Table(
            "REAL published MPS series: the latest 12 months against the 12 before, "
            f"{name} and all London",
            COMPARISON_COLUMNS,
            rows,
            [False, True, True, True, True, True],
            source=OPEN,
        ),
        Text(
            (
                f"The intervals for {name} and for London do not overlap for "
                f"{', '.join(out_of_line)}: there the borough's change differs from London's."
                if out_of_line
                else f"For every series the interval for {name}'s change overlaps London's, "
                "so the borough's change is in line with London's as far as these counts "
                "can tell."
            )
            + " No borough population table for London is bundled, so comparisons are of "
            "change over time and of the borough's share of London's offences, not of rates.",
        ),
    )


def place_section(data: ProfileData, events: Events | None, public: bool = False) -> Section:
    """Section 3: hot spots (Gi* with FDR), concentration, distance to schools/centres."""
    section = Section("place", 3, "Place: hot spots, concentration, schools and town centres")
    if events is None:
        section.add(
            Notice(f"No located crime or incident data inside {data.area.name} are loaded.")
        )
        return section
    section.synthetic = events.synthetic
    if _withheld_events(
        events,
        public,
        section,
        ("hotspots-grid", f"Hot spots of {events.what} (Gi*, 250 m squares)"),
        ("lorenz", "How unevenly events are spread (Lorenz curve)"),
        ("school-distance", f"Distance from {events.what} to schools and town centres"),
    ):
        return section
    frame = events.frame.dropna(subset=["x", "y"])
    grid = pd.DataFrame(study_grid(data.area, CELL)[["cell_id", "x_min", "y_min"]])
    ids = cell_ids(frame["x"].to_numpy(), frame["y"].to_numpy(), CELL)
    per_cell = pd.Series(ids).value_counts()
    grid["count"] = per_cell.reindex(grid["cell_id"], fill_value=0).to_numpy()
    gi = gi_star(grid["count"].to_numpy(), grid_weights(grid["cell_id"].to_numpy(), CELL))
    grid["spot"] = gi["spot"].to_numpy()
    hot = grid[grid["spot"] == "hot"]
    total = int(grid["count"].sum())
    hot_share = hot["count"].sum() / total if total else 0.0
    section.add(
        Text(
            "Hot spots: the Getis-Ord Gi* statistic on 250 m squares (each square with its 8 "
            "neighbours), significance from 9,999 random permutations, with the false discovery "
            "rate held at 5% across all squares (PySAL esda). A hot spot is a cluster of "
            "squares that together hold more than their share, beyond what chance gives.",
            kind="method",
        ),
        Figure(
            "hotspots-grid",
            f"Hot spots of {events.what} (Gi*, 250 m squares)",
            F.hotspot_map(grid, CELL, data.area.boundary, "Events", reference_traces(data.area)),
            reading=(
                f"{len(hot)} of {len(grid):,} squares ({len(hot) / len(grid) * 100:.1f}% of the "
                f"area) are hot spots; together they hold {hot_share * 100:.1f}% of the "
                f"{total:,} {events.what} placed in the study area ({events.source}). "
                f"{int((grid['spot'] == 'cold').sum())} squares are cold spots. With the false "
                "discovery rate at 5%, about 1 in 20 of the squares called hot could be a "
                "false alarm; the pattern as a whole is robust, single edge squares less so."
            ),
            caption="Squares shaded by count; red outlines: hot spots; blue outlines: cold "
            "spots. British National Grid, north up.",
            source=events.source_kind,
        ),
    )
    _named_hot_squares(data, events, grid, section)
    if (lacks := data.area.lacks("rates")) is not None:
        section.add(Notice(f"LSOA hot spots: {lacks}"))
    else:
        _lsoa_hotspots(data, events, section)
    _concentration(grid["count"], events, section)
    _proximity(data, events, section, public)
    return section


HOT_LISTED = 10


def _named_hot_squares(
    data: ProfileData, events: Events, grid: pd.DataFrame, section: Section
) -> None:
    """The busiest hot-spot squares, named: street, LSOA, nearest secondary school."""
    hot = grid[grid["spot"] == "hot"].sort_values(["count", "cell_id"], ascending=[False, True])
    hot = hot.head(HOT_LISTED)
    if hot.empty:
        return
    described = events.frame if "location" in events.frame else None
    names = name_cells(data.area, hot["x_min"], hot["y_min"], CELL, described)
    rows = [
        [
            f"{rank}",
            names["street"].iloc[rank - 1] or names["landmark"].iloc[rank - 1] or "–",
            names["lsoa_name"].iloc[rank - 1] or "–",
            _school(names["school"].iloc[rank - 1], names["school_m"].iloc[rank - 1]),
            f"{int(count):,}",
            f"{int(x) + CELL // 2:,}, {int(y) + CELL // 2:,}",
        ]
        for rank, (count, x, y) in enumerate(
            zip(hot["count"], hot["x_min"], hot["y_min"], strict=True), start=1
        )
    ]
    section.add(
        Table(
            f"The {len(hot)} busiest hot-spot squares, named",
            [
                "Rank",
                "Street (or landmark)",
                "LSOA",
                "Nearest secondary school",
                "Events",
                "Centre (E, N)",
            ],
            rows,
            [True, False, False, False, True, True],
            source=events.source_kind,
            counts=[False, False, False, False, True, False],
        ),
        Text(
            "Streets are the ones police.uk most often described these squares' crimes at "
            '("On or near ...": the nearest of a set of anonymous map points, so read them '
            "as 'around here'); LSOA by the square's centre; distances are straight lines."
            if described is not None
            else "These events carry no street descriptions, so squares are named by LSOA "
            "and the nearest school only."
        ),
    )


def _school(name: str | None, metres: float | None) -> str:
    if not name:
        return "–"
    return f"{name} ({metres:,.0f} m)" if metres is not None else name


def _lsoa_hotspots(data: ProfileData, events: Events, section: Section) -> None:
    rates = _lsoa_rates(data, events)
    lsoas = data.area.lsoas.reset_index(drop=True)
    values = rates["rate"].reindex(lsoas["lsoa_code"]).fillna(0).to_numpy()
    gi = gi_star(values, polygon_weights(lsoas))
    hot = lsoas.loc[gi["spot"].to_numpy() == "hot", "lsoa_name"].tolist()
    section.add(
        Table(
            "LSOA hot spots (Gi* on the rate per 1,000 residents, neighbours sharing a "
            "boundary, 5% false discovery rate)",
            ["Hot-spot LSOAs", "Count"],
            [[", ".join(sorted(hot)) or "none", f"{len(hot)}"]],
            [False, True],
            source=events.source_kind,
        ),
        Text(
            f"On neighbourhoods rather than squares, {len(hot)} of {len(lsoas)} LSOAs sit in "
            "clusters of high rates per resident beyond chance."
            if hot
            else "On neighbourhoods rather than squares, no cluster of LSOAs has rates per "
            "resident high enough to stand out from chance at a 5% false discovery rate."
        ),
    )


def _concentration(counts: pd.Series, events: Events, section: Section) -> None:
    shares = top_shares(counts.to_numpy(), (0.01, 0.05, 0.10))
    g = gini(counts.to_numpy())
    curve = lorenz(counts.to_numpy())
    s = {
        round(f * 100): share for f, share in zip(shares["fraction"], shares["share"], strict=True)
    }
    section.add(
        Table(
            "Share of events in the busiest 250 m squares",
            ["Busiest squares", "Squares", "Events", "Share of events"],
            [
                [
                    f"{float(r['fraction']) * 100:g}%",
                    f"{int(r['places']):,}",
                    f"{int(r['events']):,}",
                    f"{float(r['share']) * 100:.1f}%",
                ]
                for r in shares.to_dict("records")
            ],
            [False, True, True, True],
            source=events.source_kind,
            counts=[False, False, True, False],
        ),
        Figure(
            "lorenz",
            "How unevenly events are spread (Lorenz curve)",
            F.lorenz_figure(curve),
            reading=(
                f"The busiest 1% of squares hold {s[1] * 100:.1f}% of {events.what}, the busiest "
                f"5% hold {s[5] * 100:.1f}% and the busiest 10% hold {s[10] * 100:.1f}%. The "
                f"Gini coefficient is {g.gini:.2f} (0 = spread evenly, 1 = all in one square); "
                f"allowing for the number of events, the generalised Gini is "
                f"{g.generalised:.2f}. The further the curve sags below the diagonal, the more "
                "a few places account for most of the harm."
            ),
            caption="Squares sorted from quietest to busiest; the dashed line is an even spread.",
            source=events.source_kind,
        ),
    )


def _proximity(data: ProfileData, events: Events, section: Section, public: bool) -> None:
    area = data.area
    for cap in ("school_distance", "centre_distance"):
        if (lacks := area.lacks(cap)) is not None:
            what = "secondary schools" if cap == "school_distance" else "town centres"
            section.add(Notice(f"Distance to {what}: {lacks}"))
    lsoas21 = area.lsoas_2021
    if lsoas21 is None or lsoas21["population"].isna().all():
        return
    background = residential_background(lsoas21)
    sets = [(events.what, events.frame, events.partnership)]
    inc = data.incidents
    if inc is not None and len(inc):
        young = inc[inc["victim_u18"]]
        label = " (SYNTHETIC)" if data.partnership_synthetic else ""
        sets.append((f"incidents with a victim under 18{label}", young, True))
    places = {
        "secondary school": data.schools[["x", "y"]].to_numpy(dtype="float64"),
        "town centre": area.town_centres[["x", "y"]].to_numpy(dtype="float64"),
    }
    rows = []
    readings = []
    figure = None
    hidden_any = False
    for what, frame, partnership in sets:
        for place, xy in places.items():
            if len(xy) == 0:
                continue
            d = nearest_distance(frame["x"].to_numpy(), frame["y"].to_numpy(), xy)
            bd = nearest_distance(background["x"].to_numpy(), background["y"].to_numpy(), xy)
            res = proximity(d, bd, background["weight"].to_numpy())
            if res is None:
                continue
            hide = partnership and split(res.within, res.events, public)
            hidden_any |= hide
            rows.append(
                [
                    what,
                    place,
                    show(
                        f"{res.share * 100:.1f}% ({res.lower * 100:.1f} to {res.upper * 100:.1f})",
                        hide,
                        fmt="{}",
                    ),
                    f"{res.background_share * 100:.1f}%",
                    show(res.ratio, hide, fmt="{:.2f}"),
                    f"{show(res.median_events, hide, fmt='{:,.0f} m')} / "
                    f"{res.median_background:,.0f} m",
                ]
            )
            if hide:
                continue
            sure = (
                "the whole interval lies above the residents' share"
                if res.lower > res.background_share
                else "the whole interval lies below the residents' share"
                if res.upper < res.background_share
                else "the interval includes the residents' share, so the difference may be chance"
            )
            readings.append(
                f"{res.share * 100:.0f}% of {what} were within 400 m of a {place}, against "
                f"{res.background_share * 100:.0f}% of residents ({res.ratio:.1f} times); {sure}."
            )
            if figure is None and place == "secondary school":
                figure = Figure(
                    "school-distance",
                    f"Distance from {what} to the nearest secondary school, against residents",
                    F.distance_bands(res.bands, "secondary school"),
                    reading=readings[-1],
                    caption="Background: Census 2021 residents spread over 100 m squares.",
                    source=PARTNERSHIP if partnership else OPEN,
                )
    section.add(
        Text(
            "Distance to the nearest secondary school (bundled GIAS list) and to the nearest "
            "town centre (approximate centres chosen by the maintainers, not official "
            "boundaries), compared with where residents live (Census 2021 population spread "
            "over 100 m squares). The interval is exact (Clopper-Pearson) on the events' share.",
            kind="method",
        ),
        Table(
            "Share within 400 m of the nearest place: events against residents",
            [
                "Events",
                "Nearest",
                "Events within 400 m (95% CI)",
                "Residents within 400 m",
                "Ratio",
                "Median distance: events / residents",
            ],
            rows,
            [False, False, True, True, True, True],
            source=PARTNERSHIP if len(sets) > 1 or events.partnership else OPEN,
            footnote=FOOTNOTE if hidden_any else "",
        ),
        figure,
        Text(" ".join(readings)),
    )


def deprivation_section(data: ProfileData, events: Events | None, public: bool = False) -> Section:
    """Section 4: rates by IMD 2019 decile with exact intervals."""
    section = Section("deprivation", 4, "Deprivation")
    if (lacks := data.area.lacks("deprivation")) is not None:
        section.add(Notice(lacks))
        return section
    if events is None or data.imd is None:
        section.add(Notice("No crime data or no deprivation table, so no rates by decile."))
        return section
    section.synthetic = events.synthetic
    if _withheld_events(
        events,
        public,
        section,
        ("deprivation", f"{events.what.capitalize()} per 1,000 residents, by IMD 2019 decile"),
    ):
        return section
    lsoas = data.area.lsoas.set_index("lsoa_code")
    counts = events.frame["lsoa_code"].dropna().value_counts()
    result = rates_by_decile(counts, lsoas["population"], data.imd, years=events.years)
    if result is None:
        section.add(Notice("The LSOAs have no population or decile, so no rates by decile."))
        return section
    t = result.table
    c = result.comparison
    sure = (
        "the interval excludes 1, so the gap is not chance"
        if c.significant
        else "the interval includes 1, so the gap may be chance"
    )
    reading = (
        f"In the most deprived decile present here (decile {result.most}), the rate was "
        f"{float(t['rate'].iloc[0]):.1f} {events.what} a year per 1,000 residents; in the "
        f"least deprived present (decile {result.least}) it was "
        f"{float(t['rate'].iloc[-1]):.1f}: {c.ratio:.2f} times as high (95% CI "
        f"{c.lower:.2f} to {c.upper:.2f}); {sure}. Deciles with few LSOAs have wide intervals."
    )
    section.add(
        Figure(
            "deprivation",
            f"{events.what.capitalize()} per 1,000 residents per year, by IMD 2019 decile",
            F.bar_with_intervals(
                [f"{d}" for d in t.index],
                t["rate"],
                t["lower"],
                t["upper"],
                "Per 1,000 residents a year",
            ),
            reading=reading,
            caption="IMD 2019 national deciles of the 2011 LSOAs (1 = most deprived 10% in "
            "England). Whiskers: 95% exact Poisson intervals.",
            source=events.source_kind,
        ),
        Table(
            "Rates by IMD 2019 decile",
            ["Decile", "LSOAs", "Events", "Residents", "Per 1,000 a year", "95% CI"],
            [
                [
                    f"{r['decile']}",
                    f"{int(r['lsoas'])}",
                    f"{int(r['count']):,}",
                    f"{int(r['population']):,}",
                    f"{float(r['rate']):.1f}",
                    f"{float(r['lower']):.1f} to {float(r['upper']):.1f}",
                ]
                for r in t.rename_axis("decile").reset_index().to_dict("records")
            ],
            [False, True, True, True, True, True],
            source=events.source_kind,
            counts=[False, False, True, False, False, False],
        ),
    )
    return section
