"""The schema: pydantic models and the relation vocabulary, the single source of truth."""

from .dataset import Dataset
from .models import (
    Actor,
    Alias,
    AnyEntity,
    Citation,
    Coordinates,
    DatasetMeta,
    Economy,
    Entity,
    Event,
    Figures,
    Place,
    Relation,
    SeedFile,
    Source,
    default_relation_id,
)
from .types import Confidence, PartialDate, as_date
from .vocab import ENTITY_TYPES, RELATION_TYPES, Kind, RelationType, kind_of

__all__ = [
    "Actor", "Alias", "AnyEntity", "Citation", "Confidence", "Coordinates", "Dataset",
    "DatasetMeta", "ENTITY_TYPES", "Economy", "Entity", "Event", "Figures", "Kind",
    "PartialDate", "Place", "RELATION_TYPES", "Relation", "RelationType", "SeedFile",
    "Source", "as_date", "default_relation_id", "kind_of",
]
