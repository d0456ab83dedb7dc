"""Server settings: limits, workers, CORS and caches, from arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Optional

from crimegraph.errors import UsageError

#: environment variable -> setting (``crimegraph serve`` options set the same names)
ENV = {
    "CRIMEGRAPH_SPARQL_TIMEOUT": "sparql_timeout",
    "CRIMEGRAPH_SPARQL_MAX_RESULTS": "sparql_max_results",
    "CRIMEGRAPH_SPARQL_WORKERS": "sparql_workers",
    "CRIMEGRAPH_SPARQL_MAX_MEMORY": "sparql_max_memory_mb",
    "CRIMEGRAPH_SPARQL_MAX_QUERY": "sparql_max_query_bytes",
    "CRIMEGRAPH_SPARQL_MAX_RESULT_MB": "sparql_max_result_mb",
    "CRIMEGRAPH_SPARQL_ALLOW_UNISOLATED": "sparql_allow_unisolated",
    "CRIMEGRAPH_HEADER_TIMEOUT": "header_timeout",
    "CRIMEGRAPH_MAX_CONNECTIONS": "max_connections",
    "CRIMEGRAPH_CORS_ORIGINS": "cors_origins",
    "CRIMEGRAPH_API_CACHE_SIZE": "cache_size",
    "CRIMEGRAPH_API_CACHE_MB": "cache_mb",
}


@dataclass(frozen=True)
class Settings:
    """What the server allows and how it runs.

    Parameters
    ----------
    sparql_timeout : float
        Seconds a SPARQL query may run (and wait for a free worker); past it the
        query is stopped (its worker process is killed if need be) and the
        client gets a ``422`` problem naming the limit.
    sparql_max_results : int
        Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one query may return;
        past it the query is stopped with a ``422`` problem (add a LIMIT).
    sparql_workers : int
        Worker processes answering SPARQL queries (each holds the data in memory).
    sparql_max_memory_mb : int
        Address-space limit of each worker, in MiB (0: none); a query that needs
        more is stopped with a ``422`` problem.
    sparql_max_query_bytes : int
        Longest accepted query text (and POST body).
    sparql_max_result_mb : int
        Largest serialised result, in MiB; a bigger one is refused with a ``422`` problem
        (the row limit alone does not bound the size of a row).
    sparql_allow_unisolated : bool
        Serve SPARQL even where the workers cannot be moved into a network namespace of
        their own (by default SPARQL is then off, and ``/sparql`` answers ``503``).
    header_timeout : float
        Seconds a client has to send a whole request head (request line and headers),
        from the moment it connects or its previous response ended; then the connection
        is closed. Stops clients that open connections and never finish a request.
    max_connections : int
        Most connections a server process holds at once; past it a new connection gets
        an immediate ``503`` and is closed. ``crimegraph serve`` lowers it to fit the
        process's open-file limit.
    cors_origins : tuple of str
        Origins allowed to read responses from a browser (``*`` for any); empty
        (the default) sends no CORS headers at all.
    cache_size : int
        Serialised representations kept in memory (per resource and media type).
    cache_mb : int
        Most memory those representations (and the cached query answers) may take, in MiB.
    map_cache_size : int
        Rendered entity maps kept in memory (each is about half a megabyte).
    api_cache_size : int
        Answers of ``/api/`` queries kept in memory.
    """

    sparql_timeout: float = 10.0
    sparql_max_results: int = 10_000
    sparql_workers: int = 2
    sparql_max_memory_mb: int = 2048
    sparql_max_query_bytes: int = 64 * 1024
    sparql_max_result_mb: int = 64
    sparql_allow_unisolated: bool = False
    header_timeout: float = 10.0
    max_connections: int = 1000
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    cache_size: int = 4096
    cache_mb: int = 256
    map_cache_size: int = 32
    api_cache_size: int = 1024

    def __post_init__(self) -> None:
        if not (0 < self.sparql_timeout <= 3600):
            raise UsageError(f"--sparql-timeout must be between 0 and 3600 seconds, got {self.sparql_timeout}")
        if not (1 <= self.sparql_max_results <= 10_000_000):
            raise UsageError(f"--sparql-max-results must be between 1 and 10,000,000, got {self.sparql_max_results}")
        if not (1 <= self.sparql_workers <= 64):
            raise UsageError(f"--sparql-workers must be between 1 and 64, got {self.sparql_workers}")
        if self.sparql_max_memory_mb != 0 and self.sparql_max_memory_mb < 256:
            raise UsageError(f"--sparql-max-memory must be 0 (no limit) or at least 256 MiB, "
                             f"got {self.sparql_max_memory_mb}")
        if not (1 <= self.sparql_max_result_mb <= 4096):
            raise UsageError(f"the largest SPARQL result must be between 1 and 4096 MiB, got {self.sparql_max_result_mb}")
        if not (256 <= self.sparql_max_query_bytes <= 16 * 2**20):
            raise UsageError("the longest SPARQL query must be between 256 bytes and 16 MiB")
        if not (0.1 <= self.header_timeout <= 3600):
            raise UsageError(f"--header-timeout must be between 0.1 and 3600 seconds, got {self.header_timeout}")
        if not (1 <= self.max_connections <= 1_000_000):
            raise UsageError(f"--max-connections must be between 1 and 1,000,000, got {self.max_connections}")
        for name in ("cache_size", "cache_mb", "map_cache_size", "api_cache_size"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must not be negative")
        object.__setattr__(self, "cors_origins", tuple(o.strip() for o in self.cors_origins if o.strip()))

    @classmethod
    def from_env(cls, environ: Optional[dict] = None, **overrides) -> "Settings":
        """Settings from ``CRIMEGRAPH_*`` variables, then ``overrides`` (None values ignored)."""
        env = os.environ if environ is None else environ
        kinds = {f.name: f.type for f in fields(cls)}
        values: dict = {}
        for var, name in ENV.items():
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            values[name] = _coerce(name, kinds[name], raw, var)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "cors_origins" in values and isinstance(values["cors_origins"], str):
            values["cors_origins"] = tuple(values["cors_origins"].split(","))
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment variables that recreate these settings (for uvicorn worker processes)."""
        out = {}
        for var, name in ENV.items():
            v = getattr(self, name)
            out[var] = ",".join(v) if isinstance(v, tuple) else str(v)
        return out

    def but(self, **changes) -> "Settings":
        return replace(self, **changes)


def _coerce(name: str, kind, raw: str, var: str):
    kind = str(kind)
    if "bool" in kind:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise UsageError(f"${var}: expected true or false, got {raw!r}")
    try:
        if "float" in kind:
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if "int" in kind:
            return int(raw)
    except ValueError:
        raise UsageError(f"${var}: expected a number, got {raw!r}") from None
    if "tuple" in kind:
        return tuple(raw.split(","))
    return raw
