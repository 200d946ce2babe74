"""The case store: incidents, young people, offers of support, contacts; secure and audited.

Identifiable data live only here, never in the event store, reports or logs. Every use case
takes the acting user first; the policy (:mod:`upstream.cases.access`) and the audit log
(:mod:`upstream.cases.audit`) are applied inside the use cases, so the web pages, the JSON
API and the command line cannot bypass them.

Modules: ``vocab`` (roles, agencies, services), ``models`` (tables), ``db`` (engine, unit of
work, migrations), ``access`` (policy), ``audit``, ``auth`` (passwords, sessions), ``schemas``,
``service`` (incidents, people, offers, contacts), ``ingested`` (incidents from the event
store), ``linking`` (link an existing young person; name search), ``localtime`` (London
time), ``board``, ``admin`` (users, audit log, duplicates), ``duplicates``, ``retention``,
``sar`` (subject access), ``demo``, ``commands``.
"""

from upstream.cases.access import AccessDenied, Action, Actor, ensure_allowed, is_allowed
from upstream.cases.db import CaseStore, case_store
from upstream.cases.service import Conflict, NotFound

__all__ = [
    "AccessDenied",
    "Action",
    "Actor",
    "CaseStore",
    "Conflict",
    "NotFound",
    "case_store",
    "ensure_allowed",
    "is_allowed",
]
