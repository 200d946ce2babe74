"""The frames built from the case store: the right links, ages not dates, no names."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from upstream.cases.db import CaseStore
from upstream.cases.duplicates import merge_people
from upstream.cases.models import Person
from upstream.network.links import active_links, validate_links
from upstream.network.people import validate_people
from upstream.network.store.links_from_cases import NetworkFrames, merged_into, store_frames
from upstream.network.store.models import IntelLink
from upstream.network.store.schemas import IntelLinkEntry, RelationEntry
from upstream.network.store.service import enter_intel_link, record_relation

from .conftest import AS_OF, NAMES, PEOPLE, Team


def _frames(store: CaseStore) -> NetworkFrames:
    with store.unit_of_work() as session:
        return store_frames(session, AS_OF)


def test_co_involvement_becomes_links_of_the_right_kinds(
    store: CaseStore, seeded: dict[str, int]
) -> None:
    links = _frames(store).links
    got = {(r.a, r.b, r.kind) for r in links.itertuples()}
    assert ("YP-0000S1", "YP-0000S2", "co_suspect") in got
    assert ("YP-0000V1", "YP-0000S1", "victim_suspect") in got
    assert ("YP-0000V1", "YP-0000S2", "victim_suspect") in got
    assert ("YP-0000V2", "YP-0000S3", "victim_suspect") in got
    # a witness is not linked by the incident
    assert not any("YP-0000V1" in (a, b) and "YP-0000A1" in (a, b) for a, b, _ in got)
    county = links[(links["a"] == "YP-0000A1") | (links["b"] == "YP-0000A1")]
    assert set(county["labels"]) == {"county lines"}
    assert len(links) == 9


def test_frames_pass_the_network_schemas_and_old_links_age_out(
    store: CaseStore, seeded: dict[str, int]
) -> None:
    frames = _frames(store)
    links = validate_links(frames.links.astype(str))
    people = validate_people(frames.people.astype(str))
    assert len(people) == len(PEOPLE)
    active = active_links(links, AS_OF)
    pairs = {frozenset((r.a, r.b)) for r in active.itertuples()}
    assert frozenset(("YP-000OLD", "YP-001OLD")) not in pairs
    assert frozenset(("YP-0000S1", "YP-0000S2")) in pairs


def test_people_frame_holds_ages_and_pseudonyms_never_names_or_dates_of_birth(
    store: CaseStore, seeded: dict[str, int]
) -> None:
    frames = _frames(store)
    people = frames.people.set_index("id")
    assert people.loc["YP-0000C1", "age"] == 15
    assert people.loc["YP-0000A1", "age"] == 30
    assert people.loc["YP-0000S1", "sex"] == "M"
    assert people.loc["YP-0000V1", "sex"] == "F"
    assert people.loc["YP-001OLD", "ethnic_group"] == "not stated"
    assert "2026-06-01|Violence and sexual offences|INC-" in people.loc["YP-0000S1", "offences"]
    assert people.loc["YP-0000V1", "harmed_dates"] == "2026-06-01"
    text = frames.people.to_csv() + frames.links.to_csv()
    for name in NAMES:
        assert name not in text
    assert "Hoe Street" not in text and "stabbing" not in text
    for age in (16, 19, 30):
        assert str(date(AS_OF.year - age, 3, 15)) not in text


def test_links_recorded_about_a_merged_record_follow_it_to_the_kept_record(
    store: CaseStore, seeded: dict[str, int], team: Team
) -> None:
    intel = IntelLinkEntry(
        "YP-0000S3", "YP-0000V1", "police", "2BP", date(2026, 11, 1), "INTEL-1", date(2027, 11, 1)
    )
    enter_intel_link(team.intel, store, intel)
    for a, b in (("YP-0000S3", "YP-0000C1"), ("YP-0000S3", "YP-0000S1")):
        relation = RelationEntry(a, b, "friend", "school", date(2026, 10, 1), "R-1", AS_OF)
        record_relation(team.coordinator, store, relation)
    with store.unit_of_work() as session:
        keep = session.get_one(Person, seeded["YP-0000S1"])
        other = session.get_one(Person, seeded["YP-0000S3"])
        merge_people(session, keep, other)
    with store.unit_of_work() as session:
        assert merged_into(session) == {seeded["YP-0000S3"]: seeded["YP-0000S1"]}
        appended = session.scalars(select(IntelLink.person_a_id)).all()
    assert appended == [seeded["YP-0000S3"]]  # the append-only table is not rewritten
    links = _frames(store).links
    got = {(r.a, r.b, r.kind) for r in links.itertuples()}
    assert ("YP-0000S1", "YP-0000V1", "intelligence") in got
    assert ("YP-0000S1", "YP-0000C1", "friend") in got
    assert not any("YP-0000S3" in (a, b) for a, b, _ in got)
    assert not any(a == b for a, b, _ in got)  # the two records' own relation is dropped
