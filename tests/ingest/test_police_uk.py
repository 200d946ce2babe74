"""police.uk ingest on real data: the bundled files, official CSVs, folders and archives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import STOP_SEARCH_PARQUET, STREET_PARQUET
from upstream.cli import app
from upstream.config import Settings
from upstream.events import EventStore
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files
from upstream.testing import write_police_uk_zip, write_stop_search_csv, write_street_csv

runner = CliRunner()


def ingest(paths: list[Path], store: EventStore, area, settings: Settings, **kw):
    inputs, skipped = discover(paths)
    return ingest_files(
        inputs,
        POLICE_UK_FORMATS,
        store,
        area,
        quarantine_dir=settings.quarantine_dir,
        skipped=skipped,
        **kw,
    )


def export(store: EventStore) -> bytes:
    """Every stored street row, fully ordered, as CSV bytes (what a query returns)."""
    frame = store.query("SELECT * FROM street ORDER BY ALL")
    return frame.to_csv(index=False).encode()


def test_bundled_parquet_matches_published_counts(store, area, settings):
    ingest([STREET_PARQUET], store, area, settings)
    cov = store.coverage()["police_uk_street"]
    assert cov["first"] == "2016-04" and cov["last"] == "2017-12"
    assert len(cov["months"]) == 21 and cov["gaps"] == []
    assert cov["rows"] == 48_216
    by_year = store.query(
        "SELECT left(month, 4) AS y, crime_type, count(*) AS n FROM street GROUP BY ALL"
    ).set_index(["y", "crime_type"])["n"]
    # Figures from shared/data/police_uk/SOURCES.md, 'Rows by crime type and year'.
    assert by_year[("2016", "Violence and sexual offences")] == 4_664
    assert by_year[("2017", "Violence and sexual offences")] == 6_135
    assert by_year[("2017", "Possession of weapons")] == 196
    assert by_year[("2016", "Robbery")] == 427


def test_official_csv_round_trips_to_the_same_rows(tmp_path, street_rows, store, area, settings):
    months = street_rows[street_rows.month.isin(["2016-04", "2016-05", "2016-06"])]
    files = write_street_csv(months, tmp_path / "csv")
    assert [f.name for f in files] == [
        "2016-04-metropolitan-street.csv",
        "2016-05-metropolitan-street.csv",
        "2016-06-metropolitan-street.csv",
    ]
    ingest(files, store, area, settings)
    stored = store.query("SELECT * EXCLUDE (x, y) FROM street")

    def canonical(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for col in frame.columns.drop(["longitude", "latitude"]):
            frame[col] = frame[col].astype("string").fillna("")
        return frame.sort_values(list(frame.columns)).reset_index(drop=True)

    pd.testing.assert_frame_equal(canonical(stored), canonical(months))


def test_bng_projection_matches_published_school_coordinates(area):
    """GIAS publishes schools' easting/northing; our projection of lon/lat must agree."""
    from upstream.area import to_bng
    from upstream.config import BUNDLED_AREA

    schools = pd.read_csv(BUNDLED_AREA / "waltham_forest_schools.csv")
    x, y = to_bng(schools.longitude.to_numpy(), schools.latitude.to_numpy())
    assert abs(x - schools.easting).max() < 1.0  # lon/lat are given to 6 dp (~0.1 m)
    assert abs(y - schools.northing).max() < 1.0


def test_folder_and_archive_give_identical_stores(tmp_path, street_rows, area):
    rows = street_rows[street_rows.month.isin(["2017-01", "2017-02"])]
    files = write_street_csv(rows, tmp_path / "folder")
    (tmp_path / "folder" / "2017-01-metropolitan-outcomes.csv").write_text("Crime ID\n")
    archive = write_police_uk_zip(
        [*files, tmp_path / "folder" / "2017-01-metropolitan-outcomes.csv"], tmp_path / "a.zip"
    )
    s1 = Settings(data_dir=tmp_path / "one")
    s2 = Settings(data_dir=tmp_path / "two")
    r1 = ingest([tmp_path / "folder"], EventStore(s1.events_dir), area, s1)
    r2 = ingest([archive], EventStore(s2.events_dir), area, s2)
    assert any("outcomes" in s for s in r1.skipped) and any("outcomes" in s for s in r2.skipped)
    assert export(EventStore(s1.events_dir)) == export(EventStore(s2.events_dir))
    assert sum(f.stored for f in r2.files) == len(rows)


def test_reingest_is_idempotent_and_byte_identical(tmp_path, street_rows, store, area, settings):
    files = write_street_csv(street_rows[street_rows.month <= "2016-06"], tmp_path / "csv")
    ingest(files, store, area, settings)
    first_export = export(store)
    first_files = sorted(p.name for p in store.files("police_uk_street"))
    ingest(files, store, area, settings)
    assert export(store) == first_export
    assert sorted(p.name for p in store.files("police_uk_street")) == first_files
    assert store.coverage()["police_uk_street"]["rows"] == (street_rows.month <= "2016-06").sum()
    # Only the committed files remain on disk: nothing duplicated, nothing orphaned.
    on_disk = sorted(p.name for p in (store.root / "police_uk_street").rglob("*.parquet"))
    assert on_disk == first_files


