"""What the ``/evaluation`` page shows, built from open data only.

* A worked evaluation: the first lockdown (April 2020) in the area's MPS borough's robbery,
  by every method, with a chart of the counts against what trend and season predicted.
  It is a known shock, so the page shows what a clear effect looks like, and how comparison
  areas tell a local effect from a shared one.
* The minimum detectable effects for the headline measures before any launch.

Everything here is open data (MPS, ONS) or arithmetic, so the page is public.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from upstream.account.evaluation.areas import borough_deprivation, london_panel
from upstream.account.evaluation.compare import evaluate_against
from upstream.account.evaluation.power import minimum_detectable_effect
from upstream.config import Settings
from upstream.plotting import figure_json

__all__ = ["HEADLINE_RATES", "evaluation_page"]

HEADLINE_RATES: tuple[tuple[str, float], ...] = (
    ("Knife-injury offences, victims under 25 (baseline about 40 a year)", 40.0),
    ("Knife-injury offences, victims under 25 (latest about 52 a year)", 52.0),
    ("Knife-injury offences, victims under 18 (baseline about 11 a year)", 11.0),
    ("Knife-injury offences, victims under 18 (latest about 30 a year)", 30.0),
)
"""The strategy's headline counts (40 rising to 52 under 25s, 11 rising to 30 under 18s)."""

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
                             name="Synthetic comparison (other boroughs)", mode="lines",
                             line={"color": "#059669", "dash": "dot"}))  # fmt: skip
    fig.add_vline(x=EXAMPLE["start"], line={"color": "#b91c1c", "width": 1})
    fig.update_layout(height=380, margin={"l": 50, "r": 10, "t": 10, "b": 40},
                      yaxis_title="Offences a month", plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return figure_json(fig)


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
