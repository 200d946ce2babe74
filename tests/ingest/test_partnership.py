"""Partnership extracts (incidents, involvements, A&E) on real components."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
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
        ("involvements", person("I1", "victim", "John_Smith"), "person_ref", "personal name"),
        ("involvements", person("I1", "victim", "JOHN_SMITH_JR"), "person_ref", "personal name"),
        ("involvements", person("I1", "victim", "Smith.Jane"), "person_ref", "personal name"),
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


# ---- issue 11: attacks that used to give silently wrong results, crashes or leaks


def test_a_valid_pseudonym_may_use_underscores(extract, settings):
    _inc_path, inv_path = extract
    rows = list(csv.DictReader(inv_path.open()))
    write(inv_path, INVOLVEMENT_HEADER, [*rows, person("I2", "suspect", "P_7F3A9C21")])
    result = ingest("incidents", *map(str, extract))
    assert result.exit_code == 0, result.output
    refs = EventStore(settings.events_dir).query("SELECT person_ref FROM involvements")
    assert "P_7F3A9C21" in refs.person_ref.tolist()


def test_duplicate_incident_id_far_apart_in_one_file(tmp_path, settings):
    """Uniqueness used to be checked per 16 MB batch, so far-apart duplicates were stored."""
    detail = "Wounding with intent " + "x" * 170
    rows = [
        incident(f"B{i}", f"2023-05-{1 + i % 28:02d}T10:00:00+01:00", offence_detail=detail)
        for i in range(60_000)
    ]
    rows.append(incident("B7", "2023-05-09T11:00:00+01:00", offence_detail=detail))
    path = write(tmp_path / "big" / "incidents_2023-05.csv", INCIDENT_HEADER, rows)
    assert path.stat().st_size > 17 << 20  # more than one read block apart
    result = ingest("incidents", str(path))
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert f"line {len(rows) + 1}, field 'incident_id'" in out
    assert "duplicate incident_id in this file (first on line 9)" in out
    assert EventStore(settings.events_dir).is_empty()


def test_duplicate_attendance_id_in_an_a_and_e_file(tmp_path, settings):
    rows = [ae_row("A1"), ae_row("A2"), ae_row("A1")]
    path = write(tmp_path / "a_and_e_2023-06.csv", A_AND_E_HEADER, rows)
    out = " ".join(ingest("a-and-e", str(path)).output.split())
    assert "line 4, field 'attendance_id'" in out and "first on line 2" in out


def test_messages_about_local_times_say_what_is_really_wrong(tmp_path, settings):
    """Local times are never ambiguous or missing to the ingest (the repeated autumn hour is
    read as BST, the skipped spring hour moved on), so no message says they might be: an A&E
    date that does not exist says so, and an incident's unreadable time says just that."""
    rows = [ae_row("A1", assault_date="2023-02-30"), ae_row("A2", assault_date="2023-10-29",
            assault_time="01:30", attended_at="2023-10-29T05:00:00+00:00")]  # fmt: skip
    path = write(tmp_path / "a_and_e_2023.csv", A_AND_E_HEADER, rows)
    out = " ".join(ingest("a-and-e", str(path), "--max-rejects", "1").output.split())
    (quarantined,) = settings.quarantine_dir.glob("*a_and_e_2023.csv.rejected.csv")
    assert "assault_date is not a real calendar date" in quarantined.read_text()
    assert "exists in Europe/London" not in out
    assert len(EventStore(settings.events_dir).query("SELECT * FROM incidents")) == 1
    bad = write(
        tmp_path / "incidents_2023-05.csv",
        INCIDENT_HEADER,
        [incident("I1", "2023-05-09 25:00")],
    )
    out = " ".join(ingest("incidents", str(bad)).output.split())
    assert "not an ISO 8601 date-time" in out and "ambiguous" not in out


def ae_row(aid: str, **kw) -> dict[str, str]:
    row = {
        "attendance_id": aid, "attended_at": "2023-06-03T23:10:00+01:00",
        "assault_date": "2023-06-03", "assault_time": "22:15", "location_text": "Hoe St",
        "longitude": HOE_ST[0], "latitude": HOE_ST[1], "easting": "", "northing": "",
        "weapon_or_means": "knife_or_sharp", "number_of_assailants": "2",
        "relationship_to_assailant": "stranger", "patient_age": "17", "patient_sex": "male",
        "patient_ethnicity": "Black", "synthetic": "true",
    }  # fmt: skip
    row.update(kw)
    return row


def _xlsx_from(path: Path, out: Path, edit=None) -> Path:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_excel(out, index=False)
    if edit is not None:
        import openpyxl

        book = openpyxl.load_workbook(out)
        edit(book.active)
        book.save(out)
    return out


