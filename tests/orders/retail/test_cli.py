"""``upstream retail`` end to end on the test's SQLite case store: a bad register is one
line per bad row naming file, line and field, exit 1, nothing stored; a good one is stored
once; list, due (with a partnership's own rules) and compliance; ``--as`` applies the user's
rights."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from tests.cases.conftest import PASSWORD, add_user
from upstream.cases.db import case_store, dispose_all
from upstream.cases.vocab import Agency, Role
from upstream.cli import app
from upstream.config import get_settings
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.service import add_test_purchase, list_premises, today_in_london

from .conftest import purchase

runner = CliRunner()

HEADER = "ref,name,address,type,easting,northing,longitude,latitude\n"


def test_import_list_due_and_compliance(tmp_path: Path) -> None:
    bad = tmp_path / "shops.csv"
    bad.write_text(
        HEADER + "S1,Blade Shop,1 High Road,shop,537500,189500,,\n"
        "S2,Far,2 Strand,shop,530000,180000,,\nS3,Kiosk,3 Road,kiosk,537500,189500,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["retail", "import", str(bad)])
    assert result.exit_code == 1
    assert "shops.csv, line 4, type: 'kiosk' is not one of" in result.output
    assert "nothing imported (1 problem(s))" in result.output
    bad.write_text(bad.read_text().rsplit("S3", 1)[0], encoding="utf-8")
    result = runner.invoke(app, ["retail", "import", str(bad)])
    assert result.exit_code == 1
    assert "shops.csv, line 3, easting/northing: the location (530000, 180000 BNG) is outside" in (
        result.output.replace("\n", " ")
    )
    store = case_store(get_settings())
    assert list_premises(retail_operator("t"), store) == []
    good = tmp_path / "good.csv"
    lines = ("S1,Blade Shop,1 High Road,shop,537500,189500,,\n"
             "S2,Cook Shop,2 Hoe Street,shop,,,-0.0197,51.5862\n")  # fmt: skip
    good.write_text(HEADER + lines, encoding="utf-8")
    first = runner.invoke(app, ["retail", "import", str(good)]).output
    again = runner.invoke(app, ["retail", "import", str(good)]).output
    assert "2 added, 0 changed, 0 unchanged" in first and "0 added, 0 changed, 2 unchanged" in again
    today = today_in_london()
    sold = purchase(today - timedelta(days=40), "sold")
    add_test_purchase(retail_operator("t"), store, "S1", sold, today=today)
    listed = runner.invoke(app, ["retail", "list"], terminal_width=200)
    assert (
        listed.exit_code == 0 and "Blade Shop" in listed.output and "never tested" in listed.output
    )
    due = runner.invoke(app, ["retail", "due"], terminal_width=200)
    assert due.exit_code == 0 and "never tested: due now" in due.output
    assert "OVERDUE" not in due.output
    rules = tmp_path / "retail.toml"
    rules.write_text("[retest]\nafter_sale_months = 1\n", encoding="utf-8")
    mine = runner.invoke(app, ["retail", "due", "--rules", str(rules)], terminal_width=200)
    assert "OVERDUE" in mine.output and "re-test within 1 months" in mine.output
    rules.write_text("[retest]\nafter_sale_months = -1\n", encoding="utf-8")
    refused = runner.invoke(app, ["retail", "due", "--rules", str(rules)], terminal_width=200)
    assert refused.exit_code == 1 and "after_sale_months: must be a whole number" in refused.output
    figures = runner.invoke(app, ["retail", "compliance", "--by", "year"], terminal_width=300)
    assert figures.exit_code == 0
    assert (
        f"{today.year}: 0 of 1 test purchases at all premises were refused (0%)" in figures.output
    )
    dispose_all()


def test_as_a_user_the_policy_applies(tmp_path: Path) -> None:
    store = case_store(get_settings())
    store.migrate()
    add_user(store, "analyst", Role.ANALYST, Agency.POLICE)
    args = ["--as", "analyst", "--purpose", "analysis", "--password-stdin"]
    listed = runner.invoke(app, ["retail", "list", *args], input=PASSWORD + "\n")
    assert listed.exit_code == 1 and "may not retail.read" in listed.output
    figures = runner.invoke(app, ["retail", "compliance", *args], input=PASSWORD + "\n")
    assert figures.exit_code == 0 and "no test purchases recorded yet" in figures.output
    dispose_all()
