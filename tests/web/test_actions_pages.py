"""The action plan pages through the real app (TestClient, SQLite case store): sign-in,
the board's order, the owner's form with its RAG-note rule, refusals, CSRF, history, export."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from tests.account.actions.test_xlsx import _book, _row
from tests.cases.conftest import add_user
from tests.cases.test_auth import _form_token, page_login
from upstream.account.actions.demo import load_demo_plan
from upstream.account.actions.service import get_action, list_actions
from upstream.cases.access import Actor
from upstream.cases.db import CaseStore, case_store, dispose_all
from upstream.cases.models import User
from upstream.cases.vocab import Agency, Purpose, Role, Service
from upstream.config import Settings
from upstream.web import create_app


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, CaseStore, Actor]]:
    settings = Settings(data_dir=tmp_path / "var")
    store = case_store(settings)
    store.migrate()
    board = add_user(store, "board", Role.BOARD, Agency.PROBATION, purpose=Purpose.OVERSIGHT)
    add_user(store, "navigator", Role.CASEWORKER, Agency.HEALTH, Service.AE_NAVIGATOR)
    add_user(store, "mentor", Role.CASEWORKER, Agency.VOLUNTARY, Service.CUSTODY_MENTOR)
    with store.unit_of_work() as session:  # demo owners are demo users
        session.execute(update(User).values(demo=True))
    load_demo_plan(store)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, store, board
    dispose_all()


def _refs(html: str) -> list[str]:
    return re.findall(r'data-ref="([^"]+)"', html)


def test_the_plan_needs_a_session_and_shows_overdue_and_red_first(
    web: tuple[TestClient, CaseStore, Actor],
) -> None:
    client, _, _ = web
    assert client.get("/actions").headers["location"] == "/login?next=/actions"
    assert page_login(client, "board") == "/cases"
    assert client.get("/cases").headers["location"] == "/actions"  # a board member's home
    page = client.get("/actions")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    refs = _refs(page.text)
    assert len(refs) == 14 and refs[-1] == "DEMO-CU1"  # complete: last
    rows = re.findall(r'<tr class="rag-(\w+)( overdue)?" data-ref="([^"]+)"', page.text)
    first_calm = next(i for i, r in enumerate(rows) if not r[1] and r[0] != "red")
    assert all(r[1] or r[0] == "red" for r in rows[:first_calm])  # overdue and red first
    assert 'id="demo-plan"' in page.text and "DEMO plan" in page.text
    detail = client.get("/actions/DEMO-TR1")
    assert "Report progress" not in detail.text  # the board reads only
    token = _form_token(detail.text)
    refused = client.post(
        "/actions/DEMO-TR1",
        data={"csrf_token": token, "status": "complete", "rag": "green", "version": "1"},
    )
    assert refused.status_code == 403
    assert client.get("/actions/NO-SUCH").status_code == 404


def test_an_owner_reports_progress_and_the_history_shows_it(
    web: tuple[TestClient, CaseStore, Actor],
) -> None:
    client, store, board = web
    page_login(client, "navigator")
    mine = client.get("/actions?mine=true")
    assert _refs(mine.text) == ["DEMO-TR1"]
    detail = client.get("/actions/DEMO-TR1")
    assert "Report progress" in detail.text
    assert "/actions/DEMO-TR1/owner" not in detail.text  # owners do not assign
    token = _form_token(detail.text)
    milestone = re.search(r'name="milestone_(\d+)"', detail.text)
    assert milestone
    form = {
        "csrf_token": token,
        "status": "in_progress",
        "rag": "red",
        "rag_note": "",
        "version": "1",
    }
    missing = client.post("/actions/DEMO-TR1", data=form)
    assert missing.status_code == 400 and "needs a note" in missing.text
    assert (
        client.post("/actions/DEMO-TR1", data={**form, "csrf_token": "forged"}).status_code == 403
    )
    form.update({"rag": "amber", "rag_note": "ICB agreed to fund to March; bid for 2027 in",
                 f"milestone_{milestone.group(1)}": "02/12/2026"})  # fmt: skip
    saved = client.post("/actions/DEMO-TR1", data=form)
    assert saved.status_code == 303 and saved.headers["location"] == "/actions/DEMO-TR1"
    after = get_action(board, store, "DEMO-TR1")
    assert after.action.rag == "amber" and after.action.milestones[0].done_on is not None
    assert {c.by_name for c in after.history[:3]} == {"navigator"}
    shown = client.get("/actions/DEMO-TR1").text
    assert "ICB agreed to fund" in shown and "done 2026-12-02" in shown
    stale = client.post("/actions/DEMO-TR1", data=form)  # version 1 is no longer current
    assert stale.status_code == 409
    other = client.post("/actions/DEMO-TR2", data={**form, "version": "1"})
    assert other.status_code == 403  # the custody mentors' action is not the navigator's


def test_the_export_is_the_import_workbook(web: tuple[TestClient, CaseStore, Actor]) -> None:
    client, _, _ = web
    page_login(client, "board")
    response = client.get("/actions/plan.xlsx")
    assert response.status_code == 200
    assert "DEMO" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Actions", "Milestones", "About"]
    refs = [r[0] for r in book["Actions"].iter_rows(min_row=2, values_only=True)]
    assert len(refs) == 14 and all(str(r).startswith("DEMO-") for r in refs)


def test_the_coordinator_gives_an_action_to_an_owner(
    web: tuple[TestClient, CaseStore, Actor],
) -> None:
    client, store, board = web
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    page_login(client, "coord")
    detail = client.get("/actions/DEMO-CU1")
    assert 'action="/actions/DEMO-CU1/owner"' in detail.text
    assert '<option value="board"' not in detail.text  # board members cannot own actions
    form = {"csrf_token": _form_token(detail.text), "owner": "mentor", "version": "1"}
    assert client.post("/actions/DEMO-CU1/owner", data=form).status_code == 303
    assert get_action(board, store, "DEMO-CU1").action.owner == "mentor"
    assert client.post("/actions/DEMO-CU1/owner", data=form).status_code == 409  # stale
    bad = client.post("/actions/DEMO-CU1/owner", data={**form, "owner": "board", "version": "2"})
    assert bad.status_code == 400 and "board member" in bad.text


def test_managers_import_a_workbook_on_the_page_all_or_nothing(
    web: tuple[TestClient, CaseStore, Actor], tmp_path: Path
) -> None:
    client, store, board = web
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    bad = _book(tmp_path / "plan.xlsx", [_row("N1"), _row("N2", Domain="Prevent")])
    good = _book(tmp_path / "good.xlsx", [_row("N1"), _row("N2")])

    def upload(path: Path, token: str) -> Any:
        with path.open("rb") as fh:
            return client.post(
                "/actions/import",
                data={"csrf_token": token},
                files={"file": (path.name, fh, "application/octet-stream")},
            )

    page_login(client, "board")
    token = _form_token(client.get("/actions").text)
    assert 'id="import-form"' not in client.get("/actions").text
    assert upload(good, token).status_code == 403
    client.cookies.clear()
    page_login(client, "coord")
    page = client.get("/actions")
    assert 'id="import-form"' in page.text
    token = _form_token(page.text)
    assert upload(good, "forged").status_code == 403
    refused = upload(bad, token)
    assert refused.status_code == 400 and "Nothing imported" in refused.text
    assert "plan.xlsx, sheet Actions, row 3, column B (domain): &#39;Prevent&#39;" in refused.text
    assert len(list_actions(board, store)) == 14
    done = upload(good, token)
    assert done.status_code == 200 and "<strong>2</strong> actions added" in done.text
    assert len(list_actions(board, store)) == 16
    again = upload(good, token)
    assert "<strong>0</strong> actions added" in again.text
    assert "<strong>2</strong> unchanged" in again.text


def test_the_page_refuses_an_unknown_outcome_id_and_takes_the_demo_plan_back(
    web: tuple[TestClient, CaseStore, Actor], tmp_path: Path
) -> None:
    client, store, board = web
    add_user(store, "coord", Role.COORDINATOR, Agency.COUNCIL)
    page_login(client, "coord")
    token = _form_token(client.get("/actions").text)
    shipped = client.get("/actions/plan.xlsx").content  # the demo plan, as exported

    def upload(name: str, data: bytes) -> Any:
        files = {"file": (name, data, "application/octet-stream")}
        return client.post("/actions/import", data={"csrf_token": token}, files=files)

    back = upload("demo.xlsx", shipped)
    assert back.status_code == 200 and "<strong>14</strong> unchanged" in back.text
    typo = _book(tmp_path / "typo.xlsx", [_row("N1", **{"Outcome measures": "knife_injury_u5"})])
    refused = upload("typo.xlsx", typo.read_bytes())
    assert refused.status_code == 400 and "Nothing imported" in refused.text
    assert (
        "typo.xlsx, sheet Actions, row 2, column L (outcome_measures): &#39;knife_injury_u5&#39; "
        "is not a measure of outcomes.toml (did you mean &#39;knife_injury_u25&#39;?)"
    ) in refused.text
    assert len(list_actions(board, store)) == 14
