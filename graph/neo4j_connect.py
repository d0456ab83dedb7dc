"""Connecting to a Neo4j server, and turning driver errors into one-line messages.

Settings come from the arguments, else the environment: ``NEO4J_URI``
(default ``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (``neo4j``),
``NEO4J_PASSWORD`` (unset: connect without credentials, which suits a server
with authentication disabled such as ``make neo4j``), ``NEO4J_DATABASE``
(``neo4j``).
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Optional

from crimegraph.errors import StoreUnavailable

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
MIN_MAJOR = 5

START_HINT = ("start one with `make neo4j` (no Docker needed), or "
              "`docker run -p 7687:7687 -e NEO4J_AUTH=none neo4j:5`, "
              "or set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to your server")


@dataclass(frozen=True)
class Settings:
    uri: str
    user: str
    password: Optional[str]
    database: str

    @classmethod
    def resolve(cls, uri=None, user=None, password=None, database=None) -> "Settings":
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USER") or DEFAULT_USER,
            password=password if password is not None else env.get("NEO4J_PASSWORD"),
            database=database or env.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )

    @property
    def auth(self):
        return None if self.password is None else (self.user, self.password)


def down_message(uri: str, exc: BaseException | None = None) -> str:
    why = _reason(exc)
    return f"cannot reach Neo4j at {uri}{f' ({why})' if why else ''}; {START_HINT}"


def auth_message(s: Settings) -> str:
    if s.password is None:
        return (f"Neo4j at {s.uri} requires a password (authentication failed for user "
                f"{s.user!r} with none given); set NEO4J_USER and NEO4J_PASSWORD")
    return (f"Neo4j at {s.uri} rejected the credentials of user {s.user!r} (authentication "
            "failed); check NEO4J_USER and NEO4J_PASSWORD")


def version_message(uri: str, version: str) -> str:
    return (f"Neo4j at {uri} is version {version}; crimegraph needs Neo4j {MIN_MAJOR} or newer "
            "(upgrade the server, or start one with `make neo4j`)")


def check_version(uri: str, version: str) -> None:
    """Raise :class:`StoreUnavailable` unless ``version`` is Neo4j 5 or newer.

    >>> check_version("bolt://x", "5.26.0")
    >>> check_version("bolt://x", "2025.01.0")
    >>> check_version("bolt://x", "4.4.12")
    Traceback (most recent call last):
    ...
    crimegraph.errors.StoreUnavailable: Neo4j at bolt://x is version 4.4.12; crimegraph needs Neo4j 5 or newer (upgrade the server, or start one with `make neo4j`)
    """
    m = re.match(r"\s*(\d+)", version or "")
    if m is None or int(m.group(1)) < MIN_MAJOR:
        raise StoreUnavailable(version_message(uri, version or "unknown"))


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    text = " ".join(str(exc).split())
    low = text.lower()
    if "refused" in low:
        return "connection refused"
    if "timed out" in low or "timeout" in low:
        return "connection timed out"
    if "name or service not known" in low or "nodename nor servname" in low or "resolve" in low:
        return "unknown host"
    return ""


def _too_old(exc: BaseException) -> bool:
    low = str(exc).lower()
    return ("protocol version" in low or "bolt version" in low or "handshake" in low
            or "unsupported" in low and "version" in low)


@contextmanager
def translate_errors(settings: Settings):
    """Map driver exceptions to :class:`StoreUnavailable` with a one-line message."""
    from neo4j import exceptions as ne

    try:
        yield
    except ne.AuthError:
        raise StoreUnavailable(auth_message(settings)) from None
    except (ne.ServiceUnavailable, ne.SessionExpired) as exc:
        if _too_old(exc):
            raise StoreUnavailable(version_message(settings.uri, "older than 5 (Bolt handshake failed)")) from None
        raise StoreUnavailable(down_message(settings.uri, exc)) from None
    except ne.UnsupportedServerProduct:
        raise StoreUnavailable(f"the server at {settings.uri} is not Neo4j; {START_HINT}") from None
    except ne.ConfigurationError as exc:
        raise StoreUnavailable(f"bad Neo4j settings for {settings.uri}: {' '.join(str(exc).split())}") from None
    except ne.ClientError as exc:
        code = getattr(exc, "code", "") or ""
        if code.endswith("DatabaseNotFound"):
            raise StoreUnavailable(
                f"Neo4j at {settings.uri} has no database {settings.database!r}; set NEO4J_DATABASE "
                "to an existing one (Neo4j Community has only 'neo4j')") from None
        if code.startswith("Neo.ClientError.Security"):
            raise StoreUnavailable(
                f"Neo4j at {settings.uri} refused access for user {settings.user!r}: "
                f"{' '.join(str(exc.message or exc).split())}") from None
        raise
    except ne.DatabaseUnavailable:
        raise StoreUnavailable(f"database {settings.database!r} on {settings.uri} is unavailable "
                               "(starting or stopped); try again shortly") from None


def quiet_driver_logs() -> None:
    """Keep the driver's own log lines (retries, connection errors) off the user's terminal.

    Python prints WARNING records of a logger nobody configured on stderr; the driver logs
    one per retry while a server is gone ("Transaction failed and will be retried in …"),
    for up to 30 s. Errors reach the user as one message instead (:func:`translate_errors`).
    ``CRIMEGRAPH_DEBUG=1`` lets them through.
    """
    import logging

    if os.environ.get("CRIMEGRAPH_DEBUG"):
        return
    logger = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def connect(settings: Settings):
    """Open a driver, check connectivity and the server version. Returns ``(driver, version, edition)``."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ConfigurationError

    quiet_driver_logs()

    try:
        # notifications off: the server's hints (deprecations, unknown property keys
        # before the first load) are for people writing Cypher, not for crimegraph's users
        driver = GraphDatabase.driver(settings.uri, auth=settings.auth, connection_timeout=10.0,
                                      max_connection_lifetime=3600, user_agent="crimegraph",
                                      notifications_min_severity="OFF")
    except (ValueError, ConfigurationError) as exc:  # malformed URI
        raise StoreUnavailable(f"bad NEO4J_URI {settings.uri!r}: {' '.join(str(exc).split())} "
                               "(expected e.g. bolt://127.0.0.1:7687 or neo4j://host:7687)") from None
    try:
        with translate_errors(settings):
            driver.verify_connectivity()
            records, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition",
                database_=settings.database)
    except BaseException:
        driver.close()
        raise
    version, edition = "unknown", "unknown"
    for r in records:
        if r["name"] == "Neo4j Kernel":
            version, edition = r["version"], r["edition"]
    try:
        check_version(settings.uri, version)
    except StoreUnavailable:
        driver.close()
        raise
    return driver, version, edition