def test_xlsx_formulas_without_saved_values_are_refused_naming_the_cell(
    extract, settings, tmp_path
):
    """A formula with no saved value used to become an empty cell (an age stored as NULL)."""
    inc, inv = extract
    xi = _xlsx_from(inc, tmp_path / "xl" / "incidents_2023.xlsx")

    def formula(sheet):
        sheet["D3"] = "=15+1"  # column D is age

    xv = _xlsx_from(inv, tmp_path / "xl" / "involvements_2023.xlsx", formula)
    result = ingest("incidents", str(xi), str(xv))
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "involvements_2023.xlsx, row 3" in out and "cell D3 holds a formula with no saved" in out
    assert EventStore(settings.events_dir).is_empty()
    # The same formula with the value a spreadsheet program saved is read as that value.
    with zipfile.ZipFile(xv) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<f>15+1</f><v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<f>15+1</f><v />", b"<f>15+1</f><v>16</v>")
    with zipfile.ZipFile(xv, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    result = ingest("incidents", str(xi), str(xv))
    assert result.exit_code == 0, result.output
    ages = EventStore(settings.events_dir).query(
        "SELECT age FROM involvements WHERE person_ref = 'P-0002'"
    )
    assert ages.age.tolist() == [16]


def test_xlsx_error_cells_and_truncated_workbooks(extract, settings, tmp_path):
    inc, inv = extract
    xi = _xlsx_from(inc, tmp_path / "xl" / "incidents_2023.xlsx")
    data = xi.read_bytes()
    (tmp_path / "cut").mkdir()
    cut = tmp_path / "cut" / "incidents_2023.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    result = ingest("incidents", str(cut), str(inv))
    assert result.exit_code == 1 and "not a readable XLSX workbook" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_xlsx_messages_say_row(extract, settings, tmp_path):
    """XLSX messages used to say 'line' for the header row."""
    inc, inv = extract
    other = tmp_path / "xl" / "incidents_other.xlsx"
    other.parent.mkdir()
    pd.DataFrame({"a": ["1"], "b": ["2"], "c": ["3"]}).to_excel(other, index=False)
    out = " ".join(ingest("incidents", str(other)).output.split())
    assert "incidents_other.xlsx, row 1: the header matches none of" in out
    frame = pd.read_csv(inc, dtype=str, keep_default_na=False).drop(columns="weapon")
    missing = tmp_path / "xl" / "incidents_2023.xlsx"
    frame.to_excel(missing, index=False)
    out = " ".join(ingest("incidents", str(missing), str(inv)).output.split())
    assert "incidents_2023.xlsx, row 1, field 'weapon'" in out


def test_status_counts_quarantined_partnership_and_a_and_e_rows(extract, settings, tmp_path):
    """They were logged under a source name status does not read, so always showed 0."""
    inc_path, inv_path = extract
    rows = list(csv.DictReader(inc_path.open()))
    write(inc_path, INCIDENT_HEADER, [*rows, incident("B1", "2023-05-01T10:00", weapon="axe")])
    inv_rows = list(csv.DictReader(inv_path.open()))
    write(inv_path, INVOLVEMENT_HEADER, [*inv_rows, person("I1", "victim", "P-0009", age="x")])
    assert ingest("incidents", "--max-rejects", "1", *map(str, extract)).exit_code == 0
    ae = write(
        tmp_path / "a_and_e_2023-06.csv",
        A_AND_E_HEADER,
        [ae_row("A1"), ae_row("A2", patient_sex="?")],
    )
    assert ingest("a-and-e", "--max-rejects", "1", str(ae)).exit_code == 0
    status = runner.invoke(app, ["status", "--json"])
    sources = json.loads(status.output)["sources"]
    assert sources["incidents_police_synthetic"]["quarantined"] == 1
    assert sources["involvements_police_synthetic"]["quarantined"] == 1
    assert sources["incidents_a_and_e_synthetic"]["quarantined"] == 1
    text = " ".join(runner.invoke(app, ["status"]).output.split())
    assert "incidents_police_synthetic (SYNTHETIC): 4 month(s)" in text
    assert "quarantined 1" in text


def test_a_whole_file_outside_the_area_is_refused(extract, settings):
    """A lon/lat swap used to be accepted, every row counted 'outside'."""
    inc_path, _inv_path = extract
    frame = pd.read_csv(inc_path, dtype=str, keep_default_na=False)
    frame[["longitude", "latitude"]] = frame[["latitude", "longitude"]].to_numpy()
    frame = frame[frame.longitude != ""]
    frame.to_csv(inc_path, index=False)
    out = " ".join(ingest("incidents", str(inc_path)).output.split())
    assert "field 'longitude'" in out and "longitude and latitude exchanged" in out
    # Easting and northing swapped.
    bng = frame.assign(longitude="", latitude="", easting="189010", northing="537470")
    bng.to_csv(inc_path, index=False)
    out = " ".join(ingest("incidents", str(inc_path)).output.split())
    assert "field 'easting'" in out and "easting and northing exchanged" in out
    # Ten or more rows, none inside and no swap in sight: the area or the columns are wrong.
    many = pd.concat([frame.iloc[[0]]] * 12, ignore_index=True)
    many["incident_id"] = [f"T{i}" for i in range(12)]
    many[["longitude", "latitude"]] = [TRAFALGAR[:2]] * 12
    many.to_csv(inc_path, index=False)
    out = " ".join(ingest("incidents", str(inc_path)).output.split())
    assert "none of the 12 placed rows is inside the area" in out
    assert EventStore(settings.events_dir).is_empty()
    # A few rows just outside, not swapped, may be genuine: counted as outside.
    many.head(3).to_csv(inc_path, index=False)
    result = ingest("incidents", str(inc_path))
    assert result.exit_code == 0, result.output
    cov = EventStore(settings.events_dir).coverage()["incidents_police_synthetic"]
    assert (cov["rows"], cov["outside_area"]) == (0, 3)


def test_reingesting_incidents_alone_says_it_removed_their_involvements(extract, settings):
    assert ingest("incidents", *map(str, extract)).exit_code == 0
    result = ingest("incidents", str(extract[0]))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "removed 6 involvement row(s) of involvements_police_synthetic" in out
    assert "no involvements file was given" in out
    assert not EventStore(settings.events_dir).has("involvements_police_synthetic")


IDENTIFYING = {
    "victim_name": "Jane Doe",
    "date_of_birth": "2007-02-03",
    "home_address": "14 Acacia Avenue",
    "postcode": "E17 4AB",
    "nhs_number": "943 476 5919",
    "phone": "07700 900123",
}


def test_quarantine_never_holds_identifying_columns_or_free_text(tmp_path, settings):
    """Malformed rows used to be written whole, names and addresses included, and a rejected
    A&E row kept its free-text location."""
    folder = tmp_path / "pii"
    inc_header = [*INCIDENT_HEADER, *IDENTIFYING]
    inc = [
        {**incident("I1", "2023-03-10T15:40:00+00:00"), **IDENTIFYING},
        {
            **incident("I2", "2023-03-11T15:40:00+00:00", offence='=HYPERLINK("http://x")'),
            **IDENTIFYING,
        },
        {
            **incident("I3", "2023-03-12T15:40:00+00:00", offence_detail="Jane Doe's home " * 20),
            **IDENTIFYING,
        },
    ]
    inc_path = write(folder / "incidents_2023.csv", inc_header, inc)
    with inc_path.open("a") as fh:  # a malformed row: too many fields, all identifying
        fh.write("I4,police," + ",".join(IDENTIFYING.values()) + ",Jane Doe,14 Acacia Avenue\n")
    inv_header = [*INVOLVEMENT_HEADER, *IDENTIFYING]
    inv = [
        {**person("I1", "victim", "P-0001"), **IDENTIFYING},
        {**person("I1", "suspect", "Jane_Doe"), **IDENTIFYING},
        {**person("I1", "witness", "Jane Doe 2"), **IDENTIFYING},
    ]
    inv_path = write(folder / "involvements_2023.csv", inv_header, inv)
    home = "14 Acacia Avenue, E17 4AB - home of patient Jane Doe"
    ae = [
        {**ae_row("A1"), **IDENTIFYING},
        {**ae_row("A2", patient_age="old", location_text=home), **IDENTIFYING},
    ]
    ae_path = write(folder / "a_and_e_2023-06.csv", [*A_AND_E_HEADER, *IDENTIFYING], ae)

    outputs = [ingest("incidents", "--max-rejects", "5", str(inc_path), str(inv_path)).output]
    outputs.append(ingest("a-and-e", "--max-rejects", "5", str(ae_path)).output)
    outputs.append(ingest("incidents", str(inc_path), str(inv_path)).output)  # refused
    files = sorted(settings.quarantine_dir.glob("*.rejected.csv"))
    assert len(files) == 3
    text = "".join(p.read_text() for p in files) + "".join(outputs)
    for secret in [*IDENTIFYING.values(), "Acacia", "Jane", "Doe"]:
        assert secret not in text, secret
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        read = set(INCIDENT_HEADER) | set(INVOLVEMENT_HEADER) | set(A_AND_E_HEADER)
        assert set(frame.columns) <= {"file", "unit", "line", "field", "reason"} | read
        assert not set(frame.columns) & {"location_text", "offence_detail"}
    inc_q = pd.read_csv(next(p for p in files if "incidents" in p.name), dtype=str)
    assert inc_q.set_index("line").loc["3", "offence"] == '\'=HYPERLINK("http://x")'
    assert "row has" in inc_q.set_index("line").loc["5", "reason"]
    inv_q = pd.read_csv(
        next(p for p in files if "involvements" in p.name), dtype=str, keep_default_na=False
    )
    assert inv_q.field.tolist() == ["person_ref"] * 2 and "person_ref" not in inv_q.columns
