"""The synthetic borough loads in one go and round-trips exactly through the ingest."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.events import EventStore
from upstream.synth import generate, write

runner = CliRunner()


@pytest.fixture(scope="module")
def borough():
    return generate(seed=7, months=36, end="2024-12")


def test_synth_files_ingest_exactly(borough, tmp_path, settings):
    files = write(borough, tmp_path / "synth")
    inc_files = [p for p in files if p.name.startswith(("incidents_", "involvements_"))]
    ae_files = [p for p in files if p.name.startswith("a_and_e_")]
    result = runner.invoke(app, ["ingest", "incidents", *map(str, inc_files)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    result = runner.invoke(app, ["ingest", "a-and-e", *map(str, ae_files)])
    assert result.exit_code == 0, result.output
    store = EventStore(settings.events_dir)

    stored = store.query("SELECT * FROM incidents WHERE source = 'police' ORDER BY incident_id")
    made = borough.incidents.sort_values("incident_id").reset_index(drop=True)
    assert stored.incident_id.tolist() == made.incident_id.tolist()  # nothing lost or added
    for column in ("offence", "offence_detail", "location_type", "weapon", "injury"):
        assert stored[column].tolist() == made[column].astype(str).tolist(), column
    assert stored.domestic_abuse.tolist() == made.domestic_abuse.tolist()
    assert (stored.occurred_from == made.occurred_from.dt.tz_convert("UTC")).all()
    assert (stored.x.round() == made.easting.astype(float).round()).all()
    assert stored.synthetic.all()

    inv = store.query("SELECT * FROM involvements WHERE source = 'police'")
    assert len(inv) == len(borough.involvements)
    key = ["incident_id", "role", "person_ref"]
    left = inv.sort_values(key).reset_index(drop=True)
    right = borough.involvements.sort_values(key).reset_index(drop=True)
    assert left.person_ref.tolist() == right.person_ref.tolist()
    assert left.age.astype("Int64").tolist() == right.age.astype("Int64").tolist()
    assert left.ethnicity_officer_defined.fillna("").tolist() == (
        right.ethnicity_officer_defined.fillna("").astype(str).tolist()
    )

    ae = store.query("SELECT count(*) AS n FROM incidents WHERE source = 'a_and_e'")["n"][0]
    placed = borough.a_and_e  # every attendance is in the borough or unplaced
    assert ae == len(placed)


def test_reingesting_synthetic_files_changes_nothing(borough, tmp_path, settings):
    files = [p for p in write(borough, tmp_path / "s") if p.suffix == ".csv"]
    inc_files = [p for p in files if not p.name.startswith("a_and_e_")]
    assert runner.invoke(app, ["ingest", "incidents", *map(str, inc_files)]).exit_code == 0
    store = EventStore(settings.events_dir)
    first = store.query("SELECT * FROM incidents ORDER BY ALL").to_csv(index=False)
    assert runner.invoke(app, ["ingest", "incidents", *map(str, inc_files)]).exit_code == 0
    assert store.query("SELECT * FROM incidents ORDER BY ALL").to_csv(index=False) == first


def test_synth_command_writes_labelled_files(tmp_path):
    result = runner.invoke(
        app, ["synth", "--seed", "3", "--months", "36", "--end", "2024-08", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "SYNTHETIC.txt" in names
    assert all("synthetic" in n for n in names if n.endswith(".csv"))
    frame = pd.read_csv(tmp_path / "incidents_synthetic_2023.csv")
    assert frame.synthetic.all()
    assert '"headline"' in result.output
