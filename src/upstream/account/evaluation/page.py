"""What the ``/evaluation`` page shows, built from open data only.

* A worked evaluation: the first lockdown (April 2020) in the area's MPS borough's robbery,
  by every method, with a chart of the counts against what trend and season predicted.
  It is a known shock, so the page shows what a clear effect looks like, and how comparison
  areas tell a local effect from a shared one.
* An example on the area's own police.uk data (when the event store has it): serious
  violence within 400 m of the secondary schools, as if a Safer Routes scheme had started
  six months before the data end, against the LSOAs further away, with the minimum
  detectable effect of that very series.
* The minimum detectable effects for the headline measures before any launch.

Everything here is open data (MPS, ONS) or arithmetic, so the page is public.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from upstream.account.evaluation.areas import borough_deprivation, london_panel
from upstream.account.evaluation.compare import evaluate_against
from upstream.account.evaluation.power import minimum_detectable_effect
from upstream.account.evaluation.region import lsoa_pool, monthly_counts, region_of
from upstream.area import Area, area_from_settings, definitions_from_settings
from upstream.config import Settings
from upstream.events import EventStore, month_range
from upstream.forecast.data import street_events
from upstream.plotting import figure_json

__all__ = ["HEADLINE_RATES", "cached_evaluation_page", "evaluation_page"]

HEADLINE_RATES: tuple[tuple[str, float], ...] = (
    ("Knife-injury offences, victims under 25: the strategy's baseline", 40.0),
    ("Knife-injury offences, victims under 25: the strategy's latest figure", 52.0),
    ("Knife-injury offences, victims under 18: the strategy's baseline", 11.0),
    ("Knife-injury offences, victims under 18: the strategy's latest figure", 30.0),
)
"""The strategy's headline counts (40 rising to 52 under 25s, 11 rising to 30 under 18s), as
the strategy states them: not counted from the event store, so the page says so."""

EXAMPLE = {"series": "Robbery", "first": "2016-01", "last": "2020-06", "start": "2020-04"}


def _chart(example: dict[str, Any]) -> str:
    chart = example["its"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=chart["months"], y=chart["observed"], name="Recorded",
                             mode="lines+markers", line={"color": "#1f2937"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=chart["months"], y=chart["expected_without"],
                             name="Expected from trend and season", mode="lines",
                             line={"color": "#7c3aed", "dash": "dash"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=chart["months"], y=example["synth"]["synthetic"],
                             name="Weighted mix of other boroughs (synthetic control)",
                             mode="lines",
                             line={"color": "#059669", "dash": "dot"}))  # fmt: skip
    fig.add_vline(x=EXAMPLE["start"], line={"color": "#b91c1c", "width": 1})
    fig.update_layout(height=380, margin={"l": 50, "r": 10, "t": 10, "b": 40},
                      yaxis_title="Offences a month", plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return figure_json(fig)


SCHOOL_RADIUS = 400.0
"""Metres around the secondary schools in the police.uk example."""
POST_MONTHS = 6
"""Months after the example's invented start."""


def police_example(settings: Settings, area: Area) -> dict[str, Any] | None:
    """Serious violence near schools from the event store, evaluated from an invented start
    (None when the store has under 18 months of street crime or the pack has no schools)."""
    frame = street_events(EventStore(settings.events_dir), definitions_from_settings(settings))
    frame = frame[frame["is_target"]] if len(frame) else frame
    if frame.empty or not area.has("lsoa11") or area.schools.empty:
        return None
    months = month_range(str(frame["month"].min()), str(frame["month"].max()))
    if len(months) < 12 + POST_MONTHS:
        return None
    start = months[-POST_MONTHS]
    region = region_of(area, schools_radius=SCHOOL_RADIUS)
    counts = monthly_counts(frame, region, months)
    pool, imd = lsoa_pool(frame, area, region, months)
    touched = area.lsoas[area.lsoas.geometry.intersects(region.buffer(-1.0))]["lsoa_code"]
    own = float(area.imd.reindex(touched).mean()) if area.imd is not None else None
    result = evaluate_against(
        counts, pool, start, what="serious violence near schools", methods=("its", "did"),
        deprivation=imd if own is not None else None, treated_deprivation=own,
    )  # fmt: skip
    n_pre = len(months) - POST_MONTHS
    per_year = float(counts.iloc[:n_pre].sum()) * 12 / n_pre
    dispersion = max(1.0, float(result["its"]["dispersion"]))
    mde = minimum_detectable_effect(per_year, pre_months=n_pre, post_months=POST_MONTHS,
                                    dispersion=dispersion)  # fmt: skip
    result.update({"radius": SCHOOL_RADIUS, "first": months[0], "last": months[-1],
                   "per_year": per_year, "mde": mde.summary()})  # fmt: skip
    result.pop("chart", None)
    return result


def evaluation_page(settings: Settings, borough: str | None) -> dict[str, Any]:
    """The page's content for the area's MPS ``borough`` (None: the area is not a London
    borough, and only the power table is shown)."""
    mde = []
    for label, rate in HEADLINE_RATES:
        with_trend = minimum_detectable_effect(rate, pre_months=36, post_months=24)
        flat = minimum_detectable_effect(rate, pre_months=36, post_months=24, trend=False)
        mde.append({"label": label, "per_year": rate, "trend": with_trend.summary(),
                    "flat": flat.summary()})  # fmt: skip
    page: dict[str, Any] = {"mde": mde, "example": None, "borough": borough, **EXAMPLE}
    page["police"] = police_example(settings, area_from_settings(settings))
    london = settings.bundled_data / "london"
    parquet = london / "mps_borough_monthly.parquet"
    if borough is None or not parquet.exists():
        return page
    panel = london_panel(parquet, EXAMPLE["series"], EXAMPLE["first"], EXAMPLE["last"])
    if borough not in panel.columns:
        return page
    treated = panel.pop(borough)
    dep = borough_deprivation(london / "london_imd2019_lsoa11.csv")
    result = evaluate_against(
        treated, panel, EXAMPLE["start"], what=f"robbery in {borough}",
        deprivation=dep, treated_deprivation=float(dep[borough]) if borough in dep else None,
    )  # fmt: skip
    result["its"].update(result.pop("chart"))
    result["figure"] = _chart(result)
    page["example"] = result
    return page


def cached_evaluation_page(settings: Settings) -> dict[str, Any]:
    """:func:`evaluation_page` for the area pack's MPS borough, computed once per store
    version and kept on disk (:func:`upstream.diskcache.cached_section`)."""
    from upstream.diskcache import cached_section

    def build() -> dict[str, Any]:
        return evaluation_page(settings, area_from_settings(settings).mps_borough)

    return cached_section(settings, "evaluation", build)
