"""Interactive network maps: one self-contained, offline HTML file per map.

>>> import crimegraph
>>> from crimegraph.visualizations import render, select
>>> store = crimegraph.open_store()
>>> m = render(select(store, ego="shining-path", depth=2).subgraph, store=store)
>>> m.nodes > 10, m.physics
(True, True)

``render(subgraph, "sp.html")`` writes the page. Any
:class:`~crimegraph.graph.subgraph.Subgraph` can be drawn (a query's result,
``store.expand(...)``, ``store.subgraph(ids)``); :func:`select` builds the
ones behind ``crimegraph map``'s modes. See :func:`render` for the options,
and ``crimegraph map --help`` for the command line.
"""

from .render import (
    AGGREGATES,
    MAX_EDGES,
    MAX_NODES,
    PHYSICS_MAX_NODES,
    MapTooLarge,
    RenderedMap,
    check_offline,
    render,
)
from .select import NothingToMap, Selection, filter_subgraph, select

__all__ = ["render", "RenderedMap", "MapTooLarge", "check_offline", "select", "Selection",
           "filter_subgraph", "NothingToMap", "AGGREGATES", "MAX_NODES", "MAX_EDGES",
           "PHYSICS_MAX_NODES"]
