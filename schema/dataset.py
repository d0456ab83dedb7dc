"""The validated, in-memory dataset that every store is written from."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from .models import DatasetMeta, Entity, Relation, Resolution, Source


@dataclass
class Dataset:
    """A validated dataset: sources, entities and relations keyed by id.

    Only :func:`crimegraph.schema.loader.load_dataset` (or code that runs
    :func:`crimegraph.schema.validate.check_dataset`) should build one, so
    that a store is never written from unvalidated data.

    Its models are compact (:mod:`crimegraph.schema.compact`): equal values
    (fields-sets, ``Confidence``, ``PartialDate``, id strings) are shared
    between them, immutable or copied on write, so a change to one model
    never shows through another.
    """

    meta: DatasetMeta = field(default_factory=DatasetMeta)
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    #: reviewed decisions about entities that look alike, by canonical pair (``Resolution.pair``)
    resolutions: dict[tuple[str, str], Resolution] = field(default_factory=dict, repr=False)
    #: problems that do not make the dataset invalid (places without coordinates)
    warnings: list = field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.entities) + len(self.relations) + len(self.sources)

    def iter_relations(self) -> Iterator[Relation]:
        return iter(self.relations.values())

    def fingerprint(self) -> str:
        """The dataset's version: a hash of its content (sources, entities, relations), 12 hex digits.

        Two datasets with the same records in any order have the same fingerprint,
        whatever store they were read from; any change to a record changes it. The
        dossiers of ``crimegraph report`` print it on every page.

        >>> Dataset().fingerprint() == Dataset().fingerprint()
        True
        """
        h = hashlib.sha256()
        for name, records in (("sources", self.sources), ("entities", self.entities),
                              ("relations", self.relations)):
            h.update(f"\0{name}\0".encode())
            for key in sorted(records):
                h.update(records[key].model_dump_json(exclude={"timing"}).encode())
                h.update(b"\n")
        return h.hexdigest()[:12]

    def stats(self) -> dict:
        """Counts by entity kind, entity type and relation type."""
        kinds = Counter(e.kind.value for e in self.entities.values())
        types = Counter(e.type for e in self.entities.values())
        rels = Counter(r.type for r in self.relations.values())
        return {
            "entities": len(self.entities),
            "relations": len(self.relations),
            "sources": len(self.sources),
            "citations": sum(len(r.citations) for r in self.relations.values())
            + sum(len(e.citations) for e in self.entities.values()),
            "by_kind": dict(sorted(kinds.items())),
            "by_type": dict(sorted(types.items())),
            "by_relation_type": dict(sorted(rels.items())),
        }
