"""The event store's own guarantees: atomic manifest, orphan clean-up, coverage."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from upstream.events import EventStore, month_range

SCHEMA = pa.schema([("month", pa.string()), ("crime_type", pa.string())])


def table(month: str, n: int) -> pa.Table:
    return pa.table({"month": [month] * n, "crime_type": ["Robbery"] * n}, schema=SCHEMA)


def commit(store: EventStore, months: dict[str, int], origin: str = "test.csv"):
    with store.stage() as stage:
        for month, n in months.items():
            stage.append("police_uk_street", month, table(month, n), origin)
        return store.commit(stage)


def test_commit_and_query(store):
    commit(store, {"2020-01": 3, "2020-03": 2})
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 5
    cov = store.coverage()["police_uk_street"]
    assert cov["months"] == ["2020-01", "2020-03"] and cov["gaps"] == ["2020-02"]


def test_replacing_a_month_leaves_other_months(store):
    commit(store, {"2020-01": 3, "2020-02": 2})
    commit(store, {"2020-02": 7})
    counts = store.query("SELECT month, count(*) AS n FROM street GROUP BY 1 ORDER BY 1")
    assert counts.n.tolist() == [3, 7]


def test_an_error_while_staging_changes_nothing(store):
    commit(store, {"2020-01": 3})
    before = store.manifest_path.read_bytes()
    with pytest.raises(RuntimeError), store.stage() as stage:
        stage.append("police_uk_street", "2020-01", table("2020-01", 99), "x.csv")
        raise RuntimeError("simulated failure mid-ingest")
    assert store.manifest_path.read_bytes() == before
    assert not any((store.root / ".staging").iterdir())
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 3


def test_orphaned_files_are_never_read_and_are_collected(store):
    commit(store, {"2020-01": 3})
    orphan = store.root / "police_uk_street" / "month=2020-01" / "orphan.parquet"
    import pyarrow.parquet as pq

    pq.write_table(table("2020-01", 50), orphan)  # as if a crash happened before the manifest
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 3
    commit(store, {"2020-02": 1})
    assert not orphan.exists()


def test_manifest_is_valid_json_naming_existing_files(store):
    commit(store, {"2020-01": 3, "2020-02": 4})
    manifest = json.loads(store.manifest_path.read_text())
    for months in manifest["partitions"].values():
        for entry in months.values():
            assert all((store.root / f).exists() for f in entry["files"])
    assert manifest["inputs"] == {}  # no ingest log was given


def test_empty_store(store):
    assert store.is_empty() and store.coverage() == {}
    assert not store.has("police_uk_street")


def test_month_range():
    assert month_range("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]
