"""The PDF: the same HTML printed offline by the local Chromium; a plain message without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.web.test_board_browser import pdf_pages
from upstream.account.board.pdf import PdfUnavailable, print_pdf
from upstream.account.board.quarter import Quarter
from upstream.cli import app
from upstream.config import Settings

runner = CliRunner()


@pytest.mark.browser
def test_the_cli_writes_the_pack_and_its_pdf(
    demo_settings: Settings, this_quarter: Quarter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_settings.data_dir))
    html, pdf = tmp_path / "pack.html", tmp_path / "pack.pdf"
    args = ["board-pack", "--quarter", this_quarter.label, "--out", str(html), "--pdf", str(pdf)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) >= 2 + 8  # two summary pages, then each item on its own pages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.html", "pack.pdf"]


def test_no_chromium_is_said_plainly_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "pack.pdf"
    with pytest.raises(PdfUnavailable, match="no Chromium found to print the PDF"):
        print_pdf("<p>x</p>", out)
    assert not out.exists()


def test_cli_pdf_without_chromium_fails_in_one_line_after_writing_the_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("UPSTREAM_CHROMIUM", str(tmp_path / "no-such-chromium"))
    html, pdf = tmp_path / "pack.html", tmp_path / "pack.pdf"
    args = ["board-pack", "--quarter", "2024Q1", "--out", str(html), "--pdf", str(pdf)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "--pdf: no Chromium found to print the PDF" in result.output
    assert html.exists() and not pdf.exists()
