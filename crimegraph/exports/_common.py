"""Small helpers shared by the interchange formats (FtM, GEXF/GraphML, CSV, Neo4j bulk).

Nothing here builds a copy of a dataset: the helpers turn one record at a
time into plain values, or wrap the output target so that exporters can
stream to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from crimegraph.schema.models import Citation, Entity, Event, Place, Relation, Source
from crimegraph.schema.vocab import RELATION_TYPES

# ---------------------------------------------------------------- options
def flag(options: dict, key: str, default: bool) -> bool:
    """A boolean option that may arrive as a string from the command line (``-O context=false``)."""
    value = options.get(key, default)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off", ""):
            return False
        from crimegraph.errors import UsageError

        raise UsageError(f"--option {key}: expected true or false, got {value!r}")
    return bool(value)


# ---------------------------------------------------------------- targets
@contextlib.contextmanager
def text_out(target: Any) -> Iterator[IO[str]]:
    """A UTF-8 text stream over ``target`` (a binary file object, or a path).

    A file object given by the caller is flushed and left open; a path is
    opened and closed here.
    """
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    wrapper = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=False)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()


def out_dir(target: Any) -> Path:
    """The output folder of a multi-file format: created when missing (its parent must exist).

    ``crimegraph export`` passes the temporary folder of :func:`crimegraph.atomic.atomic_folder`,
    which is renamed into place once the exporter has written everything.
    """
    from crimegraph.atomic import check_folder_target

    path = Path(target)
    if not path.is_dir():
        check_folder_target(path)
        path.mkdir()
    return path


# ---------------------------------------------------------------- records as plain data
def seed_dict(item: Entity | Relation | Source) -> dict[str, Any]:
    """An item in the seed-file shape (plain JSON types, no ``None`` values)."""
    return item.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def entity_seed(e: Entity) -> dict[str, Any]:
    d = seed_dict(e)
    if not d.get("aliases"):
        d.pop("aliases", None)
    if not d.get("external_ids"):
        d.pop("external_ids", None)
    return d


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def citation_line(c: Citation, sources: dict[str, Source]) -> str:
    """A citation in words: ``[src] Publisher, Title (2023), p. 4: “quote”``."""
    s = sources.get(c.source)
    if s is None:
        text = f"[{c.source}]"
    else:
        text = f"[{c.source}] " + ", ".join(p for p in (s.publisher, s.title) if p)
        if s.date:
            text += f" ({s.date})"
    if c.page:
        text += f", p. {c.page}"
    if c.quote:
        text += f": “{c.quote}”"
    return text


def period_start(r: Relation) -> Optional[str]:
    """The first day the relation's ``since`` covers (ISO), or None when open."""
    return r.since.start.isoformat() if r.since is not None else None


def period_end(r: Relation) -> Optional[str]:
    """The last day the relation's ``until`` covers (ISO), or None when open."""
    return r.until.end.isoformat() if r.until is not None else None


def entity_extra(e: Entity) -> dict[str, Any]:
    """Kind-specific fields: coordinates of places, date and figures of events."""
    out: dict[str, Any] = {}
    if isinstance(e, Place) and e.coordinates is not None:
        c = e.coordinates
        out["lat"] = c.lat
        out["lon"] = c.lon
        # an area's extent: its stated radius, its bbox ("west,south,east,north"), and the
        # radius the maps draw (the stated one, or half the bbox's diagonal)
        if c.radius_km is not None:
            out["radius_km"] = c.radius_km
        if c.bbox is not None:
            out["bbox"] = ",".join(repr(float(x)) for x in c.bbox)
        if c.extent_km:
            out["extent_km"] = round(c.extent_km, 3)
    if isinstance(e, Event):
        if e.date is not None:
            out["date"] = e.date.value
            out["date_precision"] = e.date.precision
            out["date_start"] = e.date.start.isoformat()
            out["date_end"] = e.date.end.isoformat()
        if e.figures is not None:
            figs = e.figures.model_dump(exclude_none=True)
            if figs:
                out["figures_json"] = json_text(figs)
    return out


#: an actor's sourced lifetime, as written
LIFETIME_COLUMNS = ("founded", "dissolved", "born", "died", "captured")
#: the derived time of an entity or relation (schema/timing.py), kept apart from validity
TIME_COLUMNS = ("first_reported", "last_reported", "time_basis", "shown_from", "shown_until")


def lifetime_values(e: Entity) -> dict[str, str]:
    """``{"founded": "1970", "died": "2021-09-11"}``: the lifetime fields an entity states."""
    return {f: getattr(e, f).value for f in LIFETIME_COLUMNS if getattr(e, f, None) is not None}


def time_values(item) -> dict[str, Any]:
    """The derived time of an item, as plain values: first and last reported (as written), the
    basis of its as-of window and the window's first and last day (ISO; ``shown_from`` absent
    for an undated item, which no as-of answer shows)."""
    t = item.timing
    if t is None:
        return {}
    out: dict[str, Any] = {"time_basis": t.basis}
    if t.first is not None:
        out["first_reported"] = t.first.value
    if t.last is not None:
        out["last_reported"] = t.last.value
    if t.start is not None:
        out["shown_from"] = t.start.isoformat()
    if t.end is not None:
        out["shown_until"] = t.end.isoformat()
    return out


def relation_label(r: Relation) -> str:
    return RELATION_TYPES[r.type].label


# ---------------------------------------------------------------- XML text
# XML 1.0 cannot carry C0 control characters other than tab, newline and carriage
# return, nor U+FFFE/U+FFFF or lone surrogates: they become U+FFFD.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def xml_attr(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute, whitespace kept exactly.

    Tabs, newlines and carriage returns are written as character references:
    a parser would otherwise normalise them to spaces.
    """
    return (xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
            .replace("\t", "&#9;"))


def xml_text(text: str) -> str:
    """``text`` escaped for element content (``\\r`` kept as a character reference)."""
    return (xml_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


# ---------------------------------------------------------------- ids
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 200) -> str:
    """A valid crimegraph slug from any string (``"NK-2x8Q"`` -> ``"nk-2x8q"``); ``""`` if nothing is left.

    Over-long results are cut and made unique with a short hash of the input.
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        slug = slug[: max_length - 11].rstrip("-") + "-" + digest
    return slug


class SlugAllocator:
    """Hands out unique slugs: the second ``foo`` becomes ``foo-2``."""

    def __init__(self, taken: Optional[set[str]] = None):
        self.taken: set[str] = set(taken or ())

    def take(self, wanted: str) -> str:
        slug = wanted
        n = 2
        while slug in self.taken:
            slug = f"{wanted}-{n}"
            n += 1
        self.taken.add(slug)
        return slug


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
