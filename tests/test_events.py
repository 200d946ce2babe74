"""The event store's own guarantees: atomic manifest, orphan clean-up, coverage."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

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


# ---- issue 11: readers isolated from commits, stale stages, concurrent commits


def test_a_long_reader_keeps_its_snapshot_across_many_commits(store):
    """A commit used to delete replaced files at once: an open reader then failed."""
    commit(store, {"2020-01": 3, "2020-02": 2})
    reader = store.connect()
    try:
        for i in range(40):
            commit(store, {"2020-01": 10 + i, "2020-03": i + 1})  # replaces months each time
            assert reader.execute("SELECT count(*) FROM street").fetchone()[0] == 5
    finally:
        reader.close()
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 49 + 2 + 40


def test_readers_never_fail_under_alternating_commits(store):
    """About 1 read in 219 used to fail ('No files found') while ingests alternated."""
    import threading

    commit(store, {"2020-01": 3})
    failures: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(200):
                commit(store, {"2020-01": 3 + i % 2})
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not done.is_set() or reads < 50:
        try:
            n = store.query("SELECT count(*) AS n FROM street")["n"][0]
            assert n in (3, 4)
        except Exception as exc:  # a reader must never fail
            failures.append(exc)
        reads += 1
    thread.join()
    assert failures == [], f"{len(failures)} of {reads} reads failed: {failures[0]}"


def test_superseded_files_are_removed_after_the_grace_period(settings):
    quick = EventStore(settings.events_dir, grace_seconds=0.5)
    commit(quick, {"2020-01": 3})
    (first,) = quick.files("police_uk_street")
    commit(quick, {"2020-01": 4})
    manifest = json.loads(quick.manifest_path.read_text())
    rel = first.relative_to(quick.root).as_posix()
    assert first.exists() and rel in manifest["superseded"]
    time.sleep(0.6)
    commit(quick, {"2020-02": 1})
    assert not first.exists()
    assert rel not in json.loads(quick.manifest_path.read_text())["superseded"]
    assert quick.query("SELECT count(*) AS n FROM street")["n"][0] == 5


def test_a_stage_left_by_a_killed_process_is_removed_by_the_next_stage(store, tmp_path):
    """kill -9 used to leave .staging/<id> behind for good; a live stage is never touched."""
    code = (
        "import os, signal, sys\n"
        "import pyarrow as pa\n"
        "from pathlib import Path\n"
        "from upstream.events import EventStore\n"
        "stage = EventStore(Path(sys.argv[1])).stage()\n"
        "t = pa.table({'month': ['2020-01'], 'crime_type': ['Robbery']})\n"
        "stage.append('police_uk_street', '2020-01', t, 'x.csv')\n"
        "stage.close_writers()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(store.root)], check=False)
    assert proc.returncode == -signal.SIGKILL
    (dead,) = [p for p in (store.root / ".staging").iterdir() if p.is_dir()]
    with store.stage() as live:
        assert not dead.exists() and live.root.exists()
        with store.stage() as other:
            assert live.root.exists() and other.root.exists()  # in progress: kept
    assert list((store.root / ".staging").iterdir()) == []


def test_a_commit_says_which_months_another_ingest_committed_meanwhile(store):
    """The last of two concurrent ingests of a month used to replace the other silently."""
    commit(store, {"2020-01": 3})
    with store.stage() as slow:
        slow.append("police_uk_street", "2020-01", table("2020-01", 7), "slow.csv")
        slow.append("police_uk_street", "2020-02", table("2020-02", 1), "slow.csv")
        fast = commit(store, {"2020-01": 5}, origin="fast.csv")
        assert fast.overtaken == []  # nothing else was committed while it ran
        done = store.commit(slow)
    (overtaken,) = done.overtaken
    assert (overtaken.source, overtaken.month, overtaken.origin) == (
        "police_uk_street",
        "2020-01",
        ("fast.csv",),
    )
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 8


def test_a_version_1_manifest_is_read_and_upgraded(store):
    """Stores written before versioned manifests keep working."""
    commit(store, {"2020-01": 3})
    old = json.loads(store.manifest_path.read_text())
    old["version"] = 1
    del old["generation"], old["superseded"]
    for months in old["partitions"].values():
        for entry in months.values():
            del entry["generation"]
    store.manifest_path.write_text(json.dumps(old))
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 3
    commit(store, {"2020-01": 4})
    assert json.loads(store.manifest_path.read_text())["version"] == 2
    assert store.query("SELECT count(*) AS n FROM street")["n"][0] == 4
