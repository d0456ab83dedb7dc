"""``crimegraph query …``: the investigator's questions, answered with sources.

Every subcommand prints sentences with sources (``--format table``, the
default), the JSON shape the HTTP API returns (``--format json``) or one row
per fact (``--format csv``). "No connection" is an answer, not an error: it
exits 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional

import typer

from .common import (AllowIncompleteOpt, Format, FormatOpt, SeedsOpt, StoreOpt, emit_csv,
                     emit_json, finite, open_cli_store, print_lines, print_resolutions)
from .main import app

query_app = typer.Typer(
    help="Ask the graph: connections between two entities, who operates where, allies, rivals, "
         "timelines, brokers, communities, the evidence behind a relation. Entities may be given "
         "by id or by name or alias.",
    no_args_is_help=True,
)
app.add_typer(query_app, name="query")

AsOfOpt = typer.Option(None, "--as-of", metavar="DATE",
                       help="The answer as of this date: YYYY (its last day), YYYY-MM or YYYY-MM-DD. "
                            "Shows relations valid then, and undated ones already reported by then "
                            "(marked); leaves out what was not yet known or had ended.")
LeftOutOpt = typer.Option(False, "--left-out", help="With --as-of: list what the date left out, and why.")
TypesOpt = typer.Option(None, "--types", "-t", metavar="TYPES",
                        help="Only these relation types (repeat or comma-separate: allied_with,rival_of).")


def _answer(seeds: Optional[Path], store: str, fmt: Format, allow_incomplete: bool, ask: Callable,
            list_left_out: bool = False) -> None:
    """Open the store, ask, and print the result in the chosen format.

    A store whose graph is not known to be whole (an unfinished Neo4j load) is an error,
    unless ``--allow-incomplete``: then a warning. Entities named by something other
    than their id get a note on stderr (and ``resolved`` in the JSON) saying what they
    were taken to be. An as-of answer ends with a line saying how much the date left
    out (all of it, with reasons, under ``--left-out``); JSON always carries ``left_out``.
    """
    from crimegraph.graph.resolution import attach, collecting

    with open_cli_store(seeds, store, complete="warn" if allow_incomplete else "require") as st, \
            collecting() as notes:
        result = ask(st)
    print_resolutions(notes)
    if fmt is Format.json:
        emit_json(attach(result.as_dict(), notes))
    elif fmt is Format.csv:
        emit_csv(result.rows(), result.columns)
    else:
        lines = list(result.lines())
        if hasattr(result, "left_out_lines"):
            lines += result.left_out_lines(full=list_left_out)
        print_lines(lines)


def _day(value: Optional[str]):
    from crimegraph.queries.params import parse_as_of

    return parse_as_of(value)


def _types(values: Optional[List[str]]):
    from crimegraph.queries.params import parse_types

    return parse_types(values)


NaturesOpt = typer.Option(None, "--natures", metavar="NATURES",
                          help="Only links of these natures: cooperation, hierarchy, supply, "
                               "adversarial, presence, economy, event, geography (repeat or "
                               "comma-separate).")
TiesOpt = typer.Option(None, "--ties", metavar="PRESET",
                       help="A preset of natures: criminal (cooperation, hierarchy, supply), "
                            "context (the others) or all.")
AvoidOpt = typer.Option(None, "--avoid", metavar="ENTITY",
                        help="Never pass through this entity (repeatable), e.g. a country every "
                             "actor operates in.")


@query_app.command()
def connections(
    a: str = typer.Argument(..., metavar="A", help="First entity: id, name or alias."),
    b: str = typer.Argument(..., metavar="B", help="Second entity: id, name or alias."),
    max_hops: int = typer.Option(4, "--max-hops", min=1, max=6, help="Longest path to look for."),
    k: int = typer.Option(5, "--paths", "-k", "--k", min=1, help="How many paths to show."),
    types: Optional[List[str]] = TypesOpt,
    natures: Optional[List[str]] = NaturesOpt,
    ties: Optional[str] = TiesOpt,
    avoid: Optional[List[str]] = AvoidOpt,
    similar: bool = typer.Option(False, "--similar",
                                 help="Allow several paths through the same intermediate entity."),
    explain: bool = typer.Option(False, "--explain",
                                 help="Show how each path's score is made (JSON always has it)."),
    as_of: Optional[str] = AsOfOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """How A is connected to B, and on what evidence: the most telling paths first.

    Every path up to --max-hops is ranked by evidence (confidence, independent
    sources), nature (a criminal tie above a shared place, economy or enemy) and
    specificity (a country linked to everything says little); no two paths through
    the same intermediate unless --similar. Between two actors the answer says
    first whether a criminal tie links them, then the weaker kinds, grouped by kind.
    """
    from crimegraph.queries import connections as ask
    from crimegraph.queries.ties import parse_natures

    day, kinds, chosen = _day(as_of), _types(types), parse_natures(natures, ties)
    _answer(seeds, store, fmt, allow_incomplete,
            lambda st: ask(st, a, b, max_hops=max_hops, k=k, as_of=day, types=kinds, natures=chosen,
                           avoid=avoid or (), similar=similar, explain=explain))


@query_app.command()
def ego(
    entity: str = typer.Argument(..., metavar="ENTITY", help="Entity: id, name or alias."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, help="How many relations away to go."),
    cap: int = typer.Option(50, "--cap", min=0,
                            help="Most new neighbours shown per entity (0: no cap); the rest are counted."),
    types: Optional[List[str]] = TypesOpt,
    through_hubs: bool = typer.Option(False, "--through-hubs",
                                      help="Beyond the first hop, also expand hubs (countries, "
                                           "economies, state actors, entities linked to much of the graph)."),
    as_of: Optional[str] = AsOfOpt, list_left_out: bool = LeftOutOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """An entity's neighbourhood: its relations and its neighbours' relations, with sources.

    Beyond the first hop, hubs are shown but not expanded (the answer names them and
    counts what lies behind them) unless --through-hubs."""
    from crimegraph.queries import ego_network

    day, kinds = _day(as_of), _types(types)
    _answer(seeds, store, fmt, allow_incomplete,
            lambda st: ego_network(st, entity, depth=depth, types=kinds, as_of=day, cap=cap or None,
                                   through_hubs=through_hubs),
            list_left_out)


NearOpt = typer.Option(None, "--near", metavar="LAT,LON",
                       help="Instead of a place: every place whose point lies within --km of this point "
                            "(decimal degrees, WGS 84: -12.28,-73.96).")
KmOpt = typer.Option(None, "--km", metavar="KM",
                     help="With --near: the radius in km, great-circle distance to each place's point "
                          "(default 50).")
#: the radius of --near without --km
NEAR_KM = 50.0


def parse_near(place: Optional[str], near: Optional[str], km: Optional[float], what: str = "PLACE"):
    """``(place, None)`` or ``(None, (lat, lon, km))`` from a command's place argument and
    ``--near``/``--km``; a :class:`~crimegraph.errors.UsageError` naming the option otherwise."""
    from crimegraph.errors import UsageError
    from crimegraph.schema.geo import check_km, parse_point

    if near is None:
        if km is not None:
            raise UsageError("--km: give it with --near LAT,LON (the point the radius is around)")
        if place is None:
            raise UsageError(f"give a {what} (id, name or alias) or --near LAT,LON --km KM")
        return place, None
    if place is not None:
        raise UsageError(f"--near: give either a {what} or --near LAT,LON, not both (got {place!r})")
    lat, lon = parse_point(near, "--near")
    return None, (lat, lon, check_km(NEAR_KM if km is None else km, "--km"))


@query_app.command("actors-in")
def actors_in(
    place: Optional[str] = typer.Argument(None, metavar="PLACE",
                                          help="Place: id, name or alias (VRAEM, peru, \"Lake Titicaca\"); "
                                               "or leave it out and give --near."),
    near: Optional[str] = NearOpt,
    km: Optional[float] = KmOpt,
    trafficking: bool = typer.Option(False, "--trafficking",
                                     help="Also count actors that traffic to the place (traffics_to)."),
    as_of: Optional[str] = AsOfOpt, list_left_out: bool = LeftOutOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Actors operating in a place or anywhere inside it, with each relation's period and sources.

    With --near LAT,LON (and --km, default 50): the actors of every place whose
    point lies within that great-circle distance, nearest first, each with its
    distance.
    """
    from crimegraph.queries import actors_in as ask, actors_near

    place, point = parse_near(place, near, km)
    day = _day(as_of)
    types = ("operates_in", "traffics_to") if trafficking else ("operates_in",)
    if point is not None:
        lat, lon, radius = point
        _answer(seeds, store, fmt, allow_incomplete,
                lambda st: actors_near(st, lat, lon, radius, as_of=day, types=types), list_left_out)
        return
    _answer(seeds, store, fmt, allow_incomplete, lambda st: ask(st, place, as_of=day, types=types),
            list_left_out)


