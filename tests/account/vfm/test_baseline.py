"""The default baseline of ``upstream vfm``: counted in the event store as the outcome
measure counts it, checked against a hand count on the demo stores (the bundled real
police.uk data and the SYNTHETIC partnership borough that ``make run`` loads)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.account.outcomes.definitions import parse_measures
from upstream.account.vfm.baseline import baseline_from_series
from upstream.account.vfm.prices import VfmError
from upstream.cli import app
from upstream.config import Settings
from upstream.events import EventStore

runner = CliRunner()

HAND_COUNT = """
SELECT count(*) FROM incidents i
WHERE i.source = 'police' AND i.synthetic
  AND i.weapon = 'knife_or_sharp' AND i.injury IN ('minor', 'serious', 'fatal')
  AND NOT coalesce(i.domestic_abuse, false)
  AND strftime(timezone('Europe/London', i.occurred_from), '%Y-%m') BETWEEN ? AND ?
  AND EXISTS (
    SELECT 1 FROM involvements v
    WHERE v.incident_id = i.incident_id AND v.source = 'police' AND v.synthetic
      AND v.role = 'victim' AND v.age <= ?
  )
"""


def hand_count(settings: Settings, start: str, end: str, max_age: int) -> int:
    """Knife-injury offences (not domestic abuse) with a victim aged at most ``max_age``,
    whose London month lies in ``start``..``end``: straight from the store's Parquet."""
    con = EventStore(settings.events_dir).connect()
    try:
        row = con.execute(HAND_COUNT, [start, end, max_age]).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


@pytest.fixture
def costs(tmp_path: Path) -> Path:
    path = tmp_path / "costs.csv"
    path.write_text(
        "programme,action_id,title,budget_gbp,start,due\n"
        "safer_routes,ST3,Safer Routes chaperones,180000,2025-09-01,2027-08-31\n"
    )
    return path


def _vfm(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(settings.data_dir))
    result = runner.invoke(app, ["vfm", "--programme", "safer_routes", *args])
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize(("measure", "max_age"), [(None, 24), ("knife_injury_u18", 17)])
def test_default_baseline_is_the_measures_count_over_its_baseline_period(
    demo_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    costs: Path,
    tmp_path: Path,
    measure: str | None,
    max_age: int,
) -> None:
    expected = hand_count(demo_settings, "2022-08", "2023-07", max_age)
    assert expected > 0
    out = tmp_path / "vfm.json"
    chosen = [] if measure is None else ["--measure", measure]
    code, text = _vfm(demo_settings, monkeypatch, "--costs", str(costs), "--out", str(out), *chosen)
    assert code == 0, text
    ident = measure or "knife_injury_u25"
    assert (
        f"Baseline: {expected} in 2022-08 to 2023-07 (12 months), counted in the event store "
        f"(SYNTHETIC partnership_incidents) as measure {ident} of outcomes.toml counts it"
    ) in text
    data = json.loads(out.read_text())
    assert data["baseline"] == expected
    assert data["baseline_source"] == {
        "from": "event store", "measure": ident, "measure_name": data["baseline_source"][
            "measure_name"], "measures_file": "outcomes.toml", "source": "partnership_incidents",
        "period": ["2022-08", "2023-07"], "months": 12, "count": expected,
        "per_year": expected, "synthetic": True,
    }  # fmt: skip
    # break-even: cost / (years x baseline x unit cost), at the counted baseline
    reduction = data["programme_cost"] / (data["years"] * expected * data["unit_cost"])
    assert data["break_even"]["reduction"] == pytest.approx(reduction)


