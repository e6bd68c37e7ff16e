"""The Socket.IO message queue (Redis), when REDIS_URL is set."""

from __future__ import annotations

import logging

from flask import current_app

log = logging.getLogger(__name__)


def status() -> str:
    """'disabled' without REDIS_URL; otherwise 'ok' or 'failed'."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "disabled"
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        log.warning("health: message queue check failed: %s", exc)
        return "failed"
    return "ok"
