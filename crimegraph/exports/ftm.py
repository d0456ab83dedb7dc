"""FollowTheMoney (FtM): export entities for Aleph / OpenSanctions, import FtM into seed YAML.

This module holds what both directions share (the FtM model, loaded on first use,
the schema of each entity type, the id spaces); the writer is
:mod:`crimegraph.exports.ftm_export`, the reader :mod:`crimegraph.exports.ftm_import`,
kept apart as FollowTheMoney's own code keeps its readers and writers.

Export (``crimegraph export --format ftm``)
-------------------------------------------
Line-delimited JSON, one FtM entity per line, built with the
``followthemoney`` library's model (``model.make_entity`` / ``proxy.add``),
so every value is cleaned and checked by FtM itself. Sources come first, then
entities, then relations, so that a reader meets each entity before the links
that point at it.

==================  =========================================================
crimegraph          FtM
==================  =========================================================
source              ``Article``: title, publisher, publishedAt, sourceUrl, notes;
                    the Admiralty reliability in ``summary``
person              ``Person``
state actor         ``PublicBody``
other actors        ``Organization`` (armed group, DTO, gang, TCO, local clan)
place               ``Address``: name and ``full``; ``city``/``region`` by type;
                    ``latitude``/``longitude``; ``country`` (ISO code) from the
                    place itself or its ``located_in`` chain
economy             ``Project`` ("an activity carried out by participants")
event               ``Event``: ``date`` (partial dates kept: 1999, 1999-03)
member_of           ``Membership`` (member → organization) when the object is an
                    organization; otherwise ``UnknownLink``
leads               ``Directorship`` (director → organization), role "leads"
associated_with,    ``Associate`` between two people (``relationship`` = label);
allied_with         ``UnknownLink`` otherwise
engages_in          ``ProjectParticipant`` (participant → project), role "engages in"
every other type    ``UnknownLink`` (subject → object), ``role`` = the label
==================  =========================================================

On every entity and link: ``proof`` points at the cited sources' ``Article``
entities, ``sourceUrl`` and ``publisher`` list the cited sources' URLs and
publishers (the URL only where the source has one), and the citations in words
— with quote and page — go to ``notes`` (entities) or ``description`` (links,
after the relation's notes). Links carry ``startDate``/``endDate`` (FtM dates
keep crimegraph's precision: ``1999``, ``1999-03``, ``1999-03-12``),
``recordId`` (the crimegraph relation id) and a one-line ``summary`` with the
period and the confidence in words. Entities carry ``keywords`` (the entity
type), ``description``, ``alias``, ``status`` (where the schema has it) and
``wikidataId``.

Ids are namespaced: entity ``{ns}.{slug}``, relation ``{ns}.rel.{id}``, source
``{ns}.src.{id}`` (``ns`` defaults to ``crimegraph``; option ``namespace``),
so that the three id spaces cannot collide and a re-import restores the slugs.

What FtM cannot represent, and where it goes instead: the Admiralty grade of a
relation, the quote and page of each citation as structured data, alias
languages, external ids other than Wikidata, event figures as numbers, the
entity type beyond the schema, and exact strings (FtM collapses whitespace in
names and strips control characters). Each FtM entity therefore also carries a
top-level ``"crimegraph"`` key — the seed record itself — which FtM keeps as
entity context (``EntityProxy.context``), Aleph and the ``ftm`` tools pass
through, and the importer reads. Option ``context: false`` leaves it out;
the import then falls back to the FtM properties (and the default confidence).

Import (``crimegraph import ftm FILE``)
---------------------------------------
:func:`read_ftm` maps any FtM stream — our own export, an Aleph collection
export, OpenSanctions' ``entities.ftm.json`` (flat) or nested JSON — into seed
data for review: Person/Organization/Company/PublicBody/LegalEntity → actors,
Address/Territory → places, Event → events, Project → economies (only with a
crimegraph record or a name that is an economy type), Article/Document →
sources, and the edge schemata Membership, Directorship, Employment,
Associate, Family, UnknownLink, ProjectParticipant, Representation,
Ownership, Control → relations (type from the crimegraph record, the link's
role if it names a relation type, the schema, then the kinds of the two
ends). Everything else — unknown schemata, unmappable links, properties with
no crimegraph field — is reported, never fatal. Each imported item cites one
source entry made for the imported file (reliability ``F`` unless told; option
``reliability``), plus sources made from ``proof`` documents, ``sourceUrl``
and OpenSanctions ``datasets``; relations get the confidence of option
``confidence`` (default ``F6``) unless a crimegraph record gives one.
"""