def test_reingesting_a_month_replaces_it(tmp_path, street_rows, store, area, settings):
    april = street_rows[street_rows.month == "2016-04"]
    (f,) = write_street_csv(april, tmp_path / "v1")
    ingest([f], store, area, settings)
    (g,) = write_street_csv(april.iloc[:100], tmp_path / "v2")  # a corrected, shorter file
    ingest([g], store, area, settings)
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 100


def test_rows_outside_the_area_and_unplaced_rows_are_counted_not_stored(
    tmp_path, street_rows, store, area, settings
):
    rows = street_rows[street_rows.month == "2016-04"].head(50).copy()
    rows.loc[rows.index[:3], ["longitude", "latitude"]] = (-0.1276, 51.5072)  # Westminster
    rows.loc[rows.index[3:5], ["longitude", "latitude"]] = (None, None)  # 'No location'
    rows.loc[rows.index[3:5], ["location", "lsoa_code", "lsoa_name"]] = ("No Location", "", "")
    files = write_street_csv(rows, tmp_path / "csv")
    result = ingest(files, store, area, settings)
    (summary,) = result.files
    assert (summary.rows_read, summary.stored) == (50, 45)
    assert (summary.outside_area, summary.unplaced) == (3, 2)
    cov = store.coverage()["police_uk_street"]
    assert (cov["rows"], cov["outside_area"], cov["unplaced"]) == (45, 3, 2)


def test_stop_search_csv(tmp_path, stop_search_rows, store, area, settings):
    rows = stop_search_rows[stop_search_rows.month == "2023-05"].copy()
    files = write_stop_search_csv(rows, tmp_path / "csv")
    assert files[0].name == "2023-05-metropolitan-stop-and-search.csv"
    ingest(files, store, area, settings)
    stored = store.query("SELECT * FROM stop_search")
    assert len(stored) == len(rows)
    assert stored["officer_defined_ethnicity"].value_counts().to_dict() == (
        rows["officer_defined_ethnicity"].value_counts().to_dict()
    )
    assert str(stored["date"].dtype).startswith("datetime64")
    assert stored["removal_of_more_than_just_outer_clothing"].sum() == (
        rows["removal_of_more_than_just_outer_clothing"].fillna(False).sum()
    )


def test_late_stop_search_records_from_the_month_before_are_accepted(
    tmp_path, stop_search_rows, store, area, settings
):
    rows = stop_search_rows[stop_search_rows.month == "2023-05"].head(5).copy()
    rows.loc[rows.index[0], "date"] = "2023-04-30T22:10:00+00:00"
    files = write_stop_search_csv(rows, tmp_path / "csv")
    ingest(files, store, area, settings)
    assert store.query("SELECT count(*) AS n FROM stop_search")["n"][0] == 5


def test_bundled_stop_search_parquet(store, area, settings):
    result = ingest([STOP_SEARCH_PARQUET], store, area, settings)
    assert result.files[0].stored == 25_005
    assert result.files[0].extra_columns == ["lsoa_code", "lsoa_name"]
    cov = store.coverage()["police_uk_stop_search"]
    assert len(cov["months"]) == 63
    assert "2018-02" in cov["gaps"] and "2022-01" in cov["gaps"]


def test_cli_ingest_and_status(tmp_path, street_rows):
    files = write_street_csv(street_rows[street_rows.month == "2017-03"], tmp_path / "csv")
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(files[0])])
    assert result.exit_code == 0, result.output
    assert "committed 1 month partition" in result.output
    status = runner.invoke(app, ["status"])
    assert status.exit_code == 0
    assert "2017-03" in status.output and "Violence and sexual offences" in status.output


def test_manifest_hash_names_are_content_addressed(tmp_path, street_rows, store, area, settings):
    (f,) = write_street_csv(street_rows[street_rows.month == "2016-07"], tmp_path / "csv")
    ingest([f], store, area, settings)
    (path,) = store.files("police_uk_street")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    assert path.name == f"{digest}.parquet"


@pytest.mark.parametrize("n_files", [3])
def test_progress_callback_counts_every_row(tmp_path, street_rows, store, area, settings, n_files):
    months = sorted(street_rows.month.unique())[:n_files]
    files = write_street_csv(street_rows[street_rows.month.isin(months)], tmp_path / "csv")
    seen: list[int] = []
    ingest(files, store, area, settings, progress=lambda _n, rows: seen.append(rows))
    assert sum(seen) == street_rows.month.isin(months).sum()
