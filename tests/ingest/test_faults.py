"""Faults the machine causes, on the real command line in a subprocess: a read-only or full
disk, the open-file limit, kill -9, two ingests of one month at once, pathological input.

The read-only and full-disk tests use a real read-only bind mount and a real small tmpfs
where the machine lets root mount file systems. Where it does not (some CI containers),
they inject the same OS error at the first write instead and say so with a warning in the
test report, so nothing is skipped silently.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.ingest.test_bad_input import snapshot
from upstream.cli import app
from upstream.events import EventStore
from upstream.testing import write_police_uk_zip, write_street_csv

runner = CliRunner()


def cli(*args: str, data_dir: Path, limit_files: int | None = None, timeout: float = 300):
    """Run ``upstream ARGS`` as a separate process on ``data_dir``."""

    def limits() -> None:
        if limit_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit_files, limit_files))

    return subprocess.run(
        [sys.executable, "-m", "upstream.cli", *args],
        env={**os.environ, "UPSTREAM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limits,
        check=False,
    )


def spawn(*args: str, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "upstream.cli", *args],
        env={**os.environ, "UPSTREAM_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def one_clear_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The process failed with exit 1 and an error line, no traceback, no crash."""
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("error: ") and lines[-1] == "Nothing was written to the event store."
    return " ".join(proc.stderr.split())


def _mount(*args: str) -> bool:
    if os.geteuid() != 0:
        return False
    try:
        done = subprocess.run(["mount", *args], capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False, timeout=30)


@contextlib.contextmanager
def small_filesystem(path: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs of ``size`` at ``path``; yields whether the mount was allowed."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield mounted
    finally:
        if mounted:
            _umount(path)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[bool]:
    """Bind-mount ``path`` read-only over itself; yields whether that was allowed."""
    mounted = _mount("--bind", str(path), str(path))
    if mounted and not _mount("-o", "remount,ro,bind", str(path)):
        _umount(path)
        mounted = False
    try:
        yield mounted
    finally:
        if mounted:
            _umount(path)


@pytest.fixture
def months(tmp_path, street_rows) -> list[Path]:
    """Official CSVs for every bundled month (2016-04 to 2017-12)."""
    return write_street_csv(street_rows, tmp_path / "csv")


def test_read_only_store_is_reported_by_what_to_do(tmp_path, settings, months, monkeypatch):
    """EROFS used to end in a traceback."""
    assert runner.invoke(app, ["ingest", "police-uk", "--quiet", str(months[0])]).exit_code == 0
    before = snapshot(settings.events_dir)
    with read_only(settings.data_dir) as mounted:
        if mounted:
            out = one_clear_line(
                cli("ingest", "police-uk", str(months[1]), data_dir=settings.data_dir)
            )
        else:
            warnings.warn(
                "mount not permitted here: EROFS injected at the store's first write instead",
                stacklevel=1,
            )
            real_open = os.open

            def refuse(path, flags, *args, **kw):  # type: ignore[no-untyped-def]
                if str(path).startswith(str(settings.data_dir)) and flags & os.O_CREAT:
                    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
                return real_open(path, flags, *args, **kw)

            monkeypatch.setattr(os, "open", refuse)
            result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(months[1])])
            monkeypatch.undo()
            assert result.exit_code == 1 and result.exception is not None
            out = " ".join(result.output.split())
    assert "error: the store folder is read-only" in out and "UPSTREAM_DATA_DIR" in out
    assert snapshot(settings.events_dir) == before


