"""``upstream area``: build an area pack, or check one. Parses, calls, prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from upstream.area.model import Area

__all__ = ["app"]

app = typer.Typer(
    help="Area packs: the folder (UPSTREAM_AREA_DIR) holding everything about one place.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(1)


def _print_support(area: Area) -> None:
    from upstream.area.layers import support

    console.print(
        f"[bold]{area.name}[/]: {area.area_km2:,.2f} km²; layers: {', '.join(sorted(area.layers))}",
        highlight=False,
    )
    rows = support(area.layers)
    console.print("[bold]Supported:[/]")
    for cap, why in rows:
        if why is None:
            label = "forecast covariate: " if cap.kind == "covariate" else ""
            console.print(f"  yes  {label}{cap.what}", highlight=False)
    missing = [(cap, why) for cap, why in rows if why is not None]
    if missing:
        console.print("[bold]Not supported (each says so in place):[/]")
        for cap, why in missing:
            label = "forecast covariate: " if cap.kind == "covariate" else ""
            needs = (why or "").split(" needs ", 1)[-1].removesuffix(".")
            console.print(f"  no   {label}{cap.what}: needs {needs}", highlight=False)
    if area.mps_borough is None:
        console.print("  no   London comparators: the pack names no MPS borough", highlight=False)


@app.command("build")
def build(
    out: Annotated[Path, typer.Argument(help="New folder to write the pack to.")],
    lsoa: Annotated[
        list[str] | None, typer.Option("--lsoa", help="A 2011 or 2021 LSOA code (repeat).")
    ] = None,
    msoa: Annotated[
        list[str] | None, typer.Option("--msoa", help="A 2021 MSOA code or name (repeat).")
    ] = None,
    wards: Annotated[
        Path | None,
        typer.Option(
            "--wards",
            help="A ward boundary file you supply (any format GeoPandas reads, with a CRS). "
            "No ward boundaries are bundled with upstream.",
        ),
    ] = None,
    ward: Annotated[
        list[str] | None, typer.Option("--ward", help="A ward name or code in --wards (repeat).")
    ] = None,
    ward_field: Annotated[
        str | None, typer.Option(help="The --wards column holding the names (default: found).")
    ] = None,
    borough: Annotated[
        list[str] | None,
        typer.Option("--borough", help="A London borough, by name or E09 code (repeat)."),
    ] = None,
    london: Annotated[bool, typer.Option("--london", help="All 33 London boroughs.")] = False,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from", help="The pack a sub-area is cut from (default: UPSTREAM_AREA_DIR)."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The area's name (default: from the choice).")
    ] = None,
) -> None:
    """Make an area pack: a sub-area (--lsoa, --msoa, --wards FILE --ward NAME) of a pack, or
    London boroughs (--borough NAME, --london) from the bundled London-wide files.

    No ward boundaries are bundled: wards need a boundary file of your own. London packs
    have no LSOA boundaries or populations, so the sections that need them (rates, deprivation,
    distance against residents, forecasts by LSOA) cannot be shown. The command prints which
    sections and forecast covariates the new pack supports; those it cannot support say so in
    place. Use the pack with UPSTREAM_AREA_DIR=OUT."""
    from upstream.area.build import SubArea, build_london, build_sub_area
    from upstream.area.model import AreaError
    from upstream.config import BUNDLED_AREA, get_settings

    settings = get_settings()
    sub = bool(lsoa or msoa or ward or wards)
    whole = bool(borough or london)
    if sub == whole:
        raise _fail(
            "choose a sub-area (--lsoa, --msoa, --wards FILE --ward NAME) or London boroughs "
            "(--borough NAME, --london), not both or neither"
        )
    if borough and london:
        raise _fail("give --borough NAME or --london, not both")
    if wards is not None and not ward:
        raise _fail("--wards FILE needs at least one --ward NAME")
    try:
        if sub:
            built = build_sub_area(
                source or settings.area_dir,
                out,
                SubArea(tuple(lsoa or ()), tuple(msoa or ()), wards, tuple(ward or ()), ward_field),
                name,
            )
        else:
            built = build_london(
                settings.bundled_data / "london",
                out,
                [] if london else list(borough or ()),
                terms_from=BUNDLED_AREA,
                name=name,
            )
    except AreaError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"wrote the area pack {out}", highlight=False)
    for note in built.notes:
        console.print(f"note: {note}", highlight=False)
    _print_support(built.area)
    console.print(f"Use it with UPSTREAM_AREA_DIR={out}", highlight=False)


@app.command("check")
def check(
    folder: Annotated[
        Path | None, typer.Argument(help="The pack folder (default: UPSTREAM_AREA_DIR).")
    ] = None,
) -> None:
    """Load an area pack, checking every file, and print what it supports."""
    from upstream.area.model import AreaError
    from upstream.area.pack import load_area
    from upstream.config import get_settings

    try:
        area = load_area(folder or get_settings().area_dir)
    except AreaError as exc:
        raise _fail(str(exc)) from exc
    _print_support(area)
