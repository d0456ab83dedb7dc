"""Stores: one small protocol (:class:`Store`), many backends, one conformance suite."""

from .base import Store
from .registry import BACKENDS, open_store
from .subgraph import Subgraph
from .text import SearchHit, normalize

__all__ = ["BACKENDS", "SearchHit", "Store", "Subgraph", "normalize", "open_store"]
