"""Content negotiation: the ``Accept`` header with q-values (RFC 9110, section 12.5.1).

The quality of an offered media type is the ``q`` of the most specific range
that matches it (``text/turtle`` beats ``text/*`` beats ``*/*``). Among offers
of equal quality, the one matched by the more specific range wins, then the
server's order; so ``Accept: text/html, */*`` gets HTML even where the server
would otherwise prefer Turtle. An offer with ``q=0`` is refused. A missing,
empty or entirely malformed header accepts anything (the server's first offer).

>>> negotiate("text/turtle;q=0.9, application/ld+json", ["text/turtle", "application/ld+json"])
'application/ld+json'
>>> negotiate("text/*;q=0.5, text/html;q=0", ["text/html", "text/turtle"])
'text/turtle'
>>> negotiate("image/png", ["text/turtle"]) is None
True
>>> negotiate(None, ["text/turtle", "text/html"])
'text/turtle'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

#: longest Accept header read, and most ranges taken from it (the rest are ignored)
MAX_HEADER = 4096
MAX_RANGES = 64
#: headers up to this length have their parse and negotiation cached (browsers' and clients'
#: usual headers); longer ones are worked out each time, so a client cannot fill the caches
CACHE_HEADER = 300

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media: str) -> bool:
        t, _, s = media.partition("/")
        return (self.type == "*" or self.type == t) and (self.subtype == "*" or self.subtype == s)


def _split(header: str) -> list[str]:
    """Split on commas outside quoted strings."""
    parts, buf, quoted, escape = [], [], False, False
    for ch in header:
        if escape:
            buf.append(ch)
            escape = False
        elif ch == "\\" and quoted:
            buf.append(ch)
            escape = True
        elif ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == "," and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def parse_accept(header: Optional[str]) -> tuple[MediaRange, ...]:
    """The valid media ranges of an Accept header, in order; malformed entries are skipped.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/html;level=1;q=0.5, */*;q=0.1, bad")]
    [('text', 'html', 0.5), ('*', '*', 0.1)]
    """
    if not header:
        return ()
    if len(header) <= CACHE_HEADER:
        return _parse_cached(header)
    return _parse(header)


@lru_cache(maxsize=512)
def _parse_cached(header: str) -> tuple[MediaRange, ...]:
    return _parse(header)


def _parse(header: str) -> tuple[MediaRange, ...]:
    out = []
    for i, item in enumerate(_split(header[:MAX_HEADER])[:MAX_RANGES]):
        media, *params = item.split(";")
        m = _RANGE.match(media)
        if not m:
            continue
        t, s = m.group(1).lower(), m.group(2).lower()
        if t == "*" and s != "*":
            continue
        q, ok = 1.0, True
        for p in params:
            key, sep, value = p.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                if not sep or not _QVALUE.match(value):
                    ok = False
                    break
                q = float(value)
        if ok:
            out.append(MediaRange(t, s, q, i))
    return tuple(out)


def quality(ranges: Sequence[MediaRange], media: str) -> tuple[float, int]:
    """``(q, specificity)`` of the most specific range matching ``media``; ``(0, -1)`` if none."""
    best: Optional[MediaRange] = None
    for r in ranges:
        if r.matches(media) and (best is None or r.specificity > best.specificity):
            best = r
    return (best.q, best.specificity) if best is not None else (0.0, -1)


def negotiate(header: Optional[str], offers: Sequence[str]) -> Optional[str]:
    """The offer the client prefers, or ``None`` when it accepts none of them (406)."""
    if not offers:
        return None
    header = (header or "")[:MAX_HEADER]
    if len(header) <= CACHE_HEADER:
        return _negotiate_cached(header, tuple(offers))
    return _negotiate(header, tuple(offers))


@lru_cache(maxsize=2048)
def _negotiate_cached(header: str, offers: tuple[str, ...]) -> Optional[str]:
    return _negotiate(header, offers)


def _negotiate(header: str, offers: tuple[str, ...]) -> Optional[str]:
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    best, best_key = None, None
    for i, media in enumerate(offers):
        q, spec = quality(ranges, media)
        if q <= 0:
            continue
        key = (q, spec, -i)
        if best_key is None or key > best_key:
            best, best_key = media, key
    return best


def accepts(header: Optional[str], media: str) -> bool:
    """Whether the client accepts ``media`` at all."""
    ranges = parse_accept(header or "")
    return not ranges or quality(ranges, media)[0] > 0
