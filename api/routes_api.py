"""``{base}api/…``: the investigator's questions as JSON, with the shapes of the CLI's ``--format json``.

Each endpoint calls the same helper as ``crimegraph query …`` (:mod:`crimegraph.queries`)
on the server's store and returns its ``as_dict()``. Entities may be given by
id, name or alias. Every parameter has a limit (documented in the OpenAPI
document); answers are cached per parameters, since the data is read-only.
"""

from typing import Annotated, Any, Callable, Literal, Optional

from fastapi import APIRouter, Path, Query
from pydantic import StringConstraints
from starlette.requests import Request
from starlette.responses import Response

from .cache import Representation
from .documents import respond
from .problems import responses
from .resources import _dumps

TAG = "queries"

# ---------------------------------------------------------------- parameters
Ref = Annotated[str, Path(min_length=1, max_length=200,
                          description="An entity: id (shining-path), name or alias (Sendero Luminoso).",
                          examples=["shining-path"])]
AsOf = Annotated[Optional[str], Query(
    max_length=10, pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
    description="Only relations valid on this date: YYYY (its last day), YYYY-MM or YYYY-MM-DD.")]
TypeName = Annotated[str, StringConstraints(max_length=400)]
Types = Annotated[Optional[list[TypeName]], Query(
    max_length=20, description="Only these relation types (repeat, or comma-separate): allied_with,rival_of.")]
Kind = Literal["actor", "place", "economy", "event"]
NatureName = Literal["cooperation", "hierarchy", "supply", "adversarial", "presence", "economy", "event",
                     "geography"]
Natures = Annotated[Optional[list[NatureName]], Query(
    max_length=8, description="Only links of these natures (repeat): cooperation, hierarchy, supply, "
                              "adversarial, presence, economy, event, geography.")]
Ties = Annotated[Optional[Literal["criminal", "context", "all"]], Query(
    description="A preset of natures: criminal (cooperation, hierarchy, supply), context, all.")]


# ---------------------------------------------------------------- response schemas (top level)
def _obj(description: str, **props: str) -> dict:
    types = {"s": {"type": "string"}, "s?": {"type": ["string", "null"]}, "i": {"type": "integer"},
             "i?": {"type": ["integer", "null"]}, "n": {"type": "number"}, "b": {"type": "boolean"},
             "o": {"type": "object"}, "o?": {"type": ["object", "null"]}, "a": {"type": "array"},
             "a?": {"type": ["array", "null"]}}
    return {"description": description, "content": {"application/json": {"schema": {
        "type": "object", "required": list(props), "additionalProperties": True,
        "properties": {k: types[v] for k, v in props.items()}}}}}


