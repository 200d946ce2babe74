"""The web app's routers, one per area of the product."""

from upstream.web.routes import home, system

__all__ = ["home", "system"]
