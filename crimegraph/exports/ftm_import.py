"""FollowTheMoney import (``crimegraph import ftm FILE``): see :mod:`crimegraph.exports.ftm`."""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator, Optional

from crimegraph.errors import UsageError
from crimegraph.schema.models import SLUG_PATTERN, Entity, Place, Relation, Source, default_relation_id
from crimegraph.schema.types import RELIABILITY, Confidence, PartialDate
from crimegraph.schema.vocab import ENTITY_TYPES, RELATION_TYPES, STATUSES, Kind, kind_of

from ._common import SlugAllocator, entity_seed, file_digest, seed_dict, slugify
from .ftm import CONTEXT_KEY, LIFETIME_PROPS, SCHEMA_BY_TYPE, _ns, bind

#: the followthemoney model and its error class, bound on first use by :func:`load_ftm`
model: Any = None
InvalidData: Any = Exception


def load_ftm() -> Any:
    """The FtM model (imported on first use: :func:`crimegraph.exports.ftm.load_ftm`)."""
    return bind(globals())


_PERSON_LIKE = ("Person",)
_ORG_LIKE = ("Organization", "Company", "PublicBody", "LegalEntity")
_PLACE_LIKE = ("Address", "Territory")
_SOURCE_LIKE = ("Document",)  # and every schema that extends it (Article, Pages, …)

#: FtM edge schema -> (subject property, object property, role property, default relation type)
LINKS: dict[str, tuple[str, str, Optional[str], Optional[str]]] = {
    "Membership": ("member", "organization", "role", "member_of"),
    "Directorship": ("director", "organization", "role", "leads"),
    "Employment": ("employee", "employer", "role", "member_of"),
    "Associate": ("person", "associate", "relationship", "associated_with"),
    "Family": ("person", "relative", "relationship", "associated_with"),
    "UnknownLink": ("subject", "object", "role", None),
    "ProjectParticipant": ("participant", "project", "role", "engages_in"),
    "Representation": ("agent", "client", "role", "associated_with"),
    "Ownership": ("owner", "asset", "role", "associated_with"),
    "Control": ("controller", "entity", "role", "associated_with"),
}
#: (subject kind, object kind) -> relation type, when nothing more specific is known
BY_KINDS: dict[tuple[str, str], str] = {
    ("actor", "actor"): "associated_with",
    ("actor", "place"): "operates_in",
    ("actor", "economy"): "engages_in",
    ("actor", "event"): "participated_in",
    ("place", "place"): "located_in",
    ("place", "economy"): "hub_for",
    ("event", "place"): "occurred_in",
    ("event", "economy"): "concerns",
    ("event", "actor"): "targets",
}
#: topics (OpenSanctions) -> actor type, first match wins
TOPIC_TYPES: tuple[tuple[str, str], ...] = (
    ("gov", "state_actor"),
    ("mil", "state_actor"),
    ("crime.terror", "armed_group"),
    ("crime.war", "armed_group"),
    ("crime.traffick.drug", "drug_trafficking_organization"),
    ("crime.traffick", "transnational_criminal_organization"),
    ("crime", "transnational_criminal_organization"),
)
#: words in an event's name or summary -> event type
EVENT_WORDS: tuple[tuple[str, str], ...] = (
    ("seiz", "seizure"), ("incaut", "seizure"), ("decomis", "seizure"),
    ("arrest", "arrest"), ("captur", "arrest"), ("detain", "arrest"), ("detenc", "arrest"),
    ("extradit", "arrest"),
    ("kill", "killing"), ("murder", "killing"), ("assassin", "killing"), ("asesin", "killing"),
    ("homicid", "killing"),
    ("clash", "clash"), ("enfrent", "clash"), ("combat", "clash"), ("firefight", "clash"),
    ("prosecut", "prosecution"), ("trial", "prosecution"), ("indict", "prosecution"),
    ("sentenc", "prosecution"), ("juicio", "prosecution"), ("acusa", "prosecution"),
    ("attack", "attack"), ("ataque", "attack"), ("ambush", "attack"), ("emboscad", "attack"),
    ("bomb", "attack"), ("atentad", "attack"),
)
_LABELS: dict[str, str] = {}
for _name, _rt in RELATION_TYPES.items():
    for _k in (_name, _rt.label, _rt.slug, _rt.label.replace(" ", "_")):
        _LABELS[_k.lower()] = _name
#: roles (``Membership.role`` …) that mean leadership
for _k in ("leader", "head", "chief", "commander", "boss", "jefe", "líder", "lider", "cabecilla"):
    _LABELS[_k] = "leads"
_SLUG_RE = re.compile(SLUG_PATTERN)
_REL_ID = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")


