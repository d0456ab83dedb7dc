"""``crimegraph schema owl|shacl|context``: the linked-data artefacts generated from the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import MkdirOpt
from .main import _write_text, schema_app

OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
BaseOpt = typer.Option(None, "--base-iri", envvar="CRIMEGRAPH_BASE_IRI",
                       help="Base IRI; the ontology namespace is {base}ontology/.")


def _vocab(base_iri: Optional[str]):
    from crimegraph.rdf.vocab import rdf_vocab

    return rdf_vocab(base_iri)


@schema_app.command("owl")
def schema_owl(output: Optional[Path] = OutputOpt, base_iri: Optional[str] = BaseOpt,
                mkdir: bool = MkdirOpt) -> None:
    """The OWL ontology (Turtle): classes per kind and type, a property per relation type."""
    from crimegraph.rdf.ontology import ontology_text

    _write_text(ontology_text(_vocab(base_iri)), output, mkdir)


@schema_app.command("shacl")
def schema_shacl(output: Optional[Path] = OutputOpt, base_iri: Optional[str] = BaseOpt,
                mkdir: bool = MkdirOpt) -> None:
    """The SHACL shapes (Turtle) that every RDF export conforms to."""
    from crimegraph.rdf.shapes import shapes_text

    _write_text(shapes_text(_vocab(base_iri)), output, mkdir)


@schema_app.command("context")
def schema_context(output: Optional[Path] = OutputOpt, base_iri: Optional[str] = BaseOpt,
                mkdir: bool = MkdirOpt) -> None:
    """The JSON-LD context of the JSON-LD export (served at {base}ontology/context.jsonld)."""
    from crimegraph.rdf.context import context_document

    _write_text(json.dumps(context_document(_vocab(base_iri)), indent=2, ensure_ascii=False) + "\n", output, mkdir)
