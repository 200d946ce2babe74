"""The home page's key findings: a few numbers, each with a plain-English reading.

Built from the serious-violence map the home page already computes (police.uk open data,
so nothing here needs disclosure control), with the months the numbers cover and how old
those months are, so nobody takes 2017's picture for this year's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from upstream.analysis.trends import compare_periods
from upstream.formatting import data_age, month_period, p_equals, percent, signed_percent

if TYPE_CHECKING:
    from upstream.web.views import ViolenceMap

__all__ = ["Finding", "key_findings"]


@dataclass(frozen=True)
class Finding:
    """One number and what it means."""

    figure: str
    text: str


def _trend(vm: ViolenceMap) -> Finding | None:
    """The latest 12 months against the 12 before, when the data hold both."""
    monthly = vm.monthly.dropna()
    cmp = compare_periods(monthly.astype("int64"), vm.last_month)
    if cmp is None:
        return None
    r = cmp.result
    if r.old == 0:
        return None
    sure = (
        "more than chance variation would give"
        if r.significant
        else "within chance variation, so not a clear change"
    )
    return Finding(
        signed_percent(cmp.change),
        f"change in the 12 months to {vm.last_month} against the 12 before "
        f"({r.old:,} to {r.new:,}): {sure} ({p_equals(r.p_value)}).",
    )


def key_findings(vm: ViolenceMap, area_name: str, today: date) -> list[Finding]:
    """Three or four findings about serious violence in the area, newest data first.

    Parameters
    ----------
    vm
        The home page's serious-violence map.
    area_name
        The partnership area, as people call it.
    today
        The day the page is built, for the age of the data.
    """
    if vm.recorded == 0:
        return []
    months = int(vm.monthly.notna().sum()) or 1
    result = vm.result
    period = month_period(vm.first_month, vm.last_month)
    age = data_age(vm.last_month, today)
    out = [
        Finding(
            f"{vm.recorded:,}",
            f"serious-violence crimes recorded by the police in {area_name}, {period}: "
            f"about {vm.recorded / months:,.0f} a month (police.uk open data, {age}).",
        )
    ]
    if result.total:
        out.append(
            Finding(
                percent(result.top_share),
                f"of them happened in the busiest {percent(result.top_fraction)} of the area "
                f"({result.top_cells:,} of {result.cells:,} cells of {vm.cell_size} m): work "
                "in a few places reaches a large share of the harm.",
            )
        )
    if vm.busiest_cells:
        top = vm.busiest_cells[0]
        where = f" around {top.location.removeprefix('On or near ')}" if top.location else ""
        lsoa = f" ({top.lsoa_name})" if top.lsoa_name else ""
        out.append(
            Finding(
                f"{top.count:,}",
                f"in the busiest {vm.cell_size} m cell{where}{lsoa}: "
                f"{percent(top.share, digits=1)} of the area's total in one small square.",
            )
        )
    trend = _trend(vm)
    if trend is not None:
        out.append(trend)
    return out
