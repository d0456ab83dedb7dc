"""A SPARQL worker process: an in-memory Oxigraph copy of the data, answering queries under limits.

The parent (:mod:`crimegraph.api.sparql_pool`) starts each worker as a fresh
interpreter (``python -m crimegraph.api.sparql_worker``, so nothing of the
server's own ``__main__`` is re-run), sends it one job at a time over a socket and waits at most
the time limit (plus a grace second) for the reply; a worker that has not
answered by then is killed and replaced. So a query is cut off whatever it
does: a lazily evaluated cartesian product is stopped here, between two
solutions (row cap or deadline); an ORDER BY or aggregate over one, which
Oxigraph computes before yielding anything, is stopped by the kill, or by the
address-space limit (``RLIMIT_AS``) if it runs out of memory first.

On Linux the worker also moves into a network namespace of its own before it
loads anything: no interface is up there, so no query can reach another host
(``SERVICE`` is refused before it gets here anyway).

This module imports only the standard library and pyoxigraph.
"""

from __future__ import annotations

import os
import sys
import time

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def isolate_network() -> bool:
    """Leave the host's network: a new, empty network namespace. True if it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        attempts = [CLONE_NEWNET] if os.geteuid() == 0 else []
        attempts.append(CLONE_NEWUSER | CLONE_NEWNET)
        for flags in attempts:
            if libc.unshare(flags) == 0:
                return True
    except (OSError, AttributeError):
        pass
    return False


def limit_memory(max_mb: int) -> bool:
    if max_mb <= 0:
        return False
    try:
        import resource

        limit = max_mb * 2**20
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return True
    except (ImportError, ValueError, OSError):
        return False


def watch_parent(parent: int) -> None:
    """Exit when the server process is gone (a daemon thread; best effort)."""
    import threading

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def worker_main(conn, data_path: str, prefixes: dict, max_memory_mb: int, isolate: bool) -> None:
    """The worker's loop: load the data, say ready, then answer jobs until the connection closes."""
    isolated = isolate_network() if isolate else False
    limited = limit_memory(max_memory_mb)
    watch_parent(os.getppid())
    try:
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=data_path, format=ox.RdfFormat.N_QUADS)
        conn.send(("ready", {"quads": len(store), "network_isolated": isolated,
                             "memory_limited": limited, "pid": os.getpid()}))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which gives up on this worker
        try:
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        except (OSError, ValueError):
            pass
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            reply = run_job(ox, store, job, prefixes)
            limit = job.get("max_bytes")
            if reply[0] == "ok" and limit and len(reply[2]) > limit:
                reply = ("error", "bytes", limit)
        except MemoryError:
            reply = ("error", "memory", max_memory_mb)
        except BaseException as exc:  # noqa: BLE001 - never let one query end the worker
            reply = ("error", "internal", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


_GRAPH_FORMATS = {
    "turtle": ("TURTLE", "text/turtle"),
    "nt": ("N_TRIPLES", "application/n-triples"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "rdfxml": ("RDF_XML", "application/rdf+xml"),
}


def run_job(ox, store, job: dict, prefixes: dict):
    """Answer one job: ``("ok", media type, body, count)`` or ``("error", kind, detail)``."""
    from crimegraph.api.sparql_results import MEDIA, LimitExceeded, bounded, write_boolean, write_solutions

    timeout = float(job["timeout"])
    deadline = time.monotonic() + timeout
    max_results = int(job["max_results"])
    kwargs = {}
    if job.get("default_graph"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graph"]]
    if job.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    try:
        result = store.query(job["query"], prefixes=prefixes, **kwargs)
    except SyntaxError as exc:
        return ("error", "syntax", str(exc))
    except (OSError, ValueError, TypeError) as exc:
        return ("error", "query", str(exc))
    try:
        if isinstance(result, ox.QuerySolutions):
            fmt = job.get("results_format")
            if fmt is None:
                return ("error", "not-acceptable", "results")
            variables = [v.value for v in result.variables]
            count = [0]

            def rows():
                for sol in bounded(result, max_results, deadline, timeout):
                    count[0] += 1
                    yield tuple(sol)

            body = write_solutions(fmt, variables, rows())
            return ("ok", MEDIA[fmt], body, count[0])
        if isinstance(result, ox.QueryBoolean):
            fmt = job.get("results_format")
            if fmt is None:
                return ("error", "not-acceptable", "results")
            return ("ok", MEDIA[fmt], write_boolean(fmt, bool(result)), 1)
        fmt = job.get("graph_format")
        if fmt is None:
            return ("error", "not-acceptable", "graph")
        triples = list(bounded(result, max_results, deadline, timeout))
        name, media = _GRAPH_FORMATS[fmt]
        fmt_obj = getattr(ox.RdfFormat, name)
        if fmt in ("turtle", "rdfxml"):
            body = ox.serialize(triples, format=fmt_obj, prefixes=prefixes)
        else:
            body = ox.serialize(triples, format=fmt_obj)
        return ("ok", media, body, len(triples))
    except LimitExceeded as exc:
        return ("error", exc.kind, exc.limit)
    except (OSError, ValueError, TypeError) as exc:
        return ("error", "query", str(exc))


def main(argv=None) -> None:
    """``python -m crimegraph.api.sparql_worker FD CONFIG_JSON``: serve jobs on the inherited socket FD."""
    import json
    from multiprocessing.connection import Connection

    argv = sys.argv[1:] if argv is None else argv
    fd, config = int(argv[0]), json.loads(argv[1])
    conn = Connection(fd)
    worker_main(conn, config["data"], config["prefixes"], int(config["max_memory_mb"]),
                bool(config["isolate"]))


if __name__ == "__main__":
    main()
