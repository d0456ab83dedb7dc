"""Synthetic seed datasets for scale tests and benchmarks: valid, realistic in shape, reproducible.

The shape imitates the real data: a place hierarchy (countries ⊃ regions ⊃
cities, ports, valleys …) joined by ``located_in``; actors whose degrees are
heavy-tailed (a few hubs, many actors with one or two relations); events that
occurred somewhere and had participants; every entity and relation cited, most
relations dated (to the year, month or day), some ended, with Admiralty grades
skewed towards B and C as in real reporting. The same arguments and seed write
byte-identical files.

>>> import tempfile
>>> from crimegraph.schema.loader import load_dataset
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = write_synthetic(tmp, entities=300, relations=1200, seed=1)
...     ds = load_dataset(tmp)
>>> len(ds.entities), len(ds.relations)
(300, 1200)
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

from crimegraph.errors import UsageError
from crimegraph.schema.jsonl import check_seed_format, dump_line
from crimegraph.schema.vocab import RELATION_TYPES, TYPES_BY_KIND, Kind

#: items per YAML file
CHUNK = 50_000
#: smallest dataset that has every kind of entity and a place hierarchy
MIN_ENTITIES = 40

_SYLLABLES = ("ra", "ko", "ma", "ti", "pu", "ca", "lo", "sa", "ná", "qui", "hua", "ya", "ri",
              "to", "me", "cha", "ñu", "pa", "za", "yu", "ro", "ta", "mi", "vi", "cu", "an")
_FIRST = ("José", "María", "Luis", "Ana", "Carlos", "Rosa", "Jorge", "Lucía", "Víctor", "Elena",
          "Raúl", "Nora", "Óscar", "Inés", "Hugo", "Sara", "Iván", "Julia", "Abel", "Edith")
_ACTOR_PREFIX = {
    "armed_group": ("Frente", "Movimiento", "Ejército"),
    "drug_trafficking_organization": ("Cartel de", "Clan del", "Organización"),
    "gang": ("Los", "Las", "Banda de"),
    "transnational_criminal_organization": ("Red", "Mafia", "Tren de"),
    "local_clan": ("Clan", "Familia", "Los"),
    "state_actor": ("Policía de", "Fuerza", "Fiscalía de"),
}
_PLACE_PREFIX = {"country": "República de", "region": "Región", "river_valley": "Valle del",
                 "city": "San", "port": "Puerto", "lake": "Lago", "border_area": "Frontera",
                 "route": "Ruta"}
#: (share of entities) by kind; economies get at least one entity per economy type
_KIND_SHARE = {"place": 0.22, "event": 0.25, "economy": 0.01}
_ACTOR_TYPES = {"person": 35, "gang": 20, "local_clan": 14, "drug_trafficking_organization": 12,
                "transnational_criminal_organization": 8, "armed_group": 5, "state_actor": 6}
_PLACE_TYPES = {"city": 40, "port": 8, "river_valley": 15, "lake": 5, "border_area": 12, "route": 20}
_EVENT_TYPES = {"attack": 20, "clash": 15, "seizure": 30, "arrest": 20, "killing": 10, "prosecution": 5}
#: share of the relations left after the structural ones (located_in, events)
_RELATION_MIX = {"operates_in": 30, "engages_in": 14, "associated_with": 12, "member_of": 10,
                 "allied_with": 7, "rival_of": 7, "supplies": 5, "traffics_to": 4, "leads": 3,
                 "faction_of": 2, "opposes": 2, "targets": 2, "hub_for": 2}
_RELIABILITY = ("ABCDEF", (10, 40, 30, 12, 5, 3))
_CREDIBILITY = ("123456", (15, 35, 30, 12, 5, 3))


@dataclass
class SynthSummary:
    """What was written: counts by kind and relation type, files, and the degree shape."""

    out: Path
    seed: int
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    sources: int = 0
    files: list[str] = field(default_factory=list)
    max_degree: int = 0
    median_degree: float = 0.0

    def as_dict(self) -> dict:
        return {"out": str(self.out), "seed": self.seed, "sources": self.sources,
                "entities": self.entities, "relations": self.relations, "files": self.files,
                "degree": {"max": self.max_degree, "median": self.median_degree}}


class _Pool:
    """Entity ids with Zipf-like weights: the first few are drawn far more often (hubs)."""

    def __init__(self, ids: list[str], rng: random.Random, alpha: float = 0.8):
        self.ids = ids
        order = list(range(len(ids)))
        rng.shuffle(order)  # hubs are spread over the id range, not the first ids
        w = [0.0] * len(ids)
        for rank, i in enumerate(order):
            w[i] = 1.0 / (rank + 1) ** alpha
        self.cum = list(itertools.accumulate(w))
        self.rng = rng

    def __len__(self) -> int:
        return len(self.ids)

    def draw(self) -> str:
        x = self.rng.random() * self.cum[-1]
        return self.ids[min(bisect.bisect_right(self.cum, x), len(self.ids) - 1)]


class _Generator:
    def __init__(self, n_entities: int, n_relations: int, seed: int):
        if n_entities < MIN_ENTITIES:
            raise UsageError(f"--entities must be at least {MIN_ENTITIES}, got {n_entities}")
        if n_relations < n_entities // 2:
            raise UsageError(f"--relations must be at least half of --entities ({n_entities // 2}) "
                             f"for a connected-looking graph, got {n_relations}")
        if n_relations > n_entities * 200:
            raise UsageError(f"--relations may be at most 200 per entity ({n_entities * 200}), "
                             f"got {n_relations}")
        self.n, self.m, self.seed = n_entities, n_relations, seed
        self.rng = random.Random(seed)
        self.serial = itertools.count(1)
        self.ids_by_type: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        self.event_dates: dict[str, str] = {}
        self.degree: dict[str, int] = {}
        self.rel_keys: set[tuple] = set()
        self.rel_counts: dict[str, int] = {}

    # ------------------------------------------------------------ helpers
    def word(self, a: int = 2, b: int = 3) -> str:
        w = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(a, b)))
        return w[:1].upper() + w[1:]

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def new_id(self, name: str) -> str:
        import unicodedata

        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = "-".join("".join(c if c.isalnum() else " " for c in ascii_name.lower()).split())
        return f"{slug[:40].strip('-')}-{next(self.serial)}"

    def date(self, lo: int = 1975, hi: int = 2024) -> tuple[str, int]:
        year = max(lo, hi - int(self.rng.expovariate(1 / 9)))
        p = self.rng.random()
        if p < 0.6:
            return str(year), year
        month = self.rng.randint(1, 12)
        if p < 0.85:
            return f"{year:04d}-{month:02d}", year
        return f"{year:04d}-{month:02d}-{self.rng.randint(1, 28):02d}", year

    def confidence(self) -> str:
        r = self.rng.choices(_RELIABILITY[0], weights=_RELIABILITY[1])[0]
        c = self.rng.choices(_CREDIBILITY[0], weights=_CREDIBILITY[1])[0]
        return r + c

    def citations(self) -> str:
        n = self.rng.choices((1, 2, 3), weights=(65, 25, 10))[0]
        picked = list(dict.fromkeys(self.source_pool.draw() for _ in range(n)))
        out = []
        for s in picked:
            c = f"{{source: {s}"
            if self.rng.random() < 0.12:
                c += f", quote: {_q(self.sentence())}"
            if self.rng.random() < 0.08:
                c += f", page: {_q(str(self.rng.randint(1, 300)))}"
            out.append(c + "}")
        return "[" + ", ".join(out) + "]"

    def sentence(self) -> str:
        return " ".join(self.word(1, 3).lower() for _ in range(self.rng.randint(6, 14))).capitalize() + "."

    # ------------------------------------------------------------ sources
    def sources(self) -> Iterator[str]:
        n = max(5, self.n // 200)
        ids = [f"src-{i:05d}" for i in range(1, n + 1)]
        self.source_pool = _Pool(ids, self.rng, alpha=1.0)
        publishers = ["InSight Crime", "El Comercio", "La República", "Ojo Público", "UNODC",
                      "DEVIDA", "Reuters", "IDL-Reporteros"]
        for i in ids:
            rel = self.rng.choices(_RELIABILITY[0], weights=_RELIABILITY[1])[0]
            year = self.rng.randint(2000, 2024)
            yield (f"  - {{id: {i}, title: {_q(self.word(2, 4) + ' ' + self.word(2, 4) + ' report')}, "
                   f"publisher: {_q(self.rng.choice(publishers))}, date: {year}, reliability: {rel}}}")

    # ------------------------------------------------------------ entities
    def entity_plan(self) -> dict[str, int]:
        n = self.n
        economy = max(len(TYPES_BY_KIND[Kind.economy]), int(n * _KIND_SHARE["economy"]))
        place = max(12, int(n * _KIND_SHARE["place"]))
        event = max(5, int(n * _KIND_SHARE["event"]))
        return {"economy": economy, "place": place, "event": event, "actor": n - economy - place - event}

    def entities(self) -> Iterator[str]:
        plan = self.entity_plan()
        yield from self._economies(plan["economy"])
        yield from self._places(plan["place"])
        yield from self._actors(plan["actor"])
        yield from self._events(plan["event"])

    def _emit(self, etype: str, name: str, extra: str = "") -> str:
        ident = self.new_id(name)
        self.ids_by_type.setdefault(etype, []).append(ident)
        self.names[ident] = name
        return f"  - {{id: {ident}, type: {etype}, name: {_q(name)}{extra}, citations: {self.citations()}}}"

    def _economies(self, count: int) -> Iterator[str]:
        types = list(TYPES_BY_KIND[Kind.economy])
        for i in range(count):
            t = types[i % len(types)]
            label = t.replace("_", " ").capitalize()
            yield self._emit(t, label if i < len(types) else f"{label} ({self.word()})")

    def _places(self, count: int) -> Iterator[str]:
        countries = max(2, count // 2000)
        regions = max(4, count // 25)
        self.place_parent: dict[str, str] = {}
        for _ in range(countries):
            yield self._emit("country", f"{_PLACE_PREFIX['country']} {self.word(2, 3)}")
        country_pool = _Pool(self.ids_by_type["country"], self.rng, alpha=0.5)
        for _ in range(regions):
            line = self._emit("region", f"{_PLACE_PREFIX['region']} {self.word()}")
            self.place_parent[self.ids_by_type["region"][-1]] = country_pool.draw()
            yield line
        region_pool = _Pool(self.ids_by_type["region"], self.rng, alpha=0.7)
        for _ in range(count - countries - regions):
            t = self.pick(_PLACE_TYPES)
            extra = ""
            if self.rng.random() < 0.3:
                extra = (f", coordinates: {{lat: {self.rng.uniform(-18, 0):.4f}, lon: {self.rng.uniform(-81, -68):.4f}}}"
                         ", derived: {coordinates: \"synthetic: drawn at random in Peru's bounding box\"}")
            line = self._emit(t, f"{_PLACE_PREFIX[t]} {self.word()}", extra)
            self.place_parent[self.ids_by_type[t][-1]] = region_pool.draw()
            yield line

    def _actors(self, count: int) -> Iterator[str]:
        for _ in range(count):
            t = self.pick(_ACTOR_TYPES)
            if t == "person":
                name = f"{self.rng.choice(_FIRST)} {self.word()} {self.word()}"
            else:
                name = f"{self.rng.choice(_ACTOR_PREFIX[t])} {self.word()}"
            extra = ""
            if self.rng.random() < 0.15:
                extra += f", aliases: [{_q(self.word(2, 4))}]"
            if t != "person" and self.rng.random() < 0.7:
                extra += ", status: " + self.rng.choices(
                    ("active", "weakened", "dismantled", "defunct", "unknown"), weights=(60, 15, 10, 5, 10))[0]
            yield self._emit(t, name, extra)

    def _events(self, count: int) -> Iterator[str]:
        for _ in range(count):
            t = self.pick(_EVENT_TYPES)
            day, year = self.date(1985)
            extra = f", date: {_q(day)}"
            if self.rng.random() < 0.4:
                key = {"seizure": "kilograms", "arrest": "arrests"}.get(t, "deaths")
                extra += f", figures: {{{key}: {self.rng.randint(1, 60 if key != 'kilograms' else 2000)}}}"
            line = self._emit(t, f"{t.capitalize()} {self.word()} {year}", extra)
            self.event_dates[self.ids_by_type[t][-1]] = day
            yield line

    # ------------------------------------------------------------ relations
    def relations(self) -> Iterator[str]:
        kinds = {k: [i for t in TYPES_BY_KIND[k] for i in self.ids_by_type.get(t, [])] for k in Kind}
        actors = [i for t in _ACTOR_TYPES for i in self.ids_by_type.get(t, [])]
        pools = {
            "actor": _Pool(actors, self.rng),
            "person": _Pool(self.ids_by_type.get("person", actors), self.rng),
            "group": _Pool([i for t in _ACTOR_TYPES if t not in ("person", "state_actor")
                            for i in self.ids_by_type.get(t, [])], self.rng),
            "state": _Pool(self.ids_by_type.get("state_actor", actors), self.rng),
            "place": _Pool(kinds[Kind.place], self.rng, alpha=0.9),
            "economy": _Pool(kinds[Kind.economy], self.rng, alpha=1.1),
            "event": _Pool(kinds[Kind.event], self.rng, alpha=0.3),
        }
        events = kinds[Kind.event]
        structural = len(self.place_parent) + int(len(events) * 2.5)
        scale = min(1.0, 0.5 * self.m / max(structural, 1))
        written = 0
        # the place hierarchy
        for child, parent in self.place_parent.items():
            if written >= self.m * 0.3 or self.rng.random() > scale:
                continue
            line = self._relation("located_in", child, parent, dated=0.05)
            if line:
                written += 1
                yield line
        # events: where, who, what
        for ev in events:
            if self.rng.random() > scale:
                continue
            for t, s, o in self._event_links(ev, pools):
                if written >= self.m:
                    break
                line = self._relation(t, s, o, dated=0.0)
                if line:
                    written += 1
                    yield line
        # the rest: actors' relations, heavy-tailed
        ends = {
            "operates_in": ("actor", "place"), "engages_in": ("actor", "economy"),
            "associated_with": ("group", "actor"), "member_of": ("person", "group"),
            "allied_with": ("group", "group"), "rival_of": ("group", "group"),
            "supplies": ("group", "group"), "traffics_to": ("group", "place"),
            "leads": ("person", "group"), "faction_of": ("group", "group"),
            "opposes": ("state", "group"), "targets": ("state", "actor"),
            "hub_for": ("place", "economy"),
        }
        types, weights = list(_RELATION_MIX), list(_RELATION_MIX.values())
        misses = 0
        while written < self.m:
            t = self.rng.choices(types, weights=weights)[0]
            s_pool, o_pool = ends[t]
            line = self._relation(t, pools[s_pool].draw(), pools[o_pool].draw())
            if line:
                written += 1
                misses = 0
                yield line
            else:
                misses += 1
                if misses > 10_000:
                    raise UsageError(f"could not draw {self.m} distinct relations among {self.n} "
                                     "entities; ask for fewer relations or more entities")

    def _event_links(self, ev: str, pools) -> list[tuple[str, str, str]]:
        out = [("occurred_in", ev, pools["place"].draw())]
        for _ in range(self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            out.append(("participated_in", pools["actor"].draw(), ev))
        if self.rng.random() < 0.3:
            out.append(("concerns", ev, pools["economy"].draw()))
        return out

    def _relation(self, t: str, s: str, o: str, dated: float = 0.8) -> Optional[str]:
        if s == o:
            return None
        decl = RELATION_TYPES[t]
        key = (t, *sorted((s, o))) if decl.symmetric else (t, s, o)
        if key in self.rel_keys:
            return None
        self.rel_keys.add(key)
        self.degree[s] = self.degree.get(s, 0) + 1
        self.degree[o] = self.degree.get(o, 0) + 1
        self.rel_counts[t] = self.rel_counts.get(t, 0) + 1
        parts = [f"type: {t}", f"subject: {s}", f"object: {o}"]
        if self.rng.random() < dated:
            since, year = self.date()
            parts.append(f"since: {_q(since)}")
            if self.rng.random() < 0.25:
                until = min(2025, year + 1 + int(self.rng.expovariate(1 / 5)))
                parts.append(f"until: {until}")
        parts.append(f"confidence: {self.confidence()}")
        parts.append(f"citations: {self.citations()}")
        return "  - {" + ", ".join(parts) + "}"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    while True:
        chunk = list(itertools.islice(lines, size))
        if not chunk:
            return
        yield chunk


#: a JSON string, or a plain token of the generator's flow YAML (ids, types, numbers)
_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|([^\s{}\[\],:"]+)')
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _json_token(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1)
    plain = m.group(2)
    if not _NUMBER.fullmatch(plain):
        return '"' + plain + '"'
    return repr(float(plain)) if "." in plain else plain  # -6.7060 as json.dumps writes it: -6.706


def _jsonl_record(kind: str, line: str) -> str:
    """A generated item line (``  - {key: value, ...}``) as a JSON Lines record.

    The generator writes one grammar: strings JSON-quoted (:func:`_q`) or plain tokens
    (ids, types, codes), numbers plain; so quoting the plain tokens that are not
    numbers gives the same data YAML reads, in the canonical form of
    :func:`crimegraph.schema.jsonl.dump_line` (``", "`` and ``": "`` separators).
    """
    assert line.startswith("  - {"), line
    return '{"kind": "' + kind + '", ' + _TOKEN.sub(_json_token, line[5:])


def write_synthetic(out: os.PathLike | str, *, entities: int, relations: int, seed: int = 0,
                    chunk: int = CHUNK, progress: Optional[Callable[[int], None]] = None,
                    force: bool = False, mkdir: bool = False, seed_format: str = "yaml") -> SynthSummary:
    """Write a synthetic seed folder that ``crimegraph validate`` accepts.

    Parameters
    ----------
    out : path
        Folder to write; it must be empty or absent (``force`` replaces the YAML
        files of an earlier run and keeps anything else). It appears whole or not
        at all: the files are written into a temporary folder beside it, which is
        renamed into place at the end (:mod:`crimegraph.atomic`).
    entities, relations : int
        How many of each (exactly).
    seed : int
        The same seed writes the same files.
    chunk : int
        Items per file: ``entities/entities-0001.yaml``, ``relations/relations-0001.yaml`` …
    progress : callable, optional
        Called with the number of items just written.
    mkdir : bool
        Create the parent folders of ``out`` if they are missing (``force`` does too).
    seed_format : ``"yaml"`` or ``"jsonl"``
        The files' format: YAML, or JSON Lines (:mod:`crimegraph.schema.jsonl`, one record
        per line: ``dataset.jsonl``, ``sources.jsonl``, ``entities/entities-0001.jsonl`` …);
        the same seed gives the same data in either.

    Returns
    -------
    SynthSummary
    """
    from crimegraph.atomic import atomic_folder

    out = Path(out)
    gen = _Generator(entities, relations, seed)
    summary = SynthSummary(out=out, seed=seed)
    with atomic_folder(out, option="--out", mkdir=mkdir, force=force, owns=_owned) as folder:
        _write_files(folder, gen, summary, entities, relations, seed, chunk, progress, seed_format)
    summary.entities = {k.value: sum(len(gen.ids_by_type.get(t, [])) for t in TYPES_BY_KIND[k])
                        for k in Kind}
    summary.relations = dict(sorted(gen.rel_counts.items()))
    degrees = sorted(gen.degree.get(i, 0) for i in gen.names)
    summary.max_degree = degrees[-1] if degrees else 0
    summary.median_degree = float(degrees[len(degrees) // 2]) if degrees else 0.0
    return summary


def _owned(entry: Path) -> bool:
    """What ``--force`` replaces in an earlier run's folder: its YAML files and item folders."""
    return entry.name in ("entities", "relations") or entry.suffix in (".yaml", ".yml", ".jsonl")


