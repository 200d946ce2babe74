"""Intelligence links, relations, the person panel, group-level figures and subject access,
on SQLite and PostgreSQL: each read or change writes one audit event with its purpose."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from upstream.cases.db import CaseStore
from upstream.cases.models import AuditEvent
from upstream.cases.sar import subject_access_export
from upstream.network.store.lists_service import produce_list, remove_from_list
from upstream.network.store.schemas import IntelLinkEntry, NetworkInputError, RelationEntry
from upstream.network.store.service import (
    enter_intel_link,
    network_overview,
    person_panel,
    record_relation,
)

from .conftest import AS_OF, PEOPLE, Team

LINK = IntelLinkEntry(
    "YP-0000S1", "YP-0000A1", "police", "2BP", date(2026, 11, 1), "INTEL-2026-0042",
    date(2027, 11, 1),
)  # fmt: skip


def _events(store: CaseStore, action: str) -> list[AuditEvent]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_entry_is_checked_before_anything_is_stored() -> None:
    with pytest.raises(NetworkInputError, match="grading"):
        IntelLinkEntry("YP-1", "YP-2", "police", "E9Z", date(2026, 1, 1), "R1", date(2027, 1, 1))
    with pytest.raises(NetworkInputError, match="review_date"):
        IntelLinkEntry("YP-1", "YP-2", "police", "1AP", date(2026, 1, 1), "R1", date(2025, 1, 1))
    with pytest.raises(NetworkInputError, match="evidence_ref"):
        IntelLinkEntry(
            "YP-1", "YP-2", "police", "1AP", date(2026, 1, 1), "Jane told me", date(2027, 1, 1)
        )
    with pytest.raises(NetworkInputError, match="kind"):
        RelationEntry("YP-1", "YP-2", "cousin", "school", date(2026, 1, 1), "R", date(2027, 1, 1))


def test_an_intelligence_link_shows_in_the_person_panel_with_its_grading(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    enter_intel_link(team.intel, store, LINK)
    (entered,) = _events(store, "network.link_enter")
    assert entered.purpose == "intelligence" and "2BP" in (entered.detail or "")
    panel = person_panel(team.intel, store, "YP-0000S1", AS_OF)
    intel = [e for e in panel.links if e.kind == "intelligence"]
    assert len(intel) == 1 and intel[0].other == "YP-0000A1" and intel[0].grading == "2BP"
    assert panel.last_evidence == date(2026, 11, 1)
    assert {e.other for e in panel.links} == {"YP-0000S2", "YP-0000V1", "YP-0000A1"}
    (read,) = _events(store, "network.person_read")
    assert read.record_id == "YP-0000S1" and read.purpose == "intelligence"


def test_a_relation_links_two_people(store: CaseStore, seeded: dict[str, int], team: Team) -> None:
    relation = RelationEntry(
        "YP-0000V1", "YP-0000C1", "sibling", "school", date(2026, 5, 1), "CASE-77",
        date(2028, 5, 1),
    )  # fmt: skip
    record_relation(team.coordinator, store, relation)
    panel = person_panel(team.coordinator, store, "YP-0000C1", AS_OF)
    assert ("YP-0000V1", "sibling") in {(e.other, e.kind) for e in panel.links}
    assert len(_events(store, "network.relation")) == 1


def test_analysts_see_groups_only_never_a_pseudonym(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    overview = network_overview(team.analyst, store, AS_OF)
    assert not overview.people_level
    text = repr(overview)
    assert not any(p in text for p in PEOPLE)
    assert overview.groups and all(g.members >= 3 for g in overview.groups)
    full = network_overview(team.intel, store, AS_OF)
    assert full.people_level and {n["id"] for n in full.nodes} >= {"YP-0000S1", "YP-0000A1"}
    assert {e["kind"] for e in full.edges} >= {"co_suspect", "victim_suspect"}
    events = _events(store, "network.groups_read")
    assert [e.purpose for e in events] == ["analysis", "intelligence"]


def test_subject_access_includes_lists_removals_and_intelligence_links(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    enter_intel_link(team.intel, store, LINK)
    made = produce_list(
        team.intel, store, purpose="Call-in list for December", kind="harm", as_of=AS_OF
    )
    remove_from_list(team.intel, store, made.id, "YP-0000S1", "Moved out of the borough")
    export = subject_access_export(team.admin, store, "YP-0000S1", "SAR-2026-001")
    (membership,) = export["network_lists"]
    assert membership["list_id"] == made.id
    assert membership["purpose"] == "Call-in list for December"
    assert membership["removed"]["reason"] == "Moved out of the borough"
    (link,) = export["intelligence_links"]
    assert link["other_person"] == "YP-0000A1" and link["grading"] == "2BP"
    other = subject_access_export(team.admin, store, "YP-0000A1", "SAR-2026-002")
    assert other["intelligence_links"][0]["other_person"] == "YP-0000S1"
    assert "given_name" not in str(export["intelligence_links"])
