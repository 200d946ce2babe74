"""The web app factory: ``create_app(settings)`` builds a FastAPI app for one set of stores.

Pages are server-rendered Jinja2 with Plotly figures drawn by plotly.js, which is served
from the installed plotly package: nothing is fetched from another host, so the app works
offline, and the Content-Security-Policy header below forbids other hosts outright.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from upstream.area import AreaError, area_from_settings
from upstream.config import Settings, get_settings
from upstream.web.cache import PageCache
from upstream.web.deps import templates
from upstream.web.middleware import RequestLog, ResponseHeaders, ServerErrors
from upstream.web.navigation import case_links, curtail_page, main_link_shown
from upstream.web.routes import actions as action_routes
from upstream.web.routes import board as board_routes
from upstream.web.routes import cases as case_routes
from upstream.web.routes import evaluation as evaluation_routes
from upstream.web.routes import forecast as forecast_routes
from upstream.web.routes import home, orders_api, retail_api, system
from upstream.web.routes import network as network_routes
from upstream.web.routes import open_data as open_data_routes
from upstream.web.routes import orders as order_routes
from upstream.web.routes import outcomes as outcomes_routes
from upstream.web.routes import plan as plan_routes
from upstream.web.routes import profile as profile_routes
from upstream.web.routes import reach as reach_routes
from upstream.web.routes import residents as residents_routes
from upstream.web.routes import retail as retail_routes

__all__ = ["CONTENT_SECURITY_POLICY", "STRICT_TRANSPORT_SECURITY", "create_app"]

_STATIC = Path(__file__).resolve().parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""Only this server's own scripts, styles and images. plotly.js sets inline styles."""

STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
"""HTTPS only, for two years, on this host and its subdomains: sent in production only (a
development server on http://127.0.0.1 must not pin a browser to HTTPS)."""


# The menus come from the access policies (navigation.py). They are registered here, in the
# app shell, so that a route module importing the templates (the public open-data page) does
# not thereby import the case store's policies.
templates.env.globals["case_links"] = case_links
templates.env.globals["curtail_page"] = curtail_page
templates.env.globals["main_link_shown"] = main_link_shown


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when not given)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # load the area once at start so the first page view does not wait for it
        with contextlib.suppress(AreaError):  # the page that needs the area reports it
            area_from_settings(settings)
        case_routes.migrate(settings)  # the case store's `alembic upgrade head`
        case_routes.check_deployment(settings)  # production: no active demo users
        yield
        case_routes.seal_audit(settings)  # nothing left waiting for the background sealer

    development = settings.env == "development"
    app = FastAPI(
        title="upstream",
        summary="Violence-reduction partnership analysis",
        docs_url=None,  # the interactive docs load their assets from a CDN
        redoc_url=None,
        # outside development the API description is for signed-in users only (system.py)
        openapi_url=system.OPENAPI_URL if development else None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.cache = PageCache()
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if settings.env == "production":
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    # added innermost first: server errors get the headers, the log sees every response
    app.add_middleware(ServerErrors)
    app.add_middleware(ResponseHeaders, always=headers, no_store_prefixes=case_routes.CASE_PATHS)
    if settings.request_log:
        app.add_middleware(RequestLog)

    app.include_router(system.router)
    if not development:
        app.include_router(system.openapi_router)
    app.include_router(home.router)
    app.include_router(forecast_routes.router)
    app.include_router(profile_routes.router)
    app.include_router(plan_routes.router)
    app.include_router(reach_routes.router)
    app.include_router(residents_routes.router)
    app.include_router(outcomes_routes.router)
    app.include_router(evaluation_routes.router)
    app.include_router(action_routes.router)
    app.include_router(board_routes.router)
    app.include_router(network_routes.router)
    app.include_router(retail_routes.router)
    app.include_router(open_data_routes.router)
    case_routes.install(app)  # login/logout, /cases pages, /api/cases (+ its error handling)
    app.include_router(order_routes.router)  # /orders pages (the case tool's sessions)
    app.include_router(orders_api.router)  # /api/orders
    app.include_router(retail_api.router)  # /api/retail
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    return app
