"""The board pack as one self-contained HTML document (Plotly inlined: no CDN, no network).

The template (``templates/pack.html``) puts two pages of summary first (the key messages of
every item, the outcome measures' RAG, the urgent-response figures), then each item's detail
on its own pages; print CSS sets A4 pages, page breaks and no navigation. The same document
is what ``/board`` serves (with Plotly from the app's static folder) and what the PDF prints.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from upstream.account.board.pack import BoardPack
from upstream.plotting import figure_json
from upstream.report.model import Figure, Notice, Table, Withheld
from upstream.report.profile import plotly_js

__all__ = ["render_pack", "write_pack"]

PLOTLY_STATIC = "/static/plotly.min.js"
"""Where the web app serves plotly.min.js (the page links it rather than inlining it)."""


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("upstream.account.board", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["notice"] = lambda b: isinstance(b, Notice)
    env.tests["withheld"] = lambda b: isinstance(b, Withheld)
    env.filters["figure_json"] = lambda f: Markup(figure_json(f))
    return env


def render_pack(pack: BoardPack, *, web: bool = False) -> str:
    """The whole pack as HTML; ``web``: link the app's Plotly instead of inlining it."""
    return (
        _environment()
        .get_template("pack.html")
        .render(
            pack=pack,
            plotly_js=None if web else Markup(plotly_js()),
            plotly_src=PLOTLY_STATIC if web else None,
            web=web,
        )
    )


def write_pack(pack: BoardPack, out: Path) -> Path:
    """Write the pack's HTML to ``out`` in one step (a temporary file renamed over it)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(render_pack(pack), encoding="utf-8")
    os.replace(partial, out)
    return out
