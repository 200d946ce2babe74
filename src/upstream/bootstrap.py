"""First run: load the bundled real data, and a synthetic partnership extract, into empty stores.

``make run`` calls this before starting the web app. It only loads what is missing, so
running it again does nothing (and never duplicates a month).

* The real police.uk data bundled in ``data/police_uk`` go into the event store.
* Partnership incident data are confidential, so the demo uses the calibrated synthetic
  borough (``upstream.synth``, seed 1): generated into ``<data dir>/synthetic`` and ingested
  like a real extract. Every row is labelled synthetic, and every page that shows it says so.
* The demo borough's resident survey is SYNTHETIC too (:mod:`upstream.synth.survey`,
  calibrated to the strategy's figures), imported like real survey microdata.
* Outside production, an empty action plan gets the DEMO plan (the seed strategy's
  commitments, :mod:`upstream.account.actions.demo`), labelled demo.
* Outside production, a case store holding no real young people gets the SYNTHETIC network
  (:mod:`upstream.network.store.demo`): its people, incidents, relations and intelligence
  links, the demo login ``intel`` and one harm list with its audit.
* Outside production, an empty knife-retail register gets 40 SYNTHETIC premises with two
  years of test purchases and the demo Trading Standards login ``trading``
  (:mod:`upstream.orders.retail.demo`), labelled demo.

Both are Waltham Forest's. With another area pack (``UPSTREAM_AREA_DIR``) they are loaded
only when its area overlaps Waltham Forest (a sub-area of it, say), and then rows outside
the area are counted as outside, as any ingest does; otherwise nothing is loaded, and the
lines say so.
"""

from __future__ import annotations

from collections.abc import Iterator

from upstream.area import area_from_settings, cached_area, definitions_from_settings
from upstream.config import BUNDLED_AREA, Settings
from upstream.events import EventStore
from upstream.ingest import POLICE_UK_FORMATS, discover, ingest_files
from upstream.ingest.partnership import ingest_partnership

__all__ = ["DEMO_SEED", "bootstrap"]

DEMO_SEED = 1


def _load_police_uk(settings: Settings, store: EventStore) -> Iterator[str]:
    inputs, skipped = discover([settings.bundled_data / "police_uk"])
    result = ingest_files(
        inputs,
        POLICE_UK_FORMATS,
        store,
        area_from_settings(settings),
        quarantine_dir=settings.quarantine_dir,
        skipped=skipped,
    )
    for f in result.files:
        yield (
            f"loaded {f.stored:,} real {f.kind} rows ({f.months[0]} to {f.months[-1]}) "
            f"from {f.name}"
        )


def _load_synthetic(settings: Settings, store: EventStore) -> Iterator[str]:
    from upstream.synth import generate, write

    folder = settings.data_dir / "synthetic"
    files = write(generate(seed=DEMO_SEED), folder)
    area = area_from_settings(settings)
    tables = {
        ("incidents", "involvements"): [
            p for p in files if p.name.startswith(("incidents_", "involvements_"))
        ],
        ("a_and_e",): [p for p in files if p.name.startswith("a_and_e_")],
    }
    for kinds, paths in tables.items():
        inputs, _ = discover(paths)
        result = ingest_partnership(
            inputs, list(kinds), store, area, quarantine_dir=settings.quarantine_dir
        )
        stored = sum(f.stored for f in result.files if f.table != "involvements")
        yield f"loaded {stored:,} SYNTHETIC {'/'.join(kinds)} records from {folder}"


def _demo_overlaps(settings: Settings) -> bool:
    """Whether the area pack's area overlaps Waltham Forest, where the demo data lie."""
    area = area_from_settings(settings)
    bundled = cached_area(BUNDLED_AREA)
    return bool(area.boundary.intersection(bundled.boundary).area > 0)


def _planning_kit(settings: Settings, store: EventStore) -> Iterator[str]:
    """The SYNTHETIC safe spaces and CCTV history of the planning demonstration, once."""
    from upstream.forecast.data import street_events
    from upstream.plan.cctv import register_path
    from upstream.synth.kit import write_demo_kit

    register = register_path(settings.data_dir)
    if register.exists():
        yield f"the CCTV deployment register at {register} already exists"
        return
    events = street_events(store, definitions_from_settings(settings), location=True)
    yield from write_demo_kit(
        settings.data_dir / "synthetic", register, area_from_settings(settings), events
    )


