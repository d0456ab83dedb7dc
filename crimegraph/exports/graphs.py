"""GEXF (Gephi) and GraphML: the graph with kinds, relation types, periods and confidence.

Both writers stream: they write the attribute declarations, then one node per
entity and one edge per relation as they go, so a dataset of any size is
written without a second copy in memory (networkx's ``write_gexf`` /
``write_graphml`` would need the whole graph as a networkx graph first, and an
XML tree on top). The files are checked in the tests with networkx's own
readers, ``networkx.read_gexf`` and ``networkx.read_graphml``.

Nodes are entities (id = slug, label = name) with the attributes
``name, kind, entity_type, type_label, aliases, description, status,
external_ids, lat, lon, radius_km, bbox, extent_km, date, date_precision, date_start, date_end, figures,
sources, citations``. Edges are relations, stored once from subject to object
(edge id = relation id, label = the relation type's label) with
``relation_type, symmetric, since, until, since_precision, until_precision,
since_start, until_end, period, confidence, confidence_score, sources,
citations, notes``. (Not ``type``: Gephi's edge table has a built-in Type
column.)

* ``aliases`` is the alias names joined with ``"; "``; ``sources`` the cited
  source ids joined with ``"; "``; ``citations`` is the exact list of
  citations (source, quote, page) as JSON; ``external_ids`` and ``figures``
  are JSON objects.
* GEXF is written as version 1.3 in dynamic mode with ``timeformat="date"``:
  each node's and edge's ``start`` and ``end`` are its as-of window
  (schema/timing.py: the first and last day ``crimegraph … --as-of`` shows it;
  ``since: 1999`` starts 1999-01-01, an undated relation starts at its first
  report, an event on its date; an open bound is left out), so Gephi's
  timeline shows what crimegraph's as-of answers show. Validity stays in
  ``since``/``until``/``since_start``/``until_end``; the derived time in
  ``first_reported``, ``last_reported``, ``time_basis`` (an ``undated`` item has
  no interval, and no as-of answer shows it), ``shown_from``, ``shown_until``;
  actors' lifetimes in ``founded`` … ``captured``; ``derived`` notes as JSON. Edge ``weight`` is the
  confidence score (A1 = 1.0), edge ``kind`` the relation type (Gephi keeps
  parallel edges of different kinds), and edges and nodes carry a
  ``viz:color`` (relation colours from the schema).
* All edges are written as directed (networkx's GEXF reader refuses a mix of
  directed and undirected edges); ``symmetric`` says which relation types
  read both ways.
* XML 1.0 cannot carry control characters other than tab, newline and
  carriage return: any other C0 control character in a string becomes
  U+FFFD. Everything else — quotes, ``<script>``, newlines, any script — is
  kept exactly.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import IO, Any, Iterator, Optional

from crimegraph.schema.dataset import Dataset
from crimegraph.schema.models import Entity, Relation, citations_json
from crimegraph.schema.vocab import RELATION_TYPES, Kind

from ._common import (
    LIFETIME_COLUMNS,
    TIME_COLUMNS,
    entity_extra,
    lifetime_values,
    period_end,
    period_start,
    text_out,
    time_values,
    xml_attr,
    xml_text,
)

#: attribute name -> type (GEXF and GraphML share the names; GraphML calls them keys)
NODE_ATTRIBUTES: dict[str, str] = {
    "name": "string",
    "kind": "string",
    "entity_type": "string",
    "type_label": "string",
    "aliases": "string",
    "description": "string",
    "status": "string",
    "external_ids": "string",
    "lat": "double",
    "lon": "double",
    "radius_km": "double",
    "bbox": "string",
    "extent_km": "double",
    "date": "string",
    "date_precision": "string",
    "date_start": "string",
    "date_end": "string",
    "figures": "string",
    **{f: "string" for f in LIFETIME_COLUMNS},
    **{f: "string" for f in TIME_COLUMNS},
    "derived": "string",
    "sources": "string",
    "citations": "string",
}
EDGE_ATTRIBUTES: dict[str, str] = {
    "relation_type": "string",
    "nature": "string",
    "symmetric": "boolean",
    "since": "string",
    "until": "string",
    "since_precision": "string",
    "until_precision": "string",
    "since_start": "string",
    "until_end": "string",
    "period": "string",
    "confidence": "string",
    "confidence_score": "double",
    **{f: "string" for f in TIME_COLUMNS},
    "derived": "string",
    "sources": "string",
    "citations": "string",
    "notes": "string",
}
#: node colours by kind (Gephi reads viz:color)
KIND_COLORS: dict[str, str] = {
    Kind.actor.value: "#d7301f",
    Kind.place.value: "#2b7bba",
    Kind.economy.value: "#1a9850",
    Kind.event.value: "#762a83",
}


def node_attributes(e: Entity) -> dict[str, Any]:
    """The attribute values of an entity's node (absent values left out)."""
    d: dict[str, Any] = {
        "name": e.name,
        "kind": e.kind.value,
        "entity_type": e.type,
        "type_label": e.type_label,
        "sources": "; ".join(dict.fromkeys(c.source for c in e.citations)),
        "citations": citations_json(e.citations),
    }
    if e.aliases:
        d["aliases"] = "; ".join(a.name for a in e.aliases)
    if e.description:
        d["description"] = e.description
    if e.status:
        d["status"] = e.status
    if e.external_ids:
        d["external_ids"] = json.dumps(e.external_ids, ensure_ascii=False, sort_keys=True)
    extra = entity_extra(e)
    for k in ("lat", "lon", "radius_km", "bbox", "extent_km", "date", "date_precision", "date_start", "date_end"):
        if k in extra:
            d[k] = extra[k]
    if "figures_json" in extra:
        d["figures"] = extra["figures_json"]
    d.update(lifetime_values(e))
    d.update(time_values(e))
    if e.derived:
        d["derived"] = json.dumps(e.derived, ensure_ascii=False, sort_keys=True)
    return d