def test_full_disk_is_reported_with_the_space_needed(tmp_path, months, monkeypatch):
    """ENOSPC used to end in a traceback; the store is left as it was and staging is freed."""
    data_dir = tmp_path / "small"
    with small_filesystem(data_dir, "1m") as mounted:
        if mounted:
            proc = cli("ingest", "police-uk", str(months[0].parent), data_dir=data_dir)
            out = one_clear_line(proc)
        else:
            warnings.warn(
                "mount not permitted here: ENOSPC injected at the staged Parquet writes instead",
                stacklevel=1,
            )
            import pyarrow.parquet as pq

            written: list[int] = []
            real = pq.ParquetWriter.write_table

            def fill(self, table, *args, **kw):  # type: ignore[no-untyped-def]
                written.append(table.num_rows)
                if sum(written) > 20_000:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return real(self, table, *args, **kw)

            monkeypatch.setenv("UPSTREAM_DATA_DIR", str(data_dir))
            monkeypatch.setattr(pq.ParquetWriter, "write_table", fill)
            result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(months[0].parent)])
            monkeypatch.undo()
            assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
            out = " ".join(result.output.split())
        needed = float(re.search(r"the disk is full: about ([\d.,]+) MB needed", out)[1])
        assert needed > 0.1 and "Free some space" in out
        store = EventStore(data_dir / "events")
        assert store.is_empty()
        assert not any((store.root / ".staging").iterdir())