BRIEF = "o"
SCHEMAS = {
    "search": _obj("Matches, best first.", query="s", results="a"),
    "entity": _obj("The entity and its relations with sources (as `crimegraph show --format json`).",
                   entity="o", relations="a"),
    "connections": _obj("The most telling paths, criminal ties first, each with its sentence and score.", **{
        "from": "o", "to": "o", "max_hops": "i", "as_of": "s?", "types": "a?", "natures": "a?",
        "avoid": "a", "found": "b", "hops": "i?", "message": "s", "groups": "a", "paths": "a"}),
    "ego": _obj("The neighbourhood.", center="o", depth="i", as_of="s?", cap="i?", entities="a",
                relations="a", more="o"),
    "actors_in": _obj("Actors of the place and of places inside it.", place="o", as_of="s?",
                      places_searched="i", actors="a", presences="a"),
    "links": _obj("Linked entities, each with its relation and sources.", entity="o", question="s",
                  types="a", as_of="s?", results="a"),
    "timeline": _obj("Dated entries in order, and undated relations.", entity="o", as_of="s?",
                     entries="a", undated="a"),
    "brokers": _obj("Entities ranked by betweenness.", projection="s", as_of="s?", graph="o", exact="b",
                    samples="i?", brokers="a"),
    "communities": _obj("Leiden communities, largest first.", projection="s", as_of="s?", algorithm="s",
                        seed="i", modularity="n", graph="o", singletons="i", communities="a"),
    "evidence": _obj("The relation with every citation resolved.", relation="o", subject="o", object="o",
                     period="s?", confidence="o", sentence="s"),
    "stats": _obj("Counts by kind, type and relation type.", entities="i", relations="i", sources="i",
                  citations="i", by_kind="o", by_type="o", by_relation_type="o"),
    "places_geojson": {"description": (
        "A GeoJSON FeatureCollection (RFC 7946): a Point per place, [lon, lat] in WGS 84, with its "
        "bbox where it has one; a LineString per route (traffics_to between two places)."),
        "content": {"application/geo+json": {"schema": {
            "type": "object", "required": ["type", "features"], "additionalProperties": True,
            "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}}}}}},
}


def _responses(name: str, *errors: int) -> dict:
    return {200: SCHEMAS[name], **responses(400, 422, *errors)}


def router(state) -> APIRouter:
    r = APIRouter(prefix="/api", tags=[TAG], default_response_class=Response)

    def answer(request: Request, key: tuple, compute: Callable[[], Any]) -> Response:
        from crimegraph.graph.resolution import attach, collecting

        rep = state.answers.get(key)
        if rep is None:
            with collecting() as notes:  # what each named entity was taken to be: `resolved`
                result = compute()
            data = attach(result.as_dict() if hasattr(result, "as_dict") else result, notes)
            rep = Representation.of(_dumps(data), "application/json")
            state.answers.put(key, rep)
        return respond(request, rep, vary=False, max_age=60)

    def day(value: Optional[str]):
        from crimegraph.queries.params import parse_as_of

        return parse_as_of(value, "as_of")

    def kinds(values: Optional[list[str]]):
        from crimegraph.queries.params import parse_types

        return parse_types(values, "types")

    @r.get("/search", summary="Find entities by name, alias, description, quote or source title",
           responses=_responses("search"))
    def search(request: Request,
               q: Annotated[str, Query(min_length=1, max_length=200, examples=["Sendero"],
                                       description="A name, part of one, or a misspelling.")],
               limit: Annotated[int, Query(ge=1, le=100, description="Most results.")] = 10,
               kind: Annotated[Optional[list[Kind]], Query(max_length=4, description="Only these kinds.")] = None
               ) -> Response:
        """Entities matching the words, best first, each with its score (100: an exact name) and
        the reason it matched (`reason`, `field`, `match`): names, aliases, ids, types,
        descriptions, quotes and source titles, ignoring case and accents, stemmed in English
        and Spanish, forgiving typos (as `crimegraph query search`)."""
        from crimegraph.queries import search as ask

        return answer(request, ("search", q, limit, tuple(kind or ())),
                      lambda: ask(state.store, q, limit=limit, kinds=kind or None))

    @r.get("/entity/{ref}", summary="An entity, its relations and their sources",
           responses=_responses("entity", 404))
    def entity(request: Request, ref: Ref, as_of: AsOf = None) -> Response:
        """The entity with every relation, each with its period, confidence and sources; with
        `as_of`, the relations valid or reported then and what the date left out, with the
        reason (as `crimegraph show --format json`)."""
        from crimegraph.queries import entity_view

        return answer(request, ("entity", ref, as_of),
                      lambda: entity_view(state.store, ref, as_of=day(as_of)).as_dict())

    @r.get("/connections", summary="How A is connected to B, on what evidence",
           responses=_responses("connections", 404))
    def connections(request: Request,
                    a: Annotated[str, Query(min_length=1, max_length=200, description="First entity.",
                                            examples=["tren-de-aragua"])],
                    b: Annotated[str, Query(min_length=1, max_length=200, description="Second entity.",
                                            examples=["shining-path"])],
                    max_hops: Annotated[int, Query(ge=1, le=6, description="Longest path to look for.")] = 4,
                    paths: Annotated[int, Query(ge=1, le=20, description="How many shortest paths.")] = 5,
                    types: Types = None, natures: Natures = None, ties: Ties = None,
                    avoid: Annotated[Optional[list[Annotated[str, StringConstraints(max_length=200)]]],
                                     Query(max_length=10, description="Never pass through these entities.")] = None,
                    similar: Annotated[bool, Query(description="Allow paths through the same intermediate.")] = False,
                    as_of: AsOf = None) -> Response:
        """Every path up to `max_hops`, ranked by evidence, nature and specificity, each with a
        sentence saying what it means, its score's parts (`explain`) and its steps' sources (as
        `crimegraph query connections`). Between two actors, `criminal_tie` says whether a
        criminal tie links them. No connection is an answer (`found: false`)."""
        from crimegraph.queries import connections as ask
        from crimegraph.queries.ties import parse_natures

        chosen = parse_natures(natures, ties, "natures")
        return answer(request, ("connections", a, b, max_hops, paths, tuple(types or ()),
                                tuple(sorted(chosen or ())), chosen is None, tuple(avoid or ()), similar, as_of),
                      lambda: ask(state.store, a, b, max_hops=max_hops, k=paths, as_of=day(as_of),
                                  types=kinds(types), natures=chosen, avoid=avoid or (), similar=similar))

    @r.get("/ego/{ref}", summary="An entity's neighbourhood", responses=_responses("ego", 404))
    def ego(request: Request, ref: Ref,
            depth: Annotated[int, Query(ge=1, le=3, description="How many relations away.")] = 1,
            cap: Annotated[int, Query(ge=1, le=200, description="Most new neighbours per entity.")] = 50,
            types: Types = None, as_of: AsOf = None,
            through_hubs: Annotated[bool, Query(description="Expand hubs beyond the first hop.")] = False
            ) -> Response:
        """Everything within `depth` relations, and the relations among them; busy entities are
        capped (`more` counts the rest); beyond the first hop hubs are not expanded unless
        `through_hubs` (`hubs_not_expanded` lists them) (as `crimegraph query ego`)."""
        from crimegraph.queries import ego_network

        return answer(request, ("ego", ref, depth, cap, tuple(types or ()), as_of, through_hubs),
                      lambda: ego_network(state.store, ref, depth=depth, cap=cap, types=kinds(types),
                                          as_of=day(as_of), through_hubs=through_hubs))

    @r.get("/actors-in/{ref}", summary="Actors operating in a place or inside it",
           responses=_responses("actors_in", 404))
    def actors_in(request: Request, ref: Annotated[str, Path(min_length=1, max_length=200,
                                                              description="A place: id, name or alias.",
                                                              examples=["vraem"])],
                  trafficking: Annotated[bool, Query(description="Also count traffics_to relations.")] = False,
                  as_of: AsOf = None) -> Response:
        """Actors operating in the place or anywhere inside it (`located_in` followed down), with
        each relation's period and sources (as `crimegraph query actors-in`)."""
        from crimegraph.queries import actors_in as ask

        types = ("operates_in", "traffics_to") if trafficking else ("operates_in",)
        return answer(request, ("actors-in", ref, trafficking, as_of),
                      lambda: ask(state.store, ref, as_of=day(as_of), types=types))

    def links_route(path: str, helper: str, summary: str, what: str):
        def handler(request: Request, ref: Annotated[str, Path(min_length=1, max_length=200, description=what,
                                                               examples=["shining-path"])],
                    as_of: AsOf = None) -> Response:
            import crimegraph.queries as q

            ask = getattr(q, helper)
            return answer(request, (helper, ref, as_of), lambda: ask(state.store, ref, as_of=day(as_of)))

        handler.__name__ = helper
        handler.__doc__ = f"{summary} (as `crimegraph query {path}`)."
        r.add_api_route(f"/{path}/{{ref}}", handler, methods=["GET"], summary=summary,
                        responses=_responses("links", 404))

    links_route("economies", "economies_of", "The illicit economies an actor engages in", "An actor.")
    links_route("actors-in-economy", "actors_in_economy", "The actors engaged in an illicit economy",
                "An economy.")
    links_route("allies", "allies", "An actor's allies", "An actor.")
    links_route("rivals", "rivals", "An actor's rivals", "An actor.")

    @r.get("/timeline/{ref}", summary="An entity's history in date order", responses=_responses("timeline", 404))
    def timeline(request: Request, ref: Ref, as_of: AsOf = None) -> Response:
        """Events, and relations beginning and ending, in date order (as `crimegraph query timeline`)."""
        from crimegraph.queries import timeline as ask

        return answer(request, ("timeline", ref, as_of), lambda: ask(state.store, ref, as_of=day(as_of)))

    @r.get("/brokers", summary="Actors that bridge otherwise separate groups", responses=_responses("brokers"))
    def brokers(request: Request,
                top: Annotated[int, Query(ge=1, le=100, description="How many brokers.")] = 10,
                projection: Annotated[Literal["criminal", "actors", "all"], Query(
                    description="criminal: actors and their criminal ties; actors: every actor-to-actor "
                                "relation; all: every entity.")] = "criminal",
                include_state: Annotated[Optional[bool], Query(
                    description="Keep state actors (default: only outside the criminal projection).")] = None,
                samples: Annotated[Optional[int], Query(ge=1, le=2000, description=(
                    "Estimate betweenness from this many sampled sources (default: exact up to 5,000 "
                    "entities, else 500)."))] = None,
                seed: Annotated[int, Query(ge=0, le=2**31 - 1, description="Seed for sampling.")] = 0,
                types: Types = None, as_of: AsOf = None) -> Response:
        """Betweenness centrality on the chosen projection, by default criminal actors and their
        criminal ties without state actors; each broker with the ties that make it a bridge and
        their sources (as `crimegraph query brokers`)."""
        from crimegraph.queries import brokers as ask

        return answer(request, ("brokers", top, projection, include_state, samples, seed, tuple(types or ()), as_of),
                      lambda: ask(state.store, top=top, projection=projection, samples=samples, seed=seed,
                                  types=kinds(types), as_of=day(as_of), include_state=include_state))

    @r.get("/communities", summary="Groups of densely connected entities", responses=_responses("communities"))
    def communities(request: Request,
                    top: Annotated[Optional[int], Query(ge=1, le=100, description="Only the largest N.")] = None,
                    projection: Annotated[Literal["actors", "all"], Query(description="Which graph.")] = "all",
                    resolution: Annotated[float, Query(ge=0, le=10, allow_inf_nan=False,
                                                       description="Higher finds more, smaller communities.")] = 1.0,
                    seed: Annotated[int, Query(ge=0, le=2**31 - 1, description="Seed.")] = 0,
                    types: Types = None, as_of: AsOf = None) -> Response:
        """Leiden communities (as `crimegraph query communities`)."""
        from crimegraph.queries import communities as ask

        return answer(request, ("communities", top, projection, resolution, seed, tuple(types or ()), as_of),
                      lambda: ask(state.store, projection=projection, types=kinds(types), as_of=day(as_of),
                                  resolution=resolution, seed=seed, top=top))

    @r.get("/evidence/{relation_id}", summary="A relation with its full citations",
           responses=_responses("evidence", 404))
    def evidence(request: Request, relation_id: Annotated[str, Path(
            min_length=1, max_length=400, description="A relation id.",
            examples=["shining-path--operates-in--vraem"])]) -> Response:
        """Sources, quotes, pages and the confidence in words (as `crimegraph query evidence`)."""
        from crimegraph.queries import evidence as ask

        return answer(request, ("evidence", relation_id), lambda: ask(state.store, relation_id))

    @r.get("/places.geojson", summary="The places and routes as GeoJSON, for GIS tools",
           responses=_responses("places_geojson", 404))
    def places_geojson(
            request: Request, as_of: AsOf = None,
            type: Annotated[Optional[list[Annotated[str, StringConstraints(max_length=400)]]], Query(
                max_length=20, description="Only these place types (repeat, or comma-separate): city,port.")] = None,
            within: Annotated[Optional[str], Query(
                min_length=1, max_length=200, examples=["vraem"],
                description="Only this place and the places inside it (id, name or alias).")] = None,
            near: Annotated[Optional[str], Query(
                max_length=60, examples=["-12.277,-73.961"],
                description="Only the places whose point lies within `km` of LAT,LON (decimal degrees).")] = None,
            km: Annotated[Optional[float], Query(
                gt=0, le=20040, allow_inf_nan=False,
                description="With `near`: the radius in km, great-circle (default 50).")] = None,
            routes: Annotated[bool, Query(description="Also the routes (traffics_to between places).")] = True,
    ) -> Response:
        """Every place with coordinates as a GeoJSON Point (`[lon, lat]`), its extent (`bbox`,
        `radius_km`), where its coordinates come from, its sources and the actors present
        (`operates_in`), each with its state on `as_of`; and each route as a LineString. Opens
        in QGIS, GDAL/OGR, geopandas, Leaflet and every GeoJSON reader."""
        from crimegraph.errors import UsageError
        from crimegraph.queries.geography import places_geojson as build
        from crimegraph.schema.geo import parse_point

        key = ("places.geojson", as_of, tuple(type or ()), within, near, km, routes)
        rep = state.answers.get(key)
        if rep is None:
            point = None
            if near is not None:
                point = (*parse_point(near, "near"), 50.0 if km is None else km)
            elif km is not None:
                raise UsageError("km: give it with near=LAT,LON (the point the radius is around)")
            data = build(state.store, base=state.base, as_of=day(as_of), types=type, within=within,
                         near=point, routes=routes)
            rep = Representation.of(_dumps(data), "application/geo+json")
            state.answers.put(key, rep)
        return respond(request, rep, vary=False, max_age=60)

    @r.get("/stats", summary="Counts by kind, type and relation type", responses=_responses("stats"))
    def stats(request: Request) -> Response:
        """As `crimegraph stats --format json`."""
        return answer(request, ("stats",), lambda: state.counts)

    return r
