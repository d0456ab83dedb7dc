"""Investigator queries, written once on the Store protocol; every answer carries its evidence.

>>> import crimegraph
>>> from crimegraph import queries as q
>>> store = crimegraph.open_store()
>>> q.connections(store, "Tren de Aragua", "Shining Path").found
True

Each helper takes the store first and an entity by id or name; each returns a
small result with ``as_dict()`` (the JSON shape, shared with the HTTP API),
``rows()`` (CSV) and ``lines()`` (sentences with sources). ``as_of`` (a date,
year or month) is accepted everywhere, or pass an :func:`as_of` view as the
store. A backend can answer any helper natively by defining
``native_<helper>`` (see :mod:`crimegraph.queries.dispatch`).
"""

from .analytics import Broker, Brokers, Communities, Community, brokers, communities
from .entity import EntityView, entity_view
from .evidence import Evidence, evidence
from .links import Link, Links, actors_in_economy, allies, economies_of, links, rivals
from .neighbourhood import EgoNetwork, ego_network
from .paths import Connections, Path, RankedPath, ShortestPaths, Step, connections, shortest_paths
from .places import NearActors, PlaceActors, Presence, actors_in, actors_near, places_near, places_within
from .search import Results, search
from .sources import SourceSupport, source_support
from .timeline import Entry, Timeline, timeline
from .view import AsOfView, as_of

__all__ = [
    "AsOfView", "Broker", "Brokers", "Communities", "Community", "Connections", "EgoNetwork",
    "EntityView", "entity_view",
    "Entry", "Evidence", "Link", "Links", "NearActors", "Path", "PlaceActors", "Presence", "RankedPath",
    "Results", "ShortestPaths", "SourceSupport", "Step",
    "Timeline", "actors_in", "actors_in_economy", "actors_near", "allies", "as_of", "brokers", "communities",
    "connections", "economies_of", "ego_network", "evidence", "links", "places_near", "places_within", "rivals",
    "search", "shortest_paths", "source_support", "timeline",
]
