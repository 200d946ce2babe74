"""Use cases of the knife-retail register. Each takes the acting user first and runs in a
unit of work.

Every function asks the register's policy (:mod:`upstream.orders.retail.access`) before it
reads or changes anything, and writes one event in the case store's audit log (with the
purpose of the session) in the same unit of work: every read of the register, every change.
Refusals and unknown references are audited by the case tool's
:func:`~upstream.cases.service.use_case`, in their own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from upstream.area import Area, to_bng
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.localtime import london
from upstream.cases.models import utcnow
from upstream.cases.service import Conflict, not_found, use_case
from upstream.orders.retail.access import RetailPermission, ensure_retail_allowed
from upstream.orders.retail.models import FollowUp, RetailPremises, TestPurchase
from upstream.orders.retail.schemas import (
    FollowUpData,
    FollowUpView,
    PremisesData,
    PremisesView,
    PurchaseView,
    TestPurchaseData,
    TestRecord,
)
from upstream.orders.retail.vocab import Delivery, PremisesType, Result

__all__ = [
    "ImportResult",
    "PremisesDetail",
    "PremisesRow",
    "RetailInputError",
    "add_follow_up",
    "add_test_purchase",
    "compliance_records",
    "get_premises",
    "import_premises",
    "list_premises",
    "place",
    "register_size",
    "save_premises",
    "today_in_london",
]


class RetailInputError(ValueError):
    """Input that cannot be stored; the message names where it came from and the field."""


@dataclass(frozen=True)
class PremisesRow:
    """A premises to import and where it came from (``where``: e.g. ``shops.csv, line 7``)."""

    data: PremisesData
    where: str = "input"


@dataclass(frozen=True)
class ImportResult:
    """What an import did: references created, changed and left as they were."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


@dataclass(frozen=True)
class PremisesDetail:
    """A premises and its test purchases, newest first."""

    premises: PremisesView
    purchases: list[PurchaseView]


def today_in_london() -> date:
    """Today's date in London (what re-tests fall due against)."""
    return london(utcnow()).date()


def place(rows: Sequence[PremisesRow], area: Area) -> list[tuple[float, float]]:
    """Each row's location in BNG metres (lon/lat projected as ingest does).

    Raises
    ------
    RetailInputError
        Naming the first row whose location lies outside the partnership area, and the field.
    """
    if not rows:
        return []
    lon = np.array([r.data.longitude if r.data.longitude is not None else np.nan for r in rows])
    lat = np.array([r.data.latitude if r.data.latitude is not None else np.nan for r in rows])
    px, py = to_bng(lon, lat)
    x = np.array([r.data.easting if r.data.easting is not None else px[i] for i, r in
                  enumerate(rows)], dtype="float64")  # fmt: skip
    y = np.array([r.data.northing if r.data.northing is not None else py[i] for i, r in
                  enumerate(rows)], dtype="float64")  # fmt: skip
    inside = area.contains(x, y)
    for i, row in enumerate(rows):
        if not inside[i]:
            field = "easting/northing" if row.data.easting is not None else "longitude/latitude"
            raise RetailInputError(
                f"{row.where}, {field}: the location ({x[i]:.0f}, {y[i]:.0f} BNG) is outside "
                f"the partnership area ({area.name})"
            )
    return [(round(float(a), 1), round(float(b), 1)) for a, b in zip(x, y, strict=True)]


def _view(p: RetailPremises) -> PremisesView:
    last = p.purchases[-1] if p.purchases else None
    return PremisesView(
        ref=p.ref,
        name=p.name,
        address=p.address,
        premises_type=PremisesType(p.premises_type),
        easting=p.easting,
        northing=p.northing,
        demo=p.demo,
        version=p.version,
        tests=len(p.purchases),
        last_on=last.on if last else None,
        last_result=Result(last.result) if last else None,
        sold_on=[t.on for t in p.purchases if t.result == Result.SOLD],
    )


def _purchase_view(t: TestPurchase) -> PurchaseView:
    return PurchaseView(
        id=t.id,
        on=t.on,
        age_band=t.age_band,  # type: ignore[arg-type]
        result=t.result,  # type: ignore[arg-type]
        asked_for_id=t.asked_for_id,
        challenge25_signage=t.challenge25_signage,
        till_prompt=t.till_prompt,
        delivery=t.delivery,  # type: ignore[arg-type]
        officer=t.officer,
        demo=t.demo,
        follow_ups=[
            FollowUpView(id=f.id, kind=f.kind, on=f.on, officer=f.officer)  # type: ignore[arg-type]
            for f in t.follow_ups
        ],
    )


def _query() -> Select[RetailPremises]:
    return select(RetailPremises).options(selectinload(RetailPremises.purchases))


