"""Where outcome measures come from: one registered source per kind of series.

A source turns a measure's ``filter`` settings into a series per period (month, or quarter
for programme returns): ``period``, ``numerator`` and ``denominator``. What the two numbers
mean depends on the source's unit:

* ``count``: offences (or victims) and the exposure, 1 per month, so a u-chart of
  equal-sized months;
* ``proportion``: people meeting the measure and the people it is a share of;
* ``ratio``: events in one group and in the reference group; the source also gives the
  ``scale`` that turns their quotient into the ratio of rates (the reference group's share of
  residents over the group's).

Sources that read people-level records (the event store's partnership incidents, the case
store) return counts only: identifiers are used inside the query to count people once and
never leave it. Every source declares its **audience**: ``public`` for open data (police.uk,
MPS), ``signed_in`` for anything built from partnership records.

The programme-returns source ``returns_ete`` reads
:func:`upstream.account.returns.ete_participation` (quarterly ETE starts and participants,
Parquet under the data folder); with no return held its measures say so. The resident-survey
source ``survey_proportion`` reads :mod:`upstream.account.survey.outcome` (a question's
weighted share per wave, as effective counts). Another source
function may be given to a declared source with :func:`register_source`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from upstream.account.returns.series import ete_participation

if TYPE_CHECKING:
    from upstream.account.outcomes.context import OutcomeContext

__all__ = [
    "SOURCES",
    "Param",
    "SourceFunction",
    "SourceResult",
    "SourceSpec",
    "SourceUnavailable",
    "check_filter",
    "ete_source_from",
    "register_source",
]


class SourceUnavailable(RuntimeError):
    """The data a source needs are not loaded (the message says which, in plain English)."""


@dataclass(frozen=True)
class SourceResult:
    """A source's series: ``frame`` has ``period``, ``numerator``, ``denominator``."""

    frame: pd.DataFrame
    synthetic: bool = False
    scale: float = 1.0
    notes: tuple[str, ...] = ()


SourceFunction = Callable[["OutcomeContext", Mapping[str, Any]], SourceResult]


@dataclass(frozen=True)
class Param:
    """One filter setting a source accepts: its kind, default and allowed values."""

    kind: str  # "bool" | "int" | "str" | "list"
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class SourceSpec:
    """A registered source."""

    name: str
    unit: str
    store: str  # "events" | "open" | "cases" | "returns" | "survey"
    description: str
    params: Mapping[str, Param] = field(default_factory=dict)
    frequency: str = "month"
    function: SourceFunction | None = None
    event_store: bool = False
    """True when the series is counted from the event store's rows (partnership incidents,
    police.uk), so the period it covers is the months the store holds."""

    @property
    def audience(self) -> str:
        """``public`` for open data, ``signed_in`` for partnership records."""
        return "public" if self.store == "open" else "signed_in"


def _check_value(name: str, param: Param, value: Any) -> Any:
    if param.kind == "bool":
        ok = isinstance(value, bool)
    elif param.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif param.kind == "str":
        ok = isinstance(value, str) and value != ""
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value) and bool(value)
    if not ok:
        wanted = {
            "bool": "true or false",
            "int": "a whole number, 0 or more",
            "str": "text",
            "list": "a non-empty list of text",
        }[param.kind]
        raise ValueError(f"{name}: must be {wanted}")
    values = value if isinstance(value, list) else [value]
    if param.choices:
        bad = [v for v in values if v not in param.choices]
        if bad:
            raise ValueError(f"{name}: {bad[0]!r} is not one of {', '.join(param.choices)}")
    return value


