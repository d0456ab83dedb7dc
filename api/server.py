"""The HTTP server's own guards, below the application: a deadline for request heads, a cap on connections.

uvicorn (0.54, its h11 protocol) holds a connection whose request head never
ends for as long as the client keeps it open: nothing times out before the
first request is complete, and ``limit_concurrency`` is only looked at once a
whole request head has arrived. A few hundred such connections use up the
process's file descriptors (``accept()`` then fails with ``EMFILE``) and the
server stops answering anyone. :class:`GuardedH11Protocol` (uvicorn's
``H11Protocol``, given to uvicorn as its ``http`` protocol class) adds:

* a *header timeout*: a client has :attr:`~crimegraph.api.settings.Settings.header_timeout`
  seconds, from the moment it connects (or starts its next request on a
  kept-alive connection), to send the whole request head; then it gets
  ``408 Request Timeout`` and the connection is closed. Sending one byte at a
  time does not reset the clock;
* a *connection cap*: past :attr:`~crimegraph.api.settings.Settings.max_connections`
  open connections, a new one gets an immediate ``503`` problem document
  (``Retry-After``) and is closed, so that its descriptor is freed at once.

:func:`fit_connections` keeps the cap below the open-file limit (``ulimit -n``),
raising the soft limit where the hard one allows, so that the cap is reached
before ``accept()`` could fail: the limit must hold the capped connections, a
burst of :data:`BACKLOG` just-accepted ones (asyncio accepts that many before any
is refused), and the server's own descriptors.
"""

from __future__ import annotations

import json
import logging
from typing import Optional

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("crimegraph.api.server")

#: the listen backlog, and so the most connections asyncio accepts in one go (it accepts up to
#: ``backlog`` sockets per wake-up, before any of them is looked at): every one holds a descriptor
BACKLOG = 128
#: descriptors kept free of held connections: a burst of accepted ones (:data:`BACKLOG`), refused
#: ones waiting to be closed (:data:`LINGER_MAX`), the store, the SPARQL workers' sockets, logs
FD_RESERVE = BACKLOG + 64 + 64

_BUSY_BODY = json.dumps({
    "type": "about:blank", "title": "Service Unavailable", "status": 503,
    "detail": "the server holds as many connections as it accepts; retry shortly"}).encode("utf-8")
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
        b"Retry-After: 5\r\nConnection: close\r\nCache-Control: no-store\r\n"
        b"Content-Length: " + str(len(_BUSY_BODY)).encode("ascii") + b"\r\n\r\n" + _BUSY_BODY)
TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
_BAD_BODY = json.dumps({"type": "about:blank", "title": "Bad Request", "status": 400,
                        "detail": "this is not a valid HTTP/1.1 request"}).encode("utf-8")


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a connection cap (see the module docstring).

    The limits are class attributes, set by :func:`configure`; a uvicorn worker process
    started with ``--workers`` reads them from the environment (``CRIMEGRAPH_HEADER_TIMEOUT``,
    ``CRIMEGRAPH_MAX_CONNECTIONS``).
    """

    header_timeout: Optional[float] = None
    max_connections: Optional[int] = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if type(self).header_timeout is None or type(self).max_connections is None:
            from .settings import Settings

            s = Settings.from_env()
            configure(s.header_timeout, s.max_connections)
        self._head_timer = None
        self._refused = False
        self._linger = None

    # ------------------------------------------------------------ the cap
    def connection_made(self, transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.max_connections:
            self._refused = True
            self.transport = transport
            transport.write(BUSY)
            _note_refusal(len(self.connections))
            # closing with the client's request unread would reset the connection (RST) and could
            # lose the 503: read what it sends, then close; at once when too many are waiting so
            if _lingering[0] >= LINGER_MAX:
                transport.close()
            else:
                _lingering[0] += 1
                self._linger = self.loop.call_later(LINGER, self._close_refused)
            return
        super().connection_made(transport)
        self._arm()

    def _close_refused(self) -> None:
        self._end_linger()
        self.transport.close()

    def _end_linger(self) -> None:
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
            _lingering[0] -= 1

    def connection_lost(self, exc) -> None:
        self._disarm()
        if self._refused:
            self._end_linger()
            return
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot read: a 400 problem document (uvicorn sends plain text)."""
        event = h11.Response(status_code=400, reason=b"Bad Request", headers=[
            (b"content-type", b"application/problem+json"), (b"connection", b"close"),
            (b"content-length", str(len(_BAD_BODY)).encode("ascii"))])
        try:
            self.transport.write(self.conn.send(event) + self.conn.send(h11.Data(data=_BAD_BODY))
                                 + self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # the connection's state allows no response any more
            pass
        self.transport.close()

    # ------------------------------------------------------------ the header timeout
    def data_received(self, data: bytes) -> None:
        if self._refused:  # the request of a refused connection: read, dropped, then the close
            self._close_refused()
            return
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request of a kept-alive connection starts its clock
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the whole head is in
            self._disarm()

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.our_state is h11.IDLE:  # nothing sent on this request yet
            self.transport.write(TIMEOUT)
        self.transport.close()


_refusals = {"count": 0, "logged": 0.0}
#: refused connections waiting for their request (read before the close, so that the close
#: is not a reset), and the most that may wait: past it a refused connection is closed at once
_lingering = [0]
LINGER, LINGER_MAX = 1.0, 64


def _note_refusal(open_now: int) -> None:
    """Log refused connections at most every 10 seconds (a flood must not flood the log)."""
    import time

    _refusals["count"] += 1
    now = time.monotonic()
    if now - _refusals["logged"] >= 10.0:
        log.warning("%d connection(s) refused with 503 in the last 10 s: %d open, the most this server "
                    "holds (--max-connections)", _refusals["count"], open_now)
        _refusals["count"], _refusals["logged"] = 0, now


def configure(header_timeout: float, max_connections: int) -> None:
    """Set the limits of :class:`GuardedH11Protocol` for this process."""
    GuardedH11Protocol.header_timeout = float(header_timeout)
    GuardedH11Protocol.max_connections = int(max_connections)


def fit_connections(max_connections: int, reserve: int = FD_RESERVE) -> tuple[int, Optional[str]]:
    """The connection cap that fits the open-file limit, and a warning when it had to be lowered.

    Raises the soft ``RLIMIT_NOFILE`` towards the hard one when that makes room.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return max_connections, None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + reserve
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return max_connections, None
    fitted = max(1, soft - reserve)
    return fitted, (f"--max-connections {max_connections} does not fit the open-file limit "
                    f"(ulimit -n {soft}, {reserve} kept for the server itself): at most {fitted} "
                    "connections are held at once; raise ulimit -n to hold more")
