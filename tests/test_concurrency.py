import os
import threading

import psycopg2.extensions
import pytest

from app import concurrency


@pytest.fixture
def eventlet_mode(app):
    """Blocking work dispatched as under eventlet (tpool works without monkey-patching)."""
    app.config["ASYNC_MODE"] = "eventlet"
    with app.app_context():
        yield


def test_blocking_work_runs_in_a_native_thread_under_eventlet(eventlet_mode):
    worker = concurrency.run_blocking(threading.get_ident)
    assert worker != threading.get_ident()


def test_blocking_work_runs_at_the_lowest_priority(eventlet_mode):
    assert concurrency.run_blocking(os.getpriority, os.PRIO_PROCESS, 0) == 19


def test_the_caller_keeps_its_priority(eventlet_mode):
    before = os.getpriority(os.PRIO_PROCESS, 0)
    concurrency.run_blocking(int)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before


def test_blocking_work_runs_inline_under_threading(app):
    with app.app_context():
        assert concurrency.run_blocking(threading.get_ident) == threading.get_ident()


def test_start_up_refuses_a_blocking_psycopg2():
    # This test process is not monkey-patched, so psycopg2 has no wait callback.
    assert psycopg2.extensions.get_wait_callback() is None
    with pytest.raises(RuntimeError, match="not green"):
        concurrency.assert_green_psycopg()
