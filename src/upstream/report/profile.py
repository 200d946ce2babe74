"""The strategic profile: build it from the event store, render it as one offline HTML file.

``build_profile(settings)`` computes every section (headline, rates, place, deprivation,
time, people, forecast, data quality) from whatever the event store holds; sections the data cannot
support say so. ``render_html(profile)`` gives one self-contained HTML document with
plotly.js inlined from the installed plotly package (nothing is fetched from any host), a
print stylesheet, the data sources and licence attributions, and a SYNTHETIC watermark
whenever generated data appear. ``render_sections(profile)`` is the same body without the
page around it, which the web app's ``/profile`` page shows.

``build_profile(settings, public=True)`` is the public version: open data in full, partnership
records only after disclosure control (:mod:`upstream.report.public`). The full version is
for partnership analysts and signed-in users only.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from upstream.account.disclosure import show
from upstream.account.published import is_partnership_source, published_coverage
from upstream.analysis.disparity import load_population_shares
from upstream.analysis.quality import quality_reading, source_quality
from upstream.area import area_from_settings, definitions_from_settings
from upstream.config import Settings
from upstream.events import EventStore
from upstream.forecast.summary import cached_forecast_section
from upstream.formatting import month_name, months_between
from upstream.report.figures import figure_json
from upstream.report.forecast import forecast_report_section
from upstream.report.headline import headline_section
from upstream.report.inputs import ProfileData, load_inputs
from upstream.report.model import (
    OPEN,
    PARTNERSHIP,
    Figure,
    Notice,
    Profile,
    Section,
    Table,
    Text,
    Withheld,
)
from upstream.report.people import people_section
from upstream.report.periods import assign_periods, source_periods
from upstream.report.place import deprivation_section, place_events, place_section, rates_section
from upstream.report.public import FOOTNOTE, PUBLIC_VERSION
from upstream.report.timing import time_section

__all__ = [
    "FULL_VERSION",
    "OGL_V2",
    "OGL_V3",
    "PUBLIC_VERSION",
    "build_profile",
    "plotly_js",
    "render_html",
    "render_sections",
    "write_report",
]

OGL_V3 = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_V2 = "Contains public sector information licensed under the Open Government Licence v2.0."

FULL_VERSION = (
    "Full version, for partnership analysts and signed-in users: it includes counts below 10 "
    "from partnership records. Do not publish it; 'upstream profile --public' writes the "
    "version for publishing."
)
"""What the full version says about itself, at its top."""

SOURCE_NAMES = {
    "police_uk_street": "police.uk street-level crime",
    "police_uk_stop_search": "police.uk stop and search",
}


def _source_name(source: str) -> str:
    if source in SOURCE_NAMES:
        return SOURCE_NAMES[source]
    table, _, rest = source.partition("_")
    synthetic = rest.endswith("_synthetic")
    agency = rest.removesuffix("_synthetic").replace("_", " ").replace("a and e", "A&E")
    return f"{table} ({agency}){' SYNTHETIC' if synthetic else ''}"


def _quality_counts(data: ProfileData, public: bool) -> dict[str, list[str]]:
    """Per source: rows, outside the area, unplaced, quarantined, formatted; in the public
    version partnership sources' counts as :func:`published_coverage` gives them."""
    report = published_coverage(data.coverage) if public else data.coverage
    keys = ("rows", "outside_area", "unplaced", "quarantined")
    return {
        source: [show(info[k], info[k] is None) for k in keys]
        for source, info in report["sources"].items()
    }


def _unplaced_used_in(data: ProfileData) -> dict[str, str]:
    """Per source whose rows without a location are stored, the figures here that count them
    (:mod:`upstream.report.inputs` keeps them for the whole area only)."""
    used = {
        source: "the summary's number of A&E attendances (no other figure uses A&E rows)"
        for source in data.coverage["sources"]
        if source.startswith("incidents_a_and_e")
    }
    if data.incidents is not None:
        police = "incidents_police" + ("_synthetic" if data.partnership_synthetic else "")
        used[police] = "the headline measures, the time sections and the victims and suspects"
    return used


