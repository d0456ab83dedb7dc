"""Likely duplicates: entities that look like one another, within a dataset or between an import and it.

Candidate pairs come from the search engine (:mod:`crimegraph.graph.search`): each
name and alias of an entity is searched, and the entities whose *name or alias*
field matched (exactly, by stem, prefix or a close spelling) are candidates, when
they are of the same kind (an actor with an actor, a place with a place). Each pair
is then scored on its own features, every one stated with the pair:

- **names**: the best match between any name or alias of one and any of the
  other, once both are folded (case, accents, invisible characters:
  :func:`crimegraph.schema.names.clean_name` and :mod:`crimegraph.graph.textfold`)
  and stripped of legal forms (``S.A.C.``, ``E.I.R.L.``, ``Ltd``: ``rigour``'s
  list and Peru's own) and of leading articles; compared with rapidfuzz's
  ``token_sort_ratio`` (word order does not count), when every word of each has a
  close spelling in the other (:func:`_aligned`); that is the score, 0-100;
- **type**: the same entity type adds :data:`SAME_TYPE`, another type of the same
  kind (a gang and a drug trafficking organization) nothing;
- **neighbours**: each entity both are related to adds :data:`PER_NEIGHBOUR`
  (at most :data:`MAX_NEIGHBOURS` of them count); within one dataset by id,
  between an import and a dataset by the neighbours' folded names.

A pair scoring :data:`THRESHOLD` or more is a candidate. Decisions recorded in the
dataset's ``resolutions`` (:class:`crimegraph.schema.models.Resolution`) are read
as nomenklatura reads its judgements: a pair judged ``different`` or ``same`` is
never proposed again; one judged ``unsure`` is listed, marked.

>>> from crimegraph.schema.loader import load_dataset
>>> candidates(load_dataset())
[]
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from crimegraph.errors import UsageError

#: the lowest score proposed
THRESHOLD = 88.0
SAME_TYPE = 2.0
PER_NEIGHBOUR = 3.0
MAX_NEIGHBOURS = 3
#: how close (rapidfuzz ``ratio``) a word of one name must be to a word of the other
WORD_MIN = 75.0
#: legal forms of Peru and its neighbours that ``rigour``'s list lacks (folded, without dots)
LEGAL_FORMS = frozenset({"sac", "saa", "srl", "eirl", "sa", "scrl", "ltda", "cia"})
#: words that say nothing about which group is meant
ARTICLES = frozenset({"the", "el", "la", "los", "las"})


@dataclass
class Candidate:
    """Two entities that may be one: their ids, names, the score and the features behind it."""

    a: str
    b: str
    a_name: str
    b_name: str
    score: float
    features: list[str] = field(default_factory=list)
    judgement: str = ""   # "unsure" when a reviewer was not sure; "" when never judged

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a < self.b else (self.b, self.a)

    def as_dict(self) -> dict:
        return {"a": self.a, "a_name": self.a_name, "b": self.b, "b_name": self.b_name,
                "score": self.score, "features": list(self.features), "judgement": self.judgement}

    def line(self) -> str:
        mark = " [judged unsure]" if self.judgement == "unsure" else ""
        return (f"{self.score:5.1f}  {self.a} ({self.a_name})  ~  {self.b} ({self.b_name}){mark}: "
                + "; ".join(self.features))


@functools.lru_cache(maxsize=100_000)
def key_name(name: str) -> str:
    """A name as duplicates are compared: folded, without legal forms and leading articles.

    >>> key_name("Los Gallegos S.A.C."), key_name("Sendéro  Luminoso"), key_name("Clan del Golfo Ltd.")
    ('gallegos', 'sendero luminoso', 'clan del golfo')
    """
    from rigour.names import normalize_name, remove_org_types

    from crimegraph.graph.textfold import words
    from crimegraph.schema.names import clean_name

    text = clean_name(name)
    base = normalize_name(text) or ""
    stripped = remove_org_types(base) if base else ""
    out = [w for w in words(stripped or text) if w not in LEGAL_FORMS]
    while len(out) > 1 and out[0] in ARTICLES:
        out = out[1:]
    return " ".join(out) or " ".join(words(text))


def name_match(names_a: Iterable[str], names_b: Iterable[str]) -> tuple[float, str, str]:
    """The best similarity (0-100) between two lists of names, and the two names that gave it."""
    from rapidfuzz import fuzz

    best = (0.0, "", "")
    keyed_b = [(n, key_name(n)) for n in names_b]
    for n in names_a:
        ka = key_name(n)
        for m, kb in keyed_b:
            if ka == kb:
                s = 100.0
            elif not _aligned(ka, kb):
                continue
            else:
                s = fuzz.token_sort_ratio(ka, kb)
            if s > best[0]:
                best = (s, n, m)
    return best


def _aligned(ka: str, kb: str) -> bool:
    """Whether every word of each name (stopwords aside) has a close spelling in the other.

    ``colombian drug trafficking organizations`` and ``mexican drug trafficking
    organizations`` share most letters, but ``colombian`` has no counterpart: not one name.
    """
    from rapidfuzz import fuzz

    from crimegraph.graph.textfold import STOPWORDS

    wa = [w for w in ka.split() if w not in STOPWORDS] or ka.split()
    wb = [w for w in kb.split() if w not in STOPWORDS] or kb.split()
    for xs, ys in ((wa, wb), (wb, wa)):
        for x in xs:
            if not any(x == y or fuzz.ratio(x, y) >= WORD_MIN for y in ys):
                return False
    return True


def _label(e, name: str) -> str:
    return "name" if name == e.name else "alias"


def _neighbours(dataset) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in dataset.relations.values():
        out.setdefault(r.subject, set()).add(r.object)
        out.setdefault(r.object, set()).add(r.subject)
    return out


def _engine(dataset):
    from crimegraph.graph.search import SearchEngine

    return SearchEngine(dataset.entities.values(), dataset.relations.values(), dataset.sources.values())


def _score(a, b, neighbours_shared: list[str]) -> Optional[Candidate]:
    sim, na, nb = name_match(a.names, b.names)
    if sim < THRESHOLD - SAME_TYPE - PER_NEIGHBOUR * MAX_NEIGHBOURS:
        return None
    features = []
    if sim == 100.0:
        same_text = na == nb
        features.append(f"{_label(a, na)} {na!r} = {_label(b, nb)} {nb!r}"
                        + ("" if same_text else " (once accents, case and legal forms are folded)"))
    else:
        features.append(f"{_label(a, na)} {na!r} ~ {_label(b, nb)} {nb!r} (similarity {sim:.0f})")
    score = sim
    if a.type == b.type:
        score += SAME_TYPE
        features.append(f"same type ({a.type_label})")
    else:
        features.append(f"types {a.type} and {b.type}")
    if neighbours_shared:
        n = min(len(neighbours_shared), MAX_NEIGHBOURS)
        score += PER_NEIGHBOUR * n
        shown = ", ".join(neighbours_shared[:5])
        features.append(f"{len(neighbours_shared)} shared neighbour{'s' if len(neighbours_shared) != 1 else ''} "
                        f"({shown})")
    score = round(min(score, 100.0), 1)
    if score < THRESHOLD:
        return None
    return Candidate(a.id, b.id, a.name, b.name, score, features)


def _resolved(resolutions: dict, cand: Candidate) -> Optional[str]:
    res = resolutions.get(cand.pair)
    return res.judgement if res is not None else None


def _pairs(engine, probe, targets, kind_of=None) -> Iterable:
    """Entities of ``targets`` that the engine finds by a name or alias of ``probe``."""
    seen = set()
    for name in probe.names:
        for hit in engine.search(name, limit=8, kinds=[probe.kind.value]):
            if hit.field not in ("name", "alias") or hit.id in seen or hit.id not in targets:
                continue
            seen.add(hit.id)
            yield targets[hit.id]


def candidates(dataset, min_score: float = THRESHOLD, include_unsure: bool = True) -> list[Candidate]:
    """Likely duplicates within one dataset, best first; pairs already judged are left out."""
    engine = _engine(dataset)
    near = _neighbours(dataset)
    out: dict[tuple[str, str], Candidate] = {}
    for e in dataset.entities.values():
        for other in _pairs(engine, e, dataset.entities):
            if other.id == e.id:
                continue
            pair = (e.id, other.id) if e.id < other.id else (other.id, e.id)
            if pair in out:
                continue
            shared = sorted((near.get(e.id, set()) & near.get(other.id, set())) - {e.id, other.id})
            a, b = (e, other) if e.id < other.id else (other, e)
            cand = _score(a, b, shared)
            if cand is not None and cand.score >= min_score:
                out[pair] = cand
    return _open(out.values(), dataset.resolutions, include_unsure)


def import_candidates(imported, dataset, min_score: float = THRESHOLD,
                      include_unsure: bool = True) -> list[Candidate]:
    """Entities of ``imported`` that are likely duplicates of entities of ``dataset`` (a before b).

    An imported entity with the id of an existing one is a candidate whatever its name:
    the import would otherwise replace or shadow it.
    """
    engine = _engine(dataset)
    near = _neighbours(dataset)
    near_imported = _neighbours(imported)

    def names_of(ds, ids) -> set[str]:
        return {key_name(ds.entities[i].name) for i in ids if i in ds.entities}

    out: dict[tuple[str, str], Candidate] = {}
    for e in imported.entities.values():
        found = list(_pairs(engine, e, dataset.entities))
        if e.id in dataset.entities and dataset.entities[e.id] not in found:
            found.append(dataset.entities[e.id])
        for other in found:
            mine = names_of(imported, near_imported.get(e.id, ()))
            theirs = names_of(dataset, near.get(other.id, ()))
            shared = sorted(mine & theirs)
            cand = _score(e, other, shared)
            if e.id == other.id:
                cand = cand or Candidate(e.id, other.id, e.name, other.name, 100.0, [])
                cand.score = 100.0
                cand.features.insert(0, "the same id")
            if cand is not None and cand.score >= min_score:
                out[(e.id, other.id)] = cand
    resolutions = {**dataset.resolutions, **imported.resolutions}
    return _open(out.values(), resolutions, include_unsure)


def _open(found: Iterable[Candidate], resolutions: dict, include_unsure: bool) -> list[Candidate]:
    out = []
    for c in found:
        j = _resolved(resolutions, c)
        if j in ("same", "different"):
            continue
        if j == "unsure":
            if not include_unsure:
                continue
            c.judgement = "unsure"
        out.append(c)
    return sorted(out, key=lambda c: (-c.score, c.a, c.b))


def pending_merges(dataset) -> list[str]:
    """Pairs judged ``same`` whose two entities are both still in the dataset: merges to make."""
    out = []
    for (a, b), res in sorted(dataset.resolutions.items()):
        if res.judgement == "same" and a in dataset.entities and b in dataset.entities:
            out.append(f"{a} and {b} were judged the same by {res.by} on {res.date}, but both are still "
                       f"entities: merge them (crimegraph dedupe --merge '{a} {b}' --by NAME, the one kept first)")
    return out


#: validate looks for duplicates in datasets of at most this many entities (crimegraph dedupe: any size)
VALIDATE_LIMIT = 2_000


# ------------------------------------------------------------------ recording decisions
RESOLUTIONS_FILE = "resolutions.yaml"
_HEADER = ("# Reviewed decisions about entities that look alike (crimegraph dedupe).\n"
           "# same: one entity (merge them, keeping both's citations); different: never merge;\n"
           "# unsure: still open. Each with who decided, when, and why.\n")


def resolutions_file(seeds: os.PathLike | str) -> Path:
    """Where a seed folder keeps its decisions: ``resolutions.yaml`` at its top."""
    root = Path(seeds)
    if root.is_file():
        raise UsageError(f"--seeds {root}: decisions are recorded in a seed folder, not a single file")
    return root / RESOLUTIONS_FILE


def record(seeds: os.PathLike | str, decisions: list[dict]) -> Path:
    """Add (or replace, for a pair already there) decisions in the folder's ``resolutions.yaml``."""
    from crimegraph.atomic import write_text

    path = resolutions_file(seeds)
    write_text(path, _render(path, decisions))
    return path


