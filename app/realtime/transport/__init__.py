"""The outbox transport: Parley's replacement for parts of Engine.IO, Socket.IO and eventlet.

`REALTIME_TRANSPORT=outbox` (the default) turns all of it on together;
`stock` leaves every piece out, and Parley runs on the libraries' own code
paths. What it replaces, by layer:

- `frames.py`: the RFC 6455 codec (server frames built once per broadcast,
  client frames parsed without sockets).
- `outbox.py`: each websocket's ordered outbox and the hub's flusher.
- `reader.py`: websockets read by the hub, not by a parked green thread.
- `engineio_socket.py`: Engine.IO's socket without a writer and a ping
  green thread per connection.
- `broadcast.py`: one frame per broadcast, pushed to every recipient's
  outbox; a cheaper binary check for every Socket.IO packet.
- `protocol.py`: eventlet's HTTP server handing websocket connections to
  the hub, and a pool whose drain ignores them.

The private names it relies on (and the versions they were read from, in
`WRITTEN_FOR`); `PRIVATE_NAMES` holds those that exist on a class, and
start-up checks both:

- python-engineio: `Server._async["websocket"]` (the websocket WSGI class,
  replaced), `Server.handlers["connect"]` (wrapped), `Server.sockets`,
  `Server.reason`, `Server.get_queue_empty_exception`; `socket.Socket`, its
  class swapped for `OutboxSocket`, which overrides `poll`, `schedule_ping`,
  `send`, `close`, `_websocket_handler` and uses `check_ping_timeout`,
  `receive` and the instance attributes `queue`, `server`, `last_ping`,
  `connected`, `upgraded`, `upgrading`, `closing`, `closed`.
- python-socketio: `Manager.emit`'s parameters, `Manager.rooms`,
  `Manager.get_participants`, `Server._send_eio_packet`,
  `Server.packet_class`, `Packet.data_is_binary` (overridden).
- eventlet: `websocket.RFC6455WebSocket`, its class swapped for
  `OutboxWebSocket`, which overrides `send`, `close`, `_send_closing_frame`,
  `_apply_mask` and uses `_handle_control_frame` and the instance
  attributes `_sendlock`, `socket` (and its `fd`), `environ`, `extensions`,
  `max_frame_length`; `websocket.WebSocketWSGI._handle_hybi_request`;
  `wsgi.HttpProtocol.get_environ`, `finish` and its instance attribute
  `conn_state`; `GreenPool._spawn_done`, `sem`, `coroutines_running`,
  `no_coros_running`.

Outside this package, and in both modes, `app.realtime.message_queue`
subclasses python-socketio's `RedisManager` through `_publish`, `_listen`,
`_handle_emit` and `host_id` (the queue's order and control operations are
behaviour, not speed), `app.realtime.strict_json.Packet` (python-socketio's
Packet with strict JSON: its documented `serializer` extension point) is the
packet class, and `app.realtime.background` sets
`Server.manager_initialized`; `tests/realtime/test_transport.py` checks
those names too.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import version
from typing import Any

log = logging.getLogger(__name__)

STOCK = "stock"
OUTBOX = "outbox"
MODES = (OUTBOX, STOCK)

# The versions whose private code this package was read against.
WRITTEN_FOR = {
    "python-engineio": "4.15.1",
    "python-socketio": "5.18.1",
    "eventlet": "0.41.3",
}

# (module, class, attribute): private names that exist on a class.
PRIVATE_NAMES = (
    ("engineio", "Server", "get_queue_empty_exception"),
    ("engineio.socket", "Socket", "poll"),
    ("engineio.socket", "Socket", "schedule_ping"),
    ("engineio.socket", "Socket", "check_ping_timeout"),
    ("engineio.socket", "Socket", "_websocket_handler"),
    ("engineio.socket", "Socket", "receive"),
    ("socketio", "Manager", "get_participants"),
    ("socketio", "Server", "_send_eio_packet"),
    ("socketio.packet", "Packet", "data_is_binary"),
    ("eventlet.websocket", "RFC6455WebSocket", "_send_closing_frame"),
    ("eventlet.websocket", "RFC6455WebSocket", "_handle_control_frame"),
    ("eventlet.websocket", "RFC6455WebSocket", "_apply_mask"),
    ("eventlet.websocket", "WebSocketWSGI", "_handle_hybi_request"),
    ("eventlet.wsgi", "HttpProtocol", "get_environ"),
    ("eventlet.wsgi", "HttpProtocol", "finish"),
    ("eventlet", "GreenPool", "_spawn_done"),
)

# The same for the message queue, which relies on them in both modes.
QUEUE_PRIVATE_NAMES = (
    ("socketio", "PubSubManager", "_publish"),
    ("socketio", "PubSubManager", "_listen"),
    ("socketio", "PubSubManager", "_handle_emit"),
)


class IncompatibleLibraries(RuntimeError):
    """The installed libraries are not the ones the outbox transport was written for."""


def missing_names(names: tuple[tuple[str, str, str], ...]) -> list[str]:
    """The names of `names` that the installed libraries lack."""
    missing = []
    for module_name, class_name, attribute in names:
        owner = getattr(importlib.import_module(module_name), class_name, None)
        if owner is None or not hasattr(owner, attribute):
            missing.append(f"{module_name}.{class_name}.{attribute}")
    return missing


def incompatibilities(async_mode: str) -> list[str]:
    """Why the outbox transport cannot run on the installed libraries (empty: it can)."""
    problems = []
    for distribution, expected in WRITTEN_FOR.items():
        if distribution == "eventlet" and async_mode != "eventlet":
            continue
        installed = version(distribution)
        if installed != expected:
            problems.append(f"{distribution} {installed} is installed, not {expected}")
    names = tuple(n for n in PRIVATE_NAMES if async_mode == "eventlet" or "eventlet" not in n[0])
    problems += [f"{name} is missing" for name in missing_names(names)]
    return problems


def require_compatible(async_mode: str) -> None:
    """Refuse to start the outbox transport on libraries it was not written for."""
    problems = incompatibilities(async_mode)
    if problems:
        raise IncompatibleLibraries(
            "REALTIME_TRANSPORT=outbox replaces private code of python-engineio, "
            "python-socketio and eventlet, and "
            + "; ".join(problems)
            + ". Set REALTIME_TRANSPORT=stock to run on the libraries' own code paths, "
            "or install the versions in requirements.txt."
        )


def manager_class(base: type) -> type:
    """`base` (a python-socketio manager class) with framed broadcasts."""
    from app.realtime.transport import broadcast

    return broadcast.framed(base)


def packet_class() -> type:
    from app.realtime.transport.broadcast import Packet

    return Packet


def install(engineio_server: Any, flush_gap: float = 0.0) -> Any:
    """Give this Engine.IO server outbox websockets and sockets (eventlet only).

    `flush_gap`: the least time in seconds between two writes of the
    outboxes. Returns the server's flusher.
    """
    from app.realtime.transport.engineio_socket import OutboxSocket
    from app.realtime.transport.outbox import Flusher, websocket_class

    flusher = Flusher()
    flusher.gap = flush_gap
    engineio_server._async = {
        **engineio_server._async,
        "websocket": websocket_class(engineio_server._async["websocket"], flusher),
    }
    on_connect = engineio_server.handlers["connect"]

    def adopting_connect(sid: str, *args: Any) -> Any:
        OutboxSocket.adopt(engineio_server.sockets[sid])
        return on_connect(sid, *args)

    engineio_server.on("connect", adopting_connect)
    return flusher


def wsgi_server_options(max_connections: int) -> dict[str, Any]:
    """Keyword arguments for `eventlet.wsgi.server`: the hand-over protocol and its pool."""
    from app.realtime.transport.protocol import server_options

    return server_options(max_connections)
