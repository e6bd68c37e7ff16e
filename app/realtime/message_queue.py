"""The Socket.IO message queue (Redis), when REDIS_URL is set.

`ParleyRedisManager` is python-socketio's Redis manager with every process's
broadcasts delivered in one order, plus two things on the same channel, so
they stay in order with the emits around them:

- control operations (subscribe a user's sockets to a room, disconnect a
  user's or a token's sockets), applied by every process to its own sockets;
- a ping each process sends itself, so that a process whose listener has
  gone deaf can report it in /api/health and be taken out of rotation.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
import socketio
from flask import current_app
from socketio.packet import Packet

log = logging.getLogger(__name__)

METHOD = "parley"


class ParleyRedisManager(socketio.RedisManager):
    """python-socketio's Redis manager, delivering broadcasts in the queue's order.

    A broadcast reaches this process's sockets, too, only when it comes back
    from the queue. python-socketio delivers its own emits at once and skips
    them in the listener: then a process could deliver its own message 19
    before another process's 18, published first but still on its way.
    Through the queue every process sees Redis's one order. Should Redis
    refuse the publish, the broadcast is delivered here all the same.
    """

    name = "parley-redis"

    def __init__(self, url: str, channel: str, apply: Callable[[dict[str, Any]], None]):
        super().__init__(url, channel=channel, redis_options={"socket_connect_timeout": 5})
        self.apply = apply
        self.last_pong: float | None = None

    def publish_control(self, op: dict[str, Any]) -> None:
        """Apply to this process's sockets now, and to every other process's."""
        self.apply(op)
        self._publish({"method": METHOD, "host_id": self.host_id, "op": op})

    def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        args = list(data) if isinstance(data, tuple) else [data]
        if callback is not None or kwargs.get("ignore_queue") or Packet.data_is_binary(args):
            super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
            return
        message = {
            "method": "emit",
            "event": event,
            "data": args,
            "binary": False,
            "namespace": namespace or "/",
            "room": room,
            "skip_sid": skip_sid,
            "callback": None,
            "host_id": self.host_id,
        }
        if self._publish(message) is None:  # Redis refused: deliver here at least
            self._handle_emit(message)

    def ping(self) -> None:
        self._publish({"method": METHOD, "host_id": self.host_id, "op": {"op": "ping"}})

    def listening(self, max_age: float) -> bool:
        return self.last_pong is not None and time.monotonic() - self.last_pong <= max_age

    def _listen(self) -> Iterator[Any]:
        for message in super()._listen():
            try:
                data = json.loads(message) if isinstance(message, (bytes, str)) else message
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("method") == METHOD:
                self._receive(data)
                continue
            if (
                isinstance(data, dict)
                and data.get("method") == "emit"
                and data.get("host_id") == self.host_id  # the base listener skips these
            ):
                self._handle_emit(data)
                continue
            yield data  # the base listener accepts decoded dicts

    def _receive(self, data: dict[str, Any]) -> None:
        op = data.get("op") or {}
        if data.get("host_id") == self.host_id:
            if op.get("op") == "ping":
                self.last_pong = time.monotonic()
            return
        try:
            self.apply(op)
        except Exception:
            log.exception("control operation %r failed", op)


def status() -> str:
    """'disabled' without REDIS_URL; otherwise 'ok' or 'failed'.

    Failed when Redis does not answer, or when this process has not heard
    its own ping back recently (its listener has stopped).
    """
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "disabled"
    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        log.warning("health: message queue check failed: %s", exc)
        return "failed"
    manager = getattr(
        getattr(current_app.extensions.get("socketio"), "server", None), "manager", None
    )
    if isinstance(manager, ParleyRedisManager):
        max_age = 3 * current_app.config["QUEUE_PING_SECONDS"]
        if not manager.listening(max_age):
            log.warning("health: no pong from the message queue within %ss", max_age)
            return "failed"
    return "ok"
