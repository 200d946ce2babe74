"""``/board``: the board pack for signed-in board members (and the coordinator and analysts).

The check is on the server (:func:`upstream.account.board.service.read_pack` asks the pack's
rule, deny by default, and audits reading and refusal alike); anonymous visitors are sent to
the login page. The page is the pack's own HTML (two summary pages, then the detail; print
CSS for the paper pack), with Plotly from this server. ``?quarter=YYYYQn`` chooses the
quarter (default: the current one, London time).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from upstream.account.actions.service import today_in_london
from upstream.account.board.quarter import Quarter, QuarterError, parse_quarter
from upstream.account.board.render import render_pack
from upstream.account.board.service import read_pack
from upstream.web.routes.auth import ActorSession, StoreDep

__all__ = ["router"]

router = APIRouter(tags=["board"], include_in_schema=False)


def _current() -> Quarter:
    today = today_in_london()
    return Quarter(today.year, (today.month - 1) // 3 + 1)


@router.get("/board", response_class=HTMLResponse)
def board_page(view: ActorSession, store: StoreDep, quarter: str | None = None) -> HTMLResponse:
    """The quarter's board pack (``?quarter=YYYYQn``)."""
    try:
        chosen = _current() if quarter is None else parse_quarter(quarter)
    except QuarterError as exc:
        raise HTTPException(status_code=422, detail=str(exc).removeprefix("--")) from None
    pack = read_pack(view.actor, store, chosen)
    return HTMLResponse(render_pack(pack, web=True), headers={"Cache-Control": "no-store"})