def check_filter(spec: SourceSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The filter settings for ``spec``, with defaults filled in.

    Raises
    ------
    ValueError
        ``"<key>: <problem>"`` for an unknown key or a value of the wrong kind.
    """
    unknown = sorted(set(raw) - set(spec.params))
    if unknown:
        allowed = ", ".join(sorted(spec.params)) or "none"
        raise ValueError(
            f"{unknown[0]}: not a setting of source {spec.name!r} (allowed: {allowed})"
        )
    out: dict[str, Any] = {}
    for name, param in spec.params.items():
        out[name] = _check_value(name, param, raw[name]) if name in raw else param.default
    return out


def _events(name: str) -> SourceFunction:
    def run(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
        from upstream.account.outcomes import eventsources

        function: SourceFunction = getattr(eventsources, name)
        return function(context, params)

    return run


def _cases(name: str) -> SourceFunction:
    def run(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
        from upstream.account.outcomes import casesources

        function: SourceFunction = getattr(casesources, name)
        return function(context, params)

    return run


def _crime_types() -> tuple[str, ...]:
    from upstream.definitions import POLICE_UK_CRIME_TYPES

    return POLICE_UK_CRIME_TYPES


def _survey_questions() -> tuple[str, ...]:
    from upstream.account.survey.schema import QUESTIONS

    return tuple(QUESTIONS)


def _survey(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    from upstream.account.survey.outcome import survey_source

    return survey_source(context, params)


def _returns_ete(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
    """ETE participation per quarter from the programme returns held."""
    return ete_source_from(ete_participation)(context, params)


_SPECS = [
    SourceSpec(
        "partnership_incidents",
        "count",
        "events",
        "Police incidents from the partnership extract in the event store, per local month "
        "of the offence.",
        {
            "knife_injury": Param("bool", False, help="only knife-injury offences"),
            "exclude_domestic_abuse": Param("bool", False, help="leave out domestic abuse"),
            "victim_max_age": Param("int", None, help="at least one victim this age or younger"),
            "offences": Param("list", None, help="only these offence values"),
        },
        function=_events("partnership_incidents"),
        event_store=True,
    ),
    SourceSpec(
        "repeat_victims",
        "proportion",
        "events",
        "Victims (by the extract's person reference) of police incidents in a month who had "
        "already been a victim in the months before.",
        {
            "victim_max_age": Param("int", 24, help="victims this age or younger"),
            "lookback_months": Param("int", 12, help="how far back an earlier incident counts"),
        },
        function=_events("repeat_victims"),
        event_store=True,
    ),
    SourceSpec(
        "police_uk_street",
        "count",
        "open",
        "police.uk street-level crimes inside the area per month (real, open data).",
        {"crime_types": Param("list", None, _crime_types(), "police.uk crime types")},
        function=_events("police_uk_street"),
        event_store=True,
    ),
    SourceSpec(
        "mps_borough",
        "count",
        "open",
        "A Metropolitan Police monthly series for the area pack's London borough (real, open "
        "data bundled in data/london).",
        {"series": Param("str", "Knife Injury Victims (non DA 1-24)", help="MPS series name")},
        function=_events("mps_borough"),
    ),
    SourceSpec(
        "stop_search_disparity",
        "ratio",
        "open",
        "police.uk stop and search: searches per resident of one ethnic group over those of "
        "the reference group, by officer-defined ethnicity.",
        {
            "group": Param("str", "Black", ("Asian", "Black", "Mixed", "Other")),
            "reference": Param("str", "White", ("White",)),
        },
        function=_events("stop_search_disparity"),
        event_store=True,
    ),
    SourceSpec(
        "case_reached_in_time",
        "proportion",
        "cases",
        "Young people linked to incidents recorded in a month (case store) who were offered "
        "support and reached before the offer's deadline.",
        params={
            "offer_hours": Param(
                "int",
                72,
                help="hours after a young person's first incident is recorded within which "
                "support may still be offered: someone not yet offered is left out (not yet "
                "known) until they pass, then counts as not reached",
            )
        },
        function=_cases("reached_in_time"),
    ),
    SourceSpec(
        "case_offer_acceptance",
        "proportion",
        "cases",
        "Offers of support made in a month (case store) whose recorded outcome is accepted, "
        "of those with an outcome.",
        function=_cases("offer_acceptance"),
    ),
    SourceSpec(
        "returns_ete",
        "proportion",
        "returns",
        "Programme returns: participants starting education, training or employment (ETE) "
        "per quarter, of the participants.",
        frequency="quarter",
        function=_returns_ete,
    ),
    SourceSpec(
        "survey_proportion",
        "proportion",
        "survey",
        "Resident survey: the weighted share giving the answers a question's measure counts "
        "(e.g. very or fairly worried), per wave (quarter), as Kish effective counts.",
        {"question": Param("str", "fear_affects_life", _survey_questions(), "survey question")},
        frequency="quarter",
        function=_survey,
    ),
]

SOURCES: dict[str, SourceSpec] = {spec.name: spec for spec in _SPECS}
"""Every source a measure may name. ``function`` None: declared, not yet wired."""


def register_source(name: str, function: SourceFunction) -> None:
    """Give the declared source ``name`` its function (how programme returns are wired)."""
    if name not in SOURCES:
        raise KeyError(f"unknown outcome source {name!r}; declared: {sorted(SOURCES)}")
    SOURCES[name] = replace(SOURCES[name], function=function)


def ete_source_from(ete_participation: Callable[[Any], pd.DataFrame]) -> SourceFunction:
    """A ``returns_ete`` source from ``ete_participation(settings)``.

    That function returns one row per quarter: ``quarter`` (``YYYYQn``), ``ete_starts`` and
    ``participants``.
    """

    def run(context: OutcomeContext, params: Mapping[str, Any]) -> SourceResult:
        frame = ete_participation(context.settings)
        if frame.empty:
            raise SourceUnavailable("no programme returns are loaded")
        out = pd.DataFrame(
            {
                "period": frame["quarter"].astype(str),
                "numerator": frame["ete_starts"].astype("int64"),
                "denominator": frame["participants"].astype("float64"),
            }
        )
        synthetic = bool(frame["synthetic"].any()) if "synthetic" in frame else False
        return SourceResult(out.sort_values("period").reset_index(drop=True), synthetic)

    return run
