"""SPARQL 1.1 query results as JSON, XML, CSV and TSV, written solution by solution with a cap.

Oxigraph's own serialisers consume the whole result; these stop at a row
limit and a deadline, which is what lets a worker cut off a cartesian
explosion. Terms are pyoxigraph terms (``NamedNode``, ``BlankNode``,
``Literal``, ``Triple``); ``None`` is an unbound variable.

- JSON: `SPARQL 1.1 Query Results JSON Format`_ (``xsd:string`` literals carry no datatype);
- XML: `SPARQL Query Results XML Format`_; characters XML 1.0 cannot carry at
  all (most C0 controls) are replaced by U+FFFD;
- CSV and TSV: `SPARQL 1.1 Query Results CSV and TSV Formats`_ (CSV: lexical
  values only, CRLF lines; TSV: terms in Turtle syntax).

.. _SPARQL 1.1 Query Results JSON Format: https://www.w3.org/TR/sparql11-results-json/
.. _SPARQL Query Results XML Format: https://www.w3.org/TR/rdf-sparql-XMLres/
.. _SPARQL 1.1 Query Results CSV and TSV Formats: https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import json
import re
import time
from typing import Callable, Iterable, Optional, Sequence

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: media type of each results format
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

#: how often (in solutions) the clock is read
CHECK_EVERY = 64


class LimitExceeded(Exception):
    """A result went past the row limit (``kind="rows"``) or the deadline (``kind="time"``)."""

    def __init__(self, kind: str, limit):
        super().__init__(kind)
        self.kind = kind
        self.limit = limit


def bounded(items: Iterable, max_items: int, deadline: Optional[float],
            timeout: Optional[float] = None) -> Iterable:
    """Yield from ``items``, raising :class:`LimitExceeded` past ``max_items`` or the deadline."""
    n = 0
    clock = time.monotonic
    for item in items:
        n += 1
        if n > max_items:
            raise LimitExceeded("rows", max_items)
        if deadline is not None and n % CHECK_EVERY == 0 and clock() > deadline:
            raise LimitExceeded("time", timeout)
        yield item
    if deadline is not None and clock() > deadline:
        raise LimitExceeded("time", timeout)


# ---------------------------------------------------------------- terms
def _kind(term) -> str:
    return type(term).__name__  # NamedNode, BlankNode, Literal, Triple


def json_term(term) -> dict:
    k = _kind(term)
    if k == "NamedNode":
        return {"type": "uri", "value": term.value}
    if k == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if k == "Literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        else:
            dt = term.datatype.value
            if dt != XSD_STRING:
                out["datatype"] = dt
        return out
    if k == "Triple":
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    return {"type": "literal", "value": str(term)}


_NT_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
               ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"}
for _c in list(range(0x20)) + [0x7F]:
    _NT_ESCAPES.setdefault(_c, f"\\u{_c:04X}")


def nt_term(term) -> str:
    """A term in N-Triples/Turtle syntax (TSV cells)."""
    k = _kind(term)
    if k == "NamedNode":
        return f"<{term.value}>"
    if k == "BlankNode":
        return f"_:{term.value}"
    if k == "Literal":
        lex = '"' + term.value.translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{lex}@{term.language}"
        dt = term.datatype.value
        return lex if dt == XSD_STRING else f"{lex}^^<{dt}>"
    if k == "Triple":
        return f"<< {nt_term(term.subject)} {nt_term(term.predicate)} {nt_term(term.object)} >>"
    return str(term)


def csv_value(term) -> str:
    k = _kind(term)
    if k == "BlankNode":
        return f"_:{term.value}"
    if k == "Triple":
        return nt_term(term)
    return term.value


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(s: str) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _XML_BAD.sub("\ufffd", s)


def xml_attr(s: str) -> str:
    return xml_text(s).replace('"', "&quot;")


def xml_term(term) -> str:
    k = _kind(term)
    if k == "NamedNode":
        return f"<uri>{xml_text(term.value)}</uri>"
    if k == "BlankNode":
        return f"<bnode>{xml_text(term.value)}</bnode>"
    if k == "Literal":
        if term.language:
            return f'<literal xml:lang="{xml_attr(term.language)}">{xml_text(term.value)}</literal>'
        dt = term.datatype.value
        if dt == XSD_STRING:
            return f"<literal>{xml_text(term.value)}</literal>"
        return f'<literal datatype="{xml_attr(dt)}">{xml_text(term.value)}</literal>'
    if k == "Triple":
        return (f"<triple><subject>{xml_term(term.subject)}</subject><predicate>"
                f"{xml_term(term.predicate)}</predicate><object>{xml_term(term.object)}</object></triple>")
    return f"<literal>{xml_text(str(term))}</literal>"


# ---------------------------------------------------------------- documents
def write_solutions(fmt: str, variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A SELECT result; ``rows`` yields one sequence of terms (or None) per solution."""
    return _WRITERS[fmt](list(variables), rows).encode("utf-8")


def _json(variables: list[str], rows) -> str:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    parts = ['{"head":{"vars":', dumps(variables), '},"results":{"bindings":[']
    sep = ""
    for row in rows:
        b = {v: json_term(t) for v, t in zip(variables, row) if t is not None}
        parts.append(sep)
        parts.append(dumps(b))
        sep = ",\n"
    parts.append("]}}\n")
    return "".join(parts)


def _xml(variables: list[str], rows) -> str:
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n',
             '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    parts.extend(f'<variable name="{xml_attr(v)}"/>' for v in variables)
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        for v, t in zip(variables, row):
            if t is not None:
                parts.append(f'<binding name="{xml_attr(v)}">{xml_term(t)}</binding>')
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts)


def _csv_cell(s: str) -> str:
    if any(c in s for c in '",\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def _csv(variables: list[str], rows) -> str:
    parts = [",".join(_csv_cell(v) for v in variables), "\r\n"]
    for row in rows:
        parts.append(",".join("" if t is None else _csv_cell(csv_value(t)) for t in row))
        parts.append("\r\n")
    return "".join(parts)


def _tsv(variables: list[str], rows) -> str:
    parts = ["\t".join("?" + v for v in variables), "\n"]
    for row in rows:
        parts.append("\t".join("" if t is None else nt_term(t) for t in row))
        parts.append("\n")
    return "".join(parts)


_WRITERS: dict[str, Callable] = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}


def write_boolean(fmt: str, value: bool) -> bytes:
    """An ASK result."""
    v = "true" if value else "false"
    if fmt == "json":
        return f'{{"head":{{}},"boolean":{v}}}\n'.encode()
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/'
                f'sparql-results#">\n<head/>\n<boolean>{v}</boolean>\n</sparql>\n').encode()
    if fmt == "csv":
        return f"_askResult\r\n{v}\r\n".encode()
    return f"?_askResult\n{v}\n".encode()
