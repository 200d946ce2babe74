"""The demo knife-retail register: 40 SYNTHETIC premises across the partnership area, two
years of test purchases and follow-ups, and a demo Trading Standards login.

Every premises is named ``SYNTHETIC ...`` with a synthetic address and stored with ``demo``
set; its location is a random point inside the area pack's boundary (half of them near the
town centres, where shops cluster). Test purchases follow the re-test rules, with some
re-tests missed so the due list has overdue premises; each premises has its own chance of
selling, so compliance varies. The demo login ``trading`` (a Trading Standards officer)
shares the case tool's published demo password; like every demo user it is disabled by
``upstream cases disable-demo`` and a production server refuses to start while it is active.

:func:`prepare_retail` loads it into an empty register (``make run`` does, outside production).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from upstream.area import Area, area_from_settings
from upstream.cases.admin import create_demo_user
from upstream.cases.db import CaseStore, case_store
from upstream.cases.demo import DEMO_PASSWORD
from upstream.cases.models import User
from upstream.cases.schemas import UserCreate
from upstream.cases.vocab import Agency, Role
from upstream.config import Settings
from upstream.orders.retail.access import retail_operator
from upstream.orders.retail.schedule import RetailRules, add_months, load_rules
from upstream.orders.retail.schemas import FollowUpData, PremisesData, TestPurchaseData
from upstream.orders.retail.service import (
    PremisesRow,
    add_follow_up,
    add_test_purchase,
    import_premises,
    register_size,
    today_in_london,
)
from upstream.orders.retail.vocab import AgeBand, Delivery, FollowUpKind, PremisesType, Result

__all__ = ["DEMO_OFFICER", "DEMO_PREFIX", "demo_premises", "load_demo_retail", "prepare_retail"]

DEMO_PREFIX = "DEMO-R"
DEMO_OFFICER = "trading"
"""The demo Trading Standards login."""

_KINDS = (
    [PremisesType.SHOP] * 22
    + [PremisesType.SUPERMARKET] * 8
    + [PremisesType.MARKET_STALL] * 6
    + [PremisesType.ONLINE] * 4
)
_NAMES = {
    PremisesType.SHOP: ("Hardware", "Cookshop", "Convenience Store", "Pound Shop", "DIY"),
    PremisesType.SUPERMARKET: ("Supermarket", "Superstore"),
    PremisesType.MARKET_STALL: ("Market Stall (kitchenware)", "Market Stall (tools)"),
    PremisesType.ONLINE: ("Online Knives (local delivery)", "Online Outdoor (local delivery)"),
}
_NEVER_TESTED = frozenset({f"{DEMO_PREFIX}05", f"{DEMO_PREFIX}23"})
"""Premises newly added to the register, not yet tested (due at once)."""
_STREETS = ("High Road", "Market Street", "Station Parade", "Church Lane", "Park Road")


def _point(rng: np.random.Generator, area: Area, near_centre: bool) -> tuple[float, float]:
    minx, miny, maxx, maxy = area.boundary.bounds
    centres = area.town_centres
    for _ in range(10_000):
        if near_centre and len(centres):
            c = centres.iloc[int(rng.integers(len(centres)))]
            x, y = float(c["x"]) + rng.normal(0, 350), float(c["y"]) + rng.normal(0, 350)
        else:
            x, y = float(rng.uniform(minx, maxx)), float(rng.uniform(miny, maxy))
        if area.contains(np.array([x]), np.array([y]))[0]:
            return round(x, 1), round(y, 1)
    raise RuntimeError("no point found inside the area boundary")


def demo_premises(area: Area, *, seed: int = 17) -> list[PremisesRow]:
    """The 40 synthetic premises as rows to import (locations inside ``area``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, kind in enumerate(_KINDS, start=1):
        x, y = _point(rng, area, near_centre=i % 2 == 0)
        name = f"SYNTHETIC {_NAMES[kind][i % len(_NAMES[kind])]} {i}"
        where = "online, delivers in the area" if kind is PremisesType.ONLINE else (
            f"{i} {_STREETS[i % len(_STREETS)]} (SYNTHETIC address)"
        )  # fmt: skip
        data = PremisesData(
            ref=f"{DEMO_PREFIX}{i:02d}",
            name=name,
            address=where,
            premises_type=kind,
            easting=x,
            northing=y,
        )
        rows.append(PremisesRow(data, f"demo {data.ref}"))
    return rows


def _purchase(
    rng: np.random.Generator, kind: PremisesType, sold: bool, on: date
) -> TestPurchaseData:
    delivery = None
    if kind is PremisesType.ONLINE:
        delivery = (
            rng.choice([Delivery.HANDED_OVER, Delivery.LEFT_WITH_SOMEONE])
            if sold
            else rng.choice([Delivery.AGE_CHECKED, Delivery.NOT_DELIVERED])
        )
    return TestPurchaseData(
        on=on,
        age_band=AgeBand.AGE_13_15 if rng.random() < 0.4 else AgeBand.AGE_16_17,
        result=Result.SOLD if sold else Result.REFUSED,
        asked_for_id=(not sold and rng.random() < 0.9) or (sold and rng.random() < 0.1),
        challenge25_signage=bool(rng.random() < (0.4 if sold else 0.8)),
        till_prompt=kind is PremisesType.SUPERMARKET and bool(rng.random() < 0.9),
        delivery=delivery,
    )


_ESCALATION = (FollowUpKind.ADVICE, FollowUpKind.WARNING, FollowUpKind.FIXED_PENALTY,
               FollowUpKind.PROSECUTION)  # fmt: skip


def _history(
    store: CaseStore, rng: np.random.Generator, row: PremisesRow, rules: RetailRules, today: date
) -> int:
    operator = retail_operator("demo-retail")
    if row.data.ref in _NEVER_TESTED:
        return 0
    kind = row.data.premises_type
    chance = float(rng.beta(2, 5 if kind is not PremisesType.ONLINE else 2))
    on = add_months(today, -24) + timedelta(days=int(rng.integers(0, 90)))
    sales = tests = 0
    while on <= today:
        sold = bool(rng.random() < chance)
        view = add_test_purchase(
            operator, store, row.data.ref, _purchase(rng, kind, sold, on), today=today, demo=True
        )
        tests += 1
        if sold:
            follow = on + timedelta(days=int(rng.integers(7, 35)))
            if follow <= today:
                step = _ESCALATION[min(sales, len(_ESCALATION) - 1)]
                add_follow_up(
                    operator, store, row.data.ref, view.id,
                    FollowUpData(kind=step, on=follow), today=today,
                )  # fmt: skip
            sales += 1
            chance *= 0.6  # advice and warnings work, mostly
        months = rules.after_sale_months if sold else rules.after_refusal_months
        late = int(rng.integers(0, 45)) if rng.random() < 0.7 else int(rng.integers(60, 200))
        on = add_months(on, months) + timedelta(days=late)
    return tests


def _demo_officer(store: CaseStore) -> list[str]:
    with store.unit_of_work() as session:
        exists = session.scalar(select(User.id).where(User.username == DEMO_OFFICER))
    if exists is not None:
        return []
    create_demo_user(
        store,
        UserCreate(
            username=DEMO_OFFICER,
            password=DEMO_PASSWORD,
            role=Role.TRADING_OFFICER,
            agency=Agency.COUNCIL,
        ),
    )
    return [f"  {DEMO_OFFICER:<12} Trading Standards officer (knife retailers only)"]


def load_demo_retail(store: CaseStore, area: Area, *, today: date | None = None) -> list[str]:
    """Load the demo register into an empty one and add the demo officer; lines to print."""
    if store.settings.env == "production":
        raise RuntimeError("the synthetic retail demo is never loaded when UPSTREAM_ENV=production")
    if register_size(store):
        return ["the knife-retail register already holds premises; demo not loaded"]
    today = today or today_in_london()
    rules = load_rules()
    rng = np.random.default_rng(17)
    rows = demo_premises(area)
    import_premises(retail_operator("demo-retail"), store, rows, area, source="demo", demo=True)
    tests = sum(_history(store, rng, row, rules, today) for row in rows)
    return [
        f"loaded the SYNTHETIC knife-retail register: {len(rows)} premises, {tests} test "
        "purchases over two years (labelled demo)",
        *_demo_officer(store),
    ]


def prepare_retail(settings: Settings) -> Iterator[str]:
    """Bootstrap step: outside production, load the demo register when it is empty."""
    if settings.env == "production":
        return
    yield from load_demo_retail(case_store(settings), area_from_settings(settings))
