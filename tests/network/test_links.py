"""Evidence links: validation with line and field, and ageing out of the window."""

from __future__ import annotations

from datetime import date

import pytest

from tests.network.helpers import AS_OF, frame, link, person
from upstream.network import NetworkInputError
from upstream.network.links import active_links, validate_links
from upstream.network.people import validate_people


def test_a_valid_frame_keeps_only_the_schema_columns() -> None:
    out = validate_links(frame([link("P1", "P2") | {"notes": "free text"}]))
    assert "notes" not in out.columns
    assert out.loc[0, "evidence_date"] == date(2025, 5, 31)


@pytest.mark.parametrize("column", ["name", "Date of birth", "home_address", "pnc"])
def test_an_identifying_column_refuses_the_file(column: str) -> None:
    with pytest.raises(NetworkInputError, match=f"^line 1, {column}: this column looks like"):
        validate_links(frame([link("P1", "P2") | {column: "x"}]))
    with pytest.raises(NetworkInputError, match=f"^line 1, {column}: this column looks like"):
        validate_people(frame([person("P1") | {column: "x"}]))


@pytest.mark.parametrize("pid", ["Jane", "SMITH-J", "Jane Smith 2"])
def test_an_id_like_a_name_is_refused_and_not_quoted(pid: str) -> None:
    with pytest.raises(NetworkInputError, match=r"^line 3, b: looks like a personal name") as e:
        validate_links(frame([link("P1", "P2"), link("P1", pid)]))
    assert pid not in str(e.value)
    with pytest.raises(NetworkInputError, match=r"^line 2, id: looks like a personal name"):
        validate_people(frame([person(pid)]))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"kind": "enemy"}, "line 3, kind"),
        ({"evidence_date": "31/05/2025"}, "line 3, evidence_date"),
        ({"b": "P1"}, "line 3, b"),
        ({"evidence_ids": " "}, "line 3, evidence_ids"),
        ({"kind": "intelligence", "grading": ""}, "line 3, grading"),
        ({"kind": "intelligence", "grading": "D2P"}, "line 3, grading"),
        ({"review_date": "2020-01-01"}, "line 3, review_date"),
    ],
)
def test_bad_rows_are_named_by_line_and_field(change: dict[str, str], where: str) -> None:
    rows = [link("P1", "P2"), link("P1", "P3") | change]
    with pytest.raises(NetworkInputError, match=f"^{where}:"):
        validate_links(frame(rows))


def test_a_missing_column_is_named() -> None:
    with pytest.raises(NetworkInputError, match=r"missing column.*source_agency"):
        validate_links(frame([link("P1", "P2")]).drop(columns="source_agency"))


def test_graded_intelligence_is_accepted() -> None:
    out = validate_links(frame([link("P1", "P2", "intelligence", grading="2BP")]))
    assert out.loc[0, "grading"] == "2BP"


@pytest.mark.parametrize("code", ["B2P", "4AP", "1FP", "1AX", "2B"])
def test_gradings_outside_the_3x5x2_scheme_are_refused(code: str) -> None:
    """Source 1-3, then intelligence A-E, then handling P or C (College of Policing 3x5x2):
    the older 5x5x5 order (letter first) and out-of-range codes are refused."""
    with pytest.raises(NetworkInputError, match="grading"):
        validate_links(frame([link("P1", "P2", "intelligence", grading=code)]))


def test_links_age_out_after_the_window_unless_re_evidenced() -> None:
    days_25_months = 25 * 31
    rows = [
        link("P1", "P2", days_ago=days_25_months),  # old: out
        link("P3", "P4", days_ago=days_25_months),
        link("P4", "P3", days_ago=10, ref="INC-NEW"),  # re-evidenced (either order): in
        link("P5", "P6", days_ago=-5),  # evidence after the date analysed: ignored
    ]
    active = active_links(validate_links(frame(rows)), AS_OF, window_months=24)
    assert list(zip(active["a"], active["b"], strict=True)) == [("P3", "P4")]
    assert active.loc[0, "n_evidence"] == 2
    assert "INC-NEW" in str(active.loc[0, "evidence_ids"])
    assert active.loc[0, "evidence_date"] == date(2025, 6, 20)
    # a shorter window drops what the default keeps
    assert len(active_links(validate_links(frame([link("P1", "P2", days_ago=200)])), AS_OF, 6)) == 0


def test_the_window_boundary_is_inclusive() -> None:
    # 2023-06-30 is exactly 24 months before 2025-06-30
    rows = [
        link("P1", "P2", days_ago=(AS_OF - date(2023, 6, 30)).days, review_days=1000),
        link("P3", "P4", days_ago=(AS_OF - date(2023, 6, 29)).days, review_days=1000),
    ]
    active = active_links(validate_links(frame(rows)), AS_OF)
    assert list(active["a"]) == ["P1"]


def test_a_link_past_its_review_date_is_not_used() -> None:
    rows = [link("P1", "P2", days_ago=100, review_days=50), link("P3", "P4", days_ago=100)]
    assert list(active_links(validate_links(frame(rows)), AS_OF)["a"]) == ["P3"]


def test_victim_suspect_keeps_its_direction() -> None:
    rows = [link("P9", "P1", "victim_suspect"), link("P1", "P9", "victim_suspect", days_ago=40)]
    active = active_links(validate_links(frame(rows)), AS_OF)
    assert sorted(zip(active["a"], active["b"], strict=True)) == [("P1", "P9"), ("P9", "P1")]