def _demo_returns(settings: Settings) -> Iterator[str]:
    """The SYNTHETIC programme returns of the demo plan, when no return is held."""
    from upstream.account.returns import ingest_returns, load_returns
    from upstream.synth.returns import write_demo_returns

    if not load_returns(settings).empty:
        yield "programme returns are already held"
        return
    area = area_from_settings(settings)
    folder = settings.data_dir / "synthetic" / "returns"
    paths = write_demo_returns(
        folder, list(area.lsoas["lsoa_code"]), list(area.lsoas["population"])
    )
    inputs, _ = discover(paths, police_uk=False)
    result = ingest_returns(inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir)
    count = sum(len(f.returns) for f in result.files)
    yield f"loaded {count:,} SYNTHETIC programme returns from {folder}"


def _demo_survey(settings: Settings) -> Iterator[str]:
    """The SYNTHETIC resident survey of the demo borough, when no survey is held."""
    from upstream.account.survey import ingest_survey, load_responses
    from upstream.synth.survey import write_demo_survey

    if not load_responses(settings).empty:
        yield "a resident survey is already held"
        return
    msoas = area_from_settings(settings).msoas_2021
    areas = []
    if msoas is not None and len(msoas):
        north = msoas.geometry.representative_point().y
        areas = list(zip(msoas["msoa_code"].astype(str), north.astype(float), strict=True))
    folder = settings.data_dir / "synthetic" / "survey"
    inputs, _ = discover(write_demo_survey(folder, areas), police_uk=False)
    result = ingest_survey(inputs, settings.data_dir, quarantine_dir=settings.quarantine_dir)
    rows = sum(f.stored for f in result.files)
    yield f"loaded a SYNTHETIC resident survey ({rows:,} respondents) from {folder}"


def bootstrap(settings: Settings, *, warm: bool = False) -> Iterator[str]:
    """Load what is missing into the stores; yield one line per step.

    With ``warm``, also compute the pages that take seconds (the forecast's backtest
    evidence) so the first visitor does not wait for them.
    """
    store = EventStore(settings.events_dir)
    if not _demo_overlaps(settings):
        yield (
            "the bundled demo data are Waltham Forest's, which "
            f"{area_from_settings(settings).name} does not overlap: none loaded (load your own "
            "with 'upstream ingest')"
        )
    else:
        if store.has("police_uk_street") or store.has("police_uk_stop_search"):
            yield f"event store at {store.root} already holds police.uk data"
        else:
            yield from _load_police_uk(settings, store)
        if any(p.source.startswith("incidents_") for p in store.partitions()):
            yield "event store already holds partnership incident data"
        else:
            yield from _load_synthetic(settings, store)
        yield from _planning_kit(settings, store)
        yield from _demo_returns(settings)
        yield from _demo_survey(settings)
    from upstream.cases.demo import prepare_case_store

    yield from prepare_case_store(settings)
    from upstream.account.actions.demo import prepare_action_plan

    yield from prepare_action_plan(settings)
    from upstream.cases.localtime import london
    from upstream.cases.models import utcnow
    from upstream.network.store.demo import prepare_network_demo

    yield from prepare_network_demo(settings, london(utcnow()).date())
    from upstream.orders.retail.demo import prepare_retail

    yield from prepare_retail(settings)
    from upstream.orders.demo import prepare_orders

    yield from prepare_orders(settings)
    if warm:
        from upstream.forecast.summary import cached_forecast_section

        section = cached_forecast_section(store, settings)
        if section.get("available"):
            yield f"prepared the forecast for {section['month']} and its backtest evidence"
        from upstream.plan.summary import cached_plan_section

        if cached_plan_section(store, settings).get("available"):
            yield "prepared the Plan page (posts and rota, safe spaces, CCTV, emerging hot spots)"
        from upstream.account.evaluation.page import cached_evaluation_page

        cached_evaluation_page(settings)
        yield "prepared the Evaluation page (the spring-2020 example and the power table)"
