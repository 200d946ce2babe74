"""The demo network in the case store: the synthetic network, every record labelled SYNTHETIC.

:func:`load_network_demo` writes :func:`upstream.synth.network.synthetic_network` into the
case store the way partnership work would have recorded it: its people as young people
(pseudonym, a date of birth giving their age, sex and ethnic group; no name, no address),
its co-offending and victim-suspect links and offences as incidents with suspects and victims,
its friend and sibling links as relations, its graded intelligence as intelligence links. It
adds the demo login ``intel`` (an intelligence analyst, the demo password) and produces one
harm list with its audit in that user's name, so ``make run`` shows a list, its audit and the
network. Nothing is loaded in production, into a store holding real young people, or twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from upstream.cases.admin import create_demo_user
from upstream.cases.audit import AuditKind, record
from upstream.cases.auth import actor_for
from upstream.cases.db import CaseStore, case_store
from upstream.cases.demo import DEMO_PASSWORD
from upstream.cases.models import Incident, Involvement, Person, User
from upstream.cases.schemas import UserCreate
from upstream.cases.vocab import Agency, Purpose, Role
from upstream.config import Settings
from upstream.network.store.access import NetworkPermission, ensure_network_allowed
from upstream.network.store.access import network_operator as operator
from upstream.network.store.lists_service import produce_list
from upstream.network.store.models import IntelLink, PersonRelation
from upstream.synth.network import SyntheticNetwork, synthetic_network

__all__ = ["DEMO_INTEL_USER", "DEMO_PREFIX", "load_network_demo", "prepare_network_demo"]

DEMO_PREFIX = "NETDEMO-"
"""The event reference of every demo network incident (how a loaded demo is recognised)."""
DEMO_INTEL_USER = "intel"
DEMO_PURPOSE = "DEMO: focused deterrence call-in (synthetic network)"
_SEXES = {"M": "male", "F": "female", "X": "other"}


@dataclass
class _Incident:
    day: date
    offence: str = "Other crime"
    county_lines: bool = False
    people: dict[str, str] = field(default_factory=dict)


def _incidents(net: SyntheticNetwork) -> dict[str, _Incident]:
    """Every incident of the synthetic network by reference: its day, offence, people."""
    found: dict[str, _Incident] = {}
    for row in net.links.to_dict("records"):
        kind, ref = str(row["kind"]), str(row["evidence_ids"])
        if kind not in ("co_suspect", "victim_suspect", "co_victim"):
            continue
        item = found.setdefault(ref, _Incident(date.fromisoformat(str(row["evidence_date"]))))
        item.county_lines |= "county lines" in str(row.get("labels", ""))
        roles = {"co_suspect": ("suspect", "suspect"), "co_victim": ("victim", "victim")}
        a_role, b_role = roles.get(kind, ("victim", "suspect"))
        item.people.setdefault(str(row["a"]), a_role)
        item.people.setdefault(str(row["b"]), b_role)
    harmed_extra = 0
    for person in net.people.to_dict("records"):
        pid = str(person["id"])
        for entry in filter(None, str(person["offences"]).split(";")):
            day, crime, ref = entry.split("|")
            item = found.setdefault(ref, _Incident(date.fromisoformat(day)))
            item.offence = crime
            item.people[pid] = "suspect"
        linked_days = {i.day for i in found.values() if i.people.get(pid) == "victim"}
        for day in filter(None, str(person["harmed_dates"]).split(";")):
            if date.fromisoformat(day) not in linked_days:
                harmed_extra += 1
                found[f"HARM-{harmed_extra:05d}"] = _Incident(
                    date.fromisoformat(day), "Violence and sexual offences", False, {pid: "victim"}
                )
    return found


def _born(age: int, on: date) -> date:
    return date(on.year - age, 1, 1) if on >= date(on.year, 1, 1) else date(on.year - age - 1, 1, 1)


def _loaded(store: CaseStore) -> bool:
    with store.unit_of_work() as session:
        refs = session.scalar(
            select(func.count(Incident.id)).where(Incident.event_ref.like(f"{DEMO_PREFIX}%"))
        )
        return bool(refs)


def _real_people(store: CaseStore) -> bool:
    with store.unit_of_work() as session:
        return bool(
            session.scalar(select(func.count(Person.id)).where(Person.synthetic.is_(False)))
        )


def _intel_user(store: CaseStore) -> User:
    with store.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == DEMO_INTEL_USER)).first()
    if user is None:
        create_demo_user(
            store,
            UserCreate(
                username=DEMO_INTEL_USER, password=DEMO_PASSWORD, role=Role.INTEL_ANALYST,
                agency=Agency.POLICE,
            ),
        )  # fmt: skip
        with store.unit_of_work() as session:
            user = session.scalars(select(User).where(User.username == DEMO_INTEL_USER)).one()
    return user


def _write(store: CaseStore, net: SyntheticNetwork, as_of: date) -> dict[str, int]:
    counts = {"people": 0, "incidents": 0, "relations": 0, "intelligence": 0}
    actor = operator("network-demo")
    with store.unit_of_work() as session:
        ids: dict[str, int] = {}
        for p in net.people.to_dict("records"):
            person = Person(
                pseudonym=str(p["id"]),
                date_of_birth=_born(int(p["age"]), as_of),
                sex=_SEXES.get(str(p["sex"])),
                ethnic_group=str(p["ethnic_group"]) or None,
                synthetic=True,
            )
            session.add(person)
            session.flush()
            ids[str(p["id"])] = person.id
        counts["people"] = len(ids)
        for ref, item in sorted(_incidents(net).items()):
            summary = "SYNTHETIC demo network incident" + (
                " (county lines)" if item.county_lines else ""
            )
            incident = Incident(
                event_ref=f"{DEMO_PREFIX}{ref}",
                occurred_at=datetime(item.day.year, item.day.month, item.day.day, 12, tzinfo=UTC),
                offence=item.offence,
                summary=summary,
                recorded_by_agency="police",
                synthetic=True,
            )
            session.add(incident)
            session.flush()
            for pid, role in item.people.items():
                session.add(Involvement(incident_id=incident.id, person_id=ids[pid], role=role))
            counts["incidents"] += 1
        for row in net.links.to_dict("records"):
            kind = str(row["kind"])
            pair = {"person_a_id": ids[str(row["a"])], "person_b_id": ids[str(row["b"])]}
            dates = {
                "evidence_date": date.fromisoformat(str(row["evidence_date"])),
                "evidence_ref": f"{DEMO_PREFIX}{row['evidence_ids']}",
                "review_date": date.fromisoformat(str(row["review_date"])),
            }
            if kind in ("friend", "sibling"):
                session.add(
                    PersonRelation(
                        **pair, **dates, kind=kind, source_agency=str(row["source_agency"]),
                        recorded_by_name=actor.username, synthetic=True,
                    )
                )  # fmt: skip
                counts["relations"] += 1
            elif kind == "intelligence":
                grade = str(row["grading"])
                session.add(
                    IntelLink(
                        **pair, **dates, source_agency=str(row["source_agency"]),
                        source_grade=grade[0], information_grade=grade[1], handling_code=grade[2],
                        entered_by_name=actor.username, synthetic=True,
                    )
                )  # fmt: skip
                counts["intelligence"] += 1
        record(
            session,
            actor,
            AuditKind.NETWORK_LINK_ENTER,
            "network",
            None,
            detail="SYNTHETIC demo network: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
        )
    return counts


def load_network_demo(store: CaseStore, as_of: date) -> list[str]:
    """Load the synthetic network as on ``as_of`` and produce its demo list; lines to print."""
    if store.settings.env == "production":
        raise RuntimeError("the synthetic network is never loaded when UPSTREAM_ENV=production")
    ensure_network_allowed(operator("network-demo"), NetworkPermission.LOAD_DEMO)
    if _loaded(store):
        return ["the case store already holds the SYNTHETIC demo network"]
    if _real_people(store):
        return ["the case store holds real young people: the SYNTHETIC network is not loaded"]
    counts = _write(store, synthetic_network(as_of), as_of)
    intel = actor_for(_intel_user(store), Purpose.INTELLIGENCE)
    made = produce_list(intel, store, purpose=DEMO_PURPOSE, kind="harm", as_of=as_of, limit=25)
    return [
        f"loaded the SYNTHETIC demo network: {counts['people']} people, "
        f"{counts['incidents']} incidents, {counts['relations']} relations, "
        f"{counts['intelligence']} intelligence links",
        f"produced demo list {made.id} ({made.members} people, {made.warnings} audit "
        f"warning(s)); log in as {DEMO_INTEL_USER} (intelligence analyst) to see it at /network",
    ]


def prepare_network_demo(settings: Settings, as_of: date) -> Iterator[str]:
    """Bootstrap step: outside production, load the demo network once."""
    if settings.env == "production":
        return
    yield from load_network_demo(case_store(settings), as_of)
