"""The demo case store, seeded from the synthetic borough. Everything in it is SYNTHETIC.

``seed_demo`` takes the latest ten weeks of the calibrated synthetic borough
(:func:`upstream.synth.generate`, seed 1): serious-violence incidents with a victim or suspect
aged 10 to 24. It moves them in time so that the newest happened a few hours ago, invents a
name, date of birth, address and school for each young person (every record is flagged
``synthetic`` and the address and school say so), and plays out offers of support and contact
attempts, so the board has realistic content: some young people reached, some waiting, some
overdue. It refuses to run when ``UPSTREAM_ENV=production``. The demo's case-work logins
share one published password, printed at start-up and in the README; the demo ``admin`` does
not: it gets a random one-time password, written only to ``<data dir>/demo-admin-password.txt``
(readable by its owner only), to be changed at first login. A production server refuses to
start while any demo user is active (:mod:`upstream.cases.deployment`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from upstream.cases.access import system_actor
from upstream.cases.admin import create_demo_user
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore, case_store
from upstream.cases.duplicates import flag_possible_duplicates
from upstream.cases.models import Contact, Incident, Involvement, Offer, Person, User, utcnow
from upstream.cases.schemas import UserCreate
from upstream.cases.service import deadline_hours
from upstream.cases.vocab import Agency, Role, Service, label
from upstream.config import Settings
from upstream.vocab import ETHNICITIES, SEXES

__all__ = [
    "DEMO_ADMIN_FILE",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoUser",
    "demo_login_lines",
    "prepare_case_store",
    "seed_demo",
]

DEMO_PASSWORD = "synthetic-demo"
DEMO_ADMIN_FILE = "demo-admin-password.txt"


@dataclass(frozen=True)
class DemoUser:
    """A login of the demo."""

    username: str
    role: Role
    agency: Agency
    service: Service | None
    what: str


DEMO_USERS = (
    DemoUser("coordinator", Role.COORDINATOR, Agency.COUNCIL, None, "Urgent Response Coordinator"),
    DemoUser("navigator", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR, "A&E navigator"),
    DemoUser("mentor", Role.CASEWORKER, Agency.VOLUNTARY, Service.CUSTODY_MENTOR, "custody mentor"),
    DemoUser(
        "youthworker", Role.CASEWORKER, Agency.COUNCIL, Service.YOUTH_AT_RISK, "Youth at Risk team"
    ),
    DemoUser("therapist", Role.CASEWORKER, Agency.HEALTH, Service.FAMILY_THERAPY, "family therapy"),
    DemoUser("analyst", Role.ANALYST, Agency.POLICE, None, "analyst (figures only)"),
    DemoUser("board", Role.BOARD, Agency.PROBATION, None, "board member (action plan, read only)"),
    DemoUser("officer", Role.ORDER_OFFICER, Agency.POLICE, None, "order officer (orders register)"),
    DemoUser("probation", Role.ORDER_OFFICER, Agency.PROBATION, None, "order officer (licences)"),
    DemoUser("admin", Role.ADMIN, Agency.COUNCIL, None, "admin (users, audit)"),
)

_GIVEN = [
    "Amara",
    "Tyrese",
    "Kai",
    "Leah",
    "Jayden",
    "Zara",
    "Malik",
    "Ayesha",
    "Callum",
    "Ines",
    "Kofi",
    "Ruby",
    "Idris",
    "Maya",
    "Dev",
    "Nia",
    "Theo",
    "Sami",
    "Elif",
    "Jordan",
    "Aaliyah",
    "Reece",
    "Hana",
    "Luca",
    "Imani",
    "Marcus",
    "Priya",
    "Jamal",
    "Sofia",
    "Omar",
]
_FAMILY = [
    "Adeyemi",
    "Brown",
    "Chaudhry",
    "Daley",
    "Evans",
    "Francis",
    "Georgiou",
    "Hussain",
    "Ibrahim",
    "Johnson",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Rahman",
    "Silva",
    "Thompson",
    "Uddin",
    "Vieira",
    "Walker",
    "Yilmaz",
]
_STREETS = [
    "Hoe Street",
    "Forest Road",
    "Lea Bridge Road",
    "High Road Leyton",
    "Chingford Mount Road",
]
_SCHOOLS = ("Synthetic Academy North", "Synthetic High School", "Synthetic College")


def demo_login_lines(settings: Settings) -> list[str]:
    """The lines printed at start-up listing the demo logins (never the admin's password)."""
    lines = [f"demo logins (SYNTHETIC data; password for all but admin: {DEMO_PASSWORD}):"]
    for u in DEMO_USERS:
        lines.append(f"  {u.username:<12} {u.what}")
    lines.append(
        f"  the demo admin's one-time password is in {settings.data_dir / DEMO_ADMIN_FILE} "
        "(change it at first login)"
    )
    return lines


def _write_private(path: os.PathLike[str], text: str) -> None:
    """Write ``text`` to a file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def _select(borough_incidents: pd.DataFrame, people: pd.DataFrame) -> list[dict[str, Any]]:
    serious = borough_incidents[
        borough_incidents["offence"].isin(
            ["Violence and sexual offences", "Robbery", "Possession of weapons"]
        )
        & ~borough_incidents["domestic_abuse"]
    ]
    young = people[people["age"].between(10, 24) & people["role"].isin(["victim", "suspect"])]
    chosen = serious[serious["incident_id"].isin(young["incident_id"])]
    last = chosen["occurred_from"].max()
    recent = chosen[chosen["occurred_from"] > last - pd.Timedelta(days=70)]
    return [{str(k): v for k, v in r.items()} for r in recent.to_dict("records")]


def seed_demo(store: CaseStore, *, seed: int = 1, max_incidents: int = 160) -> list[str]:
    """Seed an empty case store with the synthetic demo; returns lines to print."""
    if store.settings.env == "production":
        raise RuntimeError("the synthetic demo is never seeded when UPSTREAM_ENV=production")
    with store.unit_of_work() as session:
        if session.scalar(select(func.count(User.id))) or session.scalar(
            select(func.count(Person.id))
        ):
            return ["case store already holds users or people; demo not seeded"]
    from upstream.synth import generate

    borough = generate(seed=seed)
    chosen = _select(borough.incidents, borough.involvements)[-max_incidents:]
    young = borough.involvements[borough.involvements["age"].between(10, 24)]
    people: dict[str, list[dict[str, Any]]] = {}
    for r in young.to_dict("records"):
        people.setdefault(str(r["incident_id"]), []).append({str(k): v for k, v in r.items()})
    admin_password = secrets.token_urlsafe(15)
    for u in DEMO_USERS:
        is_admin = u.role == Role.ADMIN
        create_demo_user(
            store,
            UserCreate(
                username=u.username,
                password=admin_password if is_admin else DEMO_PASSWORD,
                role=u.role,
                agency=u.agency,
                service=u.service,
            ),
            must_change=is_admin,
        )
    store.settings.data_dir.mkdir(parents=True, exist_ok=True)
    _write_private(
        store.settings.data_dir / DEMO_ADMIN_FILE,
        f"{admin_password}\n# one-time password of the demo user 'admin'; change it at "
        "first login\n",
    )
    rng = np.random.default_rng(seed)
    now = utcnow()
    newest = max(r["occurred_from"] for r in chosen).to_pydatetime()
    shift = now - newest - timedelta(hours=3)
    actor = system_actor("seed-demo")
    n_people = 0
    with store.unit_of_work() as session:
        coordinator = session.scalars(select(User).where(User.username == "coordinator")).one()
        used: set[str] = set()
        for row in chosen:
            occurred = row["occurred_from"].to_pydatetime() + shift
            recorded = min(now, occurred + timedelta(hours=float(rng.uniform(0.5, 6))))
            incident = Incident(
                event_ref=row["incident_id"],
                occurred_at=occurred,
                recorded_at=recorded,
                offence=row["offence"],
                location_type=row["location_type"],
                weapon=row["weapon"],
                injury=row["injury"],
                summary=f"SYNTHETIC demo incident: {row['offence_detail'] or row['offence']}.",
                recorded_by_id=coordinator.id,
                recorded_by_agency=coordinator.agency,
                synthetic=True,
            )
            if now - occurred > timedelta(weeks=3) and rng.random() < 0.7:
                incident.closed_at = occurred + timedelta(weeks=2)
            session.add(incident)
            session.flush()
            record(session, actor, AuditKind.INCIDENT_CREATE, "incident", incident.id)
            for person_row in people.get(str(row["incident_id"]), []):
                roles = [str(person_row["role"])]
                if roles[0] == "victim" and rng.random() < 0.15:
                    roles.append("sibling")
                for role in roles:
                    age = int(person_row["age"]) if role != "sibling" else int(rng.integers(10, 17))
                    person = _person(rng, used, occurred.date(), age, role, str(row["injury"]))
                    person.sex, person.ethnic_group = _demographics(person_row, role == "sibling")
                    person.created_at = recorded
                    session.add(person)
                    session.flush()
                    session.add(
                        Involvement(
                            incident_id=incident.id,
                            person_id=person.id,
                            role=role,
                            created_at=recorded,
                        )
                    )
                    record(session, actor, AuditKind.PERSON_CREATE, "person", person.pseudonym)
                    _offers(store, session, rng, person, incident, role, now)
                    n_people += 1
        # two young people recorded twice, for the duplicate review
        twins = session.scalars(select(Person).order_by(Person.id).limit(2)).all()
        for original in twins:
            later = session.scalars(select(Incident).order_by(Incident.id.desc()).limit(1)).one()
            copy = Person(
                pseudonym=_pseudonym(rng, used),
                given_name=original.given_name,
                family_name=original.family_name,
                date_of_birth=original.date_of_birth,
                address=original.address,
                synthetic=True,
                created_at=now,
            )
            session.add(copy)
            session.flush()
            session.add(Involvement(incident_id=later.id, person_id=copy.id, role="witness"))
            record(session, actor, AuditKind.PERSON_CREATE, "person", copy.pseudonym)
            for other in flag_possible_duplicates(session, copy):
                record(
                    session,
                    actor,
                    AuditKind.DUPLICATE_FLAG,
                    "person",
                    copy.pseudonym,
                    detail=f"possible duplicate of {other}",
                )
    return [
        f"seeded the case store with {len(chosen)} SYNTHETIC incidents and {n_people} "
        "SYNTHETIC young people",
        *demo_login_lines(store.settings),
    ]


def prepare_case_store(settings: Settings) -> Iterator[str]:
    """Bootstrap step: migrate the case store; outside production seed the demo if it is
    empty, and print the demo logins whenever the demo users exist.
    """
    store = case_store(settings)
    store.migrate()
    yield f"case store at {store.engine.url.render_as_string(hide_password=True)} is migrated"
    if settings.env == "production":
        return
    lines = seed_demo(store)
    if lines[0].startswith("seeded"):
        yield from lines
        return
    with store.unit_of_work() as session:
        demo = session.scalar(select(func.count(User.id)).where(User.demo.is_(True)))
    if demo:
        yield from demo_login_lines(settings)


def _pseudonym(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        value = "YP-" + "".join(f"{b:02X}" for b in rng.integers(0, 256, 4))
        if value not in used:
            used.add(value)
            return value


def _demographics(row: dict[str, Any], sibling: bool) -> tuple[str | None, str | None]:
    """Sex and ethnic group of a synthetic involvement row, as the case store records them
    (blank = not recorded; a sibling shares the family's stated group, not the sex)."""
    sex = None if sibling else str(row.get("sex") or "") or None
    ethnic = str(row.get("ethnicity_self_defined") or "") or None
    return (sex if sex in SEXES else None, ethnic if ethnic in ETHNICITIES else None)


def _person(
    rng: np.random.Generator,
    used: set[str],
    on: date,
    age: int,
    role: str,
    injury: str,
) -> Person:
    born = on - timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
    health = None
    if role == "victim" and injury in ("minor", "serious", "fatal"):
        health = f"SYNTHETIC: attended A&E, {injury} injury; discharged with follow-up."
    return Person(
        pseudonym=_pseudonym(rng, used),
        given_name=str(rng.choice(_GIVEN)),
        family_name=str(rng.choice(_FAMILY)),
        date_of_birth=born,
        address=f"{int(rng.integers(1, 200))} {_STREETS[int(rng.integers(len(_STREETS)))]}, "
        "London E17 (synthetic)",
        school=str(rng.choice(_SCHOOLS)) if age <= 17 else None,
        health_notes=health,
        synthetic=True,
    )


def _services(rng: np.random.Generator, role: str, injury: str) -> list[Service]:
    if role == "sibling":
        return [Service.FAMILY_THERAPY]
    out = []
    if role == "victim" and injury in ("minor", "serious", "fatal"):
        out.append(Service.AE_NAVIGATOR)
    if role == "suspect":
        out.append(Service.CUSTODY_MENTOR)
    if not out or rng.random() < 0.3:
        out.append(Service.YOUTH_AT_RISK)
    if rng.random() < 0.1:
        out.append(Service(rng.choice([Service.ETE, Service.SPORT])))
    return out


def _offers(
    store: CaseStore,
    session: Session,
    rng: np.random.Generator,
    person: Person,
    incident: Incident,
    role: str,
    now: datetime,
) -> None:
    current = utcnow()
    for service in _services(rng, role, incident.injury):
        created = person.created_at + timedelta(hours=float(rng.uniform(0, 3)))
        if created > current:
            created = current
        due = created + timedelta(hours=deadline_hours(store, service))
        offer = Offer(
            person_id=person.id,
            incident_id=incident.id,
            service=service,
            created_at=created,
            due_at=due,
            attempts=0,
        )
        session.add(offer)
        session.flush()
        age_hours = (current - created).total_seconds() / 3600
        reach_p = 0.85 if age_hours > 72 else 0.45
        reached = rng.random() < reach_p
        attempts = int(rng.integers(0, 3)) + (1 if reached else 0)
        t = created
        for k in range(attempts):
            t = t + timedelta(hours=float(rng.uniform(1, 30)))
            if t > current:
                break
            success = reached and k == attempts - 1
            session.add(
                Contact(
                    offer_id=offer.id,
                    at=t,
                    method=str(rng.choice(["phone", "text", "visit"])),
                    reached=success,
                    notes=f"SYNTHETIC contact note ({label(service)}).",
                    recorded_at=t,
                )
            )
            offer.attempts += 1
            offer.first_attempt_at = offer.first_attempt_at or t
            if success:
                offer.reached_at = t
        if offer.reached_at is not None and age_hours > 24 * 10:
            offer.outcome = str(
                rng.choice(["accepted", "declined", "already_supported"], p=[0.65, 0.2, 0.15])
            )
            if rng.random() < 0.5:
                offer.closed_at = offer.reached_at + timedelta(days=7)
        elif offer.reached_at is None and age_hours > 24 * 21 and rng.random() < 0.5:
            offer.outcome = "unreachable"
            offer.closed_at = created + timedelta(days=21)
