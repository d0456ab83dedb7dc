"""The named query library: ``queries/cypher/*.cypher`` and ``queries/sparql/*.rq``.

Each file answers one investigator question for a Neo4j or an RDF store, with
a header comment naming its parameters (see ``queries/README.md`` for the data
model they assume). This module lists and loads them, and reads the parameters
off the header.

>>> sorted(names("cypher"))[:3]
['actors_in', 'actors_in_economy', 'allies']
>>> q = load_query("allies", "sparql", base="https://crimegraph.example/")
>>> "<https://crimegraph.example/ontology/>" in q.text, q.parameters
(True, ['actor', 'asOf'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from crimegraph.errors import UsageError

HERE = Path(__file__).resolve().parent
LANGUAGES = {"cypher": ("cypher", ".cypher", "//"), "sparql": ("sparql", ".rq", "#")}
#: the base IRI the SPARQL files are written against
DEFAULT_BASE = "http://localhost:8000/"
_PARAM = {"cypher": re.compile(r"^\s*\$(\w+)"), "sparql": re.compile(r"^\s*\?(\w+)")}


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its name, language, text, the header, and the parameters it declares."""

    name: str
    language: str
    path: Path
    text: str

    @property
    def header(self) -> list[str]:
        """The leading comment lines, without the comment marker."""
        marker = LANGUAGES[self.language][2]
        out = []
        for line in self.text.splitlines():
            if not line.startswith(marker):
                break
            out.append(line[len(marker):].strip() if line.strip() != marker else "")
        return out

    @property
    def parameters(self) -> list[str]:
        """The parameters listed under ``Parameters`` in the header, in order."""
        out: list[str] = []
        lines = self.header
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("Parameters"))
        except StopIteration:
            return out
        for line in lines[start + 1:]:
            if not line:
                break
            names = re.findall(r"[$?](\w+)", line.split("  ")[0] if "  " in line else line)
            if _PARAM[self.language].match(line):
                out.extend(n for n in names if n not in out)
        return out

    @property
    def summary(self) -> str:
        """The first header line: ``name: what it answers``."""
        return self.header[0] if self.header else self.name


def names(language: str) -> list[str]:
    """The named queries of one language (``cypher`` or ``sparql``)."""
    folder, ext, _ = _lang(language)
    return sorted(p.stem for p in (HERE / folder).glob("*" + ext))


def load_query(name: str, language: str, *, base: str | None = None) -> NamedQuery:
    """A named query; SPARQL text is rewritten for ``base`` when it is not the default base."""
    folder, ext, _ = _lang(language)
    path = HERE / folder / (name + ext)
    if not path.exists():
        raise UsageError(f"no {language} query named {name!r}; known: {', '.join(names(language))}")
    text = path.read_text(encoding="utf-8")
    if language == "sparql" and base and base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE, base if base.endswith("/") else base + "/")
    return NamedQuery(name, language, path, text)


def _lang(language: str):
    try:
        return LANGUAGES[language]
    except KeyError:
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}") from None