def edge_attributes(r: Relation) -> dict[str, Any]:
    """The attribute values of a relation's edge (absent values left out)."""
    decl = RELATION_TYPES[r.type]
    d: dict[str, Any] = {
        "relation_type": r.type,
        "nature": decl.nature,
        "symmetric": decl.symmetric,
        "confidence": r.confidence.code,
        "confidence_score": r.confidence.score,
        "sources": "; ".join(dict.fromkeys(c.source for c in r.citations)),
        "citations": citations_json(r.citations),
    }
    if r.since is not None:
        d["since"] = r.since.value
        d["since_precision"] = r.since.precision
        d["since_start"] = period_start(r)
    if r.until is not None:
        d["until"] = r.until.value
        d["until_precision"] = r.until.precision
        d["until_end"] = period_end(r)
    if r.period:
        d["period"] = r.period
    d.update(time_values(r))
    if r.derived:
        d["derived"] = json.dumps(r.derived, ensure_ascii=False, sort_keys=True)
    if r.notes:
        d["notes"] = r.notes
    return d


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _title(dataset: Dataset) -> str:
    return dataset.meta.title or dataset.meta.id or "crimegraph"


# ---------------------------------------------------------------- GEXF
def iter_gexf(dataset: Dataset, options: Optional[dict] = None) -> Iterator[str]:
    """The GEXF 1.3 document, piece by piece."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ('<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n')
    yield (f'  <meta lastmodifieddate="{_dt.date.today().isoformat()}">\n'
           f'    <creator>crimegraph</creator>\n'
           f'    <description>{xml_text(_title(dataset))}</description>\n'
           '  </meta>\n')
    yield ('  <graph mode="dynamic" defaultedgetype="directed" timeformat="date" '
           'timerepresentation="interval">\n')
    for cls, attrs in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        yield f'    <attributes class="{cls}" mode="static">\n'
        for name, typ in attrs.items():
            yield f'      <attribute id="{name}" title="{name}" type="{typ}"/>\n'
        yield '    </attributes>\n'
    yield '    <nodes>\n'
    for e in dataset.entities.values():
        attrs = node_attributes(e)
        time = _interval(e.timing)
        parts = [f'      <node id="{xml_attr(e.id)}" label="{xml_attr(e.name)}"{time}>\n        <attvalues>\n']
        for k, v in attrs.items():
            parts.append(f'          <attvalue for="{k}" value="{xml_attr(_value(v))}"/>\n')
        r, g, b = _rgb(KIND_COLORS[e.kind.value])
        parts.append(f'        </attvalues>\n        <viz:color r="{r}" g="{g}" b="{b}"/>\n      </node>\n')
        yield "".join(parts)
    yield '    </nodes>\n    <edges>\n'
    for rel in dataset.relations.values():
        decl = RELATION_TYPES[rel.type]
        attrs = edge_attributes(rel)
        time = _interval(rel.timing)
        parts = [f'      <edge id="{xml_attr(rel.id)}" source="{xml_attr(rel.subject)}" '
                 f'target="{xml_attr(rel.object)}" label="{xml_attr(decl.label)}" kind="{rel.type}" '
                 f'weight="{rel.confidence.score!r}"{time}>\n        <attvalues>\n']
        for k, v in attrs.items():
            parts.append(f'          <attvalue for="{k}" value="{xml_attr(_value(v))}"/>\n')
        r, g, b = _rgb(decl.color)
        parts.append(f'        </attvalues>\n        <viz:color r="{r}" g="{g}" b="{b}"/>\n      </edge>\n')
        yield "".join(parts)
    yield '    </edges>\n  </graph>\n</gexf>\n'


def _interval(timing) -> str:
    """The GEXF interval of an item: its as-of window (schema/timing.py), so that Gephi's
    timeline shows what crimegraph's --as-of shows; an open bound is left out."""
    if timing is None or timing.start is None:
        return ""
    out = "" if timing.start.year == 1 else f' start="{timing.start.isoformat()}"'
    if timing.end is not None:
        out += f' end="{timing.end.isoformat()}"'
    return out


