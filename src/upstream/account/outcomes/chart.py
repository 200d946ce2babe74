"""The control chart of one measure as a Plotly figure (for the web page and any report).

Points are the monthly values with their 95% intervals; the centre line and 3-sigma limits
come from the baseline (shaded); points that break a run rule are drawn in red. The x axis is
a date axis: a period missing from the data is left empty and no line joins across it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from upstream.account.outcomes.compute import MeasureResult
from upstream.account.outcomes.gaps import period_index, period_start
from upstream.plotting import FONT

__all__ = ["control_figure", "y_title"]


def y_title(result: MeasureResult) -> str:
    """The y axis label for the measure's unit."""
    return {
        "count": "Per month",
        "proportion": "Share (%)",
        "ratio": "Ratio of rates",
    }[result.measure.unit]


def _values(values: np.ndarray, scale: float) -> list[float | None]:
    return [None if not np.isfinite(v) else float(v) * scale for v in values]


def _with_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """The table with an empty row (NaN values, no signal) for each period missing between
    its first and last, so every line breaks there."""
    periods = table["period"].astype(str).tolist()
    if not periods:
        return table
    quarter = "Q" in periods[0]
    have = {period_index(p): i for i, p in enumerate(periods)}
    rows = []
    for n in range(min(have), max(have) + 1):
        if n in have:
            rows.append(table.iloc[have[n]].to_dict())
        else:
            label = f"{n // 4}Q{n % 4 + 1}" if quarter else f"{n // 12:04d}-{n % 12 + 1:02d}"
            rows.append({"period": label, "signals": [], "in_baseline": False})
    return pd.DataFrame(rows, columns=table.columns)


def control_figure(result: MeasureResult) -> go.Figure:
    """u-chart / p-chart of a computed measure, on a date axis broken at missing periods."""
    table = _with_gaps(result.table)
    periods = table["period"].astype(str).tolist()
    dates = [period_start(p) for p in periods]
    k = 100.0 if result.measure.unit == "proportion" else 1.0
    value = table["value"].to_numpy(dtype="float64")
    lower = table["lower"].to_numpy(dtype="float64")
    upper = table["upper"].to_numpy(dtype="float64")
    signal = np.array([bool(s) for s in table["signals"]], dtype=bool)
    error = {
        "type": "data",
        "symmetric": False,
        "array": _values(np.where(np.isfinite(upper), upper - value, np.nan), k),
        "arrayminus": _values(value - lower, k),
        "color": "#9ca3af",
        "thickness": 1,
        "width": 0,
    }
    colours = np.where(signal, "#b91c1c", "#1f2937").tolist()
    hover = [
        f"{p}: {v}{' · ' + ', '.join(s) if s else ''}"
        for p, v, s in zip(
            periods,
            [("-" if x is None else f"{x:,.2f}") for x in _values(value, k)],
            table["signals"],
            strict=True,
        )
    ]
    traces = [
        go.Scatter(
            x=dates, y=_values(table["ucl"].to_numpy(float), k), name="Upper limit",
            mode="lines", line={"color": "#6b7280", "dash": "dash", "width": 1, "shape": "hvh"},
        ),
        go.Scatter(
            x=dates, y=_values(table["lcl"].to_numpy(float), k), name="Lower limit",
            mode="lines", line={"color": "#6b7280", "dash": "dash", "width": 1, "shape": "hvh"},
        ),
        go.Scatter(
            x=dates, y=_values(table["centre"].to_numpy(float), k), name="Baseline centre",
            mode="lines", line={"color": "#2563eb", "width": 1.5},
        ),
        go.Scatter(
            x=dates, y=_values(value, k), name="Value (95% interval)", mode="lines+markers",
            line={"color": "#1f2937", "width": 1.5}, marker={"color": colours, "size": 7},
            error_y=error, text=hover, hoverinfo="text",
        ),
    ]  # fmt: skip
    fig = go.Figure(traces)
    base = table.loc[table["in_baseline"].astype(bool), "period"].astype(str).tolist()
    if base:
        fig.add_vrect(
            x0=period_start(base[0]), x1=period_start(base[-1]), fillcolor="#dbeafe",
            opacity=0.5, line_width=0, annotation_text="baseline", annotation_position="top left",
        )  # fmt: skip
    fig.update_layout(
        font=FONT,
        height=300,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.2, "font": {"size": 11}},
        xaxis={"type": "date", "showgrid": False, "color": "#4b5563", "nticks": 12},
        yaxis={"title": {"text": y_title(result)}, "rangemode": "tozero",
               "gridcolor": "#e5e7eb", "color": "#4b5563"},
    )  # fmt: skip
    return fig