#: the one-entity views: (command, helper in crimegraph.queries, argument, its help, the command's help)
ONE_ENTITY_VIEWS = (
    ("economies", "economies_of", "ACTOR", "Actor: id, name or alias.",
     "The illicit economies an actor engages in."),
    ("actors-in-economy", "actors_in_economy", "ECONOMY", "Economy: id, name or alias (illegal-logging).",
     "The actors engaged in an illicit economy."),
    ("allies", "allies", "ACTOR", "Actor: id, name or alias.", "An actor's allies."),
    ("rivals", "rivals", "ACTOR", "Actor: id, name or alias.", "An actor's rivals."),
)


def _one_entity_view(name: str, helper: str, metavar: str, arg_help: str, doc: str) -> None:
    def command(
        entity: str = typer.Argument(..., metavar=metavar, help=arg_help),
        as_of: Optional[str] = AsOfOpt, list_left_out: bool = LeftOutOpt,
        seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
        allow_incomplete: bool = AllowIncompleteOpt,
    ) -> None:
        import crimegraph.queries

        ask, day = getattr(crimegraph.queries, helper), _day(as_of)
        _answer(seeds, store, fmt, allow_incomplete, lambda st: ask(st, entity, as_of=day), list_left_out)

    command.__doc__ = doc
    command.__name__ = helper
    query_app.command(name)(command)


