"""Read-only and no-federation check of a SPARQL request, decided on a real parse of the query.

Three walls keep the endpoint read-only and local:

1. :func:`check_query` parses the text with rdflib's SPARQL 1.1 grammar and
   translates it to the SPARQL algebra. Text that parses as an *update* (INSERT,
   DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) is refused, so is every
   query whose algebra holds a ``ServiceGraphPattern`` anywhere (in OPTIONAL,
   UNION, MINUS, a subquery, FILTER EXISTS …), and text that parses as neither
   is refused as a syntax error: the check fails closed, whatever the spacing,
   comments, case, prefixed names or ``\\u`` escapes;
2. workers only ever call Oxigraph's *query* parser and evaluator, which do
   not accept update operations at all, on an in-memory copy of the data;
3. on Linux, workers run in a network namespace of their own with no
   interface up, so that even a ``SERVICE`` that got through could not reach
   another host (see :mod:`crimegraph.api.sparql_worker`); where that cannot be
   had, ``crimegraph serve`` keeps SPARQL off unless told otherwise.

Both parsers must read the same characters: the SPARQL grammar decodes codepoint
escapes (``\\u0053ERVICE``) before parsing, which rdflib does and Oxigraph does
not (inside a string, ``"\\u005c"`` is a backslash to Oxigraph but an escaping
backslash to rdflib: a ``SERVICE`` after it would be code to one and text to the
other). :func:`prepare` therefore decodes the escapes once; the decoded text is
what is checked *and* what Oxigraph runs, and a text whose decoding yields new
escapes is refused.

rdflib's parser recurses per level of nesting and is slow on very long queries
(seconds for tens of kilobytes): :func:`prepare` refuses nesting deeper than
:data:`MAX_NESTING` before anything is parsed, and the parse runs in the SPARQL
worker, under the query's time and memory limits (a worker past them is killed).

>>> check_query("PREFIX x: <http://e/> SELECT * WHERE { ?s x:p ?o }").form
'SELECT'
>>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }")
Traceback (most recent call last):
...
crimegraph.api.sparql_check.Refused: SPARQL Update (INSERT DATA) is not allowed: this endpoint is read-only
>>> check_query("SELECT * { ?a ?b ?c .SERVICE <http://e/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
crimegraph.api.sparql_check.Refused: SERVICE <http://e/sparql> (a federated query) is not allowed: this endpoint never contacts other hosts
>>> check_query("SELECT ?service ?insert WHERE { ?service <http://e/insert> 'DROP ALL' }").form
'SELECT'
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Optional

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}

#: the deepest nesting of groups, brackets and parentheses a query may have (the
#: parser recurses on each level)
MAX_NESTING = 64

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRINGS = [re.compile(p, re.S) for p in (
    r"'''(?:[^'\\]|\\.|'(?!''))*'''", r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'(?:[^'\\\n\r]|\\.)*'", r'"(?:[^"\\\n\r]|\\.)*"')]


class Refused(Exception):
    """The request is refused: ``kind`` is ``syntax`` (400), ``update`` or ``service`` (403)."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class QueryInfo:
    """What the parse found: the query form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""

    form: str


# ---------------------------------------------------------------- before the parse (the server)
def unescape_codepoints(text: str) -> str:
    r"""Decode ``\uXXXX`` and ``\UXXXXXXXX`` as the SPARQL grammar does before parsing.

    Raises :class:`Refused` for an escape of no character (a surrogate, past U+10FFFF)
    and for escapes that decode to further escapes (``\u005Cu0053``).

    >>> unescape_codepoints(r"\u0053ELECT")
    'SELECT'
    """
    if "\\" not in text:
        return text

    def sub(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused("syntax", f"{m.group(0)} is not the escape of a character")
        return chr(code)

    out = _ESCAPE.sub(sub, text)
    if _ESCAPE.search(out):
        raise Refused("syntax", "a codepoint escape decodes to another escape; write the character itself")
    return out


def strip(text: str) -> str:
    """The query without its comments, string literals and IRIs (each replaced by a space).

    Used only to measure the nesting before the parse; no decision rests on it.
    """
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


def prepare(text: str) -> str:
    """The text both parsers will read: escapes decoded, no NUL, nesting within :data:`MAX_NESTING`.

    Raises :class:`Refused` (``syntax``).
    """
    text = unescape_codepoints(text)
    if "\x00" in text:
        raise Refused("syntax", "the query contains a NUL character")
    depth = nesting(strip(text))
    if depth > MAX_NESTING:
        raise Refused("syntax", f"the query nests groups or expressions {depth} deep; at most "
                                f"{MAX_NESTING} levels are accepted")
    return text


# ---------------------------------------------------------------- the parse (the worker)
def _where(exc: Exception) -> str:
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    msg = " ".join(str(msg).split())
    return f"{msg} at line {line}, column {col}" if line and col else msg


def _parse_failure(exc: BaseException) -> Refused:
    if isinstance(exc, RecursionError):
        return Refused("syntax", "the query is too deeply nested or too long to check; simplify it")
    return Refused("syntax", _where(exc) if isinstance(exc, Exception) else str(exc))


def _services(algebra: Any) -> list[str]:
    """Every ``SERVICE`` of an algebra (or parse) tree, walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found, stack, seen = [], [algebra], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(_service_label(node.get("term")))
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
        elif hasattr(node, "__dict__") and type(node).__module__.startswith("rdflib.plugins.sparql"):
            stack.extend(vars(node).values())  # Query, Update and other algebra containers
    return found


