"""Read-only and no-federation checks of a SPARQL request, before it reaches a worker.

Three layers keep the endpoint read-only and local:

1. this module refuses, with ``403``, a request whose text contains a SPARQL
   Update operation or a ``SERVICE`` clause, and finds the query form
   (SELECT, ASK, CONSTRUCT, DESCRIBE) to negotiate the result format;
2. workers only ever call Oxigraph's *query* parser and evaluator, which do
   not accept update operations at all, on an in-memory copy of the data;
3. on Linux, workers run in a network namespace of their own with no
   interface up, so that even a ``SERVICE`` that got through could not reach
   another host (see :mod:`crimegraph.api.sparql_worker`).

The text is looked at as the SPARQL grammar sees it: codepoint escapes
(``\\u0053ERVICE``) are decoded first, then comments, string literals and IRIs
are set aside and the remaining bare words are read as keywords. The
``SERVICE`` check is deliberately stricter than the grammar: the word followed
by anything that can start ``SILENT`` or a variable or IRI refuses the query,
even inside a string literal (a query about "service <...>" text is the price
of never guessing wrong about where a string ends).

>>> inspect_query("PREFIX x: <http://e/> SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> inspect_query("INSERT DATA { <a:b> <a:c> <a:d> }").update
'INSERT'
>>> inspect_query("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }").service
True
>>> inspect_query("SELECT ?service ?insert WHERE { ?service ex:insert ?o }").update is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                          "COPY", "WITH", "USING"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRINGS = [re.compile(p, re.S) for p in (
    r"'''(?:[^'\\]|\\.|'(?!''))*'''", r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'(?:[^'\\\n\r]|\\.)*'", r'"(?:[^"\\\n\r]|\\.)*"')]
_TOKEN = re.compile(r"""
    (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:[\w.:%\\-]*)
  | (?P<number>\d[\w.+-]*)
  | (?P<word>[^\W\d]\w*)
""", re.X)
_SERVICE = re.compile(r"(?<![\w?$:.\-])SERVICE(?:\s|#[^\n]*(?:\n|$))*(?:SILENT\b|[<?$:]|[^\W\d][\w.-]*:)",
                      re.I)


#: the deepest nesting of groups, brackets and parentheses a query may have (the
#: parser recurses on each level; a few thousand would overflow a worker's stack)
MAX_NESTING = 64


@dataclass(frozen=True)
class QueryInfo:
    """What the checks found: the query form, the first update keyword, whether SERVICE is used,
    and how deeply the query nests."""

    form: Optional[str]
    update: Optional[str]
    service: bool
    depth: int = 0


def unescape_codepoints(text: str) -> str:
    r"""Decode ``\uXXXX`` and ``\UXXXXXXXX`` as the SPARQL grammar does before parsing.

    >>> unescape_codepoints(r"\u0053ELECT")
    'SELECT'
    """
    def sub(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return m.group(0)
        return chr(code)

    return _ESCAPE.sub(sub, text) if "\\" in text else text


def strip(text: str) -> str:
    """The query without its comments, string literals and IRIs (each replaced by a space)."""
    i, n = 0, len(text)
    chunk_start = 0
    chunks = []
    while i < n:
        ch = text[i]
        if ch == "#":
            chunks.append(text[chunk_start:i])
            j = text.find("\n", i)
            i = n if j < 0 else j
            chunk_start = i
            continue
        if ch == "<":
            m = _IRI.match(text, i)
            if m:
                chunks.append(text[chunk_start:i])
                chunks.append(" ")
                i = chunk_start = m.end()
                continue
        elif ch in "'\"":
            for pat in _STRINGS:
                m = pat.match(text, i)
                if m:
                    break
            chunks.append(text[chunk_start:i])
            chunks.append(" ")
            if m:
                i = chunk_start = m.end()
            else:  # an unterminated string: the rest of the line is its body
                j = text.find("\n", i)
                i = chunk_start = n if j < 0 else j
            continue
        i += 1
    chunks.append(text[chunk_start:])
    return "".join(chunks)


def bare_words(text: str) -> list[str]:
    """The keywords of a query (upper-cased): what is left outside comments, strings and IRIs."""
    return [m.group().upper() for m in _TOKEN.finditer(strip(text)) if m.lastgroup == "word"]


def nesting(stripped: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in a stripped query."""
    depth = deepest = 0
    for ch in stripped:
        if ch in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch in "})]":
            depth -= 1
    return deepest


def inspect_query(text: str) -> QueryInfo:
    """Classify a request's text (see the module docstring)."""
    text = unescape_codepoints(text)
    stripped = strip(text)
    form = update = None
    for m in _TOKEN.finditer(stripped):
        if m.lastgroup != "word":
            continue
        w = m.group().upper()
        if w in UPDATE_WORDS and update is None:
            update = w
        elif w in FORMS and form is None:
            form = w
    return QueryInfo(form, update, bool(_SERVICE.search(text)), nesting(stripped))