class _Report:
    """Collects what could not be mapped, aggregated so that 10,000 alike items make one line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.groups: dict[str, list[str]] = defaultdict(list)
        self.props: Counter = Counter()

    def line(self, text: str) -> None:
        self.lines.append(text)

    def group(self, key: str, example: str) -> None:
        self.groups[key].append(example)

    def prop(self, schema: str, prop: str, n: int) -> None:
        self.props[f"{schema}.{prop}"] += n

    def result(self) -> list[str]:
        out = list(self.lines)
        for key, examples in self.groups.items():
            shown = ", ".join(examples[:5]) + (", …" if len(examples) > 5 else "")
            out.append(f"{key}: {len(examples)} (e.g. {shown})")
        for key, n in sorted(self.props.items()):
            out.append(f"property {key} not mapped: {n} value{'s' if n != 1 else ''}")
        return out


def _iter_json(path: Path, report: _Report) -> Iterator[dict]:
    """Entity dicts from line-delimited JSON (or one JSON array, or one object per file)."""
    from crimegraph.textfile import UTF8_BOM, NotUTF8, decode_utf8, other_encoding

    def text(data: bytes, line_offset: int = 0) -> str:
        try:
            return decode_utf8(data, line_offset=line_offset)
        except NotUTF8 as exc:
            raise UsageError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None

    with open(path, "rb") as fh:  # decoded line by line: a dump of millions of lines streams
        start = fh.read(64)
        if other_encoding(start):
            text(start)  # names the UTF-16 or UTF-32 byte-order mark
        head = start.lstrip(UTF8_BOM).lstrip()[:1]
        fh.seek(0)
        if head == b"[":
            try:
                data = json.loads(text(fh.read()))
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
            except RecursionError:
                raise UsageError(f"{path}: the JSON nests too deeply to read") from None
            for i, item in enumerate(data):
                if isinstance(item, dict):
                    yield item
                else:
                    report.line(f"{path.name}: item {i + 1} is not a JSON object; skipped")
            return
        for n, line in enumerate(fh, start=1):
            raw = text(line.lstrip(UTF8_BOM) if n == 1 else line, line_offset=n - 1).strip()
            if not raw:
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                report.line(f"{path.name}:{n}: not valid JSON ({exc.msg}); line skipped")
                continue
            except RecursionError:
                report.line(f"{path.name}:{n}: the JSON nests too deeply to read; line skipped")
                continue
            if not isinstance(item, dict):
                report.line(f"{path.name}:{n}: not a JSON object; line skipped")
                continue
            yield item


def _flatten(item: dict, report: _Report) -> Iterator[dict]:
    """Nested FtM (OpenSanctions ``*.nested.json``): entities inside properties become entities of their own."""
    props = item.get("properties")
    if not isinstance(props, dict):
        yield item
        return
    schema = model.get(item.get("schema") or "")
    flat: dict[str, Any] = {}
    children: list[dict] = []
    for name, values in props.items():
        if not isinstance(values, list):
            values = [values]
        kept = []
        for v in values:
            if isinstance(v, dict) and "schema" in v:
                child = dict(v)
                prop = schema.properties.get(name) if schema is not None else None
                # a reverse property (``membershipMember``): make sure the child points back
                if prop is not None and prop.stub and prop.reverse is not None and item.get("id"):
                    cprops = dict(child.get("properties") or {})
                    back = list(cprops.get(prop.reverse.name) or [])
                    if item["id"] not in back:
                        back.append(item["id"])
                    cprops[prop.reverse.name] = back
                    child["properties"] = cprops
                elif prop is not None and child.get("id"):
                    kept.append(child["id"])
                children.append(child)
            else:
                kept.append(v)
        if kept:
            flat[name] = kept
    out = dict(item)
    out["properties"] = flat
    yield out
    for child in children:
        yield from _flatten(child, report)


class _Importer:
    def __init__(self, path: Path, options: dict):
        load_ftm()
        self.path = Path(path)
        self.options = options
        self.ns = _ns(options)
        self.report = _Report()
        try:
            self.confidence = Confidence.parse(options.get("confidence") or "F6").code
        except ValueError as exc:
            raise UsageError(f"option confidence (-O confidence=CODE): {exc}") from None
        rel = str(options.get("reliability") or "F").upper()
        if rel not in RELIABILITY:
            raise UsageError(f"option reliability (-O reliability=LETTER): expected a letter A-F, got {rel!r}")
        self.reliability = rel
        org_type = options.get("organization_type") or "transnational_criminal_organization"
        if ENTITY_TYPES.get(org_type, (None,))[0] is not Kind.actor:
            raise UsageError(f"option organization_type: {org_type!r} is not an actor type")
        self.org_type = org_type
        self.proxies: dict[str, Any] = {}
        self.contexts: dict[str, dict] = {}
        self.datasets: dict[str, list[str]] = {}
        self.slugs = SlugAllocator()
        self.source_slugs = SlugAllocator()
        self.entity_id: dict[str, str] = {}     # FtM id -> crimegraph slug
        self.entity_type: dict[str, str] = {}   # FtM id -> crimegraph entity type
        self.source_id: dict[str, str] = {}     # FtM id -> crimegraph source id
        self.url_source: dict[str, str] = {}    # url -> source id
        self.sources: dict[str, dict] = {}
        self.entities: list[dict] = []
        self.relations: dict[str, dict] = {}
        self.rel_keys: dict[tuple, str] = {}
        self.pairs: set[tuple[str, str, str]] = set()

    # ------------------------------------------------------------ reading
    def read(self) -> None:
        for item in _iter_json(self.path, self.report):
            for data in _flatten(item, self.report):
                self._take(data)

    def _take(self, data: dict) -> None:
        ident = data.get("id")
        schema_name = data.get("schema")
        schema = model.get(schema_name) if isinstance(schema_name, str) else None
        if not ident or not isinstance(ident, str):
            self.report.group("entities without an id (skipped)", str(schema_name))
            return
        if schema is None:
            self.report.group(f"entities of unknown schema {schema_name!r} (skipped)", ident)
            return
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            self.report.group("entities whose properties are not an object (skipped)", ident)
            return
        unknown = [k for k in props if k not in schema.properties]
        for k in unknown:
            self.report.prop(schema.name, k + " (not in the FtM model)", len(props[k]) if isinstance(props[k], list) else 1)
        clean = {k: v for k, v in props.items() if k in schema.properties
                 and not schema.properties[k].stub}
        try:
            proxy = model.get_proxy({"id": ident, "schema": schema.name, "properties": clean}, cleaned=False)
        except InvalidData as exc:
            self.report.group(f"entities FtM rejects ({exc})", ident)
            return
        except Exception as exc:  # a malformed real-world value must not stop the import
            self.report.group(f"entities that could not be read ({type(exc).__name__})", ident)
            return
        for k, raw in clean.items():  # FtM drops what its types cannot read: say so
            given = {x for x in (raw if isinstance(raw, list) else [raw]) if isinstance(x, str) and x.strip()}
            if len(proxy.get(k, quiet=True)) < len(given):
                kept = set(proxy.get(k, quiet=True))
                bad = sorted(x for x in given if x not in kept)
                self.report.group(f"{schema.name}.{k} values FtM could not read (dropped)",
                                  f"{ident}: {bad[0]!r}" if bad else ident)
        if ident in self.proxies:
            try:
                self.proxies[ident].merge(proxy)
            except InvalidData as exc:
                self.report.group(f"fragments that could not be merged ({exc})", ident)
        else:
            self.proxies[ident] = proxy
        ctx = data.get(CONTEXT_KEY)
        if isinstance(ctx, dict):
            self.contexts[ident] = ctx
        ds = data.get("datasets")
        if isinstance(ds, list):
            self.datasets[ident] = [d for d in ds if isinstance(d, str)]

    # ------------------------------------------------------------ sources
    def file_source(self) -> str:
        sid = self.options.get("source_id") or ("ftm-" + (slugify(self.path.name) or "import"))
        if not _SLUG_RE.match(sid):
            raise UsageError(f"option source_id: {sid!r} is not a valid id (lowercase letters, digits and single hyphens)")
        if sid in self.sources:
            return sid
        self.source_slugs.taken.add(sid)
        title = self.options.get("source_title") or f"FollowTheMoney import: {self.path.name}"
        self.sources[sid] = {
            "id": sid,
            "title": title,
            "reliability": self.reliability,
            "notes": (f"Imported with `crimegraph import ftm` from {self.path.name} "
                      f"(sha256 {file_digest(self.path)[:16]}) on {_dt.date.today().isoformat()}; "
                      "review every item before merging it into the seeds."),
        }
        return sid

    def _origin(self, ftm_id: str, prefix: str) -> Optional[str]:
        head = f"{self.ns}.{prefix}"
        if ftm_id.startswith(head):
            rest = ftm_id[len(head):]
            if _SLUG_RE.match(rest) or prefix == "rel.":
                return rest
        return None

    def map_sources(self) -> None:
        doc = model["Document"]
        for ftm_id, p in self.proxies.items():
            if not p.schema.is_a(doc):
                continue
            ctx = self.contexts.get(ftm_id)
            wanted = self._origin(ftm_id, "src.")
            record: dict[str, Any] = {}
            if isinstance(ctx, dict):
                try:
                    record = seed_dict(Source.model_validate(ctx))
                    wanted = record["id"]
                except Exception:
                    record = {}
            title = p.first("title") or p.first("name") or p.first("fileName") or ftm_id
            if not wanted:
                wanted = slugify(title)[:80].strip("-") or slugify(ftm_id) or "document"
            sid = self.source_slugs.take(wanted)
            if not record:
                record = {"id": sid, "title": title, "reliability": self.reliability}
                publisher = p.first("publisher") or p.first("author")
                if publisher:
                    record["publisher"] = publisher
                date = p.first("publishedAt") or p.first("date") or p.first("authoredAt")
                if date:
                    try:
                        record["date"] = PartialDate.parse(date[:10]).value
                    except ValueError:
                        pass
                url = p.first("sourceUrl")
                if url and re.match(r"^https?://\S+$", url):
                    record["url"] = url
                notes = p.first("notes") or p.first("summary")
                if notes:
                    record["notes"] = notes
            record["id"] = sid
            self.sources[sid] = record
            self.source_id[ftm_id] = sid
            if record.get("url"):
                self.url_source.setdefault(record["url"], sid)

    def url_source_id(self, url: str, publisher: Optional[str]) -> Optional[str]:
        if not re.match(r"^https?://\S+$", url):
            return None
        if url in self.url_source:
            return self.url_source[url]
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        sid = self.source_slugs.take(slugify(parts.netloc + parts.path)[:80].strip("-") or "web-source")
        rec = {"id": sid, "title": publisher or url, "url": url, "reliability": self.reliability,
               "notes": f"Cited as sourceUrl in {self.path.name}"}
        if publisher:
            rec["publisher"] = publisher
        self.sources[sid] = rec
        self.url_source[url] = sid
        return sid

    def dataset_source_id(self, name: str) -> str:
        key = f"dataset:{name}"
        if key in self.url_source:
            return self.url_source[key]
        sid = self.source_slugs.take("dataset-" + (slugify(name)[:80].strip("-") or "unnamed"))
        self.sources[sid] = {"id": sid, "title": f"FtM dataset {name}", "reliability": self.reliability,
                             "notes": f"Named in the 'datasets' of entities in {self.path.name}"}
        self.url_source[key] = sid
        return sid

    def citations(self, ftm_id: str, p, ctx: Optional[dict]) -> list[dict]:
        """The citations of an imported item: the crimegraph record's, else the file and FtM provenance."""
        out: list[dict] = []
        if ctx and isinstance(ctx.get("citations"), list):
            for c in ctx["citations"]:
                if isinstance(c, dict) and c.get("source") in self.sources:
                    out.append({k: c[k] for k in ("source", "quote", "page") if c.get(k) is not None})
                elif isinstance(c, dict):
                    self.report.group("citations of sources missing from the file (cited the file instead)",
                                      f"{ftm_id} -> {c.get('source')}")
            # sources added in FtM after the export (new proof documents) are kept as well
            known = {c["source"] for c in out}
            for doc in p.get("proof", quiet=True):
                sid = self.source_id.get(doc)
                if sid and sid not in known:
                    out.append({"source": sid})
                    known.add(sid)
            if out:
                return out
        out.append({"source": self.file_source()})
        seen = {out[0]["source"]}
        for doc in p.get("proof", quiet=True):
            sid = self.source_id.get(doc)
            if sid is None:
                self.report.group("proof documents missing from the file", f"{ftm_id} -> {doc}")
            elif sid not in seen:
                out.append({"source": sid})
                seen.add(sid)
        publisher = p.first("publisher", quiet=True)
        for url in p.get("sourceUrl", quiet=True):
            sid = self.url_source_id(url, publisher)
            if sid and sid not in seen:
                out.append({"source": sid})
                seen.add(sid)
        for name in self.datasets.get(ftm_id, ()):
            sid = self.dataset_source_id(name)
            if sid not in seen:
                out.append({"source": sid})
                seen.add(sid)
        return out

    # ------------------------------------------------------------ entities
    def _guess_type(self, ftm_id: str, p) -> Optional[str]:
        s = p.schema
        # a keyword that names a crimegraph type of a fitting kind (our export writes the type label)
        fitting = {"Person": Kind.actor, "Address": Kind.place, "Territory": Kind.place,
                   "Project": Kind.economy}
        kind = next((k for name, k in fitting.items() if name in model.schemata and s.is_a(model[name])),
                    None)
        if kind is None and s.is_a(model["LegalEntity"]):
            kind = Kind.actor
        if kind is None and s.is_a(model["Event"]):
            kind = Kind.event
        for kw in p.get("keywords", quiet=True):
            key = kw.strip().lower()
            for t, (k, label) in ENTITY_TYPES.items():
                if k is kind and key in (t, label) and (t != "person" or s.is_a(model["Person"])):
                    return t
        if s.is_a(model["Person"]):
            return "person"
        if s.is_a(model["LegalEntity"]):  # Organization, Company, PublicBody, LegalEntity
            if s.name == "PublicBody":
                return "state_actor"
            topics = p.get("topics", quiet=True)
            for prefix, t in TOPIC_TYPES:
                if any(x == prefix or x.startswith(prefix + ".") for x in topics):
                    return t
            self.report.group(f"organizations without a telling topic, typed {self.org_type} (review)", ftm_id)
            return self.org_type
        if s.name == "Address":
            from followthemoney import registry

            name = p.first("name") or p.first("full") or ""
            if p.first("city") and p.first("city") == name:
                return "city"
            if p.first("region") and p.first("region") == name:
                return "region"
            if name and registry.country.clean(name) and not (p.has("street") or p.has("city")):
                return "country"
            if p.has("street") or p.has("postalCode"):
                return None  # a street address is not a place of this graph
            return "city" if p.has("city") else "region"
        if s.name == "Territory":
            level = (p.first("level", quiet=True) or "").lower()
            return {"country": "country", "locality": "city"}.get(level, "region")
        if s.is_a(model["Event"]):
            text = " ".join(p.get("name") + p.get("summary", quiet=True) + p.get("keywords", quiet=True)).lower()
            for word, t in EVENT_WORDS:
                if word in text:
                    return t
            return None
        if s.name == "Project":
            for n in p.get("name"):
                key = n.strip().lower()
                for t, (kind, label) in ENTITY_TYPES.items():
                    if kind is Kind.economy and key in (t, label):
                        return t
            return None
        return None

    def _entity_slug(self, ftm_id: str, ctx: Optional[dict]) -> str:
        wanted = self._origin(ftm_id, "")
        if wanted is None and ctx and isinstance(ctx.get("id"), str) and _SLUG_RE.match(ctx["id"]):
            wanted = ctx["id"]
        if wanted is None:
            wanted = slugify(ftm_id) or "entity"
        return self.slugs.take(wanted)

    def map_entities(self) -> None:
        doc = model["Document"]
        thing = model["Thing"]
        used = {"id", "name", "alias", "weakAlias", "previousName", "abbreviation", "description",
                "summary", "notes", "status", "wikidataId", "latitude", "longitude", "date",
                "startDate", "proof", "sourceUrl", "publisher", "full", "city", "region",
                "topics", "keywords", "involved", "organizer", "level", "indexText", "alephUrl",
                *LIFETIME_PROPS.values()}
        for ftm_id, p in self.proxies.items():
            s = p.schema
            if s.is_a(doc) or s.name in LINKS:
                continue
            if not s.is_a(thing):
                if not s.is_a(model["Interval"]):  # intervals are reported with the links
                    self.report.group(f"{s.name} entities not mapped (crimegraph has no such kind)", ftm_id)
                continue
            ctx = self.contexts.get(ftm_id)
            base: dict[str, Any] = {}
            if ctx is not None:
                try:
                    base = entity_seed(_entity_model(ctx))
                except Exception:
                    base = {}
            names = p.get("name")
            if not names:
                names = p.get("full", quiet=True) or p.get("title", quiet=True)
            if not names and not base:
                self.report.group(f"{s.name} entities without a name (skipped)", ftm_id)
                continue
            etype = base.get("type") or self._guess_type(ftm_id, p)
            if etype is None:
                self.report.group(f"{s.name} entities not mapped (no crimegraph type fits)", ftm_id)
                continue
            slug = self._entity_slug(ftm_id, base or None)
            rec = self._entity_record(ftm_id, p, base, etype, names)
            rec["id"] = slug
            rec["citations"] = self.citations(ftm_id, p, base or None)
            # report what is left over (our own export's derived properties are known)
            if not base:
                for prop, values in p.properties.items():
                    if prop not in used:
                        self.report.prop(s.name, prop, len(values))
            self.entity_id[ftm_id] = slug
            self.entity_type[ftm_id] = etype
            self.entities.append(_order_entity(rec))

    def _entity_record(self, ftm_id: str, p, base: dict, etype: str, names: list[str]) -> dict:
        rec: dict[str, Any] = {"type": etype}
        expected = _expected_props(base) if base else {}

        def same(prop: str) -> bool:
            return bool(base) and sorted(p.get(prop, quiet=True)) == sorted(expected.get(prop, []))

        if same("name") and same("alias"):
            rec["name"] = base["name"]
            if base.get("aliases"):
                rec["aliases"] = base["aliases"]
        else:
            rec["name"] = names[0]
            aliases: list[str] = []
            for prop in ("name", "alias", "weakAlias", "previousName", "abbreviation"):
                for n in p.get(prop, quiet=True):
                    if n != rec["name"] and n not in aliases:
                        aliases.append(n)
            if aliases:
                langs = {a["name"]: a.get("lang") for a in base.get("aliases", []) if isinstance(a, dict)}
                rec["aliases"] = [{"name": a, "lang": langs[a]} if langs.get(a) else a for a in aliases]
        if same("description"):
            if base.get("description"):
                rec["description"] = base["description"]
        else:
            # summary and notes stand in for a description, except in our own export (derived text there)
            foreign = not base and not ftm_id.startswith(self.ns + ".")
            desc = p.get("description", quiet=True) or (p.get("summary", quiet=True) if foreign else [])
            if not desc and foreign:
                desc = p.get("notes", quiet=True)
            if desc:
                rec["description"] = "\n\n".join(desc)
        status = [x.strip().lower() for x in p.get("status", quiet=True)]
        if base.get("status") and (not status or status == [base["status"]]):
            rec["status"] = base["status"]
        elif status and status[0] in STATUSES and kind_of(etype) is not Kind.place:
            rec["status"] = status[0]
        ext = dict(base.get("external_ids") or {})
        qid = p.first("wikidataId", quiet=True)
        if qid and re.match(r"^Q[1-9][0-9]*$", qid):
            ext["wikidata"] = qid
        elif "wikidata" in ext and not qid and not same("wikidataId"):
            ext.pop("wikidata")
        if not base and not ftm_id.startswith(self.ns + "."):
            ext["ftm"] = ftm_id
        if ext:
            rec["external_ids"] = ext
        if kind_of(etype) is Kind.place:
            if base.get("coordinates") and same("latitude") and same("longitude"):
                rec["coordinates"] = base["coordinates"]
            else:
                try:
                    lat, lon = float(p.first("latitude", quiet=True)), float(p.first("longitude", quiet=True))
                    if -90 <= lat <= 90 and -180 <= lon <= 180:
                        rec["coordinates"] = {"lat": lat, "lon": lon}
                except (TypeError, ValueError):
                    pass
        if kind_of(etype) is Kind.actor:
            person = etype == "person"
            for field, prop in LIFETIME_PROPS.items():
                if (field in ("born", "died")) != person:
                    continue
                values = sorted(p.get(prop, quiet=True))
                if base.get(field) and (not values or values[0][:10] == str(base[field])):
                    rec[field] = base[field]
                elif values:
                    try:
                        rec[field] = PartialDate.parse(values[0][:10]).value
                    except ValueError:
                        self.report.group(f"{prop} values not understood (left out)",
                                          f"{ftm_id}: {values[0]}")
            if base.get("captured"):
                rec["captured"] = base["captured"]
        if base.get("derived"):
            rec["derived"] = base["derived"]
        if kind_of(etype) is Kind.event:
            date = p.first("date", quiet=True) or p.first("startDate", quiet=True)
            if date:
                try:
                    rec["date"] = PartialDate.parse(date[:10]).value
                except ValueError:
                    self.report.group("event dates not understood", f"{ftm_id}: {date}")
            if base.get("figures"):
                rec["figures"] = base["figures"]
        return rec

    # ------------------------------------------------------------ relations
    def _rel_type(self, schema_name: str, role_values: list[str], ctx_type: Optional[str],
                  s_type: str, o_type: str) -> Optional[str]:
        def fits(t: Optional[str]) -> bool:
            if t not in RELATION_TYPES:
                return False
            decl = RELATION_TYPES[t]
            return decl.allows("subject", s_type) and decl.allows("object", o_type)

        if fits(ctx_type):
            return ctx_type
        for role in role_values:
            t = _LABELS.get(role.strip().lower())
            if fits(t):
                return t
        default = LINKS.get(schema_name, (None, None, None, None))[3]
        if fits(default):
            return default
        t = BY_KINDS.get((kind_of(s_type).value, kind_of(o_type).value))
        return t if fits(t) else None

    def _add_relation(self, rec: dict, label: str) -> None:
        decl = RELATION_TYPES[rec["type"]]
        ends = (rec["subject"], rec["object"])
        if decl.symmetric:
            ends = tuple(sorted(ends))
        key = (rec["type"], *ends, rec.get("since"), rec.get("until"))
        if key in self.rel_keys and not rec.get("id"):
            first = self.relations[self.rel_keys[key]]
            seen = {json.dumps(c, sort_keys=True) for c in first["citations"]}
            for c in rec["citations"]:
                if json.dumps(c, sort_keys=True) not in seen:
                    first["citations"].append(c)
            self.report.group("links merged into an earlier relation with the same type, ends and period", label)
            return
        rid = rec.get("id") or default_relation_id(rec["type"], rec["subject"], rec["object"])
        n = 2
        base_id = rid
        while rid in self.relations:
            rid = f"{base_id}-{n}"
            n += 1
        if rid != default_relation_id(rec["type"], rec["subject"], rec["object"]):
            rec["id"] = rid
        else:
            rec.pop("id", None)
        self.relations[rid] = rec
        self.rel_keys.setdefault(key, rid)
        self.pairs.add((rec["type"], rec["subject"], rec["object"]))

    def _period(self, ftm_id: str, p, rec: dict) -> None:
        starts = sorted(p.get("startDate", quiet=True)) or sorted(p.get("date", quiet=True))
        ends = sorted(p.get("endDate", quiet=True))
        since = until = None
        try:
            since = PartialDate.parse(starts[0][:10]) if starts else None
        except ValueError:
            self.report.group("link start dates not understood (left open)", f"{ftm_id}: {starts[0]}")
        try:
            until = PartialDate.parse(ends[-1][:10]) if ends else None
        except ValueError:
            self.report.group("link end dates not understood (left open)", f"{ftm_id}: {ends[-1]}")
        if since and until and until.end < since.start:
            self.report.group("links ending before they start (end date dropped)", ftm_id)
            until = None
        if since:
            rec["since"] = since.value
        if until:
            rec["until"] = until.value

    def map_relations(self) -> None:
        for ftm_id, p in self.proxies.items():
            s = p.schema
            if s.name not in LINKS:
                if s.is_a(model["Interval"]) and not s.is_a(model["Thing"]):
                    self.report.group(f"{s.name} entities not mapped (crimegraph has no such relation)", ftm_id)
                continue
            src_prop, dst_prop, role_prop, _ = LINKS[s.name]
            subjects = p.get(src_prop)
            objects = p.get(dst_prop)
            if not subjects or not objects:
                self.report.group(f"{s.name} links missing an end (skipped)", ftm_id)
                continue
            ctx = self.contexts.get(ftm_id)
            base: dict[str, Any] = {}
            if ctx is not None:
                try:
                    base = seed_dict(Relation.model_validate(ctx))
                except Exception:
                    base = {}
            roles = p.get(role_prop) if role_prop else []
            for subj in subjects:
                for obj in objects:
                    self._link(ftm_id, p, s.name, subj, obj, roles, base)
        # after every explicit link, so that an explicit participated_in wins over Event.involved
        event = model["Event"]
        for ftm_id, p in self.proxies.items():
            if p.schema.is_a(event) and ftm_id in self.entity_id:
                self._event_links(ftm_id, p)

    def _link(self, ftm_id, p, schema_name, subj, obj, roles, base) -> None:
        missing = [x for x in (subj, obj) if x not in self.entity_id]
        if missing:
            why = "not in the file" if missing[0] not in self.proxies else "not mapped"
            self.report.group(f"{schema_name} links to entities {why} (skipped)", f"{ftm_id} -> {missing[0]}")
            return
        s_type, o_type = self.entity_type[subj], self.entity_type[obj]
        t = self._rel_type(schema_name, roles, base.get("type"), s_type, o_type)
        if t is None:
            # the link may run the other way round (place -> actor)
            t = self._rel_type(schema_name, roles, None, o_type, s_type)
            if t is None:
                self.report.group(f"{schema_name} links with no relation type for "
                                  f"{kind_of(s_type).value} -> {kind_of(o_type).value} (skipped)", ftm_id)
                return
            subj, obj = obj, subj
        if self.entity_id[subj] == self.entity_id[obj]:
            self.report.group("links from an entity to itself (skipped)", ftm_id)
            return
        rec: dict[str, Any] = {"type": t, "subject": self.entity_id[subj], "object": self.entity_id[obj]}
        if base.get("id") and base.get("type") == t:
            rec["id"] = base["id"]
        elif not base:
            ours = self._origin(ftm_id, "rel.")  # our export without records: the id is in the FtM id
            if ours and _REL_ID.match(ours) and ours != default_relation_id(t, rec["subject"], rec["object"]):
                rec["id"] = ours
        self._period(ftm_id, p, rec)
        rec["confidence"] = base.get("confidence") or self.confidence
        rec["citations"] = self.citations(ftm_id, p, base or None)
        if base.get("derived"):
            rec["derived"] = base["derived"]
        if base.get("notes"):
            rec["notes"] = base["notes"]
        elif not base:
            bits = [f"Imported from FtM {schema_name} {ftm_id}"]
            if roles:
                bits.append("role: " + "; ".join(roles))
            desc = p.get("description", quiet=True) + p.get("summary", quiet=True)
            if desc:
                bits.append(" ".join(desc))
            rec["notes"] = ". ".join(bits)
        self._add_relation(_order_relation(rec), ftm_id)

    def _event_links(self, ftm_id: str, p) -> None:
        """``Event.involved`` / ``organizer`` -> participated_in (unless a link says so already)."""
        for prop in ("involved", "organizer"):
            for actor in p.get(prop, quiet=True):
                if actor not in self.entity_id or kind_of(self.entity_type[actor]) is not Kind.actor:
                    self.report.group(f"Event.{prop} values that are not imported actors (skipped)",
                                      f"{ftm_id} -> {actor}")
                    continue
                rec = {"type": "participated_in", "subject": self.entity_id[actor],
                       "object": self.entity_id[ftm_id], "confidence": self.confidence,
                       "citations": self.citations(ftm_id, p, None),
                       "notes": f"Imported from FtM Event.{prop} of {ftm_id}"}
                if ("participated_in", rec["subject"], rec["object"]) in self.pairs:
                    continue
                self._add_relation(_order_relation(rec), ftm_id)

    # ------------------------------------------------------------ result
    def run(self) -> tuple[dict, list[str]]:
        self.read()
        self.file_source()
        self.map_sources()
        self.map_entities()
        # relations after every entity is known; links inside events last so explicit links win
        self.map_relations()
        used_sources = {c["source"] for item in [*self.entities, *self.relations.values()]
                        for c in item["citations"]}
        sources = [s for sid, s in self.sources.items() if sid in used_sources]
        unused = [sid for sid in self.sources if sid not in used_sources and sid != self.file_source()]
        if unused:
            self.report.line(f"{len(unused)} source document(s) cited by nothing imported were left out: "
                             + ", ".join(unused[:5]) + (", …" if len(unused) > 5 else ""))
        seed = {
            "sources": [_order_source(s) for s in sources],
            "entities": self.entities,
            "relations": list(self.relations.values()),
        }
        return seed, self.report.result()


