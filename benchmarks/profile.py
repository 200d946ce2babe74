"""Benchmark: build the strategic profile for the bundled data (target under 30 s).

Loads the bundled real police.uk data and the synthetic borough into a temporary event
store (as ``upstream bootstrap`` does, but without preparing the forecast; not timed), then
times building the profile and rendering it to one HTML file, three times, and writes
benchmarks/results/profile.json. The first run is cold: it computes the forecast section's
12-month backtest of every method and caches it on disk; the others read that cache, as
every build after ``upstream bootstrap`` does.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from pathlib import Path

from upstream.bootstrap import bootstrap
from upstream.config import Settings
from upstream.report.profile import build_profile, render_html

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SECONDS = 30.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        list(bootstrap(settings))
        runs = []
        size = 0
        for _ in range(3):
            start = time.perf_counter()
            profile = build_profile(settings)
            built = time.perf_counter()
            html = render_html(profile)
            done = time.perf_counter()
            size = len(html.encode("utf-8"))
            runs.append({"build_s": round(built - start, 3), "total_s": round(done - start, 3)})
    runs[0]["cold"] = True  # computed the forecast backtest (then cached)
    worst = max(r["total_s"] for r in runs)
    result = {
        "benchmark": "profile",
        "what": "build_profile + render_html on bundled police.uk + synthetic borough",
        "runs": runs,
        "worst_total_s": worst,
        "cold_total_s": runs[0]["total_s"],
        "warm_worst_total_s": max(r["total_s"] for r in runs[1:]),
        "target_s": TARGET_SECONDS,
        "meets_target": worst < TARGET_SECONDS,
        "sections": len(profile.sections),
        "figures": len(profile.figures()),
        "html_bytes": size,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "profile.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
