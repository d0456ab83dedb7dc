"""Parse an RDF file into seed data (the ``rdf`` importer), with pyoxigraph.

The file is loaded into an in-memory Oxigraph store and read back with the
same SPARQL reads as the RDF store (:class:`~crimegraph.rdf.read.StoreReader`).
Named graphs (TriG, N-Quads) are read as one union graph. JSON-LD that refers
to the crimegraph context by IRI gets the generated context; no context is
ever fetched from the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from crimegraph.errors import UsageError

SUFFIX_FORMATS = {
    ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS",
    ".trig": "TRIG", ".jsonld": "JSON_LD", ".json": "JSON_LD", ".rdf": "RDF_XML",
    ".owl": "RDF_XML", ".xml": "RDF_XML",
}
NAMED_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "ntriples": "N_TRIPLES",
                 "nquads": "N_QUADS", "nq": "N_QUADS", "trig": "TRIG", "jsonld": "JSON_LD",
                 "json-ld": "JSON_LD", "rdfxml": "RDF_XML", "xml": "RDF_XML"}


def rdf_format(path: Path, name: Optional[str] = None):
    import pyoxigraph as ox

    key = NAMED_FORMATS.get((name or "").lower()) if name else SUFFIX_FORMATS.get(path.suffix.lower())
    if key is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise UsageError(f"{path}: cannot tell the RDF syntax from the suffix {path.suffix!r} "
                         f"(known: {known}); pass the format option (turtle, nt, nquads, trig, jsonld)")
    return getattr(ox.RdfFormat, key)


def other_encoding(head: bytes):
    from crimegraph.textfile import other_encoding as detect

    return detect(head)


def _local_jsonld(path: Path) -> bytes:
    """The JSON-LD document with a crimegraph context IRI replaced by the generated context."""
    from .context import jsonld_context
    from .vocab import RdfVocab, check_base

    try:
        doc = json.loads(_utf8(path))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise UsageError(f"{path}: the JSON nests too deeply to read") from None

    def local(ctx):
        if isinstance(ctx, str):
            if ctx.endswith("/ontology/context.jsonld"):
                return jsonld_context(RdfVocab(check_base(ctx[: -len("ontology/context.jsonld")])))
            raise UsageError(f"{path}: the JSON-LD context {ctx!r} is remote and is not fetched; "
                             "embed it, or export with the crimegraph context")
        if isinstance(ctx, list):
            return [local(c) for c in ctx]
        return ctx

    if isinstance(doc, dict) and "@context" in doc:
        doc["@context"] = local(doc["@context"])
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def load_into_store(path: Path, fmt, store=None):
    """Parse a file into a (new, in-memory) pyoxigraph store; syntax errors name the file and line."""
    import pyoxigraph as ox

    store = store if store is not None else ox.Store()
    with open(path, "rb") as fh:
        if other_encoding(fh.read(4)):
            _utf8(path)  # names the UTF-16 or UTF-32 byte-order mark
    try:
        if fmt == ox.RdfFormat.JSON_LD:
            store.load(input=_local_jsonld(path), format=fmt)
        else:
            store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise UsageError(f"{path}: not valid {fmt.name}: {exc}") from None
    except (OSError, ValueError) as exc:
        if isinstance(exc, UnicodeDecodeError) or "utf-8" in str(exc).lower():
            _utf8_lines(path)  # names the line and column of the first byte that is not UTF-8
        raise UsageError(f"{path}: cannot read it: {exc}") from None
    return store


def _utf8(path: Path) -> str:
    from crimegraph.textfile import NotUTF8, decode_utf8

    try:
        return decode_utf8(path.read_bytes())
    except NotUTF8 as exc:
        raise UsageError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None


def _utf8_lines(path: Path) -> None:
    """Raise the located error of the first line that is not UTF-8 (streamed: dumps are large)."""
    from crimegraph.textfile import NotUTF8, decode_utf8

    with open(path, "rb") as fh:
        for n, line in enumerate(fh):
            try:
                decode_utf8(line, line_offset=n)
            except NotUTF8 as exc:
                raise UsageError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None


def parse_file(path: Path, options: dict) -> tuple[dict, list[str]]:
    from .read import StoreReader, detect_base
    from .vocab import RdfVocab, check_base

    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    fmt = rdf_format(path, options.get("format"))
    store = load_into_store(path, fmt)
    base = options.get("base_iri") or detect_base(_Union(store))
    if base is None:
        raise UsageError(f"{path}: found no crimegraph resources (no property under a "
                         "'{base}ontology/' namespace); pass --base-iri if it uses another layout")
    reader = StoreReader(_Union(store), RdfVocab(check_base(base)))
    data = reader.seed_data()
    return data, list(reader.reader.problems)


class _Union:
    """A store whose queries see every named graph as part of the default graph."""

    def __init__(self, store):
        self.store = store

    graph = None  # quads_for_pattern: any graph

    def query(self, q: str):
        return self.store.query(q, use_default_graph_as_union=True)

    def quads_for_pattern(self, *args):
        return self.store.quads_for_pattern(*args)
