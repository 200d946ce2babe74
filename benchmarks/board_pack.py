"""Benchmark: how long the board pack takes to build from what ``make run`` loads.

Loads the bundled police.uk data, the SYNTHETIC borough, the demo case store and the demo
action plan into a temporary folder (``upstream bootstrap``; not timed; it also prepares the
Plan and Evaluation pages' caches, as ``make run`` does), then times, three times each:

* ``build_pack``: computing every item for the current quarter;
* ``render``: the self-contained HTML (Plotly inlined);
* ``cli``: the whole ``upstream board-pack --quarter ... --out pack.html`` in this process;
* ``pdf``: printing the same HTML with the local Chromium (skipped without one).

Writes benchmarks/results/board_pack.json.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from upstream.account.actions.service import today_in_london
from upstream.account.board.pack import build_pack
from upstream.account.board.pdf import PdfUnavailable, find_chromium, print_pdf
from upstream.account.board.quarter import Quarter
from upstream.account.board.render import render_pack
from upstream.bootstrap import bootstrap
from upstream.cli import app
from upstream.config import Settings

RESULTS = Path(__file__).resolve().parent / "results"
RUNS = 3


def _timed(work: object) -> list[float]:
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        runs.append(round(time.perf_counter() - start, 3))
    return runs


def main() -> None:
    today = today_in_london()
    quarter = Quarter(today.year, (today.month - 1) // 3 + 1)
    out: dict[str, object] = {"quarter": quarter.label}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "var")
        list(bootstrap(settings))
        out["build_pack_s"] = _timed(lambda: build_pack(settings, quarter))
        pack = build_pack(settings, quarter)
        out["render_s"] = _timed(lambda: render_pack(pack))
        html = render_pack(pack)
        out["html_bytes"] = len(html.encode("utf-8"))
        os.environ["UPSTREAM_DATA_DIR"] = str(settings.data_dir)
        target = Path(tmp) / "pack.html"
        args = ["board-pack", "--quarter", quarter.label, "--out", str(target)]

        def cli() -> None:
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.output

        out["cli_s"] = _timed(cli)
        if find_chromium() is None:
            out["pdf_s"] = None
        else:
            try:
                out["pdf_s"] = _timed(lambda: print_pdf(html, Path(tmp) / "pack.pdf"))
                out["pdf_bytes"] = (Path(tmp) / "pack.pdf").stat().st_size
            except PdfUnavailable as exc:
                out["pdf_s"] = None
                out["pdf_error"] = str(exc)
    out.update(
        {
            "runs": RUNS,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "board_pack.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