def _month_cell(month: str) -> str:
    """``Sep 2021`` kept on one line (a table cell must not break a month in two)."""
    return month_name(month).replace(" ", "\u00a0")


def quality_section(data: ProfileData, public: bool = False) -> Section:
    """Section 8: months covered, gaps, rows outside the area, unplaced and quarantined."""
    section = Section("quality", 8, "Data quality and coverage")
    rows = source_quality(data.coverage)
    labels = {r.source: _source_name(r.source) for r in rows}
    section.synthetic = any(r.synthetic for r in rows)
    if not rows:
        section.add(Notice("The event store is empty."))
        return section
    counts = _quality_counts(data, public)
    partnership = [r for r in rows if is_partnership_source(r.source)]
    # the share lost adds counts up: in the public version it is stated for open sources only
    lost_of = [r for r in rows if not (public and is_partnership_source(r.source))]
    section.add(
        Table(
            "Coverage per source (as 'upstream status' reports it)",
            [
                "Source",
                "Months",
                "First",
                "Last",
                "Gaps",
                "Rows",
                "Outside area",
                "Unplaced",
                "Quarantined",
            ],
            [
                [
                    labels[r.source],
                    f"{r.months}",
                    _month_cell(r.first),
                    _month_cell(r.last),
                    ", ".join(r.gaps) or "none",
                    *counts[r.source],
                ]
                for r in rows
            ],
            [False, True, False, False, False, True, True, True, True],
            source=PARTNERSHIP if partnership else OPEN,
            counts=[False] * 5 + [True] * 4,
            footnote=FOOTNOTE if public and partnership else "",
        ),
        Text(
            quality_reading(
                rows,
                labels,
                used_in=_unplaced_used_in(data),
                whole_area=data.area.whole,
                lost_of=lost_of,
                lost_scope="police.uk" if public and partnership else "",
            )
            + (
                " Partnership sources are in the table; their counts below 10 are not published."
                if public and partnership
                else ""
            )
        ),
        Text(
            "police.uk places each crime at the nearest of a set of anonymous map points and "
            "gives the month only; rows with no location and rows outside the boundary are "
            "counted at ingest but cannot be placed, so they are in no map or rate here.",
            kind="note",
        ),
    )
    return section


def _summary(
    data: ProfileData, periods: dict[str, str], stop: str | None, public: bool
) -> list[str]:
    out = []
    for key in ("street", "stop_search"):
        if key in periods:
            out.append(f"{periods[key]}: real open data.")
    if data.partnership_months:
        kind = "SYNTHETIC: generated, not real" if data.partnership_synthetic else "real"
        out.append(f"{periods['partnership']}: {kind}; headline period ends {stop}.")
        if (
            data.street_months
            and months_between(data.street_months[-1], data.partnership_months[-1]) >= 12
        ):
            out.append(
                f"The police.uk street-level crime here ends in "
                f"{month_name(data.street_months[-1])}, the partnership incidents in "
                f"{month_name(data.partnership_months[-1])}: each section names the data it "
                "uses and their months, so do not read the two as the same years."
            )
    else:
        out.append(
            "No partnership incident data: the headline knife-injury measures, the time "
            "sections and the victim and suspect sections say what they would need."
        )
    if data.a_and_e_rows:
        few = public and data.a_and_e_rows < 10
        out.append(
            f"{show(data.a_and_e_rows, few)} A&E (Cardiff Model) attendances are loaded; they "
            "are not merged with police counts."
        )
    return out


