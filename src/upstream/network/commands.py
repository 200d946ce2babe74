"""``upstream network analyse``: read links and people, analyse, write the tables.

Bad input is one line on stderr naming the file, line and field, exit code 1, and nothing
written. The outputs are built in a hidden folder beside ``--out`` and moved into place
whole, so a reader never sees a list without its audit or a half-written folder.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from upstream.cli_inputs import fail
from upstream.terminal import console as make_console

__all__ = ["app", "read_residents", "write_outputs"]

app = typer.Typer(
    help="Networks: people linked by recorded evidence, with safeguarded lists and audits.",
    add_completion=False,
    no_args_is_help=True,
)
console = make_console()


def _read_csv(path: Path) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise fail(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise fail(f"{path}: not a readable CSV file ({type(exc).__name__})") from exc


def read_residents(path: Path) -> dict[str, dict[str, int]]:
    """Residents counts from a CSV of ``dimension,group,count``, or a one-line error."""
    from upstream.network.audit import DIMENSIONS

    frame = _read_csv(path)
    missing = [c for c in ("dimension", "group", "count") if c not in frame.columns]
    if missing:
        raise fail(f"{path}: missing column(s): {', '.join(missing)}")
    out: dict[str, dict[str, int]] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        if row.dimension not in DIMENSIONS:
            raise fail(f"{path}: line {i}, dimension: not one of {', '.join(DIMENSIONS)}")
        if not str(row.count).isdigit():
            raise fail(f"{path}: line {i}, count: not a whole number")
        out.setdefault(str(row.dimension), {})[str(row.group)] = int(row.count)
    return out


def write_outputs(tables: dict[str, Any], texts: dict[str, str], out: Path) -> None:
    """Write ``tables`` (name to frame, as CSV) and ``texts`` (name to text) into ``out``,
    all or nothing: built in a hidden folder beside it, then swapped in."""
    from upstream.plan.files import write_csv_atomic, write_text_atomic

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.{uuid.uuid4().hex}.tmp"
    old = out.parent / f".{out.name}.{uuid.uuid4().hex}.old"
    try:
        stage.mkdir()
        for name, frame in tables.items():
            write_csv_atomic(frame, stage / name)
        for name, text in texts.items():
            write_text_atomic(text, stage / name)
        if out.exists():
            os.replace(out, old)
        os.replace(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _network_inputs(links: Path, people: Path) -> tuple[Any, Any, bool]:
    """Validated links and people frames (and whether either is synthetic), or a one-line
    error naming the file, line and field."""
    from upstream.network.errors import NetworkInputError
    from upstream.network.links import validate_links
    from upstream.network.people import validate_people

    link_frame, people_frame = _read_csv(links), _read_csv(people)
    synthetic = any("synthetic" in f.columns for f in (link_frame, people_frame))
    try:
        valid_links = validate_links(link_frame)
    except NetworkInputError as exc:
        raise fail(f"{links}: {exc}. Nothing was written.") from exc
    try:
        valid_people = validate_people(people_frame)
    except NetworkInputError as exc:
        raise fail(f"{people}: {exc}. Nothing was written.") from exc
    known = set(valid_people["id"])
    for column in ("a", "b"):
        unknown = ~valid_links[column].isin(known)
        if unknown.any():
            line = int(unknown.to_numpy().nonzero()[0][0]) + 2
            raise fail(
                f"{links}: line {line}, {column}: not a person in {people}. Nothing was written."
            )
    return valid_links, valid_people, synthetic


@app.command("analyse")
def analyse(
    links: Annotated[Path, typer.Option(metavar="FILE", help="Links CSV (docs/network.md).")],
    people: Annotated[Path, typer.Option(metavar="FILE", help="People CSV (docs/network.md).")],
    as_of: Annotated[
        datetime,
        typer.Option(
            formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="The date analysed (YYYY-MM-DD)."
        ),
    ],
    purpose: Annotated[str, typer.Option(help="Why the list is made (recorded in the audit).")],
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder for the outputs (replaced whole).")
    ],
    kind: Annotated[
        str, typer.Option("--list", metavar="harm|safeguarding", help="What the list ranks by.")
    ] = "harm",
    window_months: Annotated[int, typer.Option(min=1, help="Links age out after this.")] = 24,
    residents: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Residents counts CSV: dimension,group,count."),
    ] = None,
    top: Annotated[
        int | None, typer.Option(min=1, help="List only the highest-ranked N people.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the community detection.")] = 0,
) -> None:
    """Groups, brokers, exposure, exploitation indicators and a safeguarded list with its
    disproportionality audit, from links and people files."""
    from upstream.area import definitions_from_settings
    from upstream.config import get_settings
    from upstream.network import analysis as an
    from upstream.network.graph import build_graph
    from upstream.network.links import active_links
    from upstream.network.lists import SafeguardError, build_list

    day: date = as_of.date()
    valid_links, valid_people, synthetic = _network_inputs(links, people)
    counts = read_residents(residents) if residents else None
    definitions = definitions_from_settings(get_settings())
    active = active_links(valid_links, day, window_months)
    graph = build_graph(active, valid_people["id"])
    membership = an.groups(graph, seed=seed)
    try:
        plist = build_list(
            valid_people,
            graph,
            definitions,
            purpose=purpose,
            as_of=day,
            kind=kind,
            window_months=window_months,
            residents=counts,
            limit=top,
        )
    except SafeguardError as exc:
        raise fail(f"--purpose/--list: {exc}. Nothing was written.") from exc
    centre = an.centrality(graph, membership, seed=seed)
    flagged = an.exploitation(active, valid_people)
    summary = {
        "as_of": day.isoformat(),
        "purpose": plist.purpose,
        "list": kind,
        "window_months": window_months,
        "synthetic": synthetic,
        "people": graph.number_of_nodes(),
        "links_active": len(active),
        "links_recorded": len(valid_links),
        "connections": graph.number_of_edges(),
        "components": int(membership["component"].nunique()),
        "communities": int(membership["community"].nunique()),
        "brokers": int(centre["broker"].sum()),
        "exploitation_flags": int(flagged["flag"].sum()),
        "listed": len(plist.entries),
        "audit_warnings": list(plist.audit.warnings),
    }
    audit_json = {
        **summary,
        "level": plist.audit.level,
        "alpha": plist.audit.alpha,
        "table": json.loads(plist.audit.table.to_json(orient="records")),
    }
    tables = {
        "groups.csv": membership,
        "centrality.csv": centre,
        "exposure.csv": an.exposure(graph, valid_people, day),
        "exploitation.csv": flagged,
        "group_violence.csv": an.group_violence(graph, membership),
        "overlap.csv": an.victim_offender_overlap(valid_people, definitions, day, window_months),
        "list.csv": plist.entries,
        "audit.csv": plist.audit.table,
    }
    texts = {
        "audit.json": json.dumps(audit_json, indent=2, default=str) + "\n",
        "summary.json": json.dumps(summary, indent=2) + "\n",
    }
    try:
        write_outputs(tables, texts, out)
    except OSError as exc:
        raise fail(
            f"{out}: cannot write the outputs ({exc.strerror}). Nothing was written."
        ) from exc
    if synthetic:
        console.print("[bold]SYNTHETIC data[/]: nobody in these files is real.")
    for warning in plist.audit.warnings:
        console.print(f"[bold red]{escape(warning)}[/]", soft_wrap=True)
    console.print(
        f"{summary['people']:,} people, {summary['links_active']:,} active links of "
        f"{summary['links_recorded']:,}; {summary['components']:,} components, "
        f"{summary['communities']:,} communities, {summary['brokers']:,} brokers, "
        f"{summary['exploitation_flags']:,} exploitation flags; {summary['listed']:,} listed "
        f"for: {escape(plist.purpose)}; audit beside the list in {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("stats")
def stats(
    nodes: Annotated[Path, typer.Option(metavar="FILE", help="Nodes CSV with node_id.")],
    edges: Annotated[
        Path, typer.Option(metavar="FILE", help="Edges CSV: source,target[,weight][,layer].")
    ],
    out: Annotated[Path, typer.Option(metavar="FILE", help="Where to write the JSON.")],
    layer: Annotated[
        str | None, typer.Option(help="Only the edges (and listed nodes) of this layer.")
    ] = None,
) -> None:
    """Descriptive figures (nodes, edges, components, density, transitivity, ...) of the
    undirected simple graph of a nodes file and an edges file, written as JSON."""
    from upstream.network.errors import NetworkInputError
    from upstream.network.stats import describe, network_from_frames
    from upstream.plan.files import write_text_atomic

    node_frame, edge_frame = _read_csv(nodes), _read_csv(edges)
    try:
        network = network_from_frames(node_frame, edge_frame, layer=layer)
    except NetworkInputError as exc:
        where = nodes if exc.field == "node_id" else edges
        raise fail(f"{where}: {exc}. Nothing was written.") from exc
    figures = {"nodes_file": nodes.name, "edges_file": edges.name, **describe(network)}
    try:
        write_text_atomic(json.dumps(figures, indent=2) + "\n", out)
    except OSError as exc:
        raise fail(f"{out}: cannot write ({exc.strerror}). Nothing was written.") from exc
    console.print(
        f"{figures['nodes']:,} nodes, {figures['edges']:,} edges, "
        f"{figures['components']:,} components, density {figures['density']}, "
        f"transitivity {figures['transitivity']} ({figures['self_loops_dropped']:,} self-loops "
        f"dropped, {figures['duplicate_edges_merged']:,} repeated edges merged); "
        f"written to {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("board")
def board(
    links: Annotated[Path, typer.Option(metavar="FILE", help="Links CSV (docs/network.md).")],
    people: Annotated[Path, typer.Option(metavar="FILE", help="People CSV (docs/network.md).")],
    as_of: Annotated[
        datetime,
        typer.Option(
            formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="The date analysed (YYYY-MM-DD)."
        ),
    ],
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder for the outputs (replaced whole).")
    ],
    window_months: Annotated[int, typer.Option(min=1, help="Links age out after this.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed for the community detection.")] = 0,
) -> None:
    """Group-level tables for the board (no person named): each group's size, age and sex
    make-up, harm-weighted offences, people harmed in the last 12 months and exploitation
    flags, and harm between groups; small counts suppressed."""
    from upstream.area import definitions_from_settings
    from upstream.config import get_settings
    from upstream.network import analysis as an
    from upstream.network.graph import build_graph
    from upstream.network.groups_export import board_tables
    from upstream.network.links import active_links

    day: date = as_of.date()
    valid_links, valid_people, synthetic = _network_inputs(links, people)
    active = active_links(valid_links, day, window_months)
    graph = build_graph(active, valid_people["id"])
    membership = an.groups(graph, seed=seed)
    definitions = definitions_from_settings(get_settings())
    export = board_tables(
        graph, membership, valid_people, active, definitions, day, window_months=window_months
    )
    summary = {**export.summary, "synthetic": synthetic}
    board_json = {
        **summary,
        "groups_table": export.groups.to_dict(orient="records"),
        "harm_between_groups": export.harm.to_dict(orient="records"),
    }
    tables = {"groups.csv": export.groups, "harm_between_groups.csv": export.harm}
    texts = {"board.json": json.dumps(board_json, indent=2) + "\n"}
    try:
        write_outputs(tables, texts, out)
    except OSError as exc:
        raise fail(
            f"{out}: cannot write the outputs ({exc.strerror}). Nothing was written."
        ) from exc
    if synthetic:
        console.print("[bold]SYNTHETIC data[/]: nobody in these files is real.")
    console.print(
        f"{summary['groups']:,} groups (and {summary['smaller_groups_pooled']:,} smaller ones "
        f"pooled), {len(export.harm):,} harm links between groups; "
        f"{escape(str(summary['suppression']))}; written to {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )
