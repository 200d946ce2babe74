"""Benchmark: ingest speed and peak memory of ``upstream ingest police-uk``.

Generates 5,000,000 rows in data.police.uk's street-level CSV format, spread over 60 monthly
files of about 83,000 rows: the size of the whole Metropolitan Police area's files, about
five years of them. About one row in ten is placed at a real police.uk snap point inside
Waltham Forest (taken from the bundled data); the rest fall elsewhere in London and are
counted as outside the area, as when a borough ingests force-wide files. One row in a hundred
has no location.

The ingest runs as a separate process of the real command line; wall time is measured from
start to exit (Python start-up included) and peak memory is that process's maximum resident
set size. Results go to ``benchmarks/results/ingest.json``.

Then the same 5,000,000 rows are ingested again as **one file** (one month of one force, as
if a force published a single huge file): memory must not grow with the file (issue 11 found
1.03 GB before the CSV reader streamed whole-record chunks).

Targets (issue 2): at least 500,000 rows/s and under 2 GB peak memory on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv

from upstream.definitions import POLICE_UK_CRIME_TYPES

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".scratch" / "ingest"
RESULTS = ROOT / "benchmarks" / "results" / "ingest.json"
ROWS = int(os.environ.get("BENCH_INGEST_ROWS", 5_000_000))
MONTHS = 60

CRIME_TYPES = list(POLICE_UK_CRIME_TYPES)


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    digits = np.frombuffer(b"0123456789abcdef", dtype="S1")
    raw = rng.integers(0, 16, size=(n, 64), dtype=np.uint8)
    return pa.array(digits[raw].view("S64").ravel().astype(str))


def generate(folder: Path, rows: int, seed: int = 20241) -> list[Path]:
    """Write ``rows`` street-level rows as official monthly CSV files in ``folder``."""
    rng = np.random.default_rng(seed)
    real = pd.read_parquet(ROOT / "data" / "police_uk" / "waltham_forest_street.parquet")
    snaps = real[["longitude", "latitude", "location", "lsoa_code", "lsoa_name"]].drop_duplicates(
        ["longitude", "latitude"]
    )
    months = [str(p) for p in pd.period_range("2019-01", periods=MONTHS, freq="M")]
    per_month = np.full(MONTHS, rows // MONTHS)
    per_month[: rows % MONTHS] += 1
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for month, n in zip(months, per_month, strict=True):
        inside = rng.random(n) < 0.10
        pick = rng.integers(0, len(snaps), n)
        lon = np.where(inside, snaps.longitude.to_numpy()[pick], rng.uniform(-0.45, 0.25, n))
        lat = np.where(inside, snaps.latitude.to_numpy()[pick], rng.uniform(51.30, 51.68, n))
        lon, lat = np.round(lon, 6), np.round(lat, 6)
        lon_text = pa.array(lon).cast(pa.string())
        lat_text = pa.array(lat).cast(pa.string())
        no_location = rng.random(n) < 0.01
        empty = pa.array(np.full(n, ""))
        lon_text = pa.array(np.where(no_location, "", lon_text.to_numpy(zero_copy_only=False)))
        lat_text = pa.array(np.where(no_location, "", lat_text.to_numpy(zero_copy_only=False)))
        location = np.where(inside, snaps.location.to_numpy()[pick], "On or near Somewhere Road")
        lsoa = np.where(inside, snaps.lsoa_code.to_numpy()[pick], "E01000001")
        lsoa_name = np.where(inside, snaps.lsoa_name.to_numpy()[pick], "City of London 001A")
        ctype = np.asarray(CRIME_TYPES)[rng.integers(0, len(CRIME_TYPES), n)]
        is_asb = ctype == "Anti-social behaviour"
        ids = np.where(is_asb, "", _hex_ids(rng, n).to_numpy(zero_copy_only=False))
        table = pa.table(
            {
                "Crime ID": pa.array(ids),
                "Month": pa.array(np.full(n, month)),
                "Reported by": pa.array(np.full(n, "Metropolitan Police Service")),
                "Falls within": pa.array(np.full(n, "Metropolitan Police Service")),
                "Longitude": lon_text,
                "Latitude": lat_text,
                "Location": pa.array(np.where(no_location, "No Location", location)),
                "LSOA code": pa.array(np.where(no_location, "", lsoa)),
                "LSOA name": pa.array(np.where(no_location, "", lsoa_name)),
                "Crime type": pa.array(ctype),
                "Last outcome category": pa.array(
                    np.where(is_asb, "", "Investigation complete; no suspect identified")
                ),
                "Context": empty,
            }
        )
        path = folder / f"{month}-metropolitan-street.csv"
        pv.write_csv(table, path, pv.WriteOptions(quoting_style="needed"))
        paths.append(path)
    return paths


def one_file(paths: list[Path], out: Path, month: str = "2019-01") -> Path:
    """Concatenate monthly files into one file of ``month`` (the Month cells rewritten)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        for i, path in enumerate(sorted(paths)):
            head, _, body = path.read_bytes().partition(b"\n")
            if i == 0:
                fh.write(head + b"\n")
            fh.write(body.replace(path.name[:7].encode(), month.encode()))
    return out


def run_ingest(path: Path, data_dir: Path) -> tuple[float, int, str]:
    """Run the real CLI once; return wall seconds, that process's peak RSS bytes, its output."""
    env = {**os.environ, "UPSTREAM_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-m", "upstream.cli", "ingest", "police-uk", "--quiet", str(path)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"ingest failed:\n{err.read()}")
        return wall, usage.ru_maxrss * 1024, out.read()


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    csv_dir = WORK / "csv"
    t0 = time.perf_counter()
    paths = generate(csv_dir, ROWS)
    gen_seconds = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths)
    print(
        f"generated {ROWS:,} rows in {len(paths)} files ({size / 1e9:.2f} GB)"
        f" in {gen_seconds:.1f} s"
    )
    wall, peak, out = run_ingest(csv_dir, WORK / "store")
    second_wall, _, _ = run_ingest(csv_dir, WORK / "store")  # idempotent re-run, same files
    shutil.rmtree(WORK / "store", ignore_errors=True)
    single = one_file(paths, WORK / "one" / "2019-01-metropolitan-street.csv")
    shutil.rmtree(csv_dir, ignore_errors=True)
    one_wall, one_peak, _ = run_ingest(single, WORK / "store_one")
    rate = ROWS / wall
    result = {
        "rows": ROWS,
        "files": len(paths),
        "csv_bytes": size,
        "wall_seconds": round(wall, 2),
        "rows_per_second": round(rate),
        "peak_memory_bytes": peak,
        "peak_memory_gb": round(peak / 1e9, 3),
        "reingest_wall_seconds": round(second_wall, 2),
        "one_file": {
            "rows": ROWS,
            "csv_bytes": single.stat().st_size,
            "wall_seconds": round(one_wall, 2),
            "rows_per_second": round(ROWS / one_wall),
            "peak_memory_bytes": one_peak,
            "peak_memory_gb": round(one_peak / 1e9, 3),
        },
        "targets": {"rows_per_second": 500_000, "peak_memory_gb": 2.0},
        "meets_targets": bool(rate >= 500_000 and peak < 2e9 and one_peak < 2e9),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print(out.strip().splitlines()[-1])
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