def build_profile(
    settings: Settings,
    *,
    end: str | None = None,
    populations: Path | None = None,
    public: bool = False,
) -> Profile:
    """Compute the strategic profile from the stores and bundled data named by ``settings``.

    Parameters
    ----------
    public
        Build the public version: partnership records only after disclosure control
        (:mod:`upstream.report.public`); police.uk, MPS and ONS figures in full.
    end
        Last month (``YYYY-MM``) of the headline's latest 12 months; default the last month
        of partnership data.
    populations
        TOML with resident shares by ethnic group (see :mod:`upstream.analysis.disparity`);
        default ``UPSTREAM_POPULATIONS_FILE`` if set, else the documented assumptions.
    """
    if populations is None and os.environ.get("UPSTREAM_POPULATIONS_FILE"):
        populations = Path(os.environ["UPSTREAM_POPULATIONS_FILE"])
    shares = load_population_shares(populations)
    area = area_from_settings(settings)
    data = load_inputs(settings, area, definitions_from_settings(settings))
    events = place_events(data)
    headline, stop = headline_section(data, end, public)
    today = datetime.now(UTC)
    sections = [
        headline,
        rates_section(data, events, public),
        place_section(data, events, public),
        deprivation_section(data, events, public),
        time_section(data, public),
        people_section(data, shares, public),
        forecast_report_section(cached_forecast_section(EventStore(settings.events_dir), settings)),
        quality_section(data, public),
    ]
    periods = source_periods(data, today.date())
    assign_periods(sections, periods, None if events is None else events.partnership)
    sources = [
        "Street-level crime and stop and search: data.police.uk (police forces of England and "
        "Wales). " + OGL_V3,
        "London comparators: Metropolitan Police Service, MPS Monthly Crime Dashboard and MPS "
        "Recorded Crime: Geographic Breakdown, via the London Datastore. " + OGL_V2,
        *area.sources,  # the area pack's own attributions (boundaries, population, ...)
    ]
    if data.partnership_months:
        sources.append(
            "Partnership incidents: "
            + (
                "SYNTHETIC data generated by upstream's calibrated synthetic borough. They are "
                "NOT real incidents and must not be read as facts about the area."
                if data.partnership_synthetic
                else "the partnership's own extracts (not published)."
            )
        )
    return Profile(
        area_name=area.name,
        generated=today.strftime("%Y-%m-%d %H:%M UTC"),
        end_month=stop,
        sections=sections,
        sources=sources,
        synthetic=any(s.synthetic for s in sections),
        summary=_summary(data, periods, stop, public),
        public=public,
    )


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("upstream.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        Figure=Figure,
        Table=Table,
        Text=Text,
        Notice=Notice,
        PUBLIC_VERSION=PUBLIC_VERSION,
        FULL_VERSION=FULL_VERSION,
    )
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["notice"] = lambda b: isinstance(b, Notice)
    env.tests["withheld"] = lambda b: isinstance(b, Withheld)
    env.filters["figure_json"] = lambda f: Markup(figure_json(f))
    return env


@cache
def plotly_js() -> str:
    """plotly.min.js from the installed plotly package (inlined; never a CDN)."""
    path = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    return path.read_text("utf-8").replace("</script", "<\\/script")


def render_sections(profile: Profile) -> Markup:
    """The profile's sections as an HTML fragment (figures as JSON data blocks)."""
    return Markup(_environment().get_template("sections.html").render(profile=profile))


def render_html(profile: Profile) -> str:
    """The whole report: one self-contained HTML document."""
    return (
        _environment()
        .get_template("report.html")
        .render(
            profile=profile,
            body=render_sections(profile),
            plotly_js=Markup(plotly_js()),
        )
    )


def write_report(
    settings: Settings,
    out: Path,
    *,
    end: str | None = None,
    populations: Path | None = None,
    public: bool = False,
) -> Profile:
    """Build the profile (the public version with ``public``) and write it to ``out``."""
    profile = build_profile(settings, end=end, populations=populations, public=public)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(render_html(profile), encoding="utf-8")
    os.replace(partial, out)  # all or nothing: never a half-written report
    return profile