@use_case
def list_premises(actor: Actor, store: CaseStore) -> list[PremisesView]:
    """Every active premises of the register, by name (the read is audited)."""
    ensure_retail_allowed(actor, RetailPermission.READ)
    with store.unit_of_work() as session:
        rows = session.scalars(
            _query().where(RetailPremises.active.is_(True)).order_by(RetailPremises.name)
        )
        views = [_view(p) for p in rows]
        record(
            session, actor, AuditKind.RETAIL_REGISTER_READ, "retail", None,
            detail=f"{len(views)} premises",
        )  # fmt: skip
        return views


def _load(session: Session, ref: str) -> RetailPremises:
    premises = session.scalars(
        _query()
        .where(RetailPremises.ref == ref)
        .options(selectinload(RetailPremises.purchases).selectinload(TestPurchase.follow_ups))
    ).one_or_none()
    if premises is None:
        raise not_found("premises", ref)
    return premises


@use_case
def get_premises(actor: Actor, store: CaseStore, ref: str) -> PremisesDetail:
    """One premises and its test purchases with their follow-ups, newest first (audited)."""
    ensure_retail_allowed(actor, RetailPermission.READ, "premises", ref)
    with store.unit_of_work() as session:
        premises = _load(session, ref)
        record(session, actor, AuditKind.RETAIL_PREMISES_READ, "premises", ref)
        purchases = [_purchase_view(t) for t in reversed(premises.purchases)]
        return PremisesDetail(_view(premises), purchases)


def _fields(data: PremisesData, xy: tuple[float, float]) -> dict[str, Any]:
    return {
        "name": data.name,
        "address": data.address,
        "premises_type": data.premises_type.value,
        "easting": xy[0],
        "northing": xy[1],
    }


def _upsert(
    session: Session,
    actor: Actor,
    premises: RetailPremises | None,
    data: PremisesData,
    xy: tuple[float, float],
    demo: bool,
) -> str:
    """Create or change one premises (audited unless unchanged): ``created``, ``updated``
    or ``unchanged``."""
    fields = _fields(data, xy)
    if premises is None:
        session.add(RetailPremises(ref=data.ref, demo=demo, **fields))
        record(session, actor, AuditKind.RETAIL_PREMISES_CREATE, "premises", data.ref)
        return "created"
    changed = sorted(k for k, v in fields.items() if getattr(premises, k) != v)
    if not premises.active:
        changed.append("active")
    if not changed:
        return "unchanged"
    for key in changed:
        setattr(premises, key, fields.get(key, True))
    premises.updated_at = utcnow()
    record(
        session, actor, AuditKind.RETAIL_PREMISES_UPDATE, "premises", data.ref,
        detail=("changed: " + ", ".join(changed))[:300],
    )  # fmt: skip
    return "updated"


@use_case
def import_premises(
    actor: Actor,
    store: CaseStore,
    rows: Sequence[PremisesRow],
    area: Area,
    *,
    source: str,
    demo: bool = False,
) -> ImportResult:
    """Create or update the premises given (matched on ``ref``), all or nothing.

    Premises not given are left as they are; importing the same rows again changes nothing.
    ``source`` (a file name, never a path) is recorded in the audit.

    Raises
    ------
    RetailInputError
        Two rows with one reference, or a location outside the area (naming the row and the
        field); nothing is stored.
    """
    ensure_retail_allowed(actor, RetailPermission.MANAGE)
    seen: dict[str, str] = {}
    for row in rows:
        if row.data.ref in seen:
            raise RetailInputError(
                f"{row.where}, ref: {row.data.ref!r} is also given at {seen[row.data.ref]}"
            )
        seen[row.data.ref] = row.where
    places = place(rows, area)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with store.unit_of_work() as session:
        existing = {
            p.ref: p
            for p in session.scalars(
                select(RetailPremises).where(RetailPremises.ref.in_(list(seen)))
            )
        }
        for row, xy in zip(rows, places, strict=True):
            outcome = _upsert(session, actor, existing.get(row.data.ref), row.data, xy, demo)
            {"created": created, "updated": updated, "unchanged": unchanged}[outcome].append(
                row.data.ref
            )
        record(
            session, actor, AuditKind.RETAIL_IMPORT, "retail", None,
            detail=(f"{source[:120]}: {len(created)} created, {len(updated)} changed, "
                    f"{len(unchanged)} unchanged"),
        )  # fmt: skip
    return ImportResult(created, updated, unchanged)


@use_case
def save_premises(
    actor: Actor, store: CaseStore, data: PremisesData, area: Area
) -> tuple[str, PremisesView]:
    """Create premises ``data.ref`` or change it to ``data``: ``created``, ``updated`` or
    ``unchanged``, and the premises as stored. One audit event: the creation, the change,
    or (nothing changed) an update event saying so.

    Raises
    ------
    RetailInputError
        A location outside the area (naming the field); nothing is stored.
    """
    ensure_retail_allowed(actor, RetailPermission.MANAGE, "premises", data.ref)
    (xy,) = place([PremisesRow(data)], area)
    with store.unit_of_work() as session:
        existing = session.scalars(
            select(RetailPremises).where(RetailPremises.ref == data.ref)
        ).one_or_none()
        outcome = _upsert(session, actor, existing, data, xy, demo=False)
        if outcome == "unchanged":
            record(
                session, actor, AuditKind.RETAIL_PREMISES_UPDATE, "premises", data.ref,
                detail="no change",
            )  # fmt: skip
        session.flush()
        return outcome, _view(_load(session, data.ref))


