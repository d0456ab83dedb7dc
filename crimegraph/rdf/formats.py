"""The RDF export and import formats, registered in :mod:`crimegraph.exports`.

Exporters follow the registry's contract, ``write(dataset, target, options)``
with ``target`` a binary file object, and stream. Options (all optional):

``base_iri``
    the base of every IRI (default: ``$CRIMEGRAPH_BASE_IRI``, the dataset
    header's ``base_iri``, else ``http://localhost:8000/``);
``context_url`` (JSON-LD)
    ``true`` (or an IRI) to refer to the context at ``{base}ontology/context.jsonld``
    instead of embedding it.

The importer ``rdf`` reads any of the four formats (by file suffix, or the
``format`` option) and returns ``(seed data, problems)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Optional

from crimegraph.exports import Format, register_exporter, register_importer
from crimegraph.schema.compact import no_gc

_EXTRA = "rdf"


def _vocab(dataset, options: Optional[dict]):
    from .vocab import RdfVocab, resolve_base

    options = options or {}
    return RdfVocab(resolve_base(options.get("base_iri"), getattr(dataset, "meta", None)))


def _nodes(dataset, vocab, qualified_graph: Optional[str] = None):
    from .describe import Describer

    return Describer(vocab).dataset(dataset, qualified_graph=qualified_graph)


def export_ntriples(dataset, target: BinaryIO, options: Optional[dict] = None) -> int:
    from .writers import write_dataset_ntriples

    v = _vocab(dataset, options)
    with no_gc():
        return write_dataset_ntriples(dataset, target, v)


def export_nquads(dataset, target: BinaryIO, options: Optional[dict] = None) -> int:
    from .writers import write_dataset_ntriples

    v = _vocab(dataset, options)
    with no_gc():
        return write_dataset_ntriples(dataset, target, v, quads=True)


def export_turtle(dataset, target: BinaryIO, options: Optional[dict] = None) -> int:
    from .writers import write_turtle

    v = _vocab(dataset, options)
    with no_gc():
        return write_turtle(_nodes(dataset, v), target, v)


def export_trig(dataset, target: BinaryIO, options: Optional[dict] = None) -> int:
    from .writers import write_turtle

    v = _vocab(dataset, options)
    with no_gc():
        return write_turtle(_nodes(dataset, v, v.qualified_graph), target, v, trig=True)


def export_jsonld(dataset, target: BinaryIO, options: Optional[dict] = None) -> int:
    from .jsonld import write_jsonld

    options = options or {}
    v = _vocab(dataset, options)
    url = options.get("context_url")
    if url in (True, "true", "1", "yes"):
        url = v.context_iri
    elif url in (False, "false", "0", "no", ""):
        url = None
    with no_gc():
        return write_jsonld(_nodes(dataset, v), target, v, context_url=url)


def import_rdf(path, options: Optional[dict] = None):
    """Read an RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD) into seed data for review.

    Returns ``(data, problems)``: ``data`` is one seed file's content
    (``dataset``, ``sources``, ``entities``, ``relations``), ``problems`` lists what
    could not be mapped.
    """
    from .load import parse_file

    return parse_file(Path(path), options or {})


for _fmt in (
    Format("turtle", "crimegraph.rdf.formats:export_turtle",
           "RDF Turtle: entities, direct relation triples and qualified relation resources", ".ttl",
           extra=_EXTRA),
    Format("nt", "crimegraph.rdf.formats:export_ntriples",
           "RDF N-Triples (streamed; the fastest RDF export)", ".nt", extra=_EXTRA),
    Format("jsonld", "crimegraph.rdf.formats:export_jsonld",
           "JSON-LD compacted with the crimegraph context (embedded; no network fetch)", ".jsonld",
           extra=_EXTRA),
    Format("trig", "crimegraph.rdf.formats:export_trig",
           "RDF TriG: direct triples in the default graph, qualified relations in {base}graph/qualified",
           ".trig", extra=_EXTRA),
    Format("nquads", "crimegraph.rdf.formats:export_nquads",
           "RDF N-Quads: as TriG, one quad a line", ".nq", extra=_EXTRA),
):
    register_exporter(_fmt)

register_importer(Format("rdf", "crimegraph.rdf.formats:import_rdf",
                         "RDF written by `crimegraph export` (Turtle, N-Triples, N-Quads, TriG, JSON-LD)",
                         ".ttl", extra=_EXTRA))