def _write_files(out: Path, gen: _Generator, summary: SynthSummary, entities: int, relations: int,
                 seed: int, chunk: int, progress, seed_format: str = "yaml") -> None:
    """Write the files into ``out`` (the folder being built)."""
    check_seed_format(seed_format)
    as_jsonl = seed_format == "jsonl"
    kinds = {"sources:\n": "source", "entities:\n": "entity", "relations:\n": "relation"}

    def write(rel: str, header: str, lines: list[str]) -> None:
        if as_jsonl:
            rel = rel[:-len(".yaml")] + ".jsonl"
            if rel == "dataset.jsonl":
                lines = [dump_line("dataset", {"id": f"synth-{entities}-{relations}-s{seed}",
                                               "title": f"Synthetic dataset ({entities} entities, "
                                                        f"{relations} relations, seed {seed})",
                                               "description": "Generated for scale tests and benchmarks; "
                                                              "every name is invented."})]
            else:
                lines = [_jsonl_record(kinds[header], line) for line in lines]
            header = ""
        path = out / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        summary.files.append(rel)
        if progress:
            progress(len(lines))

    write("dataset.yaml", "", [
        f"# Synthetic crimegraph dataset: {entities} entities, {relations} relations, seed {seed}.",
        "# Written by `crimegraph synth`; the names are invented.",
        "dataset:",
        f"  id: synth-{entities}-{relations}-s{seed}",
        f"  title: {_q(f'Synthetic dataset ({entities} entities, {relations} relations, seed {seed})')}",
        "  description: Generated for scale tests and benchmarks; every name is invented.",
    ])
    src_lines = list(gen.sources())
    summary.sources = len(src_lines)
    write("sources.yaml", "sources:\n", src_lines)
    for i, lines in enumerate(_chunks(gen.entities(), chunk), 1):
        write(f"entities/entities-{i:04d}.yaml", "entities:\n", lines)
    for i, lines in enumerate(_chunks(gen.relations(), chunk), 1):
        write(f"relations/relations-{i:04d}.yaml", "relations:\n", lines)
