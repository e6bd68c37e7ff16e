"""Serving: the process that `python wsgi.py` (the Procfile's web line) runs.

On SIGTERM the eventlet server drains: it stops accepting connections,
reports itself unhealthy, closes its Socket.IO connections at the Engine.IO
level (clients see a transport close and reconnect, through the router, to
another process), lets in-flight HTTP requests finish, and exits.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from flask import Flask

from app.extensions import socketio
from app.realtime import background

log = logging.getLogger(__name__)

# Past this, a drain that has not finished ends anyway (a PaaS kills at 30 s).
DRAIN_DEADLINE_S = 20.0

draining = threading.Event()


def serve(app: Flask, host: str, port: int) -> None:
    # What start-up built lives as long as the process: keep it out of the
    # collector's full passes, which otherwise pause every connection.
    gc.collect()
    gc.freeze()
    background.start(app)
    if app.config["ASYNC_MODE"] == "eventlet":
        _serve_eventlet(app, host, port)
    else:
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)
    background.stop(app)
    log.info("server stopped")


def _serve_eventlet(app: Flask, host: str, port: int) -> None:
    import eventlet
    import eventlet.hubs
    import eventlet.wsgi
    import greenlet

    listener = eventlet.listen((host, port))
    main = greenlet.getcurrent()

    def stop_accepting() -> None:
        # Runs in the hub: the server loop in the main greenlet leaves accept()
        # (and the hub's watch on the listening socket) before the socket is
        # closed, so its descriptor cannot be reused under a waiting reader.
        main.throw(SystemExit)
        listener.close()

    def drain() -> None:
        log.info("SIGTERM: draining")
        draining.set()
        eventlet.spawn_after(DRAIN_DEADLINE_S, _give_up)
        socketio.server.eio.disconnect()
        eventlet.hubs.get_hub().schedule_call_global(0, stop_accepting)

    def on_sigterm(_signum: int, _frame: Any) -> None:
        # Signal handlers may run inside the hub; do the work in a greenlet.
        eventlet.spawn_n(drain)

    signal.signal(signal.SIGTERM, on_sigterm)
    _wake_hub_on_signals()
    # The server catches the SystemExit that drain() throws and returns once
    # in-flight requests are done; suppress it should it escape regardless.
    pool = _connection_pool_class()(app.config["MAX_CONNECTIONS"])
    with contextlib.suppress(SystemExit):
        eventlet.wsgi.server(
            listener,
            app,
            log_output=False,
            custom_pool=pool,
            protocol=_protocol(eventlet.wsgi.HttpProtocol, pool.sem),
        )


def _connection_pool_class() -> type:
    import eventlet

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

    return ConnectionPool


def _wake_hub_on_signals() -> None:
    """Make a signal end the hub's wait for I/O.

    Python runs a signal handler when the system call it interrupted
    returns, then resumes the call for the time that was left: an idle hub
    may sleep up to a minute before it notices the green thread the handler
    spawned (a PaaS kills at 30 s). With a wakeup fd the resumed poll finds
    it readable at once.
    """
    import eventlet.hubs

    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end)

    def empty() -> None:
        while True:
            eventlet.hubs.trampoline(read_end, read=True)
            with contextlib.suppress(BlockingIOError):
                os.read(read_end, 512)

    eventlet.spawn_n(empty)


# A websocket's connection keeps its HTTP buffers while it is served in its
# green thread (eventlet's defaults are 8 KiB to read, 16 KiB to write).
# Small buffers only cost an extra system call on an unusually long request
# head or response.
HTTP_BUFFER_BYTES = 2048


class _HandedOff:
    """Stands in for a connection the server no longer owns (see `_protocol`)."""

    def shutdown(self, *_args: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _protocol(base: type, budget: Any) -> type:
    """eventlet's HTTP protocol, able to hand a connection over to its handler.

    A websocket read by the hub (app.realtime.websocket) outlives its
    request: the server then lets the connection's green thread end without
    closing the socket. Such a connection keeps one unit of the server's
    connection budget (MAX_CONNECTIONS) until it closes, so connections in
    requests and websockets together stay within it.
    """

    from app.realtime.websocket import KEEP_CONNECTION

    class Protocol(base):  # type: ignore[misc, valid-type]
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


def _give_up() -> None:
    log.warning("drain did not finish in %ss; exiting", DRAIN_DEADLINE_S)
    os._exit(0)