def test_the_default_baseline_is_the_one_the_outcomes_command_shows(
    demo_settings: Settings, monkeypatch: pytest.MonkeyPatch, costs: Path, tmp_path: Path
) -> None:
    """One count: ``upstream outcomes --out`` writes the same baseline months and count."""
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_settings.data_dir))
    folder = tmp_path / "outcomes"
    done = runner.invoke(app, ["outcomes", "--out", str(folder)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(folder / "knife_injury_u25.csv", dtype={"period": str})
    in_base = table[table["in_baseline"]]
    out = tmp_path / "vfm.json"
    code, text = _vfm(demo_settings, monkeypatch, "--costs", str(costs), "--out", str(out))
    assert code == 0, text
    source = json.loads(out.read_text())["baseline_source"]
    assert source["count"] == int(in_base["numerator"].sum())
    assert source["period"] == [in_base["period"].iloc[0], in_base["period"].iloc[-1]]


def test_baseline_given_overrides_the_store(
    demo_settings: Settings, monkeypatch: pytest.MonkeyPatch, costs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "vfm.json"
    code, text = _vfm(
        demo_settings, monkeypatch, "--costs", str(costs), "--baseline", "25", "--out", str(out)
    )
    assert code == 0, text
    assert "counted in the event store" not in text
    data = json.loads(out.read_text())
    assert data["baseline"] == 25
    assert data["baseline_source"] == {"from": "--baseline"}


def _toml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(body)
    return path


OLD_BASELINE = """
[[measure]]
id = "knife_old"
name = "knife-injury offences, under 25"
source = "partnership_incidents"
unit = "count"
direction = "lower"
baseline = { start = "2010-01", end = "2010-12" }
[measure.filter]
knife_injury = true
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "reached_in_time"],
         "error: no --baseline given, and the event store cannot give one: measure "
         "reached_in_time (outcomes.toml) is a proportion from source case_reached_in_time, "
         "not a count of events in the event store. Give --baseline N, or --measure ID of a "
         "count measure whose baseline the store holds"),
        (["--measure", "mps_knife_injury_victims_u25"],
         "is a count from source mps_borough, not a count of events in the event store"),
        (["--measure", "knife_injury_u52"],
         "cannot give one: 'knife_injury_u52' is not a measure of outcomes.toml (did you mean "
         "'knife_injury_u25'?)"),
        (["--measure", "knife_old", "--measures", "{toml}"],
         "cannot give one: the event store does not hold 2010-01, 2010-02, 2010-03 and 9 more of "
         "the baseline of knife_old (2010-01 to 2010-12); it holds 2021-09 to"),
    ],
)  # fmt: skip
def test_no_baseline_from_the_store_is_one_line_and_exit_1(
    demo_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    costs: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    toml = _toml(tmp_path, OLD_BASELINE)
    out = tmp_path / "vfm.json"
    args = [a.replace("{toml}", str(toml)) for a in args]
    code, text = _vfm(demo_settings, monkeypatch, "--costs", str(costs), "--out", str(out), *args)
    assert code == 1
    assert message in text
    assert not out.exists()  # nothing written
    assert "Break-even" not in text


def test_an_empty_event_store_gives_no_baseline(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, costs: Path
) -> None:
    code, text = _vfm(settings, monkeypatch, "--costs", str(costs))
    assert code == 1
    assert (
        "error: no --baseline given, and the event store cannot give one: measure "
        "knife_injury_u25 cannot be counted: no partnership police incidents are loaded "
        "(upstream ingest incidents). Give --baseline N"
    ) in text


SIX_MONTHS = OLD_BASELINE.replace(
    'baseline = { start = "2010-01", end = "2010-12" }',
    'baseline = { start = "2023-01", end = "2023-06" }',
)


def test_a_baseline_of_six_months_is_made_a_yearly_rate() -> None:
    (measure,) = parse_measures(SIX_MONTHS, "six.toml")
    months = [f"2022-{m:02d}" for m in range(10, 13)] + [f"2023-{m:02d}" for m in range(1, 10)]
    counts = [9, 9, 9, 1, 2, 3, 4, 5, 6, 9, 9, 9]
    series = pd.DataFrame({"period": months, "numerator": counts, "denominator": 1.0})
    got = baseline_from_series(measure, series.sample(frac=1, random_state=1), synthetic=False)
    assert (got.start, got.end, got.months, got.count) == ("2023-01", "2023-06", 6, 21)
    assert got.per_year == 42 and got.years == 0.5
    assert "21 in 2023-01 to 2023-06 (6 months, 42.0 a year)" in got.describe()
    gap = series[series["period"] != "2023-04"]
    with pytest.raises(VfmError, match=r"does not hold 2023-04 of the baseline of knife_old"):
        baseline_from_series(measure, gap, synthetic=False)