from __future__ import annotations

import re
from typing import Any

from crimegraph.errors import StoreUnavailable, UsageError
from crimegraph.schema.vocab import ENTITY_TYPES, Kind


#: the followthemoney model and its error class, imported on first use (the library takes
#: seconds to import; every ``crimegraph export`` lists the formats without paying for it)
model: Any = None
InvalidData: Any = Exception


def load_ftm():
    """Import followthemoney (once); a clear message when the optional extra is missing."""
    global model, InvalidData
    if model is None:
        try:
            from followthemoney import model as _model
            from followthemoney.exc import InvalidData as _invalid
        except ImportError:
            raise StoreUnavailable("the ftm format needs the followthemoney package; install it with: "
                                   "pip install 'crimegraph[ftm]'") from None
        model, InvalidData = _model, _invalid
    return model


def bind(namespace: dict) -> Any:
    """Load the model and bind ``model`` and ``InvalidData`` in a module's globals (the writer's
    and the reader's code read them as module names)."""
    namespace["model"], namespace["InvalidData"] = load_ftm(), InvalidData
    return namespace["model"]


DEFAULT_NAMESPACE = "crimegraph"
CONTEXT_KEY = "crimegraph"

#: entity type -> FtM schema
ORG_SCHEMA = "Organization"
SCHEMA_BY_TYPE: dict[str, str] = {}
for _t, (_kind, _label) in ENTITY_TYPES.items():
    if _kind is Kind.actor:
        SCHEMA_BY_TYPE[_t] = {"person": "Person", "state_actor": "PublicBody"}.get(_t, ORG_SCHEMA)
    elif _kind is Kind.place:
        SCHEMA_BY_TYPE[_t] = "Address"
    elif _kind is Kind.economy:
        SCHEMA_BY_TYPE[_t] = "Project"
    else:
        SCHEMA_BY_TYPE[_t] = "Event"
SOURCE_SCHEMA = "Article"
#: sourced lifetime -> FtM property (written where the entity's schema has it: Organization
#: and PublicBody ``incorporationDate``/``dissolutionDate``, Person ``birthDate``/``deathDate``);
#: ``captured`` has no FtM property and travels in the crimegraph record only
LIFETIME_PROPS = {"founded": "incorporationDate", "dissolved": "dissolutionDate",
                  "born": "birthDate", "died": "deathDate"}


def _ns(options: dict) -> str:
    ns = str(options.get("namespace") or DEFAULT_NAMESPACE)
    if not re.match(r"^[0-9A-Za-z]([0-9A-Za-z-]*[0-9A-Za-z])?$", ns):
        raise UsageError(f"namespace: {ns!r} must be letters, digits and inner hyphens (FtM ids allow no more)")
    return ns


def entity_ftm_id(ns: str, slug: str) -> str:
    return f"{ns}.{slug}"


def relation_ftm_id(ns: str, rel_id: str) -> str:
    return f"{ns}.rel.{rel_id}"


def source_ftm_id(ns: str, src_id: str) -> str:
    return f"{ns}.src.{src_id}"



def __getattr__(name: str):
    """``write_ftm``, ``read_ftm`` and the rest of either direction, for older imports."""
    from . import ftm_export, ftm_import

    for mod in (ftm_export, ftm_import):
        if hasattr(mod, name):
            return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

