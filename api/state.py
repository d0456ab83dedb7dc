"""What the server holds while it runs: the store, the base IRI, caches, the SPARQL workers, dumps.

At startup the store's contents are read once as a :class:`Dataset` (for the
dumps, the VoID counts, source back-links and entity names), and written as
N-Quads for the SPARQL workers: for ``--store memory`` and ``--store neo4j``
with the project's RDF writer, for ``--store rdf`` straight from the store's
own Oxigraph (when it was written with the same base IRI). The ontology and
the SHACL shapes go into that file too, as the named graphs
``{base}ontology/`` and ``{base}shapes/``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from crimegraph.schema.dataset import Dataset

from .cache import LRU
from .settings import Settings

log = logging.getLogger("crimegraph.api")

#: dump formats: extension -> (exporter name, media type)
DUMPS = {
    "ttl": ("turtle", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "jsonld": ("jsonld", "application/ld+json"),
    "trig": ("trig", "application/trig"),
    "nq": ("nquads", "application/n-quads"),
}


def full_dataset(store) -> Dataset:
    """Everything in the store, with the dataset header (the memory store keeps it apart)."""
    ds = store.dataset()
    meta = getattr(store, "meta", None)
    if meta is not None and (ds.meta is None or not any(getattr(ds.meta, f) for f in type(ds.meta).model_fields)):
        ds.meta = meta
    return ds


class ApiState:
    """The server's state, built once per process by :func:`crimegraph.api.app.create_app`."""

    def __init__(self, store, base: str, settings: Settings, *, start_sparql: bool = True):
        from crimegraph.rdf.describe import Describer
        from crimegraph.rdf.vocab import check_base, rdf_vocab

        t = time.perf_counter()
        self.store = store
        self.settings = settings
        self.base = check_base(base)
        self.vocab = rdf_vocab(self.base)
        self.describer = Describer(self.vocab)
        self.prefix = urlsplit(self.base).path.rstrip("/")
        self.dataset = full_dataset(store)
        self.meta = self.dataset.meta
        self.counts = self.dataset.stats()
        budget = settings.cache_mb * 2**20
        self.cache = LRU(settings.cache_size, max_bytes=budget * 3 // 4)
        self.maps = LRU(settings.map_cache_size)
        self.answers = LRU(settings.api_cache_size, max_bytes=budget // 4)
        from crimegraph.queries.sources import citers

        self.citers = citers(self.dataset.entities.values(), self.dataset.relations.values())
        self.example = _example(self.dataset)
        self.workdir = Path(tempfile.mkdtemp(prefix="crimegraph-api-"))
        os.chmod(self.workdir, 0o755)
        self._dump_lock = threading.Lock()
        self._dumps: dict[str, Path] = {}
        self._docs: Optional[dict] = None
        self._docs_lock = threading.Lock()
        self.sparql_triples = self._write_sparql_data()
        from .sparql_pool import SparqlPool

        self.sparql = SparqlPool(str(self.sparql_path), dict(self.vocab.prefixes),
                                 workers=settings.sparql_workers, timeout=settings.sparql_timeout,
                                 max_memory_mb=settings.sparql_max_memory_mb,
                                 allow_unisolated=settings.sparql_allow_unisolated)
        self.started = time.time()
        log.info("state ready in %.1f s: %d entities, %d relations, %d sources; base %s",
                 time.perf_counter() - t, self.counts["entities"], self.counts["relations"],
                 self.counts["sources"], self.base)

    # ------------------------------------------------------------ SPARQL data
    @property
    def sparql_path(self) -> Path:
        return self.workdir / "sparql-data.nq"

    def _write_sparql_data(self) -> int:
        """Write the N-Quads the SPARQL workers load; returns the number of triples in the default graph."""
        import pyoxigraph as ox

        path = self.sparql_path
        native = getattr(self.store, "store", None)
        store_vocab = getattr(self.store, "vocab", None)
        with open(path, "wb") as f:
            if isinstance(native, ox.Store) and store_vocab is not None and store_vocab.base == self.base:
                native.dump(f, format=ox.RdfFormat.N_QUADS)
                n = len(native)
            else:
                from crimegraph.rdf.formats import export_ntriples

                if isinstance(native, ox.Store):
                    log.warning("the RDF store was written with base %s, not %s: SPARQL uses a copy "
                                "written with the server's base", getattr(store_vocab, "base", "?"), self.base)
                n = export_ntriples(self.dataset, f, {"base_iri": self.base})
            for graph, text in self.schema_documents().items():
                quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                         for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
                ox.serialize(quads, f, format=ox.RdfFormat.N_QUADS)
        os.chmod(path, 0o644)
        return n

    def schema_documents(self) -> dict[str, str]:
        """Named graph IRI -> Turtle text: the ontology and the SHACL shapes."""
        d = self.docs()
        return {self.vocab.ontology_iri: d["ontology"], self.base + "shapes/": d["shapes"]}

    def docs(self) -> dict:
        """The ontology, shapes and context texts, and a small Oxigraph store of the first two."""
        if self._docs is None:
            with self._docs_lock:
                if self._docs is None:
                    import pyoxigraph as ox

                    from crimegraph.rdf.context import context_text
                    from crimegraph.rdf.ontology import ontology_text
                    from crimegraph.rdf.shapes import shapes_text

                    onto, shapes = ontology_text(self.vocab), shapes_text(self.vocab)
                    store = ox.Store()
                    store.load(onto.encode("utf-8"), format=ox.RdfFormat.TURTLE,
                               to_graph=ox.NamedNode(self.vocab.ontology_iri))
                    store.load(shapes.encode("utf-8"), format=ox.RdfFormat.TURTLE,
                               to_graph=ox.NamedNode(self.base + "shapes/"))
                    self._docs = {"ontology": onto, "shapes": shapes, "context": context_text(self.vocab),
                                  "store": store}
        return self._docs

    # ------------------------------------------------------------ dumps
    def dump_path(self, ext: str) -> Path:
        """The dump in one format, written on first request (then served from the file)."""
        path = self._dumps.get(ext)
        if path is not None:
            return path
        with self._dump_lock:
            path = self._dumps.get(ext)
            if path is None:
                from crimegraph.cli.export import load_formats
                from crimegraph.exports import exporter

                load_formats()
                name, _ = DUMPS[ext]
                from crimegraph.atomic import atomic_file

                path = self.workdir / f"dump.{ext}"
                t = time.perf_counter()
                with atomic_file(path) as f:
                    exporter(name).load()(self.dataset, f, {"base_iri": self.base})
                log.info("wrote the %s dump in %.1f s", ext, time.perf_counter() - t)
                self._dumps[ext] = path
        return path

    # ------------------------------------------------------------ lifecycle
    def close(self) -> None:
        if getattr(self, "_closed", False):
            return
        self._closed = True
        try:
            self.sparql.close()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
            try:
                self.store.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def _example(ds: Dataset) -> Optional[str]:
    """An entity to show as an example: the one with the most relations."""
    if "shining-path" in ds.entities:
        return "shining-path"
    degree: dict[str, int] = {}
    for r in ds.relations.values():
        degree[r.subject] = degree.get(r.subject, 0) + 1
    if degree:
        return max(sorted(degree), key=degree.get)
    return next(iter(sorted(ds.entities)), None)
