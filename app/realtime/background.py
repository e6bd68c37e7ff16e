"""Work a serving process does in the background: presence heartbeats and
reaping of dead processes, and pings through the message queue."""

from __future__ import annotations

import logging

from flask import Flask
from redis import RedisError

from app.extensions import db, socketio
from app.models import User
from app.realtime import events
from app.realtime.message_queue import ParleyRedisManager
from app.realtime.presence import RedisPresence
from app.state import ProcessState

log = logging.getLogger(__name__)


def start(app: Flask) -> None:
    """Begin before accepting connections, so this process is known alive."""
    server = socketio.server
    if not server.manager_initialized:
        # python-socketio starts the queue listener on the first connection;
        # start it now so health can vouch for it from the outset.
        server.manager_initialized = True
        server.manager.initialize()
    backend = ProcessState.of(app).presence
    if isinstance(backend, RedisPresence):
        backend.heartbeat()
        socketio.start_background_task(_presence_loop, app, backend)
    if isinstance(server.manager, ParleyRedisManager):
        server.manager.ping()
        socketio.start_background_task(_ping_loop, app, server.manager)


def stop(app: Flask) -> None:
    ProcessState.of(app).stopping.set()
    backend = ProcessState.of(app).presence
    if isinstance(backend, RedisPresence):
        try:
            backend.retire()
        except RedisError:
            log.warning("could not retire this process from presence")


def _presence_loop(app: Flask, backend: RedisPresence) -> None:
    interval = app.config["PRESENCE_HEARTBEAT_SECONDS"]
    while not ProcessState.of(app).stopping.is_set():
        socketio.sleep(interval)
        try:
            backend.heartbeat()
            offline = backend.reap()
        except RedisError as exc:
            log.warning("presence heartbeat failed: %s", exc)
            continue
        if offline:
            with app.app_context():
                for user in db.session.query(User).filter(User.id.in_(offline)):
                    events.presence(user, "offline")


def _ping_loop(app: Flask, manager: ParleyRedisManager) -> None:
    interval = app.config["QUEUE_PING_SECONDS"]
    while not ProcessState.of(app).stopping.is_set():
        socketio.sleep(interval)
        manager.ping()
