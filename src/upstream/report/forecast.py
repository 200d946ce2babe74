"""Section 7: where serious violence is forecast next, and how well that has worked.

The section shows what the web app's ``/forecast`` page shows, from the same data
(:func:`upstream.forecast.summary.forecast_section`): next month's map from the default
method with its plain-English reading, and beside it the rolling backtest of every
registered method on the months before.
"""

from __future__ import annotations

from typing import Any

import plotly.io as pio

from upstream.forecast.registry import METHODS
from upstream.report.model import OPEN, Figure, Notice, Section, Table, Text

__all__ = ["COVERAGE", "evidence_table", "forecast_report_section", "places_table"]

COVERAGE = 0.05
"""The share of the area the evidence table reports (as on the page)."""


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def evidence_table(evidence: dict[str, Any], shown: str) -> Table:
    """Hit rate and PAI at 5% of the area per method: mean (lowest to highest month)."""
    below = evidence["months_below_naive_by_method"]
    n = evidence["n_months"]
    rows = []
    for r in evidence["table"]:
        if abs(r["coverage"] - COVERAGE) > 1e-9:
            continue
        name = r["method"]
        method = METHODS.get(name)
        label = method.label if method is not None and method.label else name
        kind = "baseline" if method is not None and method.baseline else "upstream"
        rows.append(
            [
                f"{label} ({name}){' (on the map)' if name == shown else ''}",
                kind,
                f"{_pct(r['hit_rate'])} ({_pct(r['hit_rate_min'])} to {_pct(r['hit_rate_max'])})",
                f"{r['pai']:.2f} ({r['pai_min']:.1f} to {r['pai_max']:.1f})",
                "—" if name == "naive" else f"{below[name]} of {n}",
            ]
        )
    return Table(
        f"Top 5% of cells, {evidence['first']} to {evidence['last']}: mean (lowest to highest "
        "month)",
        ["Method", "Kind", "Hit rate", "PAI", "Months below 12-month counts"],
        rows,
        [False, False, True, True, True],
        source=OPEN,
    )


PLACES_LISTED = 10


def places_table(places: list[dict[str, Any]], month: str) -> Table:
    """The places ranked highest, named: street, LSOA, nearest secondary school."""
    rows = [
        [
            f"{p['rank']}",
            p["street"] or p["landmark"] or "–",
            p["lsoa_name"] or "–",
            f"{p['school']} ({p['school_m']:,.0f} m)" if p["school"] else "–",
            f"{p['score']:.2f}",
        ]
        for p in places[:PLACES_LISTED]
    ]
    return Table(
        f"The {len(rows)} squares with the highest forecast for {month}, named (the web "
        "page's CSV lists every square)",
        ["Rank", "Street (or landmark)", "LSOA", "Nearest secondary school", "Expected crimes"],
        rows,
        [True, False, False, False, True],
        source=OPEN,
    )


def forecast_report_section(section: dict[str, Any], number: int = 7) -> Section:
    """The report section for one :func:`~upstream.forecast.summary.forecast_section` result."""
    out = Section("forecast", number, "Where serious violence is forecast next")
    if not section.get("available"):
        out.add(Notice(section.get("reason", "No forecast can be made from these data.")))
        return out
    method = METHODS[section["method"]]
    out.add(
        Figure(
            "forecast-map",
            f"Forecast for {section['month']}: expected serious-violence crimes per "
            f"{section['cell_size']} m cell",
            pio.from_json(section["figure"]),
            reading=section["reading"],
            caption=(
                f"{method.summary} From police.uk street-level crime up to {section['until']} "
                f"(real data). The {section['flagged']} cells outlined in black are the 5% "
                "ranked highest (ties broken by cell id). British National Grid metres."
            ),
            source=OPEN,
        )
    )
    if section.get("places"):
        out.add(places_table(section["places"], section["month"]))
    for missing in section.get("missing_covariates", []):
        out.add(Notice(f"{missing} The forecast is made without it."))
    evidence = section.get("evidence")
    if evidence is None:
        out.add(Notice("Too few months of data to test the forecast on past months."))
        return out
    out.add(
        evidence_table(evidence, section["method"]),
        Text(
            f"Each method forecast each month from {evidence['first']} to {evidence['last']} "
            "from the months before it only, and was scored on what then happened. Hit rate: "
            "the share of that month's serious violence in the cells the method ranked in its "
            "top 5%. PAI (predictive accuracy index): hit rate divided by the share of the "
            "area, so 1 is no better than chance. 'Months below 12-month counts' counts the "
            "months in which a method's PAI was lower than that of ranking cells by their "
            "crimes in the previous 12 months.",
            kind="method",
        ),
        Text(
            "On police.uk data, which give only the month and an approximate location, every "
            "method finds nearly the same places: the busiest places stay busy. Forecasts "
            "point to places to look at first; they do not say who will be harmed, and "
            "recorded crime depends on reporting.",
            kind="note",
        ),
    )
    return out
