"""Streamed, compacted JSON-LD: ``{"@context": …, "@graph": [ … ]}``, one node object at a time.

The objects are written directly in compacted form for the project's context
(:mod:`crimegraph.rdf.context`): a property is its term, a link its IRI, a
value whose datatype the term coerces a bare string, any other typed or
language-tagged value a value object. Nested resources (citations,
coordinates, external ids) are embedded in their parent's object. Expanding
the output with any JSON-LD processor gives exactly the triples of the
N-Triples export (tested with PyLD, rdflib and Oxigraph).
"""

from __future__ import annotations

import json
from typing import BinaryIO, Iterable, Optional

from .context import class_terms, coercions, jsonld_context
from .describe import IRI, LANG, Node
from .vocab import RDF_TYPE, XSD_STRING, RdfVocab

_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), allow_nan=False).encode


class JsonLdCompactor:
    """Node -> compacted JSON-LD node object."""

    def __init__(self, vocab: RdfVocab):
        self.v = vocab
        self.terms = dict(vocab.term_by_iri)
        co = coercions(vocab)
        self.coerce = {iri: co.get(term) for iri, term in self.terms.items()}
        self.classes = {iri: term for term, iri in class_terms(vocab).items()}
        self.relation_terms = {iri: vocab.term_name(iri) for iri in vocab.relation_props.values()}
        self._compact_cache: dict[str, str] = {}

    def compact(self, iri: str) -> str:
        c = self._compact_cache.get(iri)
        if c is None:
            c = self.classes.get(iri) or self.relation_terms.get(iri) or self.v.compact(iri)
            if c.startswith(("id:", "rel:", "src:")):  # not prefixes in the JSON-LD context
                c = iri
            self._compact_cache[iri] = c
        return c

    def node(self, node: Node) -> dict:
        obj: dict = {"id": node.iri}
        types: list[str] = []
        for p, o in node.props:
            if p == RDF_TYPE:
                types.append(self.compact(o[1]))
                continue
            term = self.terms.get(p)
            if term is None:  # a property outside the vocabulary: full IRI key
                term, co = p, None
            else:
                co = self.coerce[p]
            if type(o) is Node:
                val = self.node(o)
            elif o[0] == IRI:
                if co == "@id":
                    val = o[1]
                elif co == "@vocab":
                    val = self.compact(o[1])
                else:
                    val = {"@id": o[1]}
            elif o[0] != LANG:  # LIT or SAFE
                dt = o[2]
                if dt is None or dt == XSD_STRING:
                    val = o[1] if co is None else {"@value": o[1]}
                elif dt == co:
                    val = o[1]
                else:
                    val = {"@value": o[1], "@type": self.compact(dt)}
            else:
                val = {"@value": o[1], "@language": o[2]}
            old = obj.get(term)
            if old is None:
                obj[term] = val
            elif type(old) is list:
                old.append(val)
            else:
                obj[term] = [old, val]
        if types:
            obj["type"] = types[0] if len(types) == 1 else types
            # keep "id" and "type" first for readers
            obj = {"id": obj.pop("id"), "type": obj.pop("type"), **obj}
        return obj


def write_jsonld(nodes: Iterable[Node], target: BinaryIO, vocab: RdfVocab, *,
                 context_url: Optional[str] = None, indent: bool = False) -> int:
    """Write nodes as one compacted JSON-LD document; returns the number of node objects.

    ``context_url``: refer to the context by this IRI instead of embedding it.
    """
    comp = JsonLdCompactor(vocab)
    ctx = context_url if context_url else jsonld_context(vocab)
    ctx_text = json.dumps(ctx, ensure_ascii=False, indent=1 if indent else None)
    head = '{\n"@context": ' + ctx_text + ',\n"@graph": [\n'
    # each node encoded on its own: an ASCII-only one encodes as a plain copy
    buf: list[bytes] = [head.encode("utf-8")]
    append = buf.append
    n = 0
    sep = b""
    write = target.write
    for node in nodes:
        append(sep)
        append(_dumps(comp.node(node)).encode("utf-8"))
        sep = b",\n"
        n += 1
        if len(buf) >= 4096:
            write(b"".join(buf))
            buf.clear()
    append(b"\n]\n}\n")
    write(b"".join(buf))
    return n
