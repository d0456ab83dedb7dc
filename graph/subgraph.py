"""A subgraph: the entities and relations a query or a map works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from crimegraph.schema.models import Entity, Relation, Source


@dataclass
class Subgraph:
    """Entities and relations (each relation's ends are in ``entities``).

    ``more`` counts, per entity, the neighbours left out by a cap ("and N more").
    ``highlight`` holds relation ids to emphasise (the steps of a path).
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)
    highlight: set[str] = field(default_factory=set)
    focus: list[str] = field(default_factory=list)

    def add_entity(self, e: Entity) -> None:
        self.entities.setdefault(e.id, e)

    def add_relation(self, r: Relation) -> None:
        self.relations.setdefault(r.id, r)

    def node_ids(self) -> list[str]:
        return list(self.entities)

    def cited_source_ids(self) -> set[str]:
        ids: set[str] = set()
        for r in self.relations.values():
            ids.update(c.source for c in r.citations)
        for e in self.entities.values():
            ids.update(c.source for c in e.citations)
        return ids

    def degree(self) -> dict[str, int]:
        deg = {i: 0 for i in self.entities}
        for r in self.relations.values():
            deg[r.subject] = deg.get(r.subject, 0) + 1
            deg[r.object] = deg.get(r.object, 0) + 1
        return deg

    def filtered(self, keep_relation) -> "Subgraph":
        rels = {k: r for k, r in self.relations.items() if keep_relation(r)}
        return Subgraph(dict(self.entities), rels, dict(self.sources), dict(self.more),
                        set(self.highlight) & set(rels), list(self.focus))

    @classmethod
    def of(cls, entities: Iterable[Entity], relations: Iterable[Relation]) -> "Subgraph":
        sg = cls()
        for e in entities:
            sg.add_entity(e)
        for r in relations:
            sg.add_relation(r)
        return sg
