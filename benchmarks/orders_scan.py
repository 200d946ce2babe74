"""Benchmark of breach monitoring: the full scan and the hook's cost on a busy register.

A fresh SQLite case store (in a temporary folder) gets SYNTHETIC data: 2,000 young people,
5,000 incidents placed at random inside the area over two years (two people each), and 300
orders with three conditions each (a 400 m square exclusion zone, an overnight curfew, a
non-associate). Measured: the first full scan (``upstream orders scan``: raises every
alert), a second one (idempotent: raises none), and the latency of linking a young person to
an incident through the case service (the hook scans that incident in the same transaction),
median and 95th percentile over 40 links, with the register full and with it empty.
Writes benchmarks/results/orders_scan.json.

Run: ``python benchmarks/orders_scan.py [--people 2000] [--incidents 5000] [--orders 300]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import numpy as np
from shapely.geometry import box
from sqlalchemy import func, select

from upstream.area import area_from_settings
from upstream.cases.auth import actor_for, hash_password
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.linking import link_person
from upstream.cases.models import Incident, Involvement, Person, User
from upstream.cases.schemas import PersonLink
from upstream.config import Settings
from upstream.orders.access import orders_operator
from upstream.orders.alerts import run_scan
from upstream.orders.models import BreachAlert, CourtOrder, OrderCondition

RESULTS = Path(__file__).resolve().parent / "results" / "orders_scan.json"


def _points(settings: Settings, n: int, rng: np.random.Generator) -> np.ndarray:
    area = area_from_settings(settings)
    x0, y0, x1, y1 = area.boundary.bounds
    out: list[np.ndarray] = []
    while sum(len(p) for p in out) < n:
        xy = rng.uniform([x0, y0], [x1, y1], size=(n, 2))
        out.append(xy[area.contains(xy[:, 0], xy[:, 1])])
    return np.concatenate(out)[:n]


def _seed(store: CaseStore, people: int, incidents: int, rng: np.random.Generator) -> int:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    where = _points(store.settings, incidents, rng)
    with store.unit_of_work() as session:
        coordinator = User(
            username="coord", password_hash=hash_password("benchmark-password"),
            role="coordinator", agency="council",
        )  # fmt: skip
        session.add(coordinator)
        session.flush()
        persons = [Person(pseudonym=f"YP-{i:08X}", synthetic=True) for i in range(people)]
        session.add_all(persons)
        session.flush()
        for i in range(incidents):
            incident = Incident(
                occurred_at=start + timedelta(minutes=int(rng.integers(0, 2 * 365 * 24 * 60))),
                offence="Violence and sexual offences", recorded_by_id=coordinator.id,
                recorded_by_agency="council", easting=float(where[i, 0]),
                northing=float(where[i, 1]), synthetic=True,
            )  # fmt: skip
            session.add(incident)
            session.flush()
            for p in rng.choice(people, size=2, replace=False):
                session.add(
                    Involvement(incident_id=incident.id, person_id=persons[p].id, role="suspect")
                )
        return coordinator.id


def _orders(store: CaseStore, lead_id: int, n: int, people: int, rng: np.random.Generator) -> None:
    centres = _points(store.settings, n, rng)
    with store.unit_of_work() as session:
        ids = list(session.scalars(select(Person.id).order_by(Person.id)))
        for i in range(n):
            order = CourtOrder(
                order_type="kcpo", person_id=ids[i], court="Synthetic court",
                made_on=date(2025, 1, 1), expires_on=date(2027, 1, 1), lead_id=lead_id,
                agency="police", synthetic=True,
            )  # fmt: skip
            session.add(order)
            session.flush()
            x, y = centres[i]
            session.add_all(
                [
                    OrderCondition(order_id=order.id, kind="exclusion_zone",
                                   zone_wkt=box(x - 200, y - 200, x + 200, y + 200).wkt),
                    OrderCondition(order_id=order.id, kind="curfew", curfew_start=clock(21),
                                   curfew_end=clock(6), curfew_days="mon,tue,wed,thu,fri,sat,sun",
                                   overnight=True),
                    OrderCondition(order_id=order.id, kind="non_association",
                                   other_person_id=ids[int(rng.integers(n, people))]),
                ]
            )  # fmt: skip


def _links(store: CaseStore, n: int, rng: np.random.Generator) -> list[float]:
    with store.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == "coord")).one()
        pseudonyms = list(session.scalars(select(Person.pseudonym).limit(300)))
        incidents = list(session.scalars(select(Incident.id)))
    actor = actor_for(user, "coordination")
    seconds = []
    for _ in range(n):
        incident = int(rng.choice(incidents))
        who = str(rng.choice(pseudonyms))
        began = time.perf_counter()
        try:
            link_person(actor, store, incident, PersonLink(pseudonym=who, role="witness"))
        except Exception:  # already linked: try another
            continue
        seconds.append(time.perf_counter() - began)
    return seconds


def _ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(values[int(0.95 * (len(values) - 1))] * 1000, 1),
        "n": len(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(17)
    with tempfile.TemporaryDirectory() as folder:
        store = case_store(Settings(data_dir=Path(folder) / "var"))
        store.migrate()
        began = time.perf_counter()
        lead = _seed(store, args.people, args.incidents, rng)
        seeded = time.perf_counter() - began
        empty = _links(store, 40, rng)
        _orders(store, lead, args.orders, args.people, rng)
        actor = orders_operator("benchmark")
        began = time.perf_counter()
        first = run_scan(actor, store)
        first_s = time.perf_counter() - began
        began = time.perf_counter()
        second = run_scan(actor, store)
        second_s = time.perf_counter() - began
        full = _links(store, 40, rng)
        with store.unit_of_work() as session:
            alerts = int(session.scalar(select(func.count(BreachAlert.id))) or 0)
        store.seal_audit()
        dispose_all()
    result = {
        "people": args.people,
        "incidents": args.incidents,
        "orders": args.orders,
        "conditions": args.orders * 3,
        "seed_s": round(seeded, 1),
        "first_scan_s": round(first_s, 2),
        "first_scan_alerts": first.created,
        "second_scan_s": round(second_s, 2),
        "second_scan_alerts": second.created,
        "alerts_after_links": alerts,
        "link_with_orders": _ms(full),
        "link_without_orders": _ms(empty),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "database": "sqlite",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
