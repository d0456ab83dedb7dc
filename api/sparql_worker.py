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

Each query is parsed with rdflib's SPARQL grammar and checked
(:func:`crimegraph.api.sparql_check.check_query`: no update, no ``SERVICE``)
before Oxigraph sees it. The parse runs here, not in the server, because it can
be slow (seconds for a query of tens of kilobytes) and deep: it counts against
the query's time limit, and it runs in a thread with a large stack and a high
recursion limit (rdflib's parser recurses per level and per triple pattern).

On Linux the worker also moves into a network namespace of its own before it
loads anything: no interface is up there, so no query can reach another host
even if the check let one through. The server refuses to start SPARQL when that
fails (see :class:`crimegraph.api.sparql_pool.SparqlPool`).

This module imports only the standard library, pyoxigraph and (for the check) rdflib.
"""

from __future__ import annotations

import os
import sys
import time

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


#: stack of the thread that parses and runs queries, and its recursion limit (see the module docstring)
JOB_STACK = 64 * 2**20
JOB_RECURSION = 30_000


def isolate_network() -> tuple[bool, str]:
    """Leave the host's network: a new, empty network namespace. ``(True, "")`` if it worked,
    else ``(False, why)``."""
    if not sys.platform.startswith("linux"):
        return False, f"network namespaces are a Linux feature; this is {sys.platform}"
    why = "unshare() is not available"
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        attempts = [CLONE_NEWNET] if os.geteuid() == 0 else []
        attempts.append(CLONE_NEWUSER | CLONE_NEWNET)
        for flags in attempts:
            if libc.unshare(flags) == 0:
                return True, ""
            why = f"unshare() of a network namespace failed: {os.strerror(ctypes.get_errno())}"
    except (OSError, AttributeError) as exc:
        why = f"unshare() could not be called: {exc}"
    return False, why


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
    isolated, why = isolate_network() if isolate else (False, "isolation was not asked for")
    limited = limit_memory(max_memory_mb)
    watch_parent(os.getppid())
    try:
        import pyoxigraph as ox

        from crimegraph.api.sparql_check import check_query

        check_query("ASK {}")  # builds rdflib's grammar now, not during the first query
        store = ox.Store()
        store.bulk_load(path=data_path, format=ox.RdfFormat.N_QUADS)
        conn.send(("ready", {"quads": len(store), "network_isolated": isolated, "isolation_problem": why,
                             "memory_limited": limited, "pid": os.getpid()}))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which gives up on this worker
        try:
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        except (OSError, ValueError):
            pass
        return
    import threading

    sys.setrecursionlimit(JOB_RECURSION)
    threading.stack_size(JOB_STACK)
    jobs = threading.Thread(target=serve_jobs, args=(conn, ox, store, prefixes, max_memory_mb), name="jobs",
                            daemon=True)
    jobs.start()
    try:
        jobs.join()
    except KeyboardInterrupt:
        return


def serve_jobs(conn, ox, store, prefixes: dict, max_memory_mb: int) -> None:
    """Answer jobs until the connection closes (in the thread with the large stack)."""
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
    from crimegraph.api.sparql_check import Refused, check_query
    from crimegraph.api.sparql_results import MEDIA, LimitExceeded, bounded, write_boolean, write_solutions

    timeout = float(job["timeout"])
    deadline = time.monotonic() + timeout
    max_results = int(job["max_results"])
    try:
        form = check(check_query, job["query"], prefixes).form
    except Refused as exc:
        return ("error", exc.kind, exc.detail)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if job.get("graph_format" if graph_form else "results_format") is None:
        return ("error", "not-acceptable", (form, job.get("explicit_format")))
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
            if fmt is None:  # pragma: no cover - refused above, from the parsed form
                return ("error", "not-acceptable", (form, job.get("explicit_format")))
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
            if fmt is None:  # pragma: no cover - refused above
                return ("error", "not-acceptable", (form, job.get("explicit_format")))
            return ("ok", MEDIA[fmt], write_boolean(fmt, bool(result)), 1)
        fmt = job.get("graph_format")
        if fmt is None:  # pragma: no cover - refused above
            return ("error", "not-acceptable", (form, job.get("explicit_format")))
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


#: verdicts of recent checks, by query text (a client repeating a query is not parsed again)
_CHECKED: dict = {}
_CHECKED_MAX = 512


def check(check_query, text: str, prefixes: dict):
    """:func:`~crimegraph.api.sparql_check.check_query`, remembering recent verdicts."""
    from crimegraph.api.sparql_check import Refused

    hit = _CHECKED.get(text)
    if hit is None:
        try:
            hit = check_query(text, prefixes)
        except Refused as exc:
            hit = exc
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[text] = hit
    if isinstance(hit, Refused):
        raise hit
    return hit


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
