"""Shared request dependencies and the template environment of the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from upstream.config import Settings
from upstream.formatting import percent
from upstream.web.cache import PageCache

__all__ = ["CacheDep", "SettingsDep", "templates"]

_HERE = Path(__file__).resolve().parent

templates = Jinja2Templates(directory=_HERE / "templates")


def _thousands(value: float | int) -> str:
    return f"{value:,}"


def _percent(value: float, digits: int = 1) -> str:
    return percent(value, digits=digits)


templates.env.filters["thousands"] = _thousands
templates.env.filters["percent"] = _percent


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_cache(request: Request) -> PageCache:
    """The app's page cache."""
    cache: PageCache = request.app.state.cache
    return cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[PageCache, Depends(get_cache)]