def _entity_model(ctx: dict) -> Entity:
    from pydantic import TypeAdapter

    from crimegraph.schema.models import AnyEntity

    return TypeAdapter(AnyEntity).validate_python(ctx)


def _expected_props(base: dict) -> dict[str, list[str]]:
    """The FtM property values our exporter writes for a crimegraph entity record (to spot edits)."""
    e = _entity_model(base)
    p = model.make_entity(SCHEMA_BY_TYPE[e.type])
    p.add("name", e.name)
    for a in e.aliases:
        p.add("alias", a.name)
    if e.description:
        p.add("description", e.description)
    if "wikidata" in e.external_ids:
        p.add("wikidataId", e.external_ids["wikidata"], quiet=True)
    if isinstance(e, Place) and e.coordinates is not None:
        p.add("latitude", str(e.coordinates.lat))
        p.add("longitude", str(e.coordinates.lon))
    return p.properties


_ENTITY_ORDER = ("id", "type", "name", "aliases", "description", "status", "external_ids",
                 "founded", "dissolved", "born", "died", "captured", "coordinates", "date", "figures",
                 "derived", "citations")
_RELATION_ORDER = ("id", "type", "subject", "object", "since", "until", "confidence", "citations", "notes",
                   "derived")
_SOURCE_ORDER = ("id", "title", "publisher", "date", "url", "reliability", "notes")


