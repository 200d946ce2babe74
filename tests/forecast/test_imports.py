"""Dependencies point one way: forecasting never imports the web app or the case store."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "upstream.forecast.registry",
    "upstream.forecast.backtest",
    "upstream.forecast.service",
    "upstream.forecast.summary",
    "upstream.forecast.commands",
]


def test_forecast_imports_neither_web_nor_case_store() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette',"
        " 'sqlalchemy') or m.startswith(('upstream.web', 'upstream.cases')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_package_import_is_light() -> None:
    code = (
        "import sys, upstream.forecast; print('lightgbm' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
