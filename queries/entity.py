"""``entity_view(entity)``: an entity and its relations, as ``crimegraph show`` and the API give them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crimegraph.schema.models import Entity, Relation

from .answer import Answer
from .dispatch import native
from .shapes import cited_sources


@dataclass
class EntityView(Answer):
    """An entity with every relation (as of a day: those shown then, and what the day left out)."""

    entity: Entity
    relations: list[Relation]
    names: dict[str, str]

    LISTS_LEFT_OUT = True

    def _names(self) -> dict[str, str]:
        return self.names

    def shown_relations(self):
        return self.relations

    def as_dict(self) -> dict[str, Any]:
        from crimegraph.serialize import entity_dict

        d: dict[str, Any] = {
            "entity": entity_dict(self.entity, store=self.sources, as_of=self.as_of),
            "relations": [self.rel(r, self.entity.id) for r in self.relations],
        }
        if self.as_of is not None:
            d["left_out"] = self.left_out_dict()
        return d


@native
def entity_view(store, entity: str, *, as_of=None) -> EntityView:
    """An entity and its relations, each with its sources; as of a day, what the day shows.

    Parameters
    ----------
    store : Store
        Any store, or an :func:`~crimegraph.queries.as_of` view.
    entity : str
        An entity id, name or alias.
    as_of : date, int or str, optional
        The relations shown on that day (valid, or undated and already reported), and
        in ``left_out`` the others with the reason (schema/timing.py).

    Examples
    --------
    >>> import crimegraph
    >>> from crimegraph.queries import entity_view
    >>> v = entity_view(crimegraph.open_store(), "shining-path", as_of=1985)
    >>> "shining-path--participated-in--tayacaja-ambush-2008" in {x.relation.id for x in v.left_out}
    True
    """
    e = store.resolve(entity)
    every = store.relations(e.id)
    names = {e.id: e.name}
    for r in every:
        o = r.other(e.id)
        if o not in names:
            names[o] = store.entity(o).name
    shown = store.relations(e.id, as_of=as_of) if as_of is not None else every
    return EntityView(e, shown, names, as_of=as_of, sources=cited_sources(store, every, [e]))
