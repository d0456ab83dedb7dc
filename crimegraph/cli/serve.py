"""``crimegraph serve``: the HTTP API (linked data, SPARQL, query endpoints) on uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from .common import SeedsOpt, err_console, finite
from .main import app

SERVE_HELP = """Serve the graph over HTTP for linked-data consumers.

Every entity, relation and source IRI under the base dereferences with content negotiation
(Turtle, N-Triples, JSON-LD, JSON, HTML); SPARQL 1.1 (read-only) at {base}sparql; the
investigator's queries as JSON under {base}api/; OpenAPI docs at {base}docs (offline); dumps at
{base}dump.ttl|nt|jsonld|trig|nq; VoID at {base}void; the ontology, shapes and JSON-LD context
at {base}ontology/, {base}shapes/ and {base}ontology/context.jsonld.

SPARQL always runs on Oxigraph, in worker processes that each hold an in-memory copy of the RDF
projection: for --store memory (the default) and --store neo4j it is written from the store's
data at startup with the project's RDF writer; for --store rdf it is the RDF store's own
Oxigraph data. A query past --sparql-timeout or --sparql-max-results is stopped (its worker is
killed and replaced if need be); updates and SERVICE are refused.

Every query is parsed (rdflib's SPARQL grammar) before it runs: updates and SERVICE get 403,
text that is not a query 400. The workers also run in a network namespace of their own, so that
a query cannot reach another host; where that cannot be had (no unshare(), e.g. a container's
seccomp profile) SPARQL stays off, with a warning that says why, unless --allow-unisolated-sparql.

A client has --header-timeout seconds to send a whole request head; past --max-connections open
connections a new one gets an immediate 503 (the cap is lowered to fit `ulimit -n`).

The base IRI defaults to http://HOST:PORT/ so that IRIs dereference; a base with a path
(http://example.org/crimegraph/) mounts everything under that path.
"""


@app.command(help=SERVE_HELP)
def serve(
    store: str = typer.Option("memory", "--store", envvar="CRIMEGRAPH_STORE", show_envvar=True,
                              help="Backend: memory (embedded, loads --seeds), rdf (Oxigraph; "
                                   "rdf:PATH or $CRIMEGRAPH_RDF_PATH for a persistent one; loads --seeds "
                                   "when empty) or neo4j (neo4j:URI or $NEO4J_URI; serves what "
                                   "`crimegraph load` put there)."),
    seeds: Optional[Path] = SeedsOpt,
    host: str = typer.Option("localhost", "--host", help="Interface to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="TCP port."),
    base_iri: Optional[str] = typer.Option(
        None, "--base-iri", envvar="CRIMEGRAPH_BASE_IRI", show_envvar=True,
        help="Base of every IRI (default http://HOST:PORT/; its path, if any, is where the API is mounted)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=16,
                                help="uvicorn worker processes (each loads the data and its SPARQL workers)."),
    sparql_timeout: float = typer.Option(10.0, "--sparql-timeout", envvar="CRIMEGRAPH_SPARQL_TIMEOUT",
                                         show_envvar=True, min=0.1, max=3600, callback=finite,
                                         help="Seconds a SPARQL query may run."),
    sparql_max_results: int = typer.Option(10_000, "--sparql-max-results", envvar="CRIMEGRAPH_SPARQL_MAX_RESULTS",
                                           show_envvar=True, min=1,
                                           help="Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per query."),
    sparql_workers: int = typer.Option(2, "--sparql-workers", envvar="CRIMEGRAPH_SPARQL_WORKERS", show_envvar=True,
                                       min=1, max=64, help="SPARQL worker processes per server process."),
    sparql_max_memory: int = typer.Option(2048, "--sparql-max-memory", envvar="CRIMEGRAPH_SPARQL_MAX_MEMORY",
                                          show_envvar=True, min=0,
                                          help="MiB of address space per SPARQL worker (0: no limit)."),
    cors_origin: Optional[List[str]] = typer.Option(
        None, "--cors-origin", envvar="CRIMEGRAPH_CORS_ORIGINS", show_envvar=True,
        help="Allow browsers on this origin to read responses (repeatable; * for any). Off by default."),
    allow_unisolated_sparql: bool = typer.Option(
        False, "--allow-unisolated-sparql", envvar="CRIMEGRAPH_SPARQL_ALLOW_UNISOLATED", show_envvar=True,
        help="Serve SPARQL even where its workers cannot be cut off from the network (otherwise SPARQL "
             "is then off: only the SERVICE check would stand between a query and other hosts)."),
    header_timeout: float = typer.Option(10.0, "--header-timeout", envvar="CRIMEGRAPH_HEADER_TIMEOUT",
                                         show_envvar=True, min=0.1, max=3600, callback=finite,
                                         help="Seconds a client has to send a whole request head; then "
                                              "408 and the connection is closed."),
    max_connections: int = typer.Option(1000, "--max-connections", envvar="CRIMEGRAPH_MAX_CONNECTIONS",
                                        show_envvar=True, min=1,
                                        help="Most open connections per server process; past it a new "
                                             "connection gets 503 at once (lowered to fit ulimit -n)."),
    allow_incomplete: bool = typer.Option(
        False, "--allow-incomplete", envvar="CRIMEGRAPH_ALLOW_INCOMPLETE",
        help="Serve a Neo4j store whose last load never finished (a warning says so) instead of refusing."),
    cache_size: int = typer.Option(4096, "--cache-size", min=0, help="Serialised representations kept in memory."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level (debug, info, warning, error)."),
) -> None:
    import logging

    from crimegraph.errors import UsageError

    try:
        import fastapi  # noqa: F401
        import pyoxigraph  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise UsageError(f"crimegraph serve needs the package {exc.name}, which is missing; install it with: "
                         "pip install 'crimegraph[api,rdf]'") from None

    from crimegraph.api.settings import Settings
    from crimegraph.rdf.vocab import check_base

    origins: tuple[str, ...] = ()
    for item in cors_origin or ():
        origins += tuple(o for o in item.split(",") if o.strip())
    from crimegraph.api.server import BACKLOG, GuardedH11Protocol, configure, fit_connections

    fitted, too_many = fit_connections(max_connections)
    settings = Settings(sparql_timeout=sparql_timeout, sparql_max_results=sparql_max_results,
                        sparql_workers=sparql_workers, sparql_max_memory_mb=sparql_max_memory,
                        sparql_allow_unisolated=allow_unisolated_sparql, header_timeout=header_timeout,
                        max_connections=fitted, cors_origins=origins, cache_size=cache_size)
    base = check_base(base_iri or default_base(host, port))
    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(levelname)s:     %(name)s: %(message)s")
    if too_many:
        err_console.print(f"[yellow]warning:[/yellow] {escape(too_many)}")
    configure(settings.header_timeout, settings.max_connections)
    # h11's request-head limit must fit a GET query string of --sparql-max-query bytes (64 KiB, encoded)
    common = dict(host=host, port=port, log_level=log_level, timeout_keep_alive=15, server_header=False,
                  h11_max_incomplete_event_size=256 * 1024, http=GuardedH11Protocol, backlog=BACKLOG)
    err_console.print(f"crimegraph: serving {escape(base)} from the {escape(store)} store on "
                      f"{escape(host)}:{port} ({workers} process{'es' if workers != 1 else ''}, "
                      f"{sparql_workers} SPARQL worker{'s' if sparql_workers != 1 else ''} each)")
    if workers == 1:
        from crimegraph.api.app import create_app, open_serving_store

        application = create_app(open_serving_store(store, seeds, base, allow_incomplete), base, settings)
        uvicorn.run(application, **common)
        return
    os.environ.update(settings.to_env())
    os.environ["CRIMEGRAPH_STORE"] = store
    if allow_incomplete:
        os.environ["CRIMEGRAPH_ALLOW_INCOMPLETE"] = "1"
    os.environ["CRIMEGRAPH_BASE_IRI"] = base
    if seeds is not None:
        os.environ["CRIMEGRAPH_SEEDS"] = str(Path(seeds).resolve())
    tcp_nodelay_for_workers()
    uvicorn.run("crimegraph.api.app:app_from_env", factory=True, workers=workers, **common)


def tcp_nodelay_for_workers() -> None:
    """Make uvicorn's shared listening socket a TCP one, so that worker connections get TCP_NODELAY.

    With ``--workers`` above 1, uvicorn binds the socket with ``socket.socket(family=...)``,
    whose protocol number is 0; asyncio sets ``TCP_NODELAY`` only on sockets whose
    protocol is ``IPPROTO_TCP``, so every keep-alive response then waited about 40 ms
    for a delayed ACK (measured: 44 ms per request instead of 1-5 ms). The socket is
    rebuilt, same descriptor, with the protocol set.
    """
    import socket

    from uvicorn.config import Config

    original = Config.bind_socket
    if getattr(original, "_crimegraph_nodelay", False):
        return

    def bind_socket(self):
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock

    bind_socket._crimegraph_nodelay = True
    Config.bind_socket = bind_socket


def default_base(host: str, port: int) -> str:
    """``http://HOST:PORT/``; a wildcard address becomes ``localhost``, an IPv6 one is bracketed."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"
