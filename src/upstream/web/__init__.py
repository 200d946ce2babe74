"""The upstream web app: ``create_app(settings)`` returns a FastAPI application."""

from upstream.web.app import create_app

__all__ = ["create_app"]
