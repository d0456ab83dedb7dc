"""JSON Schema of the seed files, generated from the models (for editors that validate YAML)."""

from __future__ import annotations

import json

from .models import SeedFile
from .vocab import RELATION_TYPES


def seed_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) that every seed file satisfies."""
    schema = SeedFile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "crimegraph seed file"
    schema["description"] = (
        "A crimegraph seed file: any of a dataset header, sources, entities and relations. "
        "Relation types: " + "; ".join(f"{n} ({d.label})" for n, d in RELATION_TYPES.items())
    )
    return schema


def seed_json_schema_text() -> str:
    return json.dumps(seed_json_schema(), indent=2, ensure_ascii=False) + "\n"
