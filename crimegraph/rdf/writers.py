"""Streamed N-Triples, Turtle and TriG, written line by line from :class:`~.describe.Node` s.

Hand-rolled rather than built through rdflib or pyoxigraph term objects: a
literal is escaped once with ``str.translate`` and written, so memory stays
flat and throughput is several times rdflib's (see ``benchmarks/bench_rdf.py``).

Escaping follows the N-Triples and Turtle grammars (``STRING_LITERAL_QUOTE``):
``"`` and ``\\`` are escaped, line breaks and tabs use ``ECHAR`` escapes and
every other control character (U+0000–U+001F, U+007F) a ``UCHAR``; everything
else, whatever the script, is written as UTF-8. IRIs are built from slugs and
a checked base IRI, so they never need escaping.

TriG: the default graph holds what a simple consumer needs (entities with
their labels and the direct relation triples, sources, the dataset header);
the named graph ``{base}graph/qualified`` holds the qualified relation
resources with their periods, confidence and citations. A consumer that
wants only the truthy graph reads the default graph.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterable, Optional

from .describe import IRI, LANG, LIT, SAFE, Node
from .vocab import RDF_TYPE, XSD_STRING, RdfVocab

# the N-Triples loop tests the tags as literal numbers (faster than global look-ups)
assert (IRI, LIT, LANG, SAFE) == (0, 1, 2, 3)

_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
            ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"}
for _c in list(range(0x20)) + [0x7F]:
    _ESCAPES.setdefault(_c, f"\\u{_c:04X}")


def escape_string(s: str) -> str:
    """The body of a quoted N-Triples/Turtle string literal.

    >>> escape_string('say "hi"\\n<script>')
    'say \\\\"hi\\\\"\\\\n<script>'
    """
    if '"' in s or "\\" in s or not s.isprintable():
        return s.translate(_ESCAPES)
    return s


class _Out:
    """Buffered UTF-8 output to a binary file: few large writes."""

    __slots__ = ("target", "buf", "n")

    def __init__(self, target: BinaryIO):
        self.target = target
        self.buf: list[str] = []
        self.n = 0

    def add(self, s: str) -> None:
        self.buf.append(s)
        if len(self.buf) >= 8192:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.target.write("".join(self.buf).encode("utf-8"))
            self.buf.clear()


# ---------------------------------------------------------------- N-Triples / N-Quads

def nt_term(o) -> str:
    """An object (tagged tuple) in N-Triples syntax."""
    tag = o[0]
    if tag == IRI:
        return f"<{o[1]}>"
    if tag == LANG:
        return f'"{escape_string(o[1])}"@{o[2]}'
    lex = o[1] if tag == SAFE else escape_string(o[1])
    dt = o[2]
    if dt is None or dt == XSD_STRING:
        return f'"{lex}"'
    return f'"{lex}"^^<{dt}>'


class _Rendered(dict):
    """IRI -> ``"<iri> "``, filled on first use (``d[k]`` is faster than ``d.get(k)``)."""

    def __missing__(self, key: str) -> str:
        v = self[key] = f"<{key}> "
        return v


class _Closers(dict):
    """datatype -> the end of a literal: ``"`` (xsd:string) or ``"^^<datatype>``."""

    def __missing__(self, key: Optional[str]) -> str:
        v = self[key] = '"' if key is None or key == XSD_STRING else f'"^^<{key}>'
        return v


def write_ntriples(nodes: Iterable[Node], target: BinaryIO, *, quads: bool = False) -> int:
    """Write nodes as N-Triples (or N-Quads with their graphs); returns the number of triples.

    The inner loop is the export's hot path (about a microsecond a triple): predicates
    and datatype endings are rendered once, literals known to be safe are not scanned,
    others only when a cheap C-level check says they may need escaping.
    """
    chunks: list[bytes] = []
    write = target.write
    preds = _Rendered()
    closers = _Closers()
    table = _ESCAPES
    n = 0
    for top in nodes:
        buf: list[str] = []
        append = buf.append
        stack = [top]
        while stack:
            node = stack.pop()
            s = f"<{node.iri}> "
            end = f" <{node.graph}> .\n" if quads and node.graph else " .\n"
            children = None
            for p, o in node.props:
                if type(o) is tuple:
                    tag = o[0]
                    if tag == 0:  # IRI
                        append(f"{s}{preds[p]}<{o[1]}>{end}")
                    elif tag == 3:  # SAFE literal
                        append(f'{s}{preds[p]}"{o[1]}{closers[o[2]]}{end}')
                    else:
                        lex = o[1]
                        if '"' in lex or "\\" in lex or not lex.isprintable():
                            lex = lex.translate(table)
                        if tag == 1:  # LIT
                            append(f'{s}{preds[p]}"{lex}{closers[o[2]]}{end}')
                        else:  # LANG
                            append(f'{s}{preds[p]}"{lex}"@{o[2]}{end}')
                else:  # a nested node: the link, then its own triples
                    append(f"{s}{preds[p]}<{o.iri}>{end}")
                    if o.graph is None and node.graph is not None:
                        o.graph = node.graph
                    if children is None:
                        children = [o]
                    else:
                        children.append(o)
            n += len(node.props)
            if children:
                stack.extend(reversed(children))
        # one resource at a time: an ASCII-only one encodes as a plain copy
        chunks.append("".join(buf).encode("utf-8"))
        if len(chunks) >= 1024:
            write(b"".join(chunks))
            chunks.clear()
    write(b"".join(chunks))
    return n


class RelationLines:
    """The N-Triples of one relation, rendered in a few f-strings: the qualified resource,
    its citations and its direct triple (the bulk of every export: ~90% of the triples).

    Exactly the triples :meth:`Describer.relation` describes plus the direct triple
    (``tests/rdf`` checks the two give the same graph), without building a node per
    relation. Used only while the Relation and Citation models have the fields it
    knows (:meth:`supported`); otherwise exports take the generic path.
    """

    RELATION_FIELDS = [("since", "date"), ("until", "date"), ("confidence", "confidence"),
                       ("notes", "string")]
    CITATION_FIELDS = [("quote", "string"), ("page", "string")]

    @classmethod
    def supported(cls) -> bool:
        from .vocab import scalar_fields

        return ([(f.field, f.kind) for f in scalar_fields("Relation")] == cls.RELATION_FIELDS
                and [(f.field, f.kind) for f in scalar_fields("Citation")] == cls.CITATION_FIELDS)

    def __init__(self, vocab: RdfVocab, graph: Optional[str] = None):
        self.render = _relation_renderer(vocab, graph)

    def __call__(self, r) -> tuple[str, int]:
        """(the lines, the number of triples)."""
        return self.render(r)


def _relation_renderer(vocab: RdfVocab, graph: Optional[str]):
    """The renderer as a closure: its constants are cell variables, the fastest to read."""
    from .vocab import DATE_DATATYPES, PROV, XSD, XSD_DATE, Terms

    e = vocab.expand
    rel_ns, id_ns, src_ns = vocab.relation_ns, vocab.id_ns, vocab.source_ns
    props = {n: f"<{p}>" for n, p in vocab.relation_props.items()}
    end = f" <{graph}> .\n" if graph else " .\n"
    dates = {p: (f'"^^<{d}>{end}', f'"{p}"{end}') for p, d in DATE_DATATYPES.items()}
    xsd_date = f'"^^<{XSD_DATE}>{end}'
    t = f"<{RDF_TYPE}>"
    type_line = f"{t} <{vocab.Relation}>{end}"
    p_id, p_rt = f"<{e('dcterms:identifier')}>", f"<{e('cg:relationType')}>"
    p_s, p_o = f"<{e('cg:subject')}>", f"<{e('cg:object')}>"
    p_since, p_since_p = f"<{e('cg:since')}>", f"<{e('cg:sincePrecision')}>"
    p_until, p_until_p = f"<{e('cg:until')}>", f"<{e('cg:untilPrecision')}>"
    p_conf, p_note = f"<{e('cg:confidence')}>", f"<{e('skos:note')}>"
    p_vf, p_vt = f"<{e('cg:validFrom')}>", f"<{e('cg:validTo')}>"
    p_cit = f"<{e('cg:citation')}>"
    cit_type = f"{t} <{vocab.Citation}>{end}"
    p_src, p_quote, p_page = f"<{e('cg:source')}>", f"<{e('cg:quote')}>", f"<{e('cg:page')}>"
    p_derived = f"<{PROV}wasDerivedFrom>"
    table = _ESCAPES
    timing_props = Terms(vocab).timing_props
    timings: dict = {}  # Timing -> [(predicate, object) text], one per distinct timing
    generic = None  # a Describer, for the rare relation with derivation notes

    def timing_lines(timing) -> list:
        lines = timings.get(timing)
        if lines is None:
            lines = []
            for pred, attr, kind in timing_props:
                val = getattr(timing, attr)
                if val is None:
                    continue
                if kind == "date":
                    lines.append(f'<{pred}> "{val.value}"^^<{DATE_DATATYPES[val.precision]}>{end}')
                elif kind == "day":
                    lines.append(f'<{pred}> "{val.isoformat()}{xsd_date}')
                elif kind == "integer":
                    lines.append(f'<{pred}> "{val}"^^<{XSD}integer>{end}')
                else:
                    lines.append(f'<{pred}> "{val}"{end}')
            timings[timing] = lines
        return lines

    def render(r) -> tuple[str, int]:
        nonlocal generic
        if r.derived:  # nested derivation nodes: the generic describer writes them
            import io

            from .describe import Describer

            if generic is None:
                generic = Describer(vocab)
            buf = io.BytesIO()
            k = write_ntriples([generic.relation(r, graph)], buf, quads=graph is not None)
            direct = f"<{id_ns}{r.subject}> {props[r.type]} <{id_ns}{r.object}> .\n"
            return buf.getvalue().decode("utf-8") + direct, k + 1
        rid = r.id
        R = f"<{rel_ns}{rid}> "
        S = f"<{id_ns}{r.subject}>"
        O = f"<{id_ns}{r.object}>"
        P = props[r.type]
        parts = [f'{R}{type_line}{R}{p_id} "{rid}"{end}{R}{p_rt} {P}{end}{R}{p_s} {S}{end}{R}{p_o} {O}{end}']
        n = 7  # type, identifier, relationType, subject, object, confidence; the direct triple
        since, until = r.since, r.until
        if since is not None:
            dt_end, prec = dates[since.precision]
            parts.append(f'{R}{p_since} "{since.value}{dt_end}{R}{p_since_p} {prec}')
            n += 2
        if until is not None:
            dt_end, prec = dates[until.precision]
            parts.append(f'{R}{p_until} "{until.value}{dt_end}{R}{p_until_p} {prec}')
            n += 2
        parts.append(f'{R}{p_conf} "{r.confidence.code}"{end}')
        notes = r.notes
        if notes is not None:
            if '"' in notes or "\\" in notes or not notes.isprintable():
                notes = notes.translate(table)
            parts.append(f'{R}{p_note} "{notes}"{end}')
            n += 1
        if since is not None:
            parts.append(f'{R}{p_vf} "{since.start.isoformat()}{xsd_date}')
            n += 1
        if until is not None:
            parts.append(f'{R}{p_vt} "{until.end.isoformat()}{xsd_date}')
            n += 1
        if r.timing is not None:
            lines = timing_lines(r.timing)
            parts.extend(R + line for line in lines)
            n += len(lines)
        cites = r.citations
        children = []
        for i, c in enumerate(cites, 1):
            C = f"<{rel_ns}{rid}#citation-{i}> "
            parts.append(f"{R}{p_cit} {C[:-1]}{end}")
            children.append(f"{C}{cit_type}{C}{p_src} <{src_ns}{c.source}>{end}")
            q = c.quote
            if q is not None:
                if '"' in q or "\\" in q or not q.isprintable():
                    q = q.translate(table)
                children.append(f'{C}{p_quote} "{q}"{end}')
                n += 1
            pg = c.page
            if pg is not None:
                if '"' in pg or "\\" in pg or not pg.isprintable():
                    pg = pg.translate(table)
                children.append(f'{C}{p_page} "{pg}"{end}')
                n += 1
        n += 4 * len(cites) - len(cites)  # link, type, source per citation
        if len(cites) == 1:
            parts.append(f"{R}{p_derived} <{src_ns}{cites[0].source}>{end}")
            n += 1
        else:
            for s in dict.fromkeys(c.source for c in cites):
                parts.append(f"{R}{p_derived} <{src_ns}{s}>{end}")
                n += 1
        parts.extend(children)
        parts.append(f"{S} {P} {O} .\n")  # the direct triple, always in the default graph
        return "".join(parts), n

    return render


def write_dataset_ntriples(dataset, target: BinaryIO, vocab: RdfVocab, *, quads: bool = False) -> int:
    """A whole dataset as N-Triples (N-Quads: qualified relations in ``{base}graph/qualified``).

    Entities, sources and the header go through :class:`~.describe.Describer` and
    :func:`write_ntriples`; relations through :class:`RelationLines`.
    """
    from .describe import Describer

    describer = Describer(vocab)
    graph = vocab.qualified_graph if quads else None
    if not RelationLines.supported():
        return write_ntriples(describer.dataset(dataset, qualified_graph=graph), target, quads=quads)
    n = write_ntriples(describer.dataset(dataset, relations=False), target, quads=quads)
    render = RelationLines(vocab, graph).render
    rels = dataset.relations
    # encoded one relation at a time: most are pure ASCII, which encodes as a plain copy,
    # where one non-ASCII character in a large joined chunk would make all of it transcode
    buf: list[bytes] = []
    append = buf.append
    for rid in sorted(rels):
        text, k = render(rels[rid])
        append(text.encode("utf-8"))
        n += k
        if len(buf) >= 2048:
            target.write(b"".join(buf))
            buf.clear()
    target.write(b"".join(buf))
    return n


# ---------------------------------------------------------------- Turtle / TriG

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class _Names:
    """IRIs as prefixed names where the Turtle grammar allows it, else ``<iri>``."""

    def __init__(self, vocab: RdfVocab):
        # longest namespace first, so that cg: wins over a shorter prefix of the base
        self.ns = sorted(((ns, p) for p, ns in vocab.prefixes.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str, cache: bool = False) -> str:
        hit = self.cache.get(iri)
        if hit is not None:
            return hit
        out = f"<{iri}>"
        for ns, p in self.ns:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if _PN_LOCAL.match(local):
                    out = f"{p}:{local}"
                break
        if cache:
            self.cache[iri] = out
        return out


class TurtleWriter:
    """Turtle (``trig=False``) or TriG, one subject block per resource."""

    def __init__(self, vocab: RdfVocab, target: BinaryIO, *, trig: bool = False):
        self.v = vocab
        self.out = _Out(target)
        self.name = _Names(vocab)
        self.trig = trig
        self.graph: Optional[str] = None
        self.n = 0

    def header(self) -> None:
        for p, ns in self.v.prefixes.items():
            self.out.add(f"@prefix {p}: <{ns}> .\n")
        self.out.add("\n")

    def _literal(self, o) -> str:
        if o[0] == LANG:
            return f'"{escape_string(o[1])}"@{o[2]}'
        lex = o[1] if o[0] == SAFE else escape_string(o[1])
        dt = o[2]
        if dt is None or dt == XSD_STRING:
            return f'"{lex}"'
        return f'"{lex}"^^{self.name(dt, True)}'

    def _switch(self, graph: Optional[str]) -> None:
        if not self.trig or graph == self.graph:
            return
        if self.graph is not None:
            self.out.add("}\n\n")
        if graph is not None:
            self.out.add(f"{self.name(graph, True)} {{\n\n")
        self.graph = graph

    def node(self, node: Node, graph: Optional[str] = None) -> None:
        graph = node.graph or graph
        self._switch(graph)
        name, add = self.name, self.out.add
        indent = "    " if self.trig and graph is not None else ""
        lines: list[str] = []
        children: list[Node] = []
        last_p = None
        objs: list[str] = []
        for p, o in node.props:
            if type(o) is Node:
                text = name(o.iri)
                children.append(o)
            elif o[0] == IRI:
                text = name(o[1], p == RDF_TYPE)
            else:
                text = self._literal(o)
            self.n += 1
            if p != last_p:
                if objs:
                    lines.append(_pred(last_p, name) + " " + ", ".join(objs))
                objs = []
                last_p = p
            objs.append(text)
        if objs:
            lines.append(_pred(last_p, name) + " " + ", ".join(objs))
        if lines:
            sep = f" ;\n{indent}    "
            add(f"{indent}{name(node.iri)} {sep.join(lines)} .\n\n")
        for c in children:
            self.node(c, graph)

    def close(self) -> None:
        self._switch(None)
        self.out.flush()


def _pred(p: str, name: _Names) -> str:
    return "a" if p == RDF_TYPE else name(p, True)


def write_turtle(nodes: Iterable[Node], target: BinaryIO, vocab: RdfVocab, *, trig: bool = False) -> int:
    """Write nodes as Turtle (or TriG); returns the number of triples."""
    w = TurtleWriter(vocab, target, trig=trig)
    w.header()
    for node in nodes:
        w.node(node)
    w.close()
    return w.n
