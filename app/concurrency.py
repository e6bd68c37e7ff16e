"""The few places where the async mode shows through.

Everything else uses `socketio.start_background_task` and `socketio.sleep`,
so eventlet or plain threads is a setting (ASYNC_MODE); another green
library would need only this module, wsgi.py's patching and app.server.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, has_app_context

T = TypeVar("T")


def init_app(app: Flask) -> None:
    if app.config["ASYNC_MODE"] == "eventlet" and app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
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
    """Run CPU-heavy or blocking work off the event loop, at low CPU priority.

    bcrypt releases the GIL, so in a native thread it neither stalls other
    connections nor serialises with them. The pool's threads run at the
    lowest priority: when the CPU is short, sign-ins wait, live chat does not.
    """
    if current_mode() != "eventlet":
        return fn(*args)
    from eventlet import tpool

    with _slots:
        return tpool.execute(_at_low_priority, fn, *args)


# The two below belong to the process, not to an app: eventlet's tpool is
# one pool of native threads per process, whichever app hands it work.
# At most this many blocking calls run at once; the rest wait their turn in
# the event loop. More would only share the same spare cores, and every
# runnable worker thread takes a share of the event loop's core too.
BLOCKING_CONCURRENCY = max(1, (os.cpu_count() or 2) - 1)
_slots = threading.BoundedSemaphore(BLOCKING_CONCURRENCY)


LOW_PRIORITY = 19
_lowered: set[int] = set()


def _at_low_priority(fn: Callable[..., T], *args: object) -> T:
    """Run fn in this pool thread, lowering the thread's priority the first time.

    On Linux the nice value is per thread, and `who=0` names the caller.
    """
    thread = _thread.get_native_id()
    if thread not in _lowered:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, 0, LOW_PRIORITY)
        _lowered.add(thread)
    return fn(*args)


def current_mode() -> str:
    """The app's async mode; outside an app, plain threads."""
    return current_app.config["ASYNC_MODE"] if has_app_context() else "threading"
