"""``upstream board-pack --quarter YYYYQn --out pack.html [--pdf pack.pdf]``.

Parses, builds the pack (:func:`upstream.account.board.pack.build_pack`), writes the HTML and,
with ``--pdf``, prints the same HTML to PDF offline. Heavy modules are imported inside the
command so ``upstream --help`` stays quick.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upstream.cli_inputs import fail as _fail
from upstream.terminal import console as make_console

__all__ = ["board_pack"]

console = make_console()
err = make_console(stderr=True)


def board_pack(
    quarter: Annotated[
        str, typer.Option(help="The quarter the pack reports on.", metavar="YYYYQn")
    ],
    out: Annotated[Path, typer.Option(help="The HTML pack to write.", metavar="FILE")],
    pdf: Annotated[
        Path | None,
        typer.Option(help="Also print the same pack to this PDF (offline).", metavar="FILE"),
    ] = None,
) -> None:
    """The partnership board's quarterly pack: two pages of summary, then every item in
    detail (headline measures, outcome measures with RAG, action-plan exceptions, urgent
    response, disproportionality, deployment plan, evaluation, resident insight)."""
    from upstream.account.board.pack import build_pack
    from upstream.account.board.pdf import PdfUnavailable, print_pdf
    from upstream.account.board.quarter import QuarterError, parse_quarter
    from upstream.account.board.render import render_pack, write_pack
    from upstream.config import Settings

    try:
        chosen = parse_quarter(quarter)
    except QuarterError as exc:
        raise _fail(str(exc)) from None
    for option, path in (("--out", out), ("--pdf", pdf)):
        if path is not None and path.is_dir():
            raise _fail(f"{option}: {path} is a folder, not a file")
    started = time.perf_counter()
    pack = build_pack(Settings(), chosen)
    write_pack(pack, out)
    console.print(
        f"wrote {escape(str(out))}: board pack {chosen.label}, {len(pack.items)} items"
        + (" (includes SYNTHETIC data)" if pack.synthetic else "")
        + f" in {time.perf_counter() - started:.1f} s",
        highlight=False,
        soft_wrap=True,
    )
    for item in pack.items:
        if not item.available:
            console.print(f"  {item.title}: {escape(item.summary)}", highlight=False)
    if pdf is not None:
        try:
            print_pdf(render_pack(pack), pdf)
        except PdfUnavailable as exc:
            raise _fail(f"--pdf: {exc}") from None
        console.print(f"wrote {escape(str(pdf))}", highlight=False)
