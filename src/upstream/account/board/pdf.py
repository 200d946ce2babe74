"""The PDF of the board pack: the same HTML printed by a local headless Chromium, offline.

The HTML is self-contained (Plotly inlined), written to a temporary file and printed with
``chromium --headless --print-to-pdf``; every host name is resolved to nothing
(``--host-resolver-rules``), so the print cannot reach the network even by mistake. The
Chromium used is ``UPSTREAM_CHROMIUM`` if set, else the first of ``chromium``,
``chromium-browser``, ``google-chrome`` on the PATH; with none, :class:`PdfUnavailable` says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CANDIDATES", "PdfUnavailable", "find_chromium", "print_pdf"]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 180
"""Seconds the print may take before it is given up."""


class PdfUnavailable(RuntimeError):
    """No Chromium to print with, or the print failed (the reason in one line)."""


def find_chromium() -> str | None:
    """The Chromium binary to print with, or None."""
    wanted = os.environ.get("UPSTREAM_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else shutil.which(wanted)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: str, out: Path) -> Path:
    """Print ``html`` to ``out`` (A4, the document's print CSS) in one step."""
    binary = find_chromium()
    if binary is None:
        raise PdfUnavailable(
            "no Chromium found to print the PDF (install chromium or set UPSTREAM_CHROMIUM); "
            "the HTML pack was written and prints from any browser"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with tempfile.TemporaryDirectory(prefix="upstream-pack-") as tmp:
        page = Path(tmp) / "pack.html"
        page.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=15000",
            f"--print-to-pdf={partial}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfUnavailable(f"Chromium did not finish printing in {TIMEOUT} s") from None
    if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise PdfUnavailable(f"Chromium could not print the PDF: {last[0]}")
    os.replace(partial, out)
    return out
