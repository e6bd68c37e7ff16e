"""Dependency checks and system details for /api/health."""

from __future__ import annotations

import logging
import platform
import socket
import time
from importlib.metadata import version
from typing import Any

import psutil
from flask import current_app
from sqlalchemy import text

from app import __version__
from app.extensions import db
from app.realtime import message_queue
from app.state import process_state

log = logging.getLogger(__name__)


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means the same to a load balancer
        db.session.rollback()
        log.warning("health: database check failed: %s", exc)
        return "failed"


def health_report(include_system: bool = False) -> dict[str, Any]:
    checks = {"database": check_database(), "message_queue": message_queue.status()}
    if process_state().draining.is_set():
        # Stopping: the router must send new clients elsewhere.
        checks["process"] = "draining"
    healthy = all(value in ("ok", "disabled") for value in checks.values())
    report: dict[str, Any] = {
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "uptime_s": round(time.time() - current_app.config["STARTED_AT"], 3),
        "checks": checks,
    }
    if include_system:
        report["system"] = system_details()
    return report


def system_details() -> dict[str, Any]:
    process = psutil.Process()
    memory = psutil.virtual_memory()
    return {
        "hostname": socket.gethostname(),
        "pid": process.pid,
        "cpu": {"count": psutil.cpu_count(), "load_percent": psutil.cpu_percent(interval=None)},
        "memory": {
            "process_rss_bytes": process.memory_info().rss,
            "total_bytes": memory.total,
            "available_bytes": memory.available,
        },
        "versions": {
            "python": platform.python_version(),
            "flask": version("flask"),
            "flask_socketio": version("flask-socketio"),
            "sqlalchemy": version("sqlalchemy"),
            "database": db.engine.dialect.name,
            "async_mode": current_app.config["ASYNC_MODE"],
        },
    }
