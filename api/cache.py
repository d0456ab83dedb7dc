"""A small thread-safe LRU cache, and the serialised representations it holds."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Hashable, Optional


@dataclass(frozen=True)
class Representation:
    """A serialised response body with its media type, a strong ETag and extra headers."""

    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""

    @classmethod
    def of(cls, body: bytes, media_type: str, headers: Optional[dict[str, str]] = None) -> "Representation":
        tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        return cls(body, media_type, dict(headers or {}), tag)


class LRU:
    """Least-recently-used mapping with at most ``size`` entries and ``max_bytes`` of bodies.

    ``size=0`` keeps nothing. A :class:`Representation` weighs the length of its body;
    anything else weighs nothing.

    >>> c = LRU(2); c.put("a", 1); c.put("b", 2); c.get("a"); c.put("c", 3)
    1
    >>> c.get("b") is None, len(c)
    (True, 2)
    >>> c = LRU(10, max_bytes=5); c.put("x", Representation.of(b"1234", "text/plain"))
    >>> c.put("y", Representation.of(b"5678", "text/plain")); c.get("x") is None, c.bytes
    (True, 4)
    """

    def __init__(self, size: int, max_bytes: Optional[int] = None):
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        weight = _weight(value)
        if self.max_bytes is not None and weight > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.bytes -= _weight(old)
            self._data[key] = value
            self.bytes += weight
            while len(self._data) > self.size or (self.max_bytes is not None and self.bytes > self.max_bytes):
                _, dropped = self._data.popitem(last=False)
                self.bytes -= _weight(dropped)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.bytes = 0


def _weight(value: Any) -> int:
    return len(value.body) if isinstance(value, Representation) else 0
