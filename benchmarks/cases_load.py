"""Load benchmark of case coordination: 50 simulated users for 60 s against PostgreSQL.

Starts a throwaway PostgreSQL server, seeds it with the SYNTHETIC demo case store, and serves
the app with uvicorn (``--workers 2``, one per core; the app is stateless between requests, so
workers share nothing but the database) in its own processes on loopback. Fifty simulated
users (20 coordinators, 30 caseworkers of four services) log in through the login form,
then loop for 60 s: think for 0.5-1.5 s (as people do between clicks), then open the
board (35 %), open a young person's page (40 %), or record a contact attempt through the
person page's form (25 %) on an offer of their service. Contact attempts go to a small
set of "hot" offers so that concurrent updates of the same record are common.

Measured: p50/p95/p99 latency per kind and overall, throughput, errors (any 5xx, timeout or
unexpected status), and lost updates: after the run, every offer must hold exactly one
more contact, and its ``attempts`` counter one more, per successful update.
Target: p95 < 150 ms, zero errors, zero lost updates. Writes benchmarks/results/cases_load.json.

Run: ``python benchmarks/cases_load.py [--users 50] [--seconds 60] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from upstream.cases.db import CaseStore, database_url
from upstream.cases.demo import DEMO_PASSWORD, seed_demo
from upstream.cases.models import Contact, Offer, Person
from upstream.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test-only PostgreSQL launcher
from tests.pgserver import TempPostgres

RESULTS = Path(__file__).resolve().parent / "results" / "cases_load.json"
ROLES = ["coordinator"] * 20 + ["navigator", "mentor", "youthworker", "therapist"] * 8
SERVICE_OF = {
    "navigator": "ae_navigator",
    "mentor": "custody_mentor",
    "youthworker": "youth_at_risk",
    "therapist": "family_therapy",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class User:
    def __init__(self, n: int, username: str, base: str, targets: dict[str, Any]) -> None:
        self.n = n
        self.username = username
        self.client = httpx.AsyncClient(base_url=base, timeout=10.0, follow_redirects=False)
        service = SERVICE_OF.get(username)
        self.hot: list[tuple[int, str]] = (
            targets["hot"] if service is None else targets["hot_by_service"][service]
        )
        self.people: list[str] = (
            targets["people"] if service is None else targets["people_by_service"][service]
        )
        self.rng = random.Random(n)

    async def login(self) -> None:
        page = await self.client.get("/login")
        response = await self.client.post(
            "/login",
            data={
                "csrf_token": _token(page.text),
                "username": self.username,
                "password": DEMO_PASSWORD,
                "purpose": "coordination" if self.username == "coordinator" else "direct_support",
                "next": "/cases",
            },
        )
        if response.status_code != 303:
            raise RuntimeError(f"login of {self.username} failed: {response.status_code}")
        board = await self.client.get("/cases")
        self.csrf = _token(board.text)


async def _run_user(
    user: User, until: float, samples: list[tuple[str, float, int]], done: Counter[int]
) -> None:
    while time.monotonic() < until:
        await asyncio.sleep(user.rng.uniform(0.5, 1.5))
        if time.monotonic() >= until:
            break
        roll = user.rng.random()
        start = time.perf_counter()
        try:
            if roll < 0.35:
                kind, expected = "board", 200
                response = await user.client.get("/cases")
            elif roll < 0.75:
                kind, expected = "person", 200
                response = await user.client.get(f"/cases/people/{user.rng.choice(user.people)}")
            else:
                kind, expected = "update", 303
                offer_id, _ = user.rng.choice(user.hot)
                response = await user.client.post(
                    f"/cases/offers/{offer_id}/contacts",
                    data={"csrf_token": user.csrf, "method": "phone", "notes": "load test"},
                )
                if response.status_code == 303:
                    done[offer_id] += 1
            status = response.status_code
        except httpx.HTTPError:
            kind, status, expected = locals().get("kind", "?"), 599, 0
        elapsed = (time.perf_counter() - start) * 1000
        samples.append((kind, elapsed, status if status == expected else -status))


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def q(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "count": len(ordered),
        "p50_ms": q(0.50),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
        "mean_ms": round(statistics.fmean(ordered), 1),
        "max_ms": round(ordered[-1], 1),
    }


def _targets(store: CaseStore) -> dict[str, Any]:
    with store.unit_of_work() as session:
        rows = session.execute(
            select(Offer.id, Offer.service, Person.pseudonym)
            .join(Person, Person.id == Offer.person_id)
            .where(Offer.closed_at.is_(None), Person.merged_into_id.is_(None))
            .order_by(Offer.id)
        ).all()
    by_service: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for offer_id, service, pseudonym in rows:
        by_service[service].append((offer_id, pseudonym))
    hot_by_service = {s: v[:6] for s, v in by_service.items()}
    return {
        "hot": [o for v in hot_by_service.values() for o in v],
        "hot_by_service": hot_by_service,
        "people": sorted({p for _, _, p in rows}),
        "people_by_service": {s: sorted({p for _, p in v}) for s, v in by_service.items()},
    }


def _counts(store: CaseStore, ids: list[int]) -> dict[int, tuple[int, int]]:
    with store.unit_of_work() as session:
        contacts = dict(
            session.execute(
                select(Contact.offer_id, func.count(Contact.id))
                .where(Contact.offer_id.in_(ids))
                .group_by(Contact.offer_id)
            ).all()
        )
        attempts = dict(
            session.execute(select(Offer.id, Offer.attempts).where(Offer.id.in_(ids))).all()
        )
    return {i: (int(contacts.get(i, 0)), int(attempts[i])) for i in ids}


async def _load(base: str, targets: dict[str, Any], users: int, seconds: float) -> dict[str, Any]:
    people = [User(n, ROLES[n % len(ROLES)], base, targets) for n in range(users)]
    for user in people:  # log in one after another: argon2 is meant to be slow
        await user.login()
    samples: list[tuple[str, float, int]] = []
    done: Counter[int] = Counter()
    started = time.monotonic()
    await asyncio.gather(*(_run_user(u, started + seconds, samples, done) for u in people))
    wall = time.monotonic() - started
    for user in people:
        await user.client.aclose()
    return {"samples": samples, "done": done, "wall": wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()

    server = TempPostgres().start()
    app_process = None
    try:
        settings = Settings(database_url=server.url, data_dir=Path(server.root) / "var")
        store = CaseStore(database_url(settings), settings)
        store.migrate()
        seed_demo(store)
        targets = _targets(store)
        hot_ids = [o for o, _ in targets["hot"]]
        before = _counts(store, hot_ids)

        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": server.url,
            "UPSTREAM_DATA_DIR": str(settings.data_dir),
        }
        app_process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "upstream.web.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or app_process.poll() is not None:
                raise RuntimeError("the app did not start")
            time.sleep(0.2)

        run = asyncio.run(_load(base, targets, args.users, args.seconds))
        after = _counts(store, hot_ids)
        lost = 0
        for offer_id in hot_ids:
            ok = run["done"][offer_id]
            dc = after[offer_id][0] - before[offer_id][0]
            da = after[offer_id][1] - before[offer_id][1]
            lost += abs(ok - dc) + abs(ok - da)
        samples = run["samples"]
        errors = Counter(-s for _, _, s in samples if s < 0)
        by_kind = {
            kind: _percentiles([ms for k, ms, _ in samples if k == kind])
            for kind in ("board", "person", "update")
        }
        overall = _percentiles([ms for _, ms, _ in samples])
        result = {
            "benchmark": "cases_load",
            "database": "postgresql (throwaway server on loopback, fsync off)",
            "users": args.users,
            "seconds": args.seconds,
            "server_workers": args.workers,
            "think_time_s": [0.5, 1.5],
            "mix": {"board": 0.35, "person": 0.40, "update": 0.25},
            "requests": len(samples),
            "throughput_rps": round(len(samples) / run["wall"], 1),
            "overall": overall,
            "by_kind": by_kind,
            "errors": sum(errors.values()),
            "error_statuses": {str(k): v for k, v in errors.items()},
            "updates_ok": sum(run["done"].values()),
            "hot_offers": len(hot_ids),
            "lost_updates": lost,
            "target": {"p95_ms": 150, "errors": 0, "lost_updates": 0},
            "met": bool(overall.get("p95_ms", 1e9) < 150 and not errors and lost == 0),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2))
        store.dispose()
        return 0 if result["met"] else 1
    finally:
        if app_process is not None:
            app_process.terminate()
            app_process.wait(timeout=20)
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
