"""The SPARQL worker processes, seen from the server: start, dispatch with a deadline, kill, replace.

Each worker (:mod:`crimegraph.api.sparql_worker`) holds the data in its own
in-memory Oxigraph store, loaded from an N-Quads file the server writes at
startup. One thread per worker waits on the worker's pipe, so the event loop
never blocks; a job that waited longer than the time limit for a free worker
is answered "busy" without running.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Optional

from crimegraph.errors import StoreUnavailable

log = logging.getLogger("crimegraph.api.sparql")

#: seconds the parent waits past the time limit before it kills a worker
GRACE = 1.0
#: seconds a worker may take to load the data and say it is ready
START_TIMEOUT = 300.0


class Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self, data_path: str, prefixes: dict, max_memory_mb: int, isolate: bool):
        self.config = json.dumps({"data": data_path, "prefixes": prefixes, "max_memory_mb": max_memory_mb,
                                  "isolate": isolate})
        self.proc: Optional[subprocess.Popen] = None
        self.conn = None
        self.info: dict = {}
        self.jobs = 0

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        parent, child = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "crimegraph.api.sparql_worker", str(child.fileno()), self.config],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                close_fds=True)
        except OSError as exc:
            parent.close()
            raise StoreUnavailable(f"cannot start a SPARQL worker: {exc}") from None
        finally:
            child.close()
        self.proc, self.conn = proc, Connection(parent.detach())

    def wait_ready(self) -> None:
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise StoreUnavailable("a SPARQL worker did not load the data in time")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreUnavailable("a SPARQL worker died while loading the data "
                                   "(is --sparql-max-memory too small for the dataset?)") from None
        if msg[0] != "ready":
            self.kill()
            raise StoreUnavailable(f"a SPARQL worker could not load the data: {msg[1]}")
        self.info = msg[1]

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:  # pragma: no cover - a kill is not refused
                pass

    def stop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
        if self.proc is not None:
            try:
                self.proc.wait(1)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def execute(self, job: dict, wait: float) -> tuple:
        """Send a job and wait for the reply; kill the worker past ``wait`` seconds."""
        self.jobs += 1
        try:
            self.conn.send(job)
        except (OSError, ValueError):
            return self._died()
        if self.conn.poll(wait):
            try:
                return self.conn.recv()
            except (EOFError, OSError):
                return self._died()
        log.warning("SPARQL worker %s killed: query ran past %.1f s", self.info.get("pid"), wait)
        self.kill()
        return ("error", "time", job["timeout"])

    def _died(self) -> tuple:
        proc = self.proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(5)
            except subprocess.TimeoutExpired:
                code = None
        self.kill()
        log.warning("SPARQL worker died (exit code %s) while answering a query", code)
        if code in (-signal.SIGABRT, -signal.SIGKILL, 134, 137, -signal.SIGSEGV):
            return ("error", "memory", None)
        return ("error", "internal", f"the worker process exited with code {code}")


def pids(pool: "SparqlPool") -> list[int]:
    """The process ids of the live workers (for tests and diagnostics)."""
    return [w.proc.pid for w in pool.workers if w.alive]


class SparqlPool:
    """``workers`` processes answering SPARQL jobs; :meth:`run` is awaited from request handlers."""

    def __init__(self, data_path: str, prefixes: dict, *, workers: int = 2, timeout: float = 10.0,
                 max_memory_mb: int = 2048, isolate: bool = True, allow_unisolated: bool = False):
        self.allow_unisolated = allow_unisolated
        #: why SPARQL is off (the workers could not be isolated and that was not allowed), or None
        self.refused: Optional[str] = None
        self.data_path = data_path
        self.timeout = timeout
        self.size = workers
        self.workers = [Worker(data_path, prefixes, max_memory_mb, isolate) for _ in range(workers)]
        self._idle: queue.Queue = queue.Queue()
        self._executor: Optional[ThreadPoolExecutor] = None
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.restarts = 0
        self.served = 0

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start every worker and wait until each has loaded the data."""
        with self._lock:
            if self._started:
                return
            if self._closed:
                raise StoreUnavailable("the SPARQL endpoint is shut down")
            if self.refused:
                raise StoreUnavailable(self.refused)
            t = time.perf_counter()
            for w in self.workers:
                w.start()
            try:
                for w in self.workers:
                    w.wait_ready()
            except BaseException:
                for w in self.workers:
                    w.kill()
                raise
            info = self.workers[0].info
            if not info.get("network_isolated"):
                why = info.get("isolation_problem") or "unknown reason"
                if not self.allow_unisolated:
                    for w in self.workers:
                        w.stop()
                    self.refused = (f"SPARQL is off: its worker processes could not be cut off from the "
                                    f"network ({why}), so a query that got past the SERVICE check could "
                                    "reach other hosts; run crimegraph serve where network namespaces are "
                                    "allowed, or pass --allow-unisolated-sparql to serve SPARQL anyway")
                    log.warning("%s", self.refused)
                    raise StoreUnavailable(self.refused)
                log.warning("SPARQL workers are NOT isolated from the network (%s); serving SPARQL anyway "
                            "because --allow-unisolated-sparql was given: only the SERVICE check stands "
                            "between a query and other hosts", why)
            for w in self.workers:
                self._idle.put(w)
            self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="sparql")
            self._started = True
            log.info("%d SPARQL worker(s) ready in %.1f s (%s quads each; network isolated: %s)",
                     self.size, time.perf_counter() - t, info.get("quads"), info.get("network_isolated"))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            for w in self.workers:
                w.stop()
            self._started = False

    def status(self) -> dict:
        info = self.workers[0].info if self.workers else {}
        return {
            "workers": self.size,
            "ready": sum(1 for w in self.workers if w.alive),
            "started": self._started,
            "network_isolated": info.get("network_isolated"),
            "refused": self.refused,
            "memory_limited": info.get("memory_limited"),
            "restarts": self.restarts,
            "served": self.served,
        }

    # ------------------------------------------------------------ jobs
    async def run(self, job: dict) -> tuple:
        """The reply to one job (see :func:`crimegraph.api.sparql_worker.run_job`), or a "busy" error."""
        if not self._started:
            try:
                await asyncio.get_running_loop().run_in_executor(None, self.start)
            except StoreUnavailable as exc:
                return ("error", "unavailable", str(exc))
        fut = self._executor.submit(self._execute, job, time.monotonic())
        return await asyncio.wrap_future(fut)

    def _execute(self, job: dict, submitted: float) -> tuple:
        waited = time.monotonic() - submitted
        if waited > self.timeout:
            return ("error", "busy", round(waited, 1))
        worker = self._idle.get()
        release = True
        try:
            if not worker.alive:
                self._restart(worker)
            reply = worker.execute(job, float(job["timeout"]) + GRACE)
            self.served += 1
            if not worker.alive and not self._closed:
                # answer now; the replacement loads in the background and rejoins when ready
                release = False
                threading.Thread(target=self._replace, args=(worker,), daemon=True,
                                 name="sparql-restart").start()
            return reply
        except StoreUnavailable as exc:
            return ("error", "unavailable", str(exc))
        finally:
            if release:
                self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        try:
            self._restart(worker)
        except StoreUnavailable as exc:  # the next job tries again
            log.error("could not restart a SPARQL worker: %s", exc)
        finally:
            self._idle.put(worker)

    def _restart(self, worker: Worker) -> None:
        worker.kill()
        self.restarts += 1
        worker.start()
        worker.wait_ready()
