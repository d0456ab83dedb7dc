"""``crimegraph map``: write an interactive network map as one self-contained, offline HTML file."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

import typer
from rich.markup import escape

from .common import (AllowIncompleteOpt, MkdirOpt, PathAvoidOpt, PathCountOpt, PathMaxHopsOpt,
                     PathNaturesOpt, PathSimilarOpt, PathTiesOpt, SeedsOpt, StoreOpt, command_line, console,
                     err_console, open_cli_store)
from .main import app

REFINE_HINT = ("map a part of it: --ego ID --depth 1, --place ID, --economy ID or --path A B; "
               "keep some kinds or types with --types (e.g. --types actor); keep some relation "
               "types with --relations (e.g. --relations allied_with,rival_of); pick a date with "
               "--as-of YEAR or a period with --since/--until. Or draw groups instead of entities "
               "with --aggregate community (or kind, type), or raise --max-nodes/--max-edges.")


@app.command("map")
def map_command(
    ego: Optional[str] = typer.Option(None, "--ego", metavar="ID",
                                      help="Map an entity's neighbourhood (id, name or alias)."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, help="With --ego: how many relations away to go."),
    cap: int = typer.Option(50, "--cap", min=0,
                            help="With --ego: most new neighbours per entity, best-sourced first "
                                 "(0: no cap); the rest are counted as +N."),
    path: Optional[Tuple[str, str]] = typer.Option(None, "--path", metavar="A B",
                                                   help="Map the connections between two entities, "
                                                        "the most telling paths highlighted."),
    max_hops: int = PathMaxHopsOpt,
    paths: int = PathCountOpt,
    natures: Optional[List[str]] = PathNaturesOpt,
    ties: Optional[str] = PathTiesOpt,
    avoid: Optional[List[str]] = PathAvoidOpt,
    similar: bool = PathSimilarOpt,
    through_hubs: bool = typer.Option(False, "--through-hubs",
                                      help="With --ego and --depth 2 or more: expand hubs too."),
    place: Optional[str] = typer.Option(None, "--place", metavar="ID",
                                        help="Map everything operating in a place and inside it."),
    near: Optional[str] = typer.Option(None, "--near", metavar="LAT,LON",
                                       help="Map everything operating in the places whose point lies "
                                            "within --km of this point (decimal degrees: -12.28,-73.96)."),
    km: Optional[float] = typer.Option(None, "--km", metavar="KM",
                                       help="With --near: the radius in km (great-circle; default 50)."),
    economy: Optional[str] = typer.Option(None, "--economy", metavar="ID",
                                          help="Map an illicit economy: its actors, hubs and events."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="Only relations valid on this date (YYYY means its last day)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE",
                                        help="Only relations valid at some time from this date on."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE",
                                        help="Only relations valid at some time up to this date."),
    types: Optional[List[str]] = typer.Option(None, "--types", "-t", metavar="TYPES",
                                              help="Only these entity kinds or types (actor, place, "
                                                   "armed_group, port …; relation type names are "
                                                   "also accepted). Repeat or comma-separate."),
    relations: Optional[List[str]] = typer.Option(None, "--relations", "-r", metavar="TYPES",
                                                  help="Only these relation types (allied_with,rival_of)."),
    title: Optional[str] = typer.Option(None, "--title", help="Title shown on the map."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="HTML file to write, exactly this path (default: a name "
                                               "from the map, in the current folder)."),
    mkdir: bool = MkdirOpt,
    size_by: str = typer.Option("degree", "--size-by",
                                help="Node size: degree, citations, betweenness, pagerank or none."),
    aggregate: Optional[str] = typer.Option(None, "--aggregate", metavar="BY",
                                            help="If the map is over the limits, draw groups "
                                                 "(kind, type or community) instead of refusing."),
    max_nodes: Optional[int] = typer.Option(None, "--max-nodes", min=0,
                                  help="Largest map drawn entity by entity (default 10,000; 0: no limit)."),
    max_edges: Optional[int] = typer.Option(None, "--max-edges", min=0,
                                  help="Most relations drawn (default 30,000; 0: no limit)."),
    physics_max_nodes: Optional[int] = typer.Option(None, "--physics-max-nodes", min=0,
                                          help="Up to this many entities the browser relaxes the "
                                               "layout with physics (default 300); above, positions "
                                               "are computed in Python."),
    geo: bool = typer.Option(False, "--geo",
                             help="Draw a geographic map instead: places on an offline Natural Earth "
                                  "basemap, sized by the actors present, routes as arrows."),
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Write an interactive network map: one self-contained HTML file that opens offline.

    Without a mode it maps the whole graph. Click an entity or a line for its
    description, period, confidence and sources with quotes; search, filter by
    kind, relation type and year. With --geo, the same selection on a
    geographic map. --place maps a named place; --near LAT,LON --km KM the
    places whose point lies within that great-circle distance. Prints the
    path of the file written.
    """
    from crimegraph.queries.params import parse_as_of, parse_types
    from crimegraph.queries.ties import parse_natures
    from crimegraph.schema.types import PartialDate
    from crimegraph.errors import UsageError
    from crimegraph.visualizations import render
    from crimegraph.visualizations.render import MAX_EDGES, MAX_NODES, PHYSICS_MAX_NODES
    from crimegraph.visualizations.select import parse_entity_types, select

    from .query import NEAR_KM

    point = None
    if near is not None or km is not None:
        from crimegraph.schema.geo import check_km, parse_point

        if near is None:
            raise UsageError("--km: give it with --near LAT,LON (the point the radius is around)")
        point = (*parse_point(near, "--near"), check_km(NEAR_KM if km is None else km, "--km"))
    day = parse_as_of(as_of)
    start = _start_of(since, "--since", PartialDate, UsageError)
    end = parse_as_of(until, "--until")
    entity_types, from_types = parse_entity_types(types)
    rel_types = parse_types(relations, "--relations")
    if from_types:
        rel_types = (rel_types or frozenset()) | from_types

    from crimegraph.atomic import check_file_target
    from crimegraph.graph.resolution import collecting

    from .common import check_path_options, print_resolutions

    check_path_options(path, natures=natures, ties=ties, avoid=avoid, similar=similar)
    if output is not None:  # a path that cannot be written fails before the map is made
        check_file_target(output, mkdir=mkdir)
    t0 = time.perf_counter()
    with open_cli_store(seeds, store, complete="warn" if allow_incomplete else "require") as st:
        with collecting() as named:
            sel = select(st, ego=ego, depth=depth, cap=cap or None, path=path, max_hops=max_hops,
                         k=paths, place=place, near=point, economy=economy, as_of=day, since=start,
                         until=end, entity_types=entity_types, relation_types=rel_types,
                         natures=parse_natures(natures, ties), avoid=avoid or (), similar=similar,
                         through_hubs=through_hubs)
        print_resolutions(named)
        command = command_line(sys.argv[1:], "map")
        notes = [*sel.notes, f"Made with: {command}"]
        if geo:
            from crimegraph.visualizations.geo import render_geo

            result = render_geo(sel.subgraph, title=title or sel.title, subtitle=sel.subtitle,
                                store=st, period=sel.period, notes=notes, near=sel.near)
        else:
            result = render(
                sel.subgraph, title=title or sel.title, subtitle=sel.subtitle, store=st,
                size_by=size_by, aggregate=aggregate,
                max_nodes=_limit(max_nodes, MAX_NODES), max_edges=_limit(max_edges, MAX_EDGES),
                physics_max_nodes=PHYSICS_MAX_NODES if physics_max_nodes is None else physics_max_nodes,
                period=sel.period, notes=notes, refine_hint=REFINE_HINT)
    target = output or Path(f"{sel.slug}{'-geo' if geo else ''}.html")
    result.write(target, mkdir=mkdir)
    elapsed = time.perf_counter() - t0
    how = ("geographic" if geo else f"aggregated by {result.aggregated}" if result.aggregated else
           "layout relaxed in the browser" if result.physics else "layout computed in Python")
    size = target.stat().st_size
    what = ("groups", "lines") if result.aggregated else ("entities", "relations")
    err_console.print(f"wrote {escape(str(target))}: {result.nodes:,} {what[0]}, "
                      f"{result.edges:,} {what[1]}, {size / 1e6:.1f} MB, {how} ({elapsed:.1f} s)")
    console.print(str(target), markup=False, highlight=False)


def _limit(value: Optional[int], default: int) -> Optional[int]:
    if value is None:
        return default
    return None if value == 0 else value


def _start_of(value, name, PartialDate, UsageError):
    if value is None or value == "":
        return None
    try:
        return PartialDate.parse(value).start
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None
