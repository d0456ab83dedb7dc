"""Linked data: the RDF projection of the schema.

Everything RDF reads one mapping, :mod:`crimegraph.rdf.vocab`, which is
generated from :mod:`crimegraph.schema.vocab` and the pydantic models:

- :mod:`~crimegraph.rdf.ontology`, :mod:`~crimegraph.rdf.shapes`,
  :mod:`~crimegraph.rdf.context`: the OWL ontology, the SHACL shapes and the
  JSON-LD context (``crimegraph schema owl|shacl|context``);
- :mod:`~crimegraph.rdf.describe`: a dataset as a stream of RDF resources (each
  relation twice: the direct triple and a qualified ``cg:Relation`` resource);
- :mod:`~crimegraph.rdf.writers` and :mod:`~crimegraph.rdf.jsonld`: streamed
  N-Triples/N-Quads, Turtle, TriG and compacted JSON-LD;
- :mod:`~crimegraph.rdf.read` and :mod:`~crimegraph.rdf.load`: RDF back into
  validated models (the ``rdf`` importer, the RDF store's reads);
- :mod:`~crimegraph.rdf.formats`: the export/import registrations;
- :mod:`~crimegraph.rdf.native`: query helpers answered with SPARQL by the RDF
  store (``crimegraph.graph.rdf``);
- :mod:`~crimegraph.rdf.graph`: a dataset as an ``rdflib.Graph``.

Nothing here imports rdflib, pyoxigraph or PyLD at module level.
"""
