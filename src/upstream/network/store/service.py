"""Use cases of the network: enter links and relations, read the network and a person.

Each takes the acting user first, asks the network's policy
(:mod:`upstream.network.store.access`) before it reads or changes anything, and writes one
event in the case store's audit log (with the session's stated purpose) in the same unit of
work. Refusals and unknown pseudonyms are audited by the case tool's
:func:`~upstream.cases.service.use_case`. Lists are in
:mod:`upstream.network.store.lists_service`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.area import definitions_from_settings
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.models import Person
from upstream.cases.service import not_found, use_case
from upstream.definitions import Definitions
from upstream.network import analysis as an
from upstream.network.graph import build_graph
from upstream.network.groups_export import BoardExport, board_tables
from upstream.network.links import active_links, months_before
from upstream.network.people import offences_long
from upstream.network.store.access import NetworkPermission as P
from upstream.network.store.access import ensure_network_allowed, network_allowed
from upstream.network.store.links_from_cases import (
    NetworkFrames,
    merged_into,
    merged_records,
    store_frames,
)
from upstream.network.store.models import IntelLink, ListMember, NetworkList, PersonRelation
from upstream.network.store.schemas import (
    GroupRow,
    IntelLinkEntry,
    LinkEvidence,
    Membership,
    NetworkOverview,
    PersonPanel,
    RelationEntry,
)

__all__ = [
    "MIN_GROUP",
    "WINDOW_MONTHS",
    "Analysed",
    "analyse",
    "enter_intel_link",
    "group_export",
    "network_overview",
    "person_panel",
    "record_relation",
    "surviving_person",
]

WINDOW_MONTHS = 24
"""Links age out this many months after their last evidence (the issue's default)."""
MIN_GROUP = 3
"""Groups smaller than this are not shown one by one at group level (counted together)."""


@dataclass(frozen=True)
class Analysed:
    """The frames, the active links, the graph of linked people and their groups."""

    frames: NetworkFrames
    active: pd.DataFrame
    graph: nx.Graph
    membership: pd.DataFrame


def analyse(session: Session, as_of: date, window_months: int = 24) -> Analysed:
    """Build the frames from the store and the graph of the people with an active link."""
    frames = store_frames(session, as_of, window_months)
    active = active_links(frames.links, as_of, window_months)
    graph = build_graph(active)
    membership = an.groups(graph) if graph.number_of_nodes() else _empty_membership()
    return Analysed(frames, active, graph, membership)


def _empty_membership() -> pd.DataFrame:
    return pd.DataFrame(columns=["person", "component", "component_size", "community"])


def _group_name(community: int) -> str:
    return f"G{int(community) + 1}"


def _person_ids(session: Session, *pseudonyms: str) -> list[int]:
    found = dict(
        session.execute(
            select(Person.pseudonym, Person.id).where(
                Person.pseudonym.in_(pseudonyms),
                Person.anonymised_at.is_(None),
                Person.merged_into_id.is_(None),
            )
        ).all()
    )
    for p in pseudonyms:
        if p not in found:
            raise not_found("person", p)
    return [found[p] for p in pseudonyms]


def surviving_person(session: Session, pseudonym: str) -> Person:
    """The record ``pseudonym`` names now: itself, or, if it was merged, the record it was
    finally merged into (resolved on read; the network's tables are not rewritten). Not
    found (404) for an unknown or anonymised record."""
    person = session.scalars(select(Person).where(Person.pseudonym == pseudonym)).one_or_none()
    if person is not None and person.merged_into_id is not None:
        person = session.get(Person, merged_into(session).get(person.id, person.id))
    if person is None or person.anonymised_at is not None or person.merged_into_id is not None:
        raise not_found("person", pseudonym)
    return person


@use_case
def enter_intel_link(actor: Actor, store: CaseStore, entry: IntelLinkEntry) -> int:
    """Store a graded intelligence link between two young people; its id."""
    ensure_network_allowed(actor, P.LINK_ENTER, "intel_link")
    with store.unit_of_work() as session:
        a, b = _person_ids(session, entry.person_a, entry.person_b)
        link = IntelLink(
            person_a_id=a,
            person_b_id=b,
            source_agency=entry.source_agency,
            source_grade=entry.grading[0],
            information_grade=entry.grading[1],
            handling_code=entry.grading[2],
            evidence_date=entry.evidence_date,
            evidence_ref=entry.evidence_ref,
            review_date=entry.review_date,
            entered_by_id=actor.user_id,
            entered_by_name=actor.username[:64],
        )
        session.add(link)
        session.flush()
        record(
            session,
            actor,
            AuditKind.NETWORK_LINK_ENTER,
            "intel_link",
            link.id,
            detail=f"{entry.person_a} - {entry.person_b}, graded {entry.grading}",
        )
        return link.id


@use_case
def record_relation(actor: Actor, store: CaseStore, entry: RelationEntry) -> int:
    """Store a sibling or friend relation between two young people; its id."""
    ensure_network_allowed(actor, P.RELATION_RECORD, "relation")
    with store.unit_of_work() as session:
        a, b = _person_ids(session, entry.person_a, entry.person_b)
        rel = PersonRelation(
            person_a_id=a,
            person_b_id=b,
            kind=entry.kind,
            source_agency=entry.source_agency,
            evidence_date=entry.evidence_date,
            evidence_ref=entry.evidence_ref,
            review_date=entry.review_date,
            recorded_by_id=actor.user_id,
            recorded_by_name=actor.username[:64],
        )
        session.add(rel)
        session.flush()
        record(
            session,
            actor,
            AuditKind.NETWORK_RELATION,
            "relation",
            rel.id,
            detail=f"{entry.kind}: {entry.person_a} - {entry.person_b}",
        )
        return rel.id


def _harm(people: pd.DataFrame, definitions: Definitions, as_of: date, window: int) -> pd.Series:
    off = offences_long(people, definitions)
    start = months_before(as_of, window)
    off = off[(off["date"] >= start) & (off["date"] <= as_of) & (off["harm"] > 0)]
    return off.groupby("person")["harm"].sum()


def _groups(
    done: Analysed, definitions: Definitions, as_of: date, window: int
) -> tuple[list[GroupRow], int]:
    if done.membership.empty:
        return [], 0
    people = done.frames.people
    harm = _harm(people, definitions, as_of, window)
    exposure = an.exposure(done.graph, people, as_of).set_index("person")["exposure"]
    flagged = an.exploitation(done.active, people)
    flags = set(flagged.loc[flagged["flag"], "person"])
    rows, small = [], 0
    by_group: dict[int, list[str]] = {}
    for r in done.membership.to_dict("records"):
        by_group.setdefault(int(r["community"]), []).append(str(r["person"]))
    for community, ids in sorted(by_group.items()):
        if len(ids) < MIN_GROUP:
            small += 1
            continue
        rows.append(
            GroupRow(
                _group_name(community),
                len(ids),
                round(float(harm.reindex(ids).fillna(0).sum()), 1),
                int((harm.reindex(ids).fillna(0) > 0).sum()),
                round(float(exposure.reindex(ids).fillna(0).mean()), 3),
                sum(i in flags for i in ids),
            )
        )
    return rows, small


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    pos = nx.spring_layout(graph, seed=0, k=None, iterations=60) if graph.number_of_nodes() else {}
    return {str(n): (float(x), float(y)) for n, (x, y) in pos.items()}


def _people_level(done: Analysed) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    pos = _layout(done.graph)
    community = dict(zip(done.membership["person"], done.membership["community"], strict=True))
    nodes = [
        {"id": p, "group": _group_name(community[p]), "x": x, "y": y} for p, (x, y) in pos.items()
    ]
    edges = [
        {"a": a, "b": b, "kind": d["kinds"][0], "kinds": d["kinds"]}
        for a, b, d in done.graph.edges(data=True)
    ]
    return nodes, edges


def _group_level(
    groups: list[GroupRow], between: list[tuple[str, str, int]]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    shown = {g.group for g in groups}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(shown))
    for a, b, n in between:
        if a in shown and b in shown and a != b:
            graph.add_edge(a, b, weight=n)
    pos = _layout(graph)
    size = {g.group: g.members for g in groups}
    nodes = [{"id": g, "group": g, "x": x, "y": y, "members": size[g]} for g, (x, y) in pos.items()]
    edges = [
        {"a": a, "b": b, "kind": "harm", "incidents": d["weight"]}
        for a, b, d in graph.edges(data=True)
    ]
    return nodes, edges


def _between(done: Analysed) -> list[tuple[str, str, int]]:
    if done.membership.empty:
        return []
    table = an.group_violence(done.graph, done.membership)
    return [
        (_group_name(int(r["from_group"])), _group_name(int(r["to_group"])), int(r["incidents"]))
        for r in table.to_dict("records")
    ]


@use_case
def network_overview(
    actor: Actor, store: CaseStore, as_of: date, window_months: int = 24
) -> NetworkOverview:
    """The network on ``as_of``: groups and the harm between them for every permitted reader;
    the people-level graph (pseudonyms) only for those who may read a person's panel."""
    ensure_network_allowed(actor, P.GROUPS_READ)
    people_level = network_allowed(actor, P.PERSON_READ)
    definitions = definitions_from_settings(store.settings)
    with store.unit_of_work() as session:
        done = analyse(session, as_of, window_months)
        groups, small = _groups(done, definitions, as_of, window_months)
        between = _between(done)
        shown = {g.group for g in groups}
        between = [(a, b, n) for a, b, n in between if a in shown and b in shown]
        nodes, edges = _people_level(done) if people_level else _group_level(groups, between)
        record(
            session,
            actor,
            AuditKind.NETWORK_GROUPS_READ,
            "network",
            None,
            detail=f"as of {as_of.isoformat()}; "
            + ("people-level graph" if people_level else "group level only"),
        )
        return NetworkOverview(
            as_of,
            done.frames.synthetic,
            done.graph.number_of_nodes(),
            len(done.active),
            groups,
            between,
            people_level,
            nodes,
            edges,
            small,
        )


@use_case
def group_export(
    actor: Actor, store: CaseStore, as_of: date, window_months: int = WINDOW_MONTHS
) -> tuple[BoardExport, bool]:
    """The board's group-level tables (:func:`upstream.network.groups_export.board_tables`:
    small groups pooled, counts 1 to 4 and any count that would give one away hidden) and
    whether the data are synthetic; no person, no pseudonym (audited)."""
    ensure_network_allowed(actor, P.GROUPS_EXPORT)
    definitions = definitions_from_settings(store.settings)
    with store.unit_of_work() as session:
        done = analyse(session, as_of, window_months)
        export = board_tables(
            done.graph,
            done.membership,
            done.frames.people,
            done.active,
            definitions,
            as_of,
            window_months,
        )
        record(
            session,
            actor,
            AuditKind.NETWORK_GROUPS_READ,
            "network",
            None,
            detail=f"as of {as_of.isoformat()}; group-level export",
        )
        return export, done.frames.synthetic


def _memberships(session: Session, person_id: int, actor: Actor) -> list[Membership]:
    """The lists ``person_id`` is on, under this record or any record merged into it (one
    membership per list: the best rank; taken off if any of the records was)."""
    records = merged_records(merged_into(session), person_id)
    rows = session.execute(
        select(ListMember, NetworkList)
        .join(NetworkList, ListMember.list_id == NetworkList.id)
        .where(ListMember.person_id.in_(records))
        .order_by(NetworkList.id, ListMember.rank)
    )
    out: dict[int, Membership] = {}
    for member, plist in rows:
        if plist.id in out:
            continue
        if not network_allowed(actor, P.READ_HARM if plist.kind == "harm" else P.READ_SAFEGUARDING):
            continue
        removed = next((r for r in plist.removals if r.person_id in records), None)
        out[plist.id] = Membership(
            plist.id,
            plist.kind,
            plist.purpose,
            plist.produced_at,
            member.rank,
            member.review_date,
            None if removed is None else f"{removed.at:%Y-%m-%d}: {removed.reason}",
        )
    return list(out.values())


@use_case
def person_panel(
    actor: Actor, store: CaseStore, pseudonym: str, as_of: date, window_months: int = 24
) -> PersonPanel:
    """The evidence behind each of a person's active links (the other person by pseudonym
    only), the last evidence and review dates, and the lists they are on (audited). A
    merged-away pseudonym gives the panel of the record it was merged into, under that
    record's pseudonym."""
    ensure_network_allowed(actor, P.PERSON_READ, "person", pseudonym)
    with store.unit_of_work() as session:
        person = surviving_person(session, pseudonym)
        person_id, pseudonym = person.id, person.pseudonym
        done = analyse(session, as_of, window_months)
        mine = done.active[(done.active["a"] == pseudonym) | (done.active["b"] == pseudonym)]
        links = [
            LinkEvidence(
                str(r["b"] if r["a"] == pseudonym else r["a"]),
                str(r["kind"]),
                str(r["evidence_ids"]),
                str(r["source_agency"]),
                str(r["grading"]),
                r["evidence_date"],
                r["review_date"],
            )
            for r in mine.to_dict("records")
        ]
        links.sort(key=lambda e: (e.last_evidence, e.other), reverse=True)
        hit = done.membership[done.membership["person"] == pseudonym]
        group = _group_name(int(hit["community"].to_numpy()[0])) if len(hit) else None
        record(session, actor, AuditKind.NETWORK_PERSON_READ, "person", pseudonym)
        return PersonPanel(
            pseudonym,
            group,
            links,
            _memberships(session, person_id, actor),
            max((e.last_evidence for e in links), default=None),
            max((e.review_date for e in links), default=None),
        )
