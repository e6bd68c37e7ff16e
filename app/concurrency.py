"""The few places where the async mode shows through.

Everything else uses `socketio.start_background_task` and `socketio.sleep`,
so eventlet, gevent or plain threads is a setting (ASYNC_MODE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask

T = TypeVar("T")

_mode = "threading"


def init_app(app: Flask) -> None:
    global _mode
    _mode = app.config["ASYNC_MODE"]
    if _mode == "eventlet" and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert_green_psycopg()


def assert_green_psycopg() -> None:
    """psycopg2 blocks the whole process unless eventlet installed its wait callback."""
    import psycopg2.extensions

    if psycopg2.extensions.get_wait_callback() is None:
        raise RuntimeError(
            "psycopg2 is not green: call eventlet.monkey_patch() before importing the app "
            "(wsgi.py does)"
        )


def run_blocking(fn: Callable[..., T], *args: object) -> T:
    """Run CPU-heavy or blocking work off the event loop.

    bcrypt releases the GIL, so in a native thread it neither stalls other
    connections nor serialises with them.
    """
    if _mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(fn, *args)
    if _mode == "gevent":
        from gevent import get_hub

        return get_hub().threadpool.apply(fn, args)
    return fn(*args)


def current_mode() -> str:
    return _mode
