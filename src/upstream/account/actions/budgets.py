"""Programme costs from the action plan, for the value-for-money sums.

:func:`programme_budgets` is the contract other capabilities use (``upstream vfm``): one row
per action that names a programme and has a budget. It reads budgets only -- no owners, no
notes -- straight from the database, as the server's own command line does.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from upstream.account.actions.models import PlanAction

__all__ = ["BUDGET_COLUMNS", "programme_budgets"]

BUDGET_COLUMNS = ("programme", "action_id", "title", "budget_gbp", "start", "due")


def programme_budgets(engine: Engine) -> pd.DataFrame:
    """Each action with a programme id and a budget: its programme, reference, title, budget.

    Parameters
    ----------
    engine
        The case store's engine (``case_store(settings).engine``), migrated.

    Returns
    -------
    pandas.DataFrame
        Columns ``programme`` (str), ``action_id`` (the action's reference, str), ``title``
        (str), ``budget_gbp`` (float, pounds), ``start`` and ``due`` (``datetime.date``);
        sorted by programme then reference. Empty (with these columns) when no action has both.
    """
    query = (
        select(
            PlanAction.programme,
            PlanAction.ref,
            PlanAction.title,
            PlanAction.budget_gbp,
            PlanAction.start,
            PlanAction.due,
        )
        .where(PlanAction.programme.is_not(None), PlanAction.budget_gbp.is_not(None))
        .order_by(PlanAction.programme, PlanAction.ref)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(BUDGET_COLUMNS))
    frame["budget_gbp"] = frame["budget_gbp"].astype(float)
    for column in ("programme", "action_id", "title"):
        frame[column] = frame[column].astype(str)
    return frame
