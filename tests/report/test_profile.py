"""The strategic profile built from real stores and opened in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.config import Settings
from upstream.forecast.registry import DEFAULT_METHOD, METHODS
from upstream.report.model import Figure, Notice, Table
from upstream.report.profile import OGL_V2, OGL_V3, build_profile, render_html, write_report

SECTIONS = ["headline", "rates", "place", "deprivation", "time", "people", "forecast", "quality"]


def _notices(profile: Any, section: str) -> list[str]:
    (s,) = [s for s in profile.sections if s.id == section]
    return [b.text for b in s.blocks if isinstance(b, Notice)]


def _tables(profile: Any, section: str) -> list[Table]:
    (s,) = [s for s in profile.sections if s.id == section]
    return [b for b in s.blocks if isinstance(b, Table)]


def _assert_offline_and_clean(seen: dict[str, Any], html: str, figures: int) -> None:
    assert seen["page_errors"] == []
    assert seen["console_errors"] == []
    local = ("file", "data", "blob", "about")
    remote = [u for u in seen["requests"] if urlsplit(u).scheme not in local]
    assert remote == [], "the report must not fetch anything"
    assert "<script src" not in html and "<link" not in html  # everything is inline
    assert seen["plots_drawn"] == figures
    assert seen["svgs"] >= figures
    assert seen["sections"] == SECTIONS


@pytest.mark.browser
def test_profile_from_police_uk_alone(
    police_only_settings: Settings, open_report: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    profile = build_profile(police_only_settings)
    assert [s.id for s in profile.sections] == SECTIONS
    assert not profile.synthetic
    # sections needing partnership data say so instead of disappearing
    assert any("No partnership incident data" in t for t in _notices(profile, "headline"))
    time_notices = _notices(profile, "time")
    assert len(time_notices) == 4 and all("only the month" in t for t in time_notices)
    assert any(
        "police.uk street-level data hold no people" in t for t in _notices(profile, "people")
    )
    # the real MPS series is still compared, and stop and search still analysed
    headline_tables = [t.caption for t in _tables(profile, "headline")]
    assert any("REAL published series" in c for c in headline_tables)
    assert any("Stop and search" in t.caption for t in _tables(profile, "people"))

    out = tmp_path / "police.html"
    html = render_html(profile)
    out.write_text(html, encoding="utf-8")
    seen = open_report(out)
    text = seen["text"]
    assert "Not available from these data." in text
    assert OGL_V3 in text and OGL_V2 in text
    assert "SYNTHETIC" not in text
    _assert_offline_and_clean(seen, html, len(profile.figures()))


@pytest.mark.browser
def test_profile_with_the_synthetic_borough(
    bundled_settings: Settings, open_report: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "profile.html"
    profile = write_report(bundled_settings, out, end="2024-07")
    assert profile.synthetic and profile.end_month == "2024-07"
    rows = _tables(profile, "headline")[0].rows
    # the synthetic borough's planted headline: 40 -> 52 (under 25) and 11 -> 30 (under 18)
    assert rows[0][1].startswith("40 (2022-08") and rows[0][2].startswith("52 (2023-08")
    assert rows[0][4] == "1.30 (0.84 to 2.01)"
    assert rows[1][1].startswith("11 ") and rows[1][2].startswith("30 ")
    assert rows[1][4] == "2.73 (1.33 to 6.03)"
    assert all(s.synthetic for s in profile.sections if s.id in ("headline", "time", "people"))
    for section in ("time", "people"):
        assert _notices(profile, section) == []
    figure_ids = {f.id for f in profile.figures()}
    assert {"weekday-hour", "hotspots-grid", "lorenz", "deprivation", "age-sex"} <= figure_ids
    # the forecast: real police.uk data, its map and reading, every method's backtest
    (forecast,) = [s for s in profile.sections if s.id == "forecast"]
    assert not forecast.synthetic and "forecast-map" in figure_ids
    (evidence,) = [t for t in _tables(profile, "forecast") if t.caption.startswith("Top 5%")]
    assert [r[0].split("(")[-1].rstrip(")") for r in evidence.rows if "map" not in r[0]] == [
        name for name in METHODS if name != DEFAULT_METHOD
    ]
    assert any(r[0].endswith("(on the map)") for r in evidence.rows)
    assert "2017-01 to 2017-12" in evidence.caption
    assert all(f.reading for f in profile.figures())

    html = out.read_text(encoding="utf-8")
    seen = open_report(out, screenshot="profile.png", pdf=True)
    text = seen["text"]
    assert "SYNTHETIC DATA" in text and "This report includes SYNTHETIC" in text
    assert "ASSUMED" in text  # the ethnicity population shares are stated as assumptions
    assert OGL_V3 in text and OGL_V2 in text
    _assert_offline_and_clean(seen, html, len(profile.figures()))
    assert seen["pdf_bytes"] > 50_000  # it prints


def test_cli_writes_the_profile(
    bundled_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    out = tmp_path / "report.html"
    runner = CliRunner()
    result = runner.invoke(app, ["profile", "--out", str(out), "--end", "2024-07"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "SYNTHETIC" in result.output
    html = out.read_text(encoding="utf-8")
    assert "1.30 (0.84 to 2.01)" in html
    bad = runner.invoke(app, ["profile", "--out", str(out), "--end", "2024-13"])
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    pop = tmp_path / "pop.toml"
    pop.write_text("[all_ages]\nAsian = 1\n")
    bad = runner.invoke(app, ["profile", "--out", str(out), "--populations", str(pop)])
    assert bad.exit_code == 1 and "no share for 'Black'" in bad.output


def test_every_figure_has_a_reading_and_every_section_content(bundled_settings: Settings) -> None:
    profile = build_profile(bundled_settings)
    for section in profile.sections:
        assert section.blocks, section.id
    for block in profile.figures():
        assert isinstance(block, Figure) and len(block.reading) > 40