#: rdflib's names of update operations that do not spell their keyword
_OPERATIONS = {"Modify": "DELETE/INSERT … WHERE"}


class _ServiceFound(Exception):
    """Raised by the parser the moment it has read a whole ``SERVICE`` pattern (see :func:`_tripwire`)."""

    def __init__(self, term: Any):
        super().__init__("SERVICE")
        self.term = term


_checking = threading.local()


def _tripwire() -> None:
    """Make rdflib's ``ServiceGraphPattern`` stop the parse as soon as it matches, while checking.

    rdflib's own handling of a matched SERVICE (``Comp.postParse``) searches the whole query
    text again for SERVICE patterns, which recurses without end when one SERVICE holds another
    (and costs a second parse of the text for every SERVICE); a check needs only to know that
    one is there. Outside :func:`check_query` (other rdflib users in the same process) the
    element behaves as before.
    """
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.parserutils import Comp, ParamValue

    element = parser.ServiceGraphPattern
    if getattr(element, "_crimegraph_tripwire", False):
        return

    def post_parse(instring, loc, tokens):
        if getattr(_checking, "on", False):
            term = next((t.tokenList for t in tokens if isinstance(t, ParamValue) and t.name == "term"), None)
            raise _ServiceFound(term)
        return Comp.postParse(element, instring, loc, tokens)

    element.postParse = post_parse
    element._crimegraph_tripwire = True


def _update_operations(parsed: Any) -> list[str]:
    names = []
    for op in parsed.get("request", []) if hasattr(parsed, "get") else []:
        name = getattr(op, "name", "")
        names.append(_OPERATIONS.get(name) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).upper() or "UPDATE")
    return names


def check_query(text: str, prefixes: Optional[dict[str, str]] = None) -> QueryInfo:
    """Parse ``text`` (already :func:`prepare`\\ d) and decide; returns the query form or raises
    :class:`Refused`.

    ``prefixes``: the prefixes predeclared for the query (as Oxigraph is given them).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    _tripwire()
    _checking.on = True
    try:
        try:
            parsed = parseQuery(text)
        except _ServiceFound as found:
            raise Refused("service", _service_message([_service_label(found.term)])) from None
        except Exception as query_error:  # noqa: BLE001 - every failure to parse is refused
            try:
                update = parseUpdate(text)
            except _ServiceFound:
                update = None  # an update with a SERVICE in its WHERE: refused as an update
            except Exception:  # noqa: BLE001 - neither a query nor an update: a syntax error
                raise _parse_failure(query_error) from None
            ops = [op for op in _update_operations(update) if op]
            what = f"SPARQL Update ({', '.join(dict.fromkeys(ops))})" if ops else "SPARQL Update"
            raise Refused("update", f"{what} is not allowed: this endpoint is read-only") from None
    finally:
        _checking.on = False
    services = _services(parsed)  # the parse tree, then the algebra: SERVICE survives in both
    try:
        query = translateQuery(parsed, initNs=dict(prefixes or {}))
    except Exception as exc:  # noqa: BLE001 - an unknown prefix, an invalid projection, too deep …
        if services:
            raise Refused("service", _service_message(services)) from None
        raise _parse_failure(exc) from None
    services += _services(query.algebra)
    if services:
        raise Refused("service", _service_message(services))
    form = FORMS.get(getattr(query.algebra, "name", ""))
    if form is None:  # pragma: no cover - the grammar has exactly these four query forms
        raise Refused("syntax", "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return QueryInfo(form)


def _service_label(term: Any) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue) and term.name == "pname":  # a prefixed name, as written
        return f"SERVICE {term.get('prefix') or ''}:{term.get('localname') or ''}"
    if hasattr(term, "n3"):
        return f"SERVICE {term.n3()}"
    return "SERVICE"


def _service_message(services: list[str]) -> str:
    return (f"{services[0]} (a federated query) is not allowed: this endpoint never contacts "
            "other hosts")
