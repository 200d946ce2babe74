"""The coverage report as the public may see it, and the account package's dependencies."""

from __future__ import annotations

from pathlib import Path

from tests.test_architecture import FORBIDDEN, SRC, imports_of
from upstream.account.published import is_partnership_source, published_coverage


def _source(rows: int, by_type: list[tuple[str, int]], per_month: dict[str, int]) -> dict:
    return {
        "months": list(per_month),
        "first": min(per_month),
        "last": max(per_month),
        "gaps": [],
        "rows": rows,
        "outside_area": 3,
        "unplaced": 0,
        "quarantined": 12,
        "by_type": [list(t) for t in by_type],
        "rows_by_month": per_month,
        "view": "incidents",
        "synthetic": True,
        "by_label": "offence",
    }


def test_partnership_counts_are_controlled_and_police_uk_counts_are_not() -> None:
    report = {
        "sources": {
            "incidents_police_synthetic": _source(
                60,
                [("Robbery", 45), ("Homicide", 2), ("Possession of weapons", 13)],
                {"2024-01": 30, "2024-02": 25, "2024-03": 5},
            ),
            "incidents_a_and_e": _source(7, [("Violence", 7)], {"2024-01": 7}),
            "police_uk_street": _source(4, [("Robbery", 4)], {"2024-01": 4}),
        }
    }
    out = published_coverage(report)
    police = out["sources"]["incidents_police_synthetic"]
    assert police["rows"] == 60
    assert police["by_type"] == [
        ["Robbery", 45],
        ["Homicide", None],
        ["Possession of weapons", None],
    ]
    assert police["rows_by_month"] == {"2024-01": 30, "2024-02": None, "2024-03": None}
    assert (police["outside_area"], police["unplaced"], police["quarantined"]) == (None, 0, 12)
    ae = out["sources"]["incidents_a_and_e"]
    assert ae["rows"] is None and ae["by_type"] == [["Violence", None]]
    assert out["sources"]["police_uk_street"] == report["sources"]["police_uk_street"]
    assert "disclosure" in out and "null" in out["disclosure"]
    # the input is not changed
    assert report["sources"]["incidents_a_and_e"]["rows"] == 7


def test_every_source_but_police_uk_is_partnership_data() -> None:
    assert not is_partnership_source("police_uk_street")
    assert not is_partnership_source("police_uk_stop_search")
    for source in ("incidents_police", "involvements_a_and_e_synthetic", "something_new"):
        assert is_partnership_source(source)


CASE_STORE_DOORS = {"account/outcomes/casesources.py"}
"""The one account module that reads the case store: monthly counts for the outcome measures,
selecting no personal field (tests/account/outcomes/test_casesources.py checks every query)."""

CASE_STORE_PACKAGES = ("account/actions/", "account/board/")
"""The action plan lives in the case store's database by design: it shares its users,
sessions, policy and audit log (tests/account/actions). The board pack reads the case store's
totals (urgent response, action-plan exceptions) for signed-in board members, through an
audited use case; tests/account/board/test_cli.py checks no personal field reaches the pack.
The open data (account/publish) never may: tests/account/publish checks every import."""


def test_account_never_imports_the_case_store_or_the_web() -> None:
    for path in sorted((SRC / "account").rglob("*.py")):
        web_only = ("upstream.web", "fastapi", "starlette")
        where = str(path.relative_to(SRC))
        door = where in CASE_STORE_DOORS or where.startswith(CASE_STORE_PACKAGES)
        forbidden = web_only if door else FORBIDDEN
        bad = sorted(n for n in imports_of(Path(path)) if n.startswith(forbidden))
        assert bad == [], f"{path.relative_to(SRC)} imports {bad}"
