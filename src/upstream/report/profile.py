"""The strategic profile: build it from the event store, render it as one offline HTML file.

``build_profile(settings)`` computes every section (headline, rates, place, deprivation,
time, people, forecast, data quality) from whatever the event store holds; sections the data cannot
support say so. ``render_html(profile)`` gives one self-contained HTML document with
plotly.js inlined from the installed plotly package (nothing is fetched from any host), a
print stylesheet, the data sources and licence attributions, and a SYNTHETIC watermark
whenever generated data appear. ``render_sections(profile)`` is the same body without the
page around it, which the web app's ``/profile`` page shows.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from upstream.analysis.disparity import load_population_shares
from upstream.analysis.quality import quality_reading, source_quality
from upstream.area import area_from_settings
from upstream.config import Settings
from upstream.definitions import load_definitions
from upstream.events import EventStore
from upstream.forecast.summary import cached_forecast_section
from upstream.report.figures import figure_json
from upstream.report.forecast import forecast_report_section
from upstream.report.headline import headline_section
from upstream.report.inputs import ProfileData, load_inputs
from upstream.report.model import Figure, Notice, Profile, Section, Table, Text
from upstream.report.people import people_section, time_section
from upstream.report.place import deprivation_section, place_events, place_section, rates_section

__all__ = [
    "OGL_V2",
    "OGL_V3",
    "build_profile",
    "plotly_js",
    "render_html",
    "render_sections",
    "write_report",
]

OGL_V3 = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_V2 = "Contains public sector information licensed under the Open Government Licence v2.0."

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


def quality_section(data: ProfileData) -> Section:
    """Section 8: months covered, gaps, rows outside the area, unplaced and quarantined."""
    section = Section("quality", 8, "Data quality and coverage")
    rows = source_quality(data.coverage)
    labels = {r.source: _source_name(r.source) for r in rows}
    section.synthetic = any(r.synthetic for r in rows)
    if not rows:
        section.add(Notice("The event store is empty."))
        return section
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
                    r.first,
                    r.last,
                    ", ".join(r.gaps) or "none",
                    f"{r.rows:,}",
                    f"{r.outside_area:,}",
                    f"{r.unplaced:,}",
                    f"{r.quarantined:,}",
                ]
                for r in rows
            ],
            [False, True, False, False, False, True, True, True, True],
        ),
        Text(quality_reading(rows, labels)),
        Text(
            "police.uk places each crime at the nearest of a set of anonymous map points and "
            "gives the month only; rows with no location and rows outside the boundary are "
            "counted at ingest but cannot be placed, so they are in no map or rate here.",
            kind="note",
        ),
    )
    return section


def _summary(data: ProfileData, sections: list[Section], stop: str | None) -> list[str]:
    out = []
    if data.street_months:
        out.append(
            f"police.uk street-level crime (real): {data.street_months[0]} to "
            f"{data.street_months[-1]}."
        )
    if data.stop_search_months:
        out.append(
            f"police.uk stop and search (real): {data.stop_search_months[0]} to "
            f"{data.stop_search_months[-1]}, with gaps."
        )
    if data.partnership_months:
        kind = "SYNTHETIC: generated, not real" if data.partnership_synthetic else "real"
        out.append(
            f"Partnership incidents ({kind}): {data.partnership_months[0]} to "
            f"{data.partnership_months[-1]}; headline period ends {stop}."
        )
    else:
        out.append(
            "No partnership incident data: the headline knife-injury measures, the time "
            "sections and the victim and suspect sections say what they would need."
        )
    if data.a_and_e_rows:
        out.append(
            f"{data.a_and_e_rows:,} A&E (Cardiff Model) attendances are loaded; they are not "
            "merged with police counts."
        )
    return out


def build_profile(
    settings: Settings, *, end: str | None = None, populations: Path | None = None
) -> Profile:
    """Compute the strategic profile from the stores and bundled data named by ``settings``.

    Parameters
    ----------
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
    data = load_inputs(settings, area, load_definitions(settings.definitions_file))
    events = place_events(data)
    headline, stop = headline_section(data, end)
    sections = [
        headline,
        rates_section(data, events),
        place_section(data, events),
        deprivation_section(data, events),
        time_section(data),
        people_section(data, shares),
        forecast_report_section(cached_forecast_section(EventStore(settings.events_dir), settings)),
        quality_section(data),
    ]
    sources = [
        "Street-level crime and stop and search: data.police.uk (police forces of England and "
        "Wales). " + OGL_V3,
        "London comparators: Metropolitan Police Service, MPS Monthly Crime Dashboard and MPS "
        "Recorded Crime: Geographic Breakdown, via the London Datastore. " + OGL_V2,
        "Boundaries and population: Office for National Statistics (Open Geography Portal; "
        "mid-2020 estimates; Census 2021). Contains National Statistics data © Crown copyright "
        "and database right 2022. Contains OS data © Crown copyright and database right 2022. "
        + OGL_V3,
        "Deprivation: English Indices of Deprivation 2019 (MHCLG). " + OGL_V3,
        "Schools: Get Information about Schools (Department for Education). " + OGL_V3,
        "Town centres: approximate centres chosen by the upstream maintainers from public maps "
        "(not an official boundary).",
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
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        end_month=stop,
        sections=sections,
        sources=sources,
        synthetic=any(s.synthetic for s in sections),
        summary=_summary(data, sections, stop),
    )


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("upstream.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(Figure=Figure, Table=Table, Text=Text, Notice=Notice)
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["notice"] = lambda b: isinstance(b, Notice)
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
) -> Profile:
    """Build the profile and write it to ``out`` (one HTML file)."""
    profile = build_profile(settings, end=end, populations=populations)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(profile), encoding="utf-8")
    return profile
