import threading

from app import concurrency


def test_blocking_work_runs_in_a_native_thread_under_eventlet(monkeypatch):
    monkeypatch.setattr(concurrency, "_mode", "eventlet")
    worker = concurrency.run_blocking(threading.get_ident)
    assert worker != threading.get_ident()


def test_blocking_work_runs_inline_under_threading(monkeypatch):
    monkeypatch.setattr(concurrency, "_mode", "threading")
    assert concurrency.run_blocking(threading.get_ident) == threading.get_ident()


def test_start_up_refuses_a_blocking_psycopg2():
    # This test process is not monkey-patched, so psycopg2 has no wait callback.
    import psycopg2.extensions
    import pytest

    assert psycopg2.extensions.get_wait_callback() is None
    with pytest.raises(RuntimeError, match="not green"):
        concurrency.assert_green_psycopg()
