"""Retention, subject access, duplicates, schemas, the demo and the `upstream cases` commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import select, update
from typer.testing import CliRunner

import upstream.cases.schemas as schemas
from upstream.cases import service
from upstream.cases.access import system_actor
from upstream.cases.auth import change_password, login
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.cases.duplicate_review import list_duplicates, resolve_duplicate
from upstream.cases.models import Contact, Incident, Person, User
from upstream.cases.retention import months_before, retain
from upstream.cases.sar import subject_access_export
from upstream.cases.schemas import (
    ContactCreate,
    DuplicateResolve,
    IncidentCreate,
    OfferCreate,
    PasswordChange,
    PersonCreate,
)
from upstream.cases.vocab import Agency, Role
from upstream.cli import app as cli
from upstream.config import Settings

from .conftest import PASSWORD, WHY, People, add_user

NEW = "plum orchard ferry lantern"


def _case(store: CaseStore, people: People, **identity: str) -> tuple[int, str, int]:
    incident = service.create_incident(
        people.coordinator,
        store,
        IncidentCreate(
            occurred_at="2024-01-01T12:00:00Z", offence="Robbery", summary="Named Person"
        ),
    )
    person = service.add_person(
        people.coordinator, store, incident.id, PersonCreate(role="victim", **identity)
    )
    offer = service.make_offer(
        people.coordinator, store, person.pseudonym, OfferCreate(service="sport")
    )
    service.record_contact(
        people.coordinator,
        store,
        offer.id,
        ContactCreate(method="phone", reached=True, notes="call mum"),
    )
    return incident.id, person.pseudonym, offer.id


def test_retention_dry_run_then_anonymise(sqlite_store: CaseStore, people: People) -> None:
    old_incident, old, _ = _case(
        sqlite_store,
        people,
        given_name="Old",
        family_name="Case",
        sex="female",
        ethnic_group="Mixed",
    )
    _, recent, _ = _case(sqlite_store, people, given_name="New", family_name="Case")
    service.close_person(people.coordinator, sqlite_store, old)
    service.close_person(people.coordinator, sqlite_store, recent)
    service.close_incident(people.coordinator, sqlite_store, old_incident)
    long_ago = datetime.now(UTC) - timedelta(days=800)
    with sqlite_store.unit_of_work() as session:
        session.execute(update(Person).where(Person.pseudonym == old).values(closed_at=long_ago))
        session.execute(
            update(Incident).where(Incident.id == old_incident).values(closed_at=long_ago)
        )
    dry = retain(system_actor("retain"), sqlite_store, dry_run=True)
    assert (dry.people, dry.incidents) == ([old], [old_incident])
    with sqlite_store.unit_of_work() as session:
        assert (
            session.scalars(select(Person.given_name).where(Person.pseudonym == old)).one() == "Old"
        )
    done = retain(system_actor("retain"), sqlite_store, dry_run=False)
    assert done.people == [old]
    with sqlite_store.unit_of_work() as session:
        gone = session.scalars(select(Person).where(Person.pseudonym == old)).one()
        assert (gone.given_name, gone.family_name, gone.anonymised_at is not None) == (
            None,
            None,
            True,
        )
        assert (gone.sex, gone.ethnic_group) == (None, None)
        assert (
            session.scalars(select(Person.given_name).where(Person.pseudonym == recent)).one()
            == "New"
        )
        assert session.get_one(Incident, old_incident).summary is None
        notes = session.scalars(select(Contact.notes)).all()
        assert sorted(n or "" for n in notes) == ["", "call mum"]
    assert retain(system_actor("retain"), sqlite_store, dry_run=False).people == []
    assert months_before(datetime(2025, 3, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)


def test_subject_access_export_holds_everything(sqlite_store: CaseStore, people: People) -> None:
    incident, pseudonym, offer = _case(
        sqlite_store,
        people,
        given_name="Sar",
        family_name="Subject",
        sex="male",
        ethnic_group="not stated",
    )
    detail = service.get_person(people.coordinator, sqlite_store, pseudonym)
    assert detail.identity is not None and detail.identity.ethnic_group == "not stated"
    data = subject_access_export(people.admin, sqlite_store, pseudonym, WHY)
    assert data["person"]["given_name"] == "Sar"
    assert (data["person"]["sex"], data["person"]["ethnic_group"]) == ("male", "not stated")
    assert (
        data["incidents"][0]["id"] == incident and data["incidents"][0]["summary"] == "Named Person"
    )
    assert (
        data["offers"][0]["id"] == offer and data["offers"][0]["contacts"][0]["notes"] == "call mum"
    )
    assert {e["action"] for e in data["audit_events"]} >= {"person.create", "person.read"}
    json.dumps(data)


def test_sex_and_ethnic_group_take_only_the_shared_vocabulary() -> None:
    """The case store's choices are the project's one vocabulary (``upstream.vocab``), and a
    value outside it is refused naming the field."""
    from typing import get_args

    from upstream.vocab import ETHNICITIES, SEXES

    assert get_args(schemas.Sex) == SEXES and get_args(schemas.EthnicGroup) == ETHNICITIES
    with pytest.raises(ValueError, match="ethnic_group"):
        PersonCreate(role="victim", ethnic_group="Black British")
    with pytest.raises(ValueError, match="sex"):
        PersonCreate(role="victim", sex="M")


def test_duplicates_are_flagged_never_merged_silently(
    sqlite_store: CaseStore, people: People
) -> None:
    _, first, _ = _case(
        sqlite_store, people, given_name="Ann", family_name="O'Neil", date_of_birth="2011-05-06"
    )
    _, second, _ = _case(
        sqlite_store, people, given_name="ann", family_name="ONeil", date_of_birth="2011-05-06"
    )
    _, third, _ = _case(
        sqlite_store, people, given_name="Ann", family_name="Other", date_of_birth="2012-01-01"
    )
    a = service.get_person(people.coordinator, sqlite_store, first)
    b = service.get_person(people.coordinator, sqlite_store, second)
    assert a.person.possible_duplicates == [second] and b.person.possible_duplicates == [first]
    assert (
        service.get_person(people.coordinator, sqlite_store, third).person.possible_duplicates == []
    )
    assert len(a.offers) == len(b.offers) == 1  # both records intact
    flag = list_duplicates(people.coordinator, sqlite_store)[0]
    resolve_duplicate(
        people.coordinator, sqlite_store, flag.id, DuplicateResolve(resolution="merge")
    )
    kept = service.get_person(people.coordinator, sqlite_store, first)
    assert len(kept.offers) == 2 and kept.person.possible_duplicates == []
    assert service.get_person(people.coordinator, sqlite_store, second).person.merged_into == first


def test_list_and_public_schemas_hold_no_identifying_field() -> None:
    checked = 0
    for name in schemas.__all__:
        model = getattr(schemas, name)
        if (
            isinstance(model, type)
            and issubclass(model, BaseModel)
            and name.endswith(("Public", "Row", "Summary"))
        ):
            assert not set(model.model_fields) & schemas.IDENTIFYING_FIELDS, name
            checked += 1
    assert checked >= 9


def test_demo_is_labelled_synthetic(sqlite_store: CaseStore) -> None:
    lines = seed_demo(sqlite_store)
    assert "SYNTHETIC" in lines[0] and any(DEMO_PASSWORD in line for line in lines)
    with sqlite_store.unit_of_work() as session:
        people_ = session.scalars(select(Person)).all()
        assert len(people_) > 100 and all(p.synthetic for p in people_)
        assert all("(synthetic)" in (p.address or "(synthetic)") for p in people_)
        recorded = [p for p in people_ if p.ethnic_group is not None]
        assert len(recorded) > len(people_) / 2 and {p.sex for p in people_} > {"male", "female"}
        assert all(i.synthetic for i in session.scalars(select(Incident)))
        assert session.scalars(select(User.username).where(User.demo.is_(True))).all()
    assert seed_demo(sqlite_store)[0].startswith("case store already holds")
    with pytest.raises(RuntimeError):
        seed_demo(
            CaseStore(
                "sqlite://", Settings(env="production", secret_key="k" * 40, audit_key="a" * 40)
            )
        )


def test_cases_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("UPSTREAM_ADMIN_PASSWORD", "a long admin password")
    runner = CliRunner()
    made = runner.invoke(cli, ["cases", "create-admin", "boss"])
    assert made.exit_code == 0, made.output
    assert "must change the password" in made.output
    store = case_store(Settings(data_dir=tmp_path / "var"))
    coordinator = add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    why = ["--reason", "subject access request ref 2026/17", "--password-stdin"]
    # a password someone else set works nowhere until its owner has changed it
    early = runner.invoke(
        cli, ["cases", "export-audit", "--as", "boss", *why], input="a long admin password\n"
    )
    assert early.exit_code == 1 and "change your password" in early.output
    _, view = login(store, "boss", "a long admin password", "administration")
    change_password(
        store, view, PasswordChange(current_password="a long admin password", new_password=NEW)
    )
    incident = service.create_incident(
        coordinator, store, IncidentCreate(occurred_at="2026-01-01T00:00:00Z", offence="Drugs")
    )
    person = service.add_person(
        coordinator, store, incident.id, PersonCreate(role="suspect", given_name="Cli")
    )
    wrong = runner.invoke(
        cli, ["cases", "sar", person.pseudonym, "--as", "boss", *why], input="guess\n"
    )
    assert wrong.exit_code == 1 and "wrong username or password" in wrong.output
    sar = runner.invoke(
        cli, ["cases", "sar", person.pseudonym, "--as", "boss", *why], input=NEW + "\n"
    )
    assert sar.exit_code == 0, sar.output
    assert json.loads(sar.output)["person"]["given_name"] == "Cli"
    refused = runner.invoke(
        cli, ["cases", "sar", person.pseudonym, "--as", "coord", *why], input=PASSWORD + "\n"
    )
    assert refused.exit_code == 1 and "cannot open a session" in refused.output
    no_reason = runner.invoke(
        cli,
        ["cases", "sar", person.pseudonym, "--as", "boss", "--reason", "x", "--password-stdin"],
        input=NEW + "\n",
    )
    assert no_reason.exit_code == 1 and "--reason" in no_reason.output
    dry = runner.invoke(cli, ["cases", "retain", "--dry-run"])
    assert dry.exit_code == 0 and "would anonymise 0 young people" in dry.output
    audit = runner.invoke(cli, ["cases", "export-audit", "--as", "boss", *why], input=NEW + "\n")
    rows = list(csv.DictReader(io.StringIO(audit.output)))
    actions = [r["action"] for r in rows]
    assert {"user.create", "subject_access.export", "auth.login", "retention.report"} <= set(
        actions
    )
    exported = next(r for r in rows if r["action"] == "subject_access.export")
    assert exported["reason"] == "subject access request ref 2026/17"
    assert exported["client_addr"] == "command line"
    assert "Cli" not in audit.output
    dispose_all()