for _view in ONE_ENTITY_VIEWS:
    _one_entity_view(*_view)


@query_app.command()
def timeline(
    entity: str = typer.Argument(..., metavar="ENTITY", help="Entity: id, name or alias."),
    related: bool = typer.Option(True, "--related/--no-related",
                                 help="Include the events of its factions, members and leaders "
                                      "(one level), each saying through whom."),
    as_of: Optional[str] = AsOfOpt, list_left_out: bool = LeftOutOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """An entity's history: dated entries in date order (events, periods, lifetime), then
    undated relations by their first report, then what nothing dates."""
    from crimegraph.queries import timeline as ask

    day = _day(as_of)
    _answer(seeds, store, fmt, allow_incomplete, lambda st: ask(st, entity, as_of=day, related=related),
            list_left_out)


@query_app.command()
def brokers(
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many brokers to show."),
    projection: str = typer.Option("criminal", "--projection",
                                   help="criminal: actors and the criminal ties among them (cooperation, "
                                        "hierarchy, supply); actors: every actor-to-actor relation; all: "
                                        "every entity and relation."),
    natures: Optional[List[str]] = NaturesOpt,
    ties: Optional[str] = TiesOpt,
    include_state: Optional[bool] = typer.Option(None, "--include-state/--no-state",
                                                 help="Keep state actors (police, armed forces); by "
                                                      "default only outside the criminal projection."),
    samples: Optional[int] = typer.Option(None, "--samples", min=1,
                                          help="Estimate betweenness from this many sampled sources "
                                               "(default: exact up to 5,000 entities, else 100)."),
    seed: int = typer.Option(0, "--seed", help="Seed for sampling and community detection."),
    types: Optional[List[str]] = TypesOpt,
    as_of: Optional[str] = AsOfOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Criminal actors that bridge otherwise separate groups (betweenness centrality), each
    with the ties that make it a bridge and their sources.

    --natures (or --ties) picks the links instead: e.g. --natures cooperation,adversarial
    ranks actors on alliances and enmities alike."""
    from crimegraph.queries import brokers as ask
    from crimegraph.queries.ties import parse_natures, types_of

    day, kinds, chosen = _day(as_of), _types(types), parse_natures(natures, ties)
    if chosen is not None:
        kinds = types_of(chosen) if kinds is None else kinds & types_of(chosen)
        if projection == "criminal":  # the links chosen, still without state actors unless asked
            projection = "actors"
            include_state = bool(include_state)
    _answer(seeds, store, fmt, allow_incomplete,
            lambda st: ask(st, top=top, projection=projection, samples=samples, seed=seed, types=kinds,
                           as_of=day, include_state=include_state))


@query_app.command()
def communities(
    top: Optional[int] = typer.Option(None, "--top", "-n", min=1, help="Only the largest N communities."),
    members: int = typer.Option(10, "--members", min=1, help="Members named per community (table format)."),
    projection: str = typer.Option("all", "--projection",
                                   help="all: every entity and relation; actors: actor-to-actor relations only."),
    resolution: float = typer.Option(1.0, "--resolution", min=0.0, max=10.0, callback=finite,
                                     help="Higher finds more, smaller communities (0 to 10)."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives the same communities."),
    types: Optional[List[str]] = TypesOpt,
    as_of: Optional[str] = AsOfOpt,
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Groups of densely connected entities (Leiden)."""
    from crimegraph.queries import communities as ask

    day, kinds = _day(as_of), _types(types)

    def run(st):
        result = ask(st, projection=projection, types=kinds, as_of=day, resolution=resolution,
                     seed=seed, top=top)
        result.show = members
        return result

    _answer(seeds, store, fmt, allow_incomplete, run)


@query_app.command()
def evidence(
    relation_id: str = typer.Argument(..., metavar="RELATION_ID", help="Relation id (shining-path--operates-in--vraem)."),
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """A relation with its full citations: sources, quotes, pages, confidence in words."""
    from crimegraph.queries import evidence as ask

    _answer(seeds, store, fmt, allow_incomplete, lambda st: ask(st, relation_id))


@query_app.command()
def search(
    text: str = typer.Argument(..., metavar="TEXT",
                               help="A name, part of one, a misspelling, or words from a description or quote."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Most results."),
    kind: Optional[List[str]] = typer.Option(None, "--kind",
                                             help="Only this kind: actor, place, economy, event (repeatable)."),
    seeds: Optional[Path] = SeedsOpt, store: str = StoreOpt, fmt: Format = FormatOpt,
    allow_incomplete: bool = AllowIncompleteOpt,
) -> None:
    """Find entities by name, alias, id, type, description, quote or source title.

    Ignores case and accents, stems English and Spanish words and forgives typos;
    each hit has a score (100: an exact name) and the reason it matched.
    """
    from crimegraph.queries import search as ask

    _answer(seeds, store, fmt, allow_incomplete, lambda st: ask(st, text, limit=limit, kinds=kind or None))
