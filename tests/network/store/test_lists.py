"""Producing, reading and taking people off stored lists, on SQLite and PostgreSQL.

Each production, read and removal writes exactly one audit event with the session's purpose;
lists are append-only in the ORM and in the database; expired members drop off when read.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from upstream.cases.db import CaseStore
from upstream.cases.duplicates import merge_people
from upstream.cases.models import AuditEvent, Person
from upstream.network.lists import SafeguardError
from upstream.network.store.lists_service import (
    list_index,
    produce_list,
    read_list,
    remove_from_list,
)
from upstream.network.store.models import ListMember, NetworkList
from upstream.network.store.schemas import NetworkInputError
from upstream.network.store.service import person_panel

from .conftest import AS_OF, Team

PURPOSE = "Focused deterrence call-in, December 2026"


def _events(store: CaseStore, action: str) -> list[AuditEvent]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_harm_list_holds_offenders_only_with_its_audit_and_one_event(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    view = read_list(team.intel, store, made.id, AS_OF)
    listed = [m.pseudonym for m in view.members]
    assert set(listed) == {"YP-0000S1", "YP-0000S2", "YP-0000S3", "YP-0000A1", "YP-0000C1"}
    assert "YP-0000V1" not in listed and "YP-0000V2" not in listed  # victims never offenders
    assert all(m.evidence.startswith("INC-") and m.last_evidence <= AS_OF for m in view.members)
    assert view.audit["purpose"] == PURPOSE and view.audit["table"]
    assert {r["dimension"] for r in view.audit["table"]} == {"ethnic_group", "age_band", "sex"}
    (event,) = _events(store, "network.list_produce")
    assert event.reason == PURPOSE
    assert event.purpose == "intelligence"
    assert event.record_id == str(made.id)
    (read,) = _events(store, "network.list_read")
    assert read.purpose == "intelligence" and read.actor_name == "intel"


def test_no_list_without_a_stated_purpose_and_nothing_stored(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    with pytest.raises(SafeguardError):
        produce_list(team.intel, store, purpose="because", kind="harm", as_of=AS_OF)
    with store.unit_of_work() as session:
        assert session.scalars(select(NetworkList)).first() is None
    assert _events(store, "network.list_produce") == []


def test_a_safeguarding_list_ranks_by_exposure_and_shows_no_offences(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(
        team.coordinator, store, purpose="Safeguarding panel, December", kind="safeguarding",
        as_of=AS_OF,
    )  # fmt: skip
    view = read_list(team.coordinator, store, made.id, AS_OF)
    assert view.members and all(m.offences == 0 for m in view.members)
    assert {"YP-0000S1", "YP-0000S2"} <= {m.pseudonym for m in view.members}


def test_members_past_their_review_date_drop_off_when_the_list_is_read(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    later = date(2028, 7, 1)  # the June 2026 incident's review date (24 months) has passed
    view = read_list(team.intel, store, made.id, later)
    assert "YP-0000S1" not in {m.pseudonym for m in view.members}
    assert "YP-0000A1" in {m.pseudonym for m in view.members}
    assert view.expired == 1
    assert all(m.review_date >= later for m in view.members)


def test_removal_needs_a_reason_is_stored_and_audited(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    with pytest.raises(NetworkInputError, match="at least 10"):
        remove_from_list(team.intel, store, made.id, "YP-0000S3", "wrong")
    reason = "Acquitted at trial; no further evidence"
    remove_from_list(team.intel, store, made.id, "YP-0000S3", reason)
    view = read_list(team.intel, store, made.id, AS_OF)
    assert "YP-0000S3" not in {m.pseudonym for m in view.members}
    assert view.removed[0][:2] == ("YP-0000S3", reason)
    (event,) = _events(store, "network.list_remove")
    assert event.reason == reason and event.record_id == str(made.id)
    with pytest.raises(NetworkInputError, match="already"):
        remove_from_list(team.intel, store, made.id, "YP-0000S3", reason)
    (summary,) = list_index(team.intel, store)
    assert summary.members == 4


def test_lists_are_append_only_in_the_orm_and_the_database(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    with pytest.raises(PermissionError), store.unit_of_work() as session:
        member = session.scalars(select(ListMember)).first()
        assert member is not None
        member.rank = 99
        session.flush()
    for sql in (
        "UPDATE network_list_members SET rank = 99",
        "DELETE FROM network_list_removals",
        "DELETE FROM network_lists",
        "UPDATE network_intel_links SET review_date = review_date",
    ):
        with pytest.raises(DBAPIError), store.engine.begin() as conn:
            if "removals" in sql:
                conn.execute(
                    text(
                        "INSERT INTO network_list_removals "
                        "(list_id, person_id, reason, removed_by_name, at) "
                        "VALUES (:l, :p, 'test removal reason', 'x', CURRENT_TIMESTAMP)"
                    ),
                    {"l": made.id, "p": seeded["YP-0000S1"]},
                )
            if "intel" in sql:
                conn.execute(
                    text(
                        "INSERT INTO network_intel_links (person_a_id, person_b_id, "
                        "source_agency, source_grade, information_grade, handling_code, "
                        "evidence_date, evidence_ref, review_date, entered_by_name, "
                        "created_at, synthetic) VALUES (:a, :b, 'police', '2', 'B', 'P', "
                        "'2026-01-01', 'R1', '2027-01-01', 'x', CURRENT_TIMESTAMP, false)"
                    ),
                    {"a": seeded["YP-0000S1"], "b": seeded["YP-0000S2"]},
                )
            conn.execute(text(sql))
    view = read_list(team.intel, store, made.id, AS_OF)
    assert len(view.members) == 5


def test_the_stored_audit_warns_when_a_list_over_represents_a_group(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    with store.unit_of_work() as session:
        row = session.get_one(NetworkList, made.id)
        document = json.loads(row.audit_json)
        assert row.warnings == len(document["warnings"])
        params = json.loads(row.parameters)
    assert params["window_months"] == 24 and params["people"] == 9
    shares = {(r["dimension"], r["group"]): r["list_n"] for r in document["table"]}
    assert shares[("ethnic_group", "Black")] == 2


def test_after_a_merge_lists_and_the_panel_show_the_kept_record_resolved_on_read(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    """S3 (listed) is merged into V1 (not listed), S2 into S1 (both listed): the list shows
    V1 in S3's place and S1 once; the panels show the memberships under the kept
    pseudonyms; the stored members are not rewritten."""
    made = produce_list(team.intel, store, purpose=PURPOSE, kind="harm", as_of=AS_OF)
    with store.unit_of_work() as session:
        for keep, other in (("YP-0000V1", "YP-0000S3"), ("YP-0000S1", "YP-0000S2")):
            merge_people(
                session,
                session.get_one(Person, seeded[keep]),
                session.get_one(Person, seeded[other]),
            )
    view = read_list(team.intel, store, made.id, AS_OF)
    listed = [m.pseudonym for m in view.members]
    assert sorted(listed) == ["YP-0000A1", "YP-0000C1", "YP-0000S1", "YP-0000V1"]
    assert view.expired == 0
    panel = person_panel(team.intel, store, "YP-0000V1", AS_OF)
    assert [m.list_id for m in panel.memberships] == [made.id]
    assert [m.list_id for m in person_panel(team.intel, store, "YP-0000S1", AS_OF).memberships] == [
        made.id
    ]
    assert person_panel(team.intel, store, "YP-0000S3", AS_OF).pseudonym == "YP-0000V1"
    with store.unit_of_work() as session:
        stored = set(session.scalars(select(ListMember.person_id)))
    assert seeded["YP-0000S3"] in stored and seeded["YP-0000V1"] not in stored
    remove_from_list(team.intel, store, made.id, "YP-0000V1", "Merged record reviewed: no longer")
    after = read_list(team.intel, store, made.id, AS_OF)
    assert "YP-0000V1" not in {m.pseudonym for m in after.members}
    assert after.removed[0][0] == "YP-0000V1"
    assert person_panel(team.intel, store, "YP-0000V1", AS_OF).memberships[0].removed