def _check_purchase(premises: RetailPremises, data: TestPurchaseData, today: date) -> None:
    if data.on > today:
        raise RetailInputError(f"on: {data.on.isoformat()} is in the future")
    online = premises.premises_type == PremisesType.ONLINE
    if online and data.delivery is None:
        raise RetailInputError(
            "delivery: an online seller's test purchase needs what happened at the door "
            f"({', '.join(d.value.replace('_', ' ') for d in Delivery)})"
        )
    if not online and data.delivery is not None:
        raise RetailInputError("delivery: only an online seller's test purchase is delivered")


@use_case
def add_test_purchase(
    actor: Actor,
    store: CaseStore,
    ref: str,
    data: TestPurchaseData,
    *,
    today: date | None = None,
    demo: bool = False,
) -> PurchaseView:
    """Record a test purchase at premises ``ref`` (the officer is the actor; audited).

    Raises
    ------
    RetailInputError
        A date in the future, or a delivery check missing for an online seller (or given
        for one that is not online).
    """
    ensure_retail_allowed(actor, RetailPermission.RECORD, "premises", ref)
    with store.unit_of_work() as session:
        premises = _load(session, ref)
        _check_purchase(premises, data, today or today_in_london())
        purchase = TestPurchase(
            premises_id=premises.id,
            on=data.on,
            age_band=data.age_band.value,
            result=data.result.value,
            asked_for_id=data.asked_for_id,
            challenge25_signage=data.challenge25_signage,
            till_prompt=data.till_prompt,
            delivery=data.delivery.value if data.delivery else None,
            officer=actor.username[:64],
            demo=demo,
        )
        session.add(purchase)
        session.flush()
        record(
            session, actor, AuditKind.RETAIL_TEST_CREATE, "premises", ref,
            detail=f"test purchase {purchase.id}: {data.result.value}",
        )  # fmt: skip
        session.refresh(purchase, ["follow_ups"])
        return _purchase_view(purchase)


@use_case
def add_follow_up(
    actor: Actor,
    store: CaseStore,
    ref: str,
    purchase_id: int,
    data: FollowUpData,
    *,
    today: date | None = None,
) -> FollowUpView:
    """Record a follow-up of test purchase ``purchase_id`` at premises ``ref`` (audited).

    Raises
    ------
    Conflict
        The test purchase is not one of the premises'.
    RetailInputError
        The follow-up is dated before the test purchase or in the future.
    """
    ensure_retail_allowed(actor, RetailPermission.RECORD, "premises", ref)
    with store.unit_of_work() as session:
        premises = _load(session, ref)
        purchase = next((t for t in premises.purchases if t.id == purchase_id), None)
        if purchase is None:
            raise Conflict(f"premises {ref} has no test purchase {purchase_id}")
        if data.on < purchase.on:
            raise RetailInputError(
                f"on: the follow-up ({data.on.isoformat()}) is before the test purchase "
                f"({purchase.on.isoformat()})"
            )
        if data.on > (today or today_in_london()):
            raise RetailInputError(f"on: {data.on.isoformat()} is in the future")
        follow_up = FollowUp(
            purchase_id=purchase.id, kind=data.kind.value, on=data.on, officer=actor.username[:64]
        )
        session.add(follow_up)
        session.flush()
        record(
            session, actor, AuditKind.RETAIL_FOLLOW_UP_CREATE, "premises", ref,
            detail=f"test purchase {purchase.id}: {data.kind.value}",
        )  # fmt: skip
        return FollowUpView(id=follow_up.id, kind=data.kind, on=data.on, officer=follow_up.officer)


@use_case
def compliance_records(actor: Actor, store: CaseStore) -> list[TestRecord]:
    """Every test purchase as date, premises type and result: no premises named (analysts
    see this and nothing else of the register; the read is audited)."""
    ensure_retail_allowed(actor, RetailPermission.COMPLIANCE)
    with store.unit_of_work() as session:
        rows = session.execute(
            select(TestPurchase.on, RetailPremises.premises_type, TestPurchase.result)
            .join(RetailPremises, TestPurchase.premises_id == RetailPremises.id)
            .order_by(TestPurchase.on, TestPurchase.id)
        ).all()
        record(
            session, actor, AuditKind.RETAIL_COMPLIANCE_READ, "retail", None,
            detail=f"{len(rows)} test purchases",
        )  # fmt: skip
        return [
            TestRecord(on=on, premises_type=kind, result=result)  # type: ignore[arg-type]
            for on, kind, result in rows
        ]


def register_size(store: CaseStore) -> int:
    """How many premises the register holds (for bootstrap: load the demo into an empty one)."""
    with store.unit_of_work() as session:
        return int(session.scalar(select(func.count(RetailPremises.id))) or 0)
