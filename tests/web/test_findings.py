"""The home page's key findings from a hand-made map (numbers checked by hand)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from shapely.geometry import box

from upstream.analysis.concentration import concentration
from upstream.web.findings import key_findings
from upstream.web.views import RankedCell, ViolenceMap


def _map(per_month: list[int], first: str) -> ViolenceMap:
    months = [str(m) for m in pd.period_range(first, periods=len(per_month), freq="M")]
    counts = pd.Series([60, 30, 10] + [0] * 17, index=np.arange(20))  # 100 crimes, 20 cells
    result = concentration(counts, np.arange(20), 0.05)  # busiest 5% = 1 cell
    return ViolenceMap(
        cell_size=250,
        crime_types=("Robbery",),
        first_month=months[0],
        last_month=months[-1],
        recorded=sum(per_month),
        grid=pd.DataFrame(),
        boundary=box(0, 0, 1, 1),
        result=result,
        monthly=pd.Series(per_month, index=months, dtype="float64"),
        reading="",
        busiest_cells=[
            RankedCell(1, 125.0, 125.0, "Somewhere 001A", "On or near Hoe Street", 60, 0.6)
        ],
    )


def test_findings_say_the_numbers_their_period_and_age() -> None:
    vm = _map([5] * 20, "2016-04")  # 100 crimes, Apr 2016 to Nov 2017
    found = key_findings(vm, "Testborough", date(2026, 12, 1))
    assert [f.figure for f in found] == ["100", "60%", "60"]
    assert found[0].text == (
        "serious-violence crimes recorded by the police in Testborough, Apr 2016 – Nov 2017: "
        "about 5 a month (police.uk open data, over nine years old)."
    )
    assert found[1].text.startswith("of them happened in the busiest 5% of the area (1 of 20")
    assert found[2].text.startswith(
        "in the busiest 250 m cell around Hoe Street (Somewhere 001A): 60.0% of"
    )


def test_a_trend_is_given_when_two_full_years_are_there() -> None:
    vm = _map([10] * 12 + [5] * 12, "2023-09")  # 120 then 60: a fall of 50%
    found = key_findings(vm, "Testborough", date(2025, 9, 1))
    assert found[-1].figure == "-50%"
    assert found[-1].text.startswith(
        "change in the 12 months to 2025-08 against the 12 before (120 to 60): more than "
        "chance variation would give (p < 0.001)."
    )
    assert "up to date" in found[0].text
