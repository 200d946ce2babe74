"""The public version of the strategic profile (issue 10, item 18), built from a store whose
partnership counts are small: nothing of 1 to 9 is published, nothing can be subtracted back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.web.published import SUPPRESSED, exposed, figures, numbers, tables, withheld
from upstream.cli import app
from upstream.config import Settings
from upstream.report.model import OPEN, PARTNERSHIP, Figure, Profile, Table, Withheld
from upstream.report.profile import build_profile, render_html


@pytest.fixture(scope="module")
def public(small_partnership_settings: Settings) -> Profile:
    return build_profile(small_partnership_settings, public=True)


def _blocks(profile: Profile, kind: type) -> list:
    return [b for s in profile.sections for b in s.blocks if isinstance(b, kind)]


def _small(table: Table) -> list[str]:
    out = []
    for row in table.rows:
        for cell, count in zip(row, table.counts, strict=False):
            if count:
                out += [
                    n for n in numbers(cell) if n != SUPPRESSED and 0 < int(n.replace(",", "")) < 10
                ]
    return out


def test_no_partnership_count_of_1_to_9_and_no_partnership_chart(public: Profile) -> None:
    assert public.public
    partnership = [t for t in _blocks(public, Table) if t.source == PARTNERSHIP]
    assert len(partnership) >= 8
    for table in partnership:
        assert _small(table) == [], table.caption
        assert table.counts, f"{table.caption}: which columns are counts must be stated"
    assert [f.id for f in _blocks(public, Figure) if f.source == PARTNERSHIP] == []
    ids = {w.id for w in _blocks(public, Withheld)}
    assert {"headline-monthly", "weekday-hour", "age-sex", "victims-ethnicity"} <= ids
    # police.uk is absent from this store, so the place sections are partnership data too
    assert {"lsoa-rates", "hotspots-grid", "deprivation"} <= ids


def test_tables_with_totals_hold_no_recoverable_cell(public: Profile) -> None:
    with_totals = [t for t in _blocks(public, Table) if t.total_row or t.total_column]
    assert len(with_totals) >= 5
    for table in with_totals:
        cols = [i for i, c in enumerate(table.counts) if c]
        grid = np.array([[row[i] == SUPPRESSED for i in cols] for row in table.rows])
        if table.total_column:
            assert not (grid.sum(axis=1) == 1).any(), table.caption
        if table.total_row:
            assert not (grid.sum(axis=0) == 1).any(), table.caption
    # and the rendered HTML says the same (the checks the web tests use)
    html = render_html(public)
    for parsed in tables(html):
        if parsed.source == PARTNERSHIP:
            assert exposed(parsed) == [], parsed.caption
    assert withheld(html) and not [k for k, v in figures(html).items() if v["source"] != OPEN]


def test_rates_and_ratios_from_suppressed_counts_are_suppressed(public: Profile) -> None:
    (u18,) = [t for t in _blocks(public, Table) if t.caption.startswith("Victims under 18 by")]
    hidden = [row for row in u18.rows if row[1] == SUPPRESSED]
    assert hidden, "the small store has under-18 groups below 10"
    for row in hidden:
        assert row[3] == SUPPRESSED  # rate
        assert row[4] in (SUPPRESSED, "1 (reference)")  # relative rate
    (headline,) = [t for t in _blocks(public, Table) if t.caption.startswith("Knife-injury")]
    for row in headline.rows:
        if SUPPRESSED in row[1] + row[2]:
            assert row[3:] == [SUPPRESSED] * 3  # change, ratio and p


def test_every_table_and_figure_says_where_its_numbers_come_from(
    bundled_settings: Settings,
) -> None:
    profile = build_profile(bundled_settings, end="2024-07")
    for block in _blocks(profile, Table) + _blocks(profile, Figure):
        assert block.source in (OPEN, PARTNERSHIP)
    sources = {f.id: f.source for f in _blocks(profile, Figure)}
    assert sources["street-monthly"] == OPEN and sources["forecast-map"] == OPEN
    assert sources["weekday-hour"] == PARTNERSHIP and sources["hotspots-grid"] == OPEN


def test_cli_writes_the_full_report_and_the_public_one(
    small_partnership_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(small_partnership_settings.data_dir))
    runner = CliRunner()
    full, public = tmp_path / "full.html", tmp_path / "public.html"
    result = runner.invoke(app, ["profile", "--out", str(full)])
    assert result.exit_code == 0 and "full analyst version" in result.output
    result = runner.invoke(app, ["profile", "--public", "--out", str(public)])
    assert result.exit_code == 0 and "public version" in result.output
    full_html, public_html = full.read_text("utf-8"), public.read_text("utf-8")
    assert 'data-version="full"' in full_html and "weekday-hour" in figures(full_html)
    assert 'data-version="public"' in public_html and "weekday-hour" not in figures(public_html)
    assert "weekday-hour" in withheld(public_html)
    assert not list(tmp_path.glob(".*partial"))  # written whole, nothing left over
