"""The PostgreSQL privileges of the role the app runs as: it cannot change the schema.

Run migrations as the database's owner (``upstream cases migrate``), and run the app as a
separate login role granted only what :func:`grant_statements` lists: it reads and writes case
records, can only *insert* audit events and seal them into the chain (UPDATE of the three
chain columns alone; no DELETE or TRUNCATE: the triggers are a second line behind the missing
privileges), and can move the chain head. The action plan's history
(``plan_action_changes``) and the network's links and lists are insert-only too. Not being
the owner, it cannot ALTER or DROP a table or a trigger.
"""

from __future__ import annotations

import re

import upstream.account.actions.models  # noqa: F401  (the action plan's tables, same database)
from upstream.cases.models import Base
from upstream.network.store.models import APPEND_ONLY_TABLES as NETWORK_TABLES
from upstream.orders.retail import models as _retail_models  # noqa: F401  (same database)

__all__ = ["APPEND_ONLY", "INSERT_ONLY", "grant_statements"]

APPEND_ONLY = ("audit_events",)
INSERT_ONLY = ("plan_action_changes", *NETWORK_TABLES)
_CHAIN = "audit_chain"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    """SQL that gives ``role`` exactly the app's privileges on the case store's tables."""
    if not _NAME.match(role):
        raise ValueError("role: use lower-case letters, digits and _ (a PostgreSQL name)")
    tables = sorted(Base.metadata.tables)
    ordinary = [t for t in tables if t not in (*APPEND_ONLY, *INSERT_ONLY, _CHAIN)]
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(ordinary)} TO {role};",
        f"GRANT SELECT, INSERT ON {', '.join(APPEND_ONLY + INSERT_ONLY)} TO {role};",
        # sealing sets these three on events not yet in the chain (the triggers check that)
        f"GRANT UPDATE (seq, prev_hash, hash) ON {', '.join(APPEND_ONLY)} TO {role};",
        f"GRANT SELECT, UPDATE ON {_CHAIN} TO {role};",
        f"GRANT SELECT ON alembic_version TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
    ]