def write_gexf(dataset: Dataset, target: IO[bytes], options: Optional[dict] = None) -> int:
    """Write ``dataset`` as GEXF 1.3 (dynamic, dated edges) to ``target``, streaming; returns nodes + edges."""
    with text_out(target) as fh:
        for piece in iter_gexf(dataset, options):
            fh.write(piece)
    return len(dataset.entities) + len(dataset.relations)


# ---------------------------------------------------------------- GraphML
def iter_graphml(dataset: Dataset, options: Optional[dict] = None) -> Iterator[str]:
    """The GraphML document, piece by piece."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    node_keys = {"label": "string", **NODE_ATTRIBUTES}
    edge_keys = {"label": "string", "weight": "double", **EDGE_ATTRIBUTES}
    for cls, attrs in (("node", node_keys), ("edge", edge_keys)):
        for name, typ in attrs.items():
            yield f'  <key id="{cls[0]}_{name}" for="{cls}" attr.name="{name}" attr.type="{typ}"/>\n'
    yield '  <graph id="crimegraph" edgedefault="directed">\n'
    yield f'    <desc>{xml_text(_title(dataset))} (written by crimegraph)</desc>\n'
    for e in dataset.entities.values():
        attrs = {"label": e.name, **node_attributes(e)}
        parts = [f'    <node id="{xml_attr(e.id)}">\n']
        for k, v in attrs.items():
            parts.append(f'      <data key="n_{k}">{xml_text(_value(v))}</data>\n')
        parts.append('    </node>\n')
        yield "".join(parts)
    for rel in dataset.relations.values():
        decl = RELATION_TYPES[rel.type]
        attrs = {"label": decl.label, "weight": rel.confidence.score, **edge_attributes(rel)}
        parts = [f'    <edge id="{xml_attr(rel.id)}" source="{xml_attr(rel.subject)}" '
                 f'target="{xml_attr(rel.object)}">\n']
        for k, v in attrs.items():
            parts.append(f'      <data key="e_{k}">{xml_text(_value(v))}</data>\n')
        parts.append('    </edge>\n')
        yield "".join(parts)
    yield '  </graph>\n</graphml>\n'


def write_graphml(dataset: Dataset, target: IO[bytes], options: Optional[dict] = None) -> int:
    """Write ``dataset`` as GraphML to ``target``, streaming; returns nodes + edges."""
    with text_out(target) as fh:
        for piece in iter_graphml(dataset, options):
            fh.write(piece)
    return len(dataset.entities) + len(dataset.relations)