def test_an_archive_of_many_forces_and_months_stays_within_the_open_file_limit(
    tmp_path, street_rows
):
    """One writer per file and month used to stay open until commit: EMFILE at 126 files."""
    files = []
    for force in ("metropolitan", "kent", "essex", "surrey", "sussex", "thames-valley"):
        files += write_street_csv(street_rows.groupby("month").head(30), tmp_path / force, force)
    archive = write_police_uk_zip(files, tmp_path / "archive.zip")
    proc = cli(
        "ingest", "police-uk", "--quiet", str(archive), data_dir=tmp_path / "var", limit_files=48
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    store = EventStore(tmp_path / "var" / "events")
    assert store.coverage()["police_uk_street"]["rows"] == len(files) * 30


def test_too_many_open_files_is_described_by_what_to_do(tmp_path):
    """A real EMFILE (the limit lowered, then exhausted) becomes one line of advice."""
    code = (
        "import os, resource\n"
        "from pathlib import Path\n"
        "from upstream.ingest import describe_os_error\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "held = []\n"
        "try:\n"
        "    while True:\n"
        "        held.append(os.open(os.devnull, os.O_RDONLY))\n"
        "except OSError as exc:\n"
        "    print(describe_os_error(exc, Path('var')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == (
        "too many open files (this process may open 64). Raise the limit, e.g. "
        "'ulimit -n 4096', and run again."
    )


def test_a_zip_with_an_over_long_line_exits_cleanly(tmp_path, street_rows):
    """pyarrow's reader threads used to abort the interpreter at exit (SIGABRT, exit 134)."""
    (june,) = write_street_csv(street_rows[street_rows.month == "2016-06"], tmp_path / "csv")
    lines = june.read_text().splitlines(keepends=True)
    june.write_text("".join([*lines[:5], "x" * (50 << 20) + "\n", *lines[5:]]))
    archive = write_police_uk_zip([june], tmp_path / "archive.zip")
    out = one_clear_line(
        cli("ingest", "police-uk", "--quiet", str(archive), data_dir=tmp_path / "var")
    )
    assert "line 6 is longer than the limit of 16 MB" in out


def test_a_file_of_sixteen_megabytes_of_newlines(tmp_path):
    """Blank lines used to be collected one by one: about 2 GB, and a very long wait."""
    path = tmp_path / "csv" / "2016-06-metropolitan-street.csv"
    path.parent.mkdir()
    from upstream.testing import STREET_HEADER

    path.write_bytes((",".join(STREET_HEADER) + "\n").encode() + b"\n" * (16 << 20))
    code = (
        "import resource, subprocess, sys\n"
        f"p = subprocess.run([sys.executable, '-m', 'upstream.cli', 'ingest', 'police-uk', "
        f"'--quiet', {str(path)!r}], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
        "print(p.returncode, peak, p.stderr.replace(chr(10), ' '))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "UPSTREAM_DATA_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    code_, peak, message = proc.stdout.split(" ", 2)
    assert code_ == "1" and "the file has a header but no rows" in message
    assert int(peak) < 1_000_000_000, f"peak memory {int(peak) / 1e9:.2f} GB"


def _wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def _writer_once_read(fifo: Path) -> int:
    """Wait until a process has ``fifo`` open for reading; return a writing end, held open
    so that process then waits for data (instead of seeing the end of the file)."""
    fd = -1

    def reader_there() -> bool:
        nonlocal fd
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody reads it yet
                raise
            return False
        return True

    _wait_for(reader_there)
    os.set_blocking(fd, True)
    return fd


def _staged(data_dir: Path) -> list[Path]:
    staging = data_dir / "events" / ".staging"
    return sorted(p for p in staging.glob("*") if p.is_dir()) if staging.exists() else []


def test_kill_9_mid_ingest_leaves_staging_that_the_next_ingest_removes(tmp_path, months):
    """kill -9 used to leave .staging/<id> folders (up to 18 MB) that nothing removed.

    The ingest stages a month, then waits on a named pipe for its second file, so it is
    killed at a known point: with a month staged and nothing committed.
    """
    data_dir = tmp_path / "var"
    assert cli("ingest", "police-uk", "--quiet", str(months[0]), data_dir=data_dir).returncode == 0
    manifest = (data_dir / "events" / "manifest.json").read_bytes()
    fifo = tmp_path / "pipe" / "2016-07-metropolitan-street.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    victim = spawn("ingest", "police-uk", "--quiet", str(months[1]), str(fifo), data_dir=data_dir)
    writer = _writer_once_read(fifo)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    os.close(writer)
    (left,) = _staged(data_dir)
    assert list(left.rglob("*.parquet")), "the killed ingest had staged a month"
    assert (data_dir / "events" / "manifest.json").read_bytes() == manifest
    # The next ingest removes it; a stage in progress (this process holds its lock) stays.
    store = EventStore(data_dir / "events")
    with store.stage() as live:
        proc = cli("ingest", "police-uk", "--quiet", str(months[2]), data_dir=data_dir)
        assert proc.returncode == 0, proc.stderr
        assert _staged(data_dir) == [live.root]
    assert not left.exists() and _staged(data_dir) == []
    assert store.coverage()["police_uk_street"]["months"] == ["2016-04", "2016-06"]


def test_concurrent_ingests_of_one_month_say_which_was_replaced(tmp_path, street_rows):
    """The last of two concurrent ingests of a month used to replace the other silently.

    Ingest A starts (its stage exists) and waits on a named pipe for its file; ingest B of
    the same month runs to the end meanwhile; then A gets its data and commits last.
    """
    data_dir = tmp_path / "var"
    june = street_rows[street_rows.month == "2016-06"]
    (b_file,) = write_street_csv(june.head(100), tmp_path / "b")
    (a_source,) = write_street_csv(june, tmp_path / "a_data")
    fifo = tmp_path / "a" / "2016-06-metropolitan-street.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    a = spawn("ingest", "police-uk", "--quiet", str(fifo), data_dir=data_dir)
    writer = _writer_once_read(fifo)
    b = cli("ingest", "police-uk", "--quiet", str(b_file), data_dir=data_dir)
    assert b.returncode == 0 and "note:" not in b.stdout
    with os.fdopen(writer, "wb") as pipe:
        pipe.write(a_source.read_bytes())
    out, err = a.communicate(timeout=120)
    assert a.returncode == 0, err
    said = " ".join(out.split())
    assert "note: police_uk_street 2016-06 was committed by another ingest" in said
    assert "b/2016-06-metropolitan-street.csv" in said and "this ingest replaced it" in said
    stored = EventStore(data_dir / "events").query("SELECT count(*) AS n FROM street")["n"][0]
    assert stored == len(june)


def test_the_bundled_months_round_trip_through_a_subprocess(tmp_path, months):
    """The harness itself: the same command in a subprocess stores every bundled row."""
    proc = cli("ingest", "police-uk", "--quiet", str(months[0].parent), data_dir=tmp_path / "v")
    assert proc.returncode == 0, proc.stderr
    cov = EventStore(tmp_path / "v" / "events").coverage()["police_uk_street"]
    assert cov["rows"] == sum(len(pd.read_csv(p)) for p in months)
