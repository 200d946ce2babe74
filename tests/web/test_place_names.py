"""Maps and tables people can act on (issue 12, part 3): every map carries named reference
layers offline, and every table of places names them (street, LSOA, nearest school); the
forecast page ranks its top places and offers them all as CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Tab
from upstream.area import area_from_settings, to_bng
from upstream.config import Settings
from upstream.forecast.summary import PLACE_COLUMNS

LAYERS = ("LSOAs (names on hover)", "Town centres", "Stations", "Secondary schools")


def _figure(html: str, element: str) -> dict:  # type: ignore[type-arg]
    match = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', html, re.S)
    assert match, element
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def _layers(figure: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {t["name"]: t for t in figure["data"] if t.get("name")}


def test_the_home_and_forecast_maps_carry_named_reference_layers(
    bundled_server: str, bundled_settings: Settings
) -> None:
    area = area_from_settings(bundled_settings)
    for path, element in (("/", "map-data"), ("/forecast", "forecast-data")):
        html = httpx.get(bundled_server + path, timeout=180).text
        layers = _layers(_figure(html, element))
        for name in LAYERS:
            assert name in layers, (path, name)
        towns = layers["Town centres"]
        assert "Bakers Arms" in towns["text"] and "text" in towns["mode"]
        assert set(towns["text"]) <= set(area.town_centres["name"])
        assert "Walthamstow Central" in layers["Stations"]["text"]  # "... Station" cut
        secondary = area.schools[area.schools["secondary"] & area.schools["inside"]]
        assert sorted(layers["Secondary schools"]["text"]) == sorted(secondary["name"])
        names = layers["School names"]  # the labels, switched on in the legend
        assert names["visible"] == "legendonly" and names["mode"] == "text"
        assert sorted(names["text"]) == sorted(secondary["name"])


def test_the_busiest_cells_are_named_not_numbered(bundled_server: str) -> None:
    html = httpx.get(bundled_server + "/", timeout=180).text
    table = html.split('class="busiest"')[1].split("</table>")[0]
    assert '<th scope="col">Street (or landmark)</th>' in table
    rows = re.findall(r"<tr><td class=\"num\">\d+</td>\s*<td>([^<]+)</td>", table)
    assert len(rows) == 10 and all(r != "–" for r in rows), rows
    assert "Hoe Street" in table or "High Road" in table


def test_the_forecast_ranks_named_places_and_offers_them_as_csv(
    bundled_server: str, bundled_settings: Settings
) -> None:
    html = httpx.get(bundled_server + "/forecast", timeout=180).text
    table = html.split('id="places-table"')[1].split("</table>")[0]
    ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', table)]
    assert ranks == list(range(1, 21))
    assert 'href="/forecast/places.csv"' in html
    response = httpx.get(bundled_server + "/forecast/places.csv", timeout=60)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0].keys()) == PLACE_COLUMNS
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["epsg"] for r in rows} == {"27700"}
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert len({r["cell_id"] for r in rows}) == len(rows)
    area = area_from_settings(bundled_settings)
    assert sum(r["lsoa_name"] != "" for r in rows) == len(rows)  # every square has an LSOA
    assert sum(r["street"] != "" for r in rows[:20]) >= 15
    # the longitude and latitude are the square's centre
    for r in rows[:5]:
        x, y = to_bng([float(r["lon"])], [float(r["lat"])])
        size = int(r["cell_size"])
        assert abs(x[0] - (int(r["x_min"]) + size / 2)) < 1
        assert abs(y[0] - (int(r["y_min"]) + size / 2)) < 1
        assert area.lsoas["lsoa_name"].eq(r["lsoa_name"]).any()


@pytest.mark.browser
def test_the_forecast_map_shows_place_labels_in_chromium(
    bundled_server: str, tab: Tab, artifacts: Callable[[str], Path]
) -> None:
    page = tab.page
    page.set_default_timeout(180_000)
    page.goto(bundled_server + "/forecast")
    page.wait_for_selector("#forecast-plot .main-svg")
    labels = page.locator("#forecast-plot g.textpoint text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert "Bakers Arms" in labels and "Walthamstow Central" in labels
    assert "Leytonstone School" not in labels  # school names only on request
    entry = page.locator("#forecast-plot g.legend g.traces").filter(has_text="School names")
    entry.locator("rect.legendtoggle").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#forecast-plot g.textpoint text')]"
        ".some(e => e.textContent === 'Leytonstone School')"
    )
    labels = page.locator("#forecast-plot g.textpoint text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert "Leytonstone School" in labels
    legend = page.locator("#forecast-plot g.legend").evaluate("e => e.textContent")
    for name in LAYERS:
        assert name in legend
    assert tab.other_hosts() == [] and tab.console_errors == []
    page.locator("#forecast-plot").screenshot(path=str(artifacts("forecast-map-names.png")))