def _order(rec: dict, order: tuple[str, ...]) -> dict:
    return {k: rec[k] for k in order if k in rec and rec[k] is not None}


def _order_entity(rec: dict) -> dict:
    return _order(rec, _ENTITY_ORDER)


def _order_relation(rec: dict) -> dict:
    return _order(rec, _RELATION_ORDER)


def _order_source(rec: dict) -> dict:
    return _order(rec, _SOURCE_ORDER)


def read_ftm(path, options: Optional[dict] = None) -> tuple[dict, list[str]]:
    """Map a FollowTheMoney file (line-delimited JSON) into seed data for review.

    Returns ``(seed_data, unmapped)``: ``seed_data`` is
    ``{"sources": [...], "entities": [...], "relations": [...]}`` in the seed
    YAML shape; ``unmapped`` lists, aggregated, what could not be mapped.

    Options: ``confidence`` (Admiralty code for relations without one,
    default ``F6``), ``reliability`` (of the source made for the file,
    default ``F``), ``source_id`` / ``source_title`` (that source's id and
    title), ``organization_type`` (crimegraph type for organizations whose
    topics say nothing, default ``transnational_criminal_organization``),
    ``namespace`` (the id prefix of crimegraph's own export, default
    ``crimegraph``).
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"FtM file not found: {p}")
    return _Importer(p, dict(options or {})).run()

