"""Partnership extracts (incidents, involvements, A&E) on real components."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.events import EventStore

runner = CliRunner()

INCIDENT_HEADER = [
    "incident_id", "source", "offence", "offence_detail", "occurred_from", "occurred_to",
    "reported_at", "longitude", "latitude", "easting", "northing", "location_type", "weapon",
    "injury", "domestic_abuse", "synthetic",
]  # fmt: skip
INVOLVEMENT_HEADER = [
    "incident_id", "role", "person_ref", "age", "sex", "ethnicity_self_defined",
    "ethnicity_officer_defined", "synthetic",
]  # fmt: skip
A_AND_E_HEADER = [
    "attendance_id", "attended_at", "assault_date", "assault_time", "location_text",
    "longitude", "latitude", "easting", "northing", "weapon_or_means", "number_of_assailants",
    "relationship_to_assailant", "patient_age", "patient_sex", "patient_ethnicity", "synthetic",
]  # fmt: skip

# Hoe Street, Walthamstow (inside the borough) and Trafalgar Square (outside it).
HOE_ST = ("-0.019900", "51.583100", "", "")
TRAFALGAR = ("-0.128000", "51.508000", "", "")


def incident(iid, when, where=HOE_ST, **kw):
    row = {
        "incident_id": iid, "source": "police", "offence": "Violence and sexual offences",
        "offence_detail": "Wounding (GBH s20)", "occurred_from": when, "occurred_to": "",
        "reported_at": "", "longitude": where[0], "latitude": where[1], "easting": where[2],
        "northing": where[3], "location_type": "street", "weapon": "knife_or_sharp",
        "injury": "serious", "domestic_abuse": "false", "synthetic": "true",
    }  # fmt: skip
    row.update(kw)
    return row


def person(iid, role, ref, age="16", **kw):
    row = {
        "incident_id": iid, "role": role, "person_ref": ref, "age": age, "sex": "male",
        "ethnicity_self_defined": "Black", "ethnicity_officer_defined": "Black",
        "synthetic": "true",
    }  # fmt: skip
    row.update(kw)
    return row


def write(path: Path, header, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def extract(tmp_path) -> list[Path]:
    inc = [
        incident("I1", "2023-03-10T15:40:00+00:00", reported_at="2023-03-10T16:05:00+00:00"),
        incident("I2", "2023-03-26T00:30:00+00:00"),  # the night the clocks go forward
        incident("I3", "2023-07-01T18:00:00+01:00", occurred_to="2023-07-01T19:00:00+01:00"),
        incident("I4", "2023-07-02T12:00:00+01:00", where=TRAFALGAR),  # outside the area
        incident("I5", "2023-08-05T21:00", where=("", "", "537470", "189010")),  # local, BNG
        incident("I6", "2023-09-09T09:00:00+01:00", where=("", "", "", "")),  # unplaced
    ]
    inv = [
        person("I1", "victim", "P-0001"),
        person("I1", "suspect", "P-0002", age="17"),
        person("I2", "victim", "P-0003", age="23"),
        person("I3", "victim", "P-0004", age="15"),
        person("I4", "victim", "P-0005"),
        person("I5", "witness", "P-0006", age=""),
        person("I6", "victim", "P-0007", sex="female", ethnicity_officer_defined=""),
    ]
    return [
        write(tmp_path / "x" / "incidents_2023.csv", INCIDENT_HEADER, inc),
        write(tmp_path / "x" / "involvements_2023.csv", INVOLVEMENT_HEADER, inv),
    ]


def ingest(*args: str):
    return runner.invoke(app, ["ingest", *args])


def test_extract_round_trip(extract, settings):
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 0, result.output
    store = EventStore(settings.events_dir)
    inc = store.query("SELECT * FROM incidents ORDER BY incident_id")
    assert inc.incident_id.tolist() == ["I1", "I2", "I3", "I5", "I6"]  # I4 is outside
    assert inc.month.tolist() == ["2023-03", "2023-03", "2023-07", "2023-08", "2023-09"]
    local = inc.occurred_from.dt.tz_convert("Europe/London")
    assert local.dt.strftime("%H:%M").tolist() == ["15:40", "00:30", "18:00", "21:00", "09:00"]
    # BNG given alone: kept as given, lon/lat filled in.
    i5 = inc.set_index("incident_id").loc["I5"]
    assert (i5.x, i5.y) == (537470.0, 189010.0) and abs(i5.longitude + 0.0199) < 0.01
    assert pd.isna(inc.set_index("incident_id").loc["I6"].x)  # unplaced but kept
    assert inc.synthetic.all() and inc.domestic_abuse.eq(False).all()
    inv = store.query("SELECT * FROM involvements ORDER BY person_ref")
    assert inv.person_ref.tolist() == ["P-0001", "P-0002", "P-0003", "P-0004", "P-0006", "P-0007"]
    assert inv.loc[inv.person_ref == "P-0006", "age"].isna().all()
    assert set(inv.columns) >= {"age", "sex", "ethnicity_self_defined", "ethnicity_officer_defined"}
    log = store.inputs()
    (inc_log,) = [v for k, v in log.items() if k.endswith("incidents_2023.csv")]
    assert (inc_log["outside_area"], inc_log["unplaced"], inc_log["stored"]) == (1, 1, 5)
    assert inc_log["months"] == ["2023-01", "2023-12"]


def test_reingest_replaces_the_period(extract, settings, tmp_path):
    assert ingest("incidents", *map(str, extract)).exit_code == 0
    store = EventStore(settings.events_dir)
    first = sorted(
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.files("incidents_police_synthetic")
    )
    assert ingest("incidents", *map(str, extract)).exit_code == 0
    again = sorted(
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.files("incidents_police_synthetic")
    )
    assert first == again
    # A corrected 2023 extract with one incident: every other 2023 month is emptied.
    fixed = [
        write(tmp_path / "y" / "incidents_2023.csv", INCIDENT_HEADER,
              [incident("I9", "2023-05-01T10:00:00+01:00")]),
        write(tmp_path / "y" / "involvements_2023.csv", INVOLVEMENT_HEADER,
              [person("I9", "victim", "P-0100")]),
    ]  # fmt: skip
    assert ingest("incidents", *map(str, fixed)).exit_code == 0
    assert store.query("SELECT incident_id FROM incidents").incident_id.tolist() == ["I9"]
    assert store.query("SELECT person_ref FROM involvements").person_ref.tolist() == ["P-0100"]


def test_xlsx_is_read_like_csv(extract, settings, tmp_path):
    xlsx = []
    for path in extract:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        out = tmp_path / "xl" / (path.stem + ".xlsx")
        out.parent.mkdir(exist_ok=True)
        frame.to_excel(out, index=False)
        xlsx.append(out)
    assert ingest("incidents", *map(str, xlsx)).exit_code == 0
    n = EventStore(settings.events_dir).query("SELECT count(*) AS n FROM incidents")["n"][0]
    assert n == 5


@pytest.mark.parametrize(
    ("table", "row", "field", "reason"),
    [
        ("incidents", incident("B1", "2023-13-01T10:00"), "occurred_from", "ISO 8601"),
        ("incidents", incident("B1", "2023-05-01T10:00", weapon="machete"), "weapon", "one of"),
        (
            "incidents",
            incident("B1", "2023-05-01T10:00", offence="Knife crime"),
            "offence",
            "police.uk crime type",
        ),
        (
            "incidents",
            incident("B1", "2023-05-01T10:00", occurred_to="2023-04-30T10:00"),
            "occurred_to",
            "before",
        ),
        ("incidents", incident("B1", "2023-05-01T10:00", source="school"), "source", "one of"),
        (
            "incidents",
            incident("B1", "2023-05-01T10:00", where=("-0.0199", "51.5831", "530000", "180000")),
            "easting",
            "apart",
        ),
        ("incidents", incident("I1", "2023-05-01T10:00"), "incident_id", "duplicate incident_id"),
        ("incidents", incident("I 9", "2023-05-01T10:00"), "incident_id", "letters, digits"),
        ("involvements", person("I1", "victim", "Jane Smith"), "person_ref", "personal name"),
        ("involvements", person("I1", "victim", "SMITH-J"), "person_ref", "personal name"),
        ("involvements", person("I1", "victim", "P-0001"), "person_ref", "appears twice"),
        ("involvements", person("I1", "victim", "P-0901", age="sixteen"), "age", "whole number"),
        ("involvements", person("I1", "bystander", "P-0901"), "role", "one of"),
        ("involvements", person("NOPE", "victim", "P-0901"), "incident_id", "no incident"),
        (
            "involvements",
            person("I1", "victim", "P-0901", ethnicity_self_defined="Black British"),
            "ethnicity_self_defined",
            "ONS 2021",
        ),
    ],
)
def test_bad_rows_are_refused_naming_line_and_field(extract, settings, table, row, field, reason):
    inc_path, inv_path = extract
    path = inc_path if table == "incidents" else inv_path
    header = INCIDENT_HEADER if table == "incidents" else INVOLVEMENT_HEADER
    rows = list(csv.DictReader(path.open()))
    write(path, header, [*rows, row])
    line = len(rows) + 2
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    assert f"{path.name}, line {line}, field '{field}'" in out and reason in out
    assert EventStore(settings.events_dir).is_empty()
    # Accepting one reject stores the rest and quarantines the row with its reason.
    result = ingest("incidents", "--max-rejects", "1", *map(str, extract))
    assert result.exit_code == 0, result.output
    quarantine = next(settings.quarantine_dir.glob(f"*{path.name}.rejected.csv"))
    rejected = pd.read_csv(quarantine)
    assert rejected.line.tolist() == [line] and rejected.field.tolist() == [field]


def test_local_times_around_clock_changes():
    from upstream.ingest.incidents import parse_timestamps

    text = pd.Series(
        [
            "2023-03-26T01:30",
            "2023-10-29T01:30",
            "2023-10-29T01:30+00:00",
            "2023-07-01 18:00",
            "2023-07-01T18:00:00Z",
            "2023-02-30T10:00",
            "soon",
        ]
    )
    utc = parse_timestamps(text).dt.strftime("%Y-%m-%dT%H:%M").tolist()
    assert utc[0] == "2023-03-26T01:30"  # 01:30 does not exist: moved forward an hour, 02:30 BST
    assert utc[1] == "2023-10-29T00:30"  # 01:30 happens twice: the first (BST) instant
    assert utc[2] == "2023-10-29T01:30"  # an explicit offset decides it
    assert utc[3] == "2023-07-01T17:00" and utc[4] == "2023-07-01T18:00"
    assert pd.isna(parse_timestamps(text)[5]) and pd.isna(parse_timestamps(text)[6])


def test_fixed_values_ignore_case_and_census_names_are_accepted(extract, settings):
    inc_path, inv_path = extract
    inc = pd.read_csv(inc_path, dtype=str, keep_default_na=False)
    inc.loc[0, "weapon"] = " Knife_Or_Sharp "
    inc.loc[1, "location_type"] = ""
    inc.to_csv(inc_path, index=False)
    inv = pd.read_csv(inv_path, dtype=str, keep_default_na=False)
    inv.loc[0, "ethnicity_self_defined"] = "Black, Black British, Black Welsh, Caribbean or African"
    inv.loc[1, "role"] = "Suspect"
    inv.to_csv(inv_path, index=False)
    assert ingest("incidents", *map(str, extract)).exit_code == 0
    store = EventStore(settings.events_dir)
    inc = store.query("SELECT * FROM incidents ORDER BY incident_id")
    assert inc.weapon[0] == "knife_or_sharp" and inc.location_type[1] == "other"
    inv = store.query("SELECT * FROM involvements ORDER BY person_ref")
    assert inv.ethnicity_self_defined[0] == "Black" and inv.role[1] == "suspect"


def test_involvement_must_match_its_incidents_synthetic_flag(extract, settings):
    _, inv_path = extract
    inv = pd.read_csv(inv_path, dtype=str, keep_default_na=False)
    inv.loc[2, "synthetic"] = "false"
    inv.to_csv(inv_path, index=False)
    out = " ".join(ingest("incidents", *map(str, extract)).output.split())
    assert "line 4, field 'synthetic'" in out


def test_names_are_never_read(extract, settings):
    _inc_path, inv_path = extract
    frame = pd.read_csv(inv_path, dtype=str, keep_default_na=False)
    frame["first_name"] = "Sam"
    frame["date_of_birth"] = "2007-01-01"
    frame.to_csv(inv_path, index=False)
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 0, result.output
    assert "identifying column(s) NOT read: first_name, date_of_birth" in " ".join(
        result.output.split()
    )
    for path in settings.events_dir.rglob("*.parquet"):
        assert b"Sam" not in path.read_bytes() and b"2007-01-01" not in path.read_bytes()


def test_row_outside_the_named_period_stops_the_ingest(extract, settings):
    inc_path, _ = extract
    rows = list(csv.DictReader(inc_path.open()))
    write(inc_path, INCIDENT_HEADER, [*rows, incident("I7", "2024-01-02T10:00:00+00:00")])
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 1
    assert "outside the file's period 2023-01 to 2023-12" in " ".join(result.output.split())


def test_missing_column(extract, settings):
    inc_path, _ = extract
    frame = pd.read_csv(inc_path, dtype=str, keep_default_na=False).drop(columns="weapon")
    frame.to_csv(inc_path, index=False)
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 1
    assert "line 1, field 'weapon'" in " ".join(result.output.split())


def test_a_and_e(tmp_path, settings):
    rows = [
        {"attendance_id": "A1", "attended_at": "2023-06-03T23:10:00+01:00",
         "assault_date": "2023-06-03", "assault_time": "22:15", "location_text": "Hoe St",
         "longitude": HOE_ST[0], "latitude": HOE_ST[1], "easting": "", "northing": "",
         "weapon_or_means": "knife_or_sharp", "number_of_assailants": "2",
         "relationship_to_assailant": "stranger", "patient_age": "17", "patient_sex": "male",
         "patient_ethnicity": "Black", "synthetic": "true"},
        {"attendance_id": "A2", "attended_at": "2023-06-05T02:00:00+01:00",
         "assault_date": "2023-06-04", "assault_time": "", "location_text": "home",
         "longitude": "", "latitude": "", "easting": "", "northing": "",
         "weapon_or_means": "body_part", "number_of_assailants": "1",
         "relationship_to_assailant": "partner_or_ex", "patient_age": "34",
         "patient_sex": "female", "patient_ethnicity": "", "synthetic": "true"},
    ]  # fmt: skip
    path = write(tmp_path / "a_and_e_2023-06.csv", A_AND_E_HEADER, rows)
    result = ingest("a-and-e", str(path))
    assert result.exit_code == 0, result.output
    store = EventStore(settings.events_dir)
    inc = store.query("SELECT * FROM incidents ORDER BY incident_id")
    assert inc.incident_id.tolist() == ["AE-A1", "AE-A2"]
    assert inc.source.eq("a_and_e").all()
    assert inc.weapon.tolist() == ["knife_or_sharp", "none"]
    assert inc.domestic_abuse.tolist() == [False, True]
    # Time unknown: the assault is recorded as happening some time that day.
    span = (inc.occurred_to - inc.occurred_from).dt.total_seconds().tolist()
    assert span == [0.0, 23 * 3600 + 59 * 60]
    inv = store.query("SELECT * FROM involvements ORDER BY incident_id")
    assert inv.role.eq("victim").all() and inv.age.tolist() == [17, 34]
    assert inc.location_type.tolist() == ["street", "residential"]  # from the free text
    assert inc.injury.eq("minor").all()  # an assault attendance is at least a minor injury
    for p in settings.events_dir.rglob("*.parquet"):
        assert b"Hoe St" not in p.read_bytes()  # free-text location is never stored
    # Attendance before the assault is refused.
    rows[0]["attended_at"] = "2023-06-03T20:00:00+01:00"
    write(path, A_AND_E_HEADER, rows)
    out = " ".join(ingest("a-and-e", str(path)).output.split())
    assert "line 2, field 'attended_at'" in out and "before the assault" in out


def test_whole_file_problems(extract, settings, tmp_path):
    cases = {
        "empty.csv": (b"", "the file is empty"),
        "header.csv": ((",".join(INCIDENT_HEADER) + "\n").encode(), "header but no rows"),
        "binary.csv": (b"PK\x03\x04\x00\x00garbage", "binary"),
        "broken.xlsx": (b"not really a workbook", "not a readable XLSX"),
        "other.csv": (b"a,b,c\n1,2,3\n", "matches none of"),
    }
    for name, (content, message) in cases.items():
        bad = tmp_path / "bad" / f"incidents_{name}"
        bad.parent.mkdir(exist_ok=True)
        bad.write_bytes(content)
        result = ingest("incidents", str(bad))
        assert result.exit_code == 1, name
        assert message in " ".join(result.output.split()), (name, result.output)
        assert bad.name in result.output.replace("\n", "")
    assert EventStore(settings.events_dir).is_empty()


def test_malformed_row_in_an_extract(extract, settings):
    inc_path, _ = extract
    lines = inc_path.read_text().splitlines(keepends=True)
    inc_path.write_text("".join([*lines[:3], "I99,police,too,few\n", *lines[3:]]))
    out = " ".join(ingest("incidents", *map(str, extract)).output.split())
    assert f"{inc_path.name}, line 4" in out and "4 fields" in out
    assert EventStore(settings.events_dir).is_empty()
