"""The board pack as a use case of the case tool: asked for by a signed-in user, checked
against :mod:`upstream.account.board.access` first, every reading audited and every refusal
audited (:func:`upstream.cases.service.use_case`)."""

from __future__ import annotations

from upstream.account.board.access import ensure_pack_allowed
from upstream.account.board.pack import BoardPack, build_pack
from upstream.account.board.quarter import Quarter
from upstream.cases.access import Actor
from upstream.cases.audit import AuditKind, record
from upstream.cases.db import CaseStore
from upstream.cases.service import use_case

__all__ = ["read_pack"]


@use_case
def read_pack(actor: Actor, store: CaseStore, quarter: Quarter) -> BoardPack:
    """The quarter's pack for ``actor`` (refused unless the pack's rule allows them)."""
    ensure_pack_allowed(actor)
    pack = build_pack(store.settings, quarter)
    with store.unit_of_work() as session:
        record(session, actor, AuditKind.BOARD_VIEW, "board_pack", quarter.label,
               detail=f"board pack {quarter.label}")  # fmt: skip
    return pack
