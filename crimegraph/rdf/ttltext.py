"""A few helpers to write small, readable Turtle documents (the ontology, the shapes) as text."""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from .writers import escape_string


def lit(value, lang: Optional[str] = None, dt: Optional[str] = None) -> str:
    """A Turtle literal: ``lit("x", "en")`` -> ``"x"@en``; numbers and booleans bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f'"{value!r}"^^xsd:double'
    text = f'"{escape_string(str(value))}"'
    if lang:
        return f"{text}@{lang}"
    if dt:
        return f"{text}^^{dt}"
    return text


def po(pairs: Iterable[tuple[str, object]], indent: str) -> str:
    """Predicate-object list; an object may be a list of objects (written with commas)."""
    lines = []
    for p, o in pairs:
        if o is None:
            continue
        if isinstance(o, (list, tuple)):
            if not o:
                continue
            o = ", ".join(str(x) for x in o)
        lines.append(f"{p} {o}")
    return f" ;\n{indent}".join(lines)


def bnode(pairs: Iterable[tuple[str, object]], indent: str = "        ") -> str:
    """A blank node property list ``[ p o ; … ]``."""
    return "[\n" + indent + po(pairs, indent) + "\n" + indent[:-4] + "]"


def lst(items: Sequence[str]) -> str:
    """An RDF collection ``( a b c )``."""
    return "( " + " ".join(items) + " )"


def block(subject: str, pairs: Iterable[tuple[str, object]]) -> str:
    return f"{subject} " + po(pairs, "    ") + " .\n\n"


def prefixes(mapping: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in mapping.items()) + "\n"
