"""eventlet's HTTP server, able to hand a websocket's connection to the hub.

A websocket read by the hub (see `reader.py`) outlives its request: the
server then lets the connection's green thread end without closing the
socket. Such a connection keeps one unit of the server's connection budget
(MAX_CONNECTIONS) until it closes, so connections in requests and
websockets together stay within it.
"""

from __future__ import annotations

import contextlib
from http.server import BaseHTTPRequestHandler
from typing import Any

import eventlet
import eventlet.wsgi

# The WSGI environ key under which the server offers to keep a websocket's
# connection open after its request handler returns: a callable that returns
# a release function, or None when the connection budget is spent.
KEEP_CONNECTION = "parley.keep_connection"

# A websocket's connection keeps its HTTP buffers while it is served in its
# green thread (eventlet's defaults are 8 KiB to read, 16 KiB to write).
# Small buffers only cost an extra system call on an unusually long request
# head or response.
HTTP_BUFFER_BYTES = 2048


class ConnectionPool(eventlet.GreenPool):
    """eventlet's pool, whose semaphore websockets read by the hub hold too.

    The stock pool counts itself idle when its semaphore is all free; here
    idle means no green thread left, so a drain's wait for in-flight
    requests ends while websockets are still open (the drain closes them).
    """

    def _spawn_done(self, coro: Any) -> None:
        self.sem.release()
        if coro is not None:
            self.coroutines_running.discard(coro)
        if not self.coroutines_running and not self.no_coros_running.ready():
            self.no_coros_running.send(None)


class _HandedOff:
    """Stands in for a connection the server no longer owns."""

    def shutdown(self, *_args: Any) -> None:
        pass

    def close(self) -> None:
        pass


def protocol_class(budget: Any) -> type:
    """eventlet's HTTP protocol, offering KEEP_CONNECTION to websocket upgrades."""

    class Protocol(eventlet.wsgi.HttpProtocol):
        rbufsize = HTTP_BUFFER_BYTES
        wbufsize = HTTP_BUFFER_BYTES
        handed_off = False

        def get_environ(self) -> dict[str, Any]:
            environ = super().get_environ()
            if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                environ[KEEP_CONNECTION] = self.keep_connection
            return environ

        def keep_connection(self) -> Any:
            if not budget.acquire(blocking=False):
                return None
            self.handed_off = True
            return budget.release

        def finish(self) -> None:
            if not self.handed_off:
                super().finish()
                return
            # Free the HTTP buffers, leave the socket open, and keep eventlet
            # from shutting it down once this green thread ends.
            with contextlib.suppress(OSError):
                BaseHTTPRequestHandler.finish(self)
            self.conn_state[1] = _HandedOff()

    return Protocol


def server_options(max_connections: int) -> dict[str, Any]:
    """`eventlet.wsgi.server` keyword arguments for the outbox transport."""
    pool = ConnectionPool(max_connections)
    return {"custom_pool": pool, "protocol": protocol_class(pool.sem)}