def _render(path: Path, decisions: list[dict]) -> str:
    """The text of ``resolutions.yaml`` with ``decisions`` added, or replacing those of the same pairs.

    Each decision is validated as the loader validates it; the caller writes the file whole
    (:mod:`crimegraph.atomic`). Comments at the top of an existing file are kept.
    """
    import yaml
    from pydantic import ValidationError

    from crimegraph.schema.models import Resolution
    from crimegraph.schema.validate import format_pydantic_error

    existing: list = []
    head = _HEADER
    if path.exists():
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines(keepends=True):
            if line.startswith("#"):
                comments.append(line)
            else:
                break
        head = "".join(comments) or _HEADER
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise UsageError(f"{path}: not readable YAML ({exc}); fix it before recording decisions") from None
        if not isinstance(data, dict) or set(data) - {"resolutions"}:
            raise UsageError(f"{path}: expected only a 'resolutions:' list in this file")
        existing = list(data.get("resolutions") or [])
    for d in decisions:
        try:
            res = Resolution.model_validate(d)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise UsageError(format_pydantic_error(f"decision {d.get('a')} / {d.get('b')}", err)) from None
        existing = [x for x in existing if not (isinstance(x, dict) and
                                                {x.get("a"), x.get("b")} == {res.a, res.b})]
        existing.append({k: v for k, v in d.items() if v not in (None, "", [])})
    body = yaml.safe_dump({"resolutions": existing}, allow_unicode=True, sort_keys=False, width=100)
    return head + body
