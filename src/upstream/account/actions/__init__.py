"""The partnership's action plan: actions under the four domains, owners, RAG, history.

It lives in the case store's database and shares its users, roles, sessions and audit log.
Modules: ``vocab`` (domains, statuses, RAG), ``models`` (tables), ``access`` (policy),
``schemas``, ``service`` (use cases: list, read, update progress, import, export), ``xlsx``
(the spreadsheet a partnership keeps), ``budgets`` (:func:`programme_budgets`, the costs the
value-for-money sums use), ``demo`` (the seed strategy's commitments, labelled demo),
``commands`` (``upstream actions``).
"""

from upstream.account.actions.budgets import BUDGET_COLUMNS, programme_budgets

__all__ = ["BUDGET_COLUMNS", "programme_budgets"]
