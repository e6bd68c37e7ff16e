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
from typing import Any

from flask import Flask

from app.extensions import socketio
from app.realtime import background, transport
from app.state import ProcessState

log = logging.getLogger(__name__)

# Past this, a drain that has not finished ends anyway (a PaaS kills at 30 s).
DRAIN_DEADLINE_S = 20.0


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
        ProcessState.of(app).draining.set()
        eventlet.spawn_after(DRAIN_DEADLINE_S, _give_up)
        close_sessions(socketio.server.eio)
        eventlet.hubs.get_hub().schedule_call_global(0, stop_accepting)

    def on_sigterm(_signum: int, _frame: Any) -> None:
        # Signal handlers may run inside the hub; do the work in a greenlet.
        eventlet.spawn_n(drain)

    signal.signal(signal.SIGTERM, on_sigterm)
    _wake_hub_on_signals()
    # The server catches the SystemExit that drain() throws and returns once
    # in-flight requests are done; suppress it should it escape regardless.
    with contextlib.suppress(SystemExit):
        eventlet.wsgi.server(listener, app, log_output=False, **_server_options(app))


def _server_options(app: Flask) -> dict[str, Any]:
    """The outbox transport's protocol and pool, or eventlet's own."""
    import eventlet

    if app.config["REALTIME_TRANSPORT"] == transport.OUTBOX:
        return transport.wsgi_server_options(app.config["MAX_CONNECTIONS"])
    return {"custom_pool": eventlet.GreenPool(app.config["MAX_CONNECTIONS"])}


def close_sessions(engineio_server: Any) -> None:
    """Close every Engine.IO session, without waiting for its client to take the close.

    Engine.IO's own `disconnect()` waits, per long-polling session, until the
    client's next poll has collected the close packet: up to a ping interval
    for each one that is between polls. A client that polls after this finds
    its session gone and reconnects, through the router, to another process.
    """
    for session in list(engineio_server.sockets.values()):
        session.close(wait=False, reason=engineio_server.reason.SERVER_DISCONNECT)
    engineio_server.sockets = {}


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


def _give_up() -> None:
    log.warning("drain did not finish in %ss; exiting", DRAIN_DEADLINE_S)
    os._exit(0)
