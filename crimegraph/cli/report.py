"""``crimegraph report``: a dossier for print (PDF, HTML) or a chart (SVG, PNG), sources printed in."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

import typer
from rich.markup import escape

from .common import (AllowIncompleteOpt, MkdirOpt, PathAvoidOpt, PathCountOpt, PathMaxHopsOpt,
                     PathNaturesOpt, PathSimilarOpt, PathTiesOpt, SeedsOpt, StoreOpt, check_path_options,
                     command_line, console, err_console, open_cli_store)
from .main import app

SUFFIXES = {".pdf": "PDF dossier", ".html": "HTML dossier", ".htm": "HTML dossier",
            ".svg": "SVG chart", ".png": "PNG chart"}


@app.command("report")
def report_command(
    entity: Optional[str] = typer.Argument(None, metavar="[ENTITY]",
                                           help="The entity of the dossier: id, name or alias."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="File to write, exactly this path; its suffix picks what: .pdf or "
                                     ".html a dossier, .svg or .png a chart (the network chart, or "
                                     "the timeline with --timeline)."),
    timeline_chart: bool = typer.Option(False, "--timeline",
                                        help="With a .svg or .png output: the timeline chart instead "
                                             "of the network chart."),
    path: Optional[Tuple[str, str]] = typer.Option(None, "--path", metavar="A B",
                                                   help="A dossier of the connections between two "
                                                        "entities instead of one entity."),
    place: Optional[str] = typer.Option(None, "--place", metavar="ID",
                                        help="A dossier of a place: who operates there and inside it."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="As of this date (YYYY, YYYY-MM or YYYY-MM-DD; a year "
                                             "means its last day): what was valid or already reported "
                                             "then, and what the date leaves out."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, help="How many relations away the network goes."),
    cap: int = typer.Option(30, "--cap", min=0,
                            help="Most new neighbours per entity on the network chart, best-sourced "
                                 "first (0: no cap); the rest are counted as +N."),
    max_hops: int = PathMaxHopsOpt,
    paths: int = PathCountOpt,
    natures: Optional[List[str]] = PathNaturesOpt,
    ties: Optional[str] = PathTiesOpt,
    avoid: Optional[List[str]] = PathAvoidOpt,
    similar: bool = PathSimilarOpt,
    through_hubs: bool = typer.Option(False, "--through-hubs",
                                      help="With an ENTITY and --depth 2 or more: expand hubs too."),
    types: Optional[List[str]] = typer.Option(None, "--types", "-t", metavar="TYPES",
                                              help="Only these entity kinds or types on the network "
                                                   "chart (actor, armed_group, port …). Repeat or "
                                                   "comma-separate."),
    relations: Optional[List[str]] = typer.Option(None, "--relations", "-r", metavar="TYPES",
                                                  help="Only these relation types on the network chart."),
    title: Optional[str] = typer.Option(None, "--title", help="The dossier's title (default: the "
                                                                "subject's name, or the selection's)."),
    mkdir: bool = MkdirOpt,
    seeds: Optional[Path] = SeedsOpt,
    store: str = StoreOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Write a dossier for a report: charts, a footnoted relations table and the sources.

    A dossier (.pdf or .html) has the subject, a network chart (Graphviz layout:
    the same picture for the same data), a timeline chart (one line per actor),
    every relation with numbered notes to its citations (quote, page, source,
    date, URL, reliability in words), the list of sources and how to read the
    grades; each page names the as-of date, the dataset's version (a hash of its
    content), the day it was made and the command. The facts are those of
    `crimegraph show` and the queries, with the same as-of rule. A .svg or .png
    output is one chart, with its title, legend and notes. Prints the path
    written.
    """
    from crimegraph.atomic import check_file_target, write_bytes, write_text
    from crimegraph.errors import UsageError
    from crimegraph.graph.resolution import collecting
    from crimegraph.queries.params import parse_as_of, parse_types
    from crimegraph.queries.ties import parse_natures
    from crimegraph.visualizations import dossier as dossier_mod
    from crimegraph.visualizations.select import parse_entity_types

    from .common import print_resolutions

    suffix = output.suffix.lower()
    if output.is_dir():
        check_file_target(output)  # "is a folder"
    if suffix not in SUFFIXES:
        raise UsageError(f"--output {output}: unknown kind of file {suffix or '(no suffix)'!r}; "
                         "give a name ending in .pdf, .html, .svg or .png")
    if timeline_chart and suffix not in (".svg", ".png"):
        raise UsageError(f"--timeline draws one chart: give an --output ending in .svg or .png "
                         f"(got {output}); a .pdf or .html dossier holds the timeline already")
    modes = [m for m, v in (("ENTITY", entity), ("--path", path), ("--place", place)) if v]
    if len(modes) != 1:
        raise UsageError("name what the dossier is about: an ENTITY, --path A B or --place P"
                         if not modes else f"choose one of ENTITY, --path and --place (got {', '.join(modes)})")
    if timeline_chart and path:
        raise UsageError("--timeline needs an ENTITY or a --place (a path has no one timeline)")
    check_path_options(path, natures=natures, ties=ties, avoid=avoid, similar=similar)
    day = parse_as_of(as_of)
    chosen = parse_natures(natures, ties)
    entity_types, from_types = parse_entity_types(types)
    rel_types = parse_types(relations, "--relations")
    if from_types:
        rel_types = (rel_types or frozenset()) | from_types
    check_file_target(output, mkdir=mkdir)  # a path that cannot be written fails before the work
    t0 = time.perf_counter()
    with open_cli_store(seeds, store, complete="warn" if allow_incomplete else "require") as st:
        with collecting() as named:
            d = dossier_mod.build(st, entity=entity, path=path, place=place, as_of=day, depth=depth,
                                  cap=cap or None, max_hops=max_hops, k=paths, entity_types=entity_types,
                                  relation_types=rel_types, natures=chosen, avoid=avoid or (),
                                  similar=similar, through_hubs=through_hubs, title=title,
                                  command=command_line(sys.argv[1:], "report"))
        print_resolutions(named)
    if suffix in (".svg", ".png"):
        svg = d.timeline_only if timeline_chart else d.network_only
        if suffix == ".svg":
            write_text(output, svg, mkdir=mkdir)
        else:
            from crimegraph.visualizations.pdf import svg_to_png

            w, h = _size(svg)
            write_bytes(output, svg_to_png(svg, w, h), mkdir=mkdir)
    else:
        html = dossier_mod.dossier_html(d)
        if suffix == ".pdf":
            from crimegraph.visualizations.pdf import html_to_pdf

            write_bytes(output, html_to_pdf(html), mkdir=mkdir)
        else:
            write_text(output, html, mkdir=mkdir)
    elapsed = time.perf_counter() - t0
    n = sum(len(s.relations) for s in d.sections)
    err_console.print(f"wrote {escape(str(output))}: {SUFFIXES[suffix]}, {n} relations, "
                      f"{len(d.notes.items)} notes, {len(d.sources)} sources, dataset {d.fingerprint} "
                      f"({elapsed:.1f} s)")
    console.print(str(output), markup=False, highlight=False)


def _size(svg: str) -> tuple[int, int]:
    import re

    m = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return (int(float(m.group(1))) + 1, int(float(m.group(2))) + 1) if m else (1200, 900)
