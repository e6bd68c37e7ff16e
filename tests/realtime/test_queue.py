"""The Redis manager's control operations and self-pings, on a real redis-server."""

import time

import pytest
import socketio

from app.realtime.queue import ParleyRedisManager


@pytest.fixture
def managers(redis_server):
    applied = {"a": [], "b": []}
    made = {}
    for name in ("a", "b"):
        manager = ParleyRedisManager(
            redis_server.url, channel="test-queue", apply=applied[name].append
        )
        socketio.Server(client_manager=manager, async_mode="threading")
        manager.initialize()
        made[name] = manager
    time.sleep(0.3)  # let both listeners subscribe
    return made, applied


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_control_operations_apply_here_and_on_every_other_process(managers):
    made, applied = managers
    op = {"op": "disconnect", "channel": "user:7"}
    made["a"].publish_control(op)
    assert applied["a"] == [op]
    assert wait_until(lambda: applied["b"] == [op])
    time.sleep(0.2)
    assert applied["a"] == [op]  # not applied twice on the sender


def test_a_process_hears_its_own_ping(managers):
    made, _ = managers
    assert not made["a"].listening(max_age=5)
    made["a"].ping()
    assert wait_until(lambda: made["a"].listening(max_age=5))
    assert not made["b"].listening(max_age=5)


def test_a_stale_pong_means_not_listening(managers):
    made, _ = managers
    made["a"].ping()
    assert wait_until(lambda: made["a"].listening(max_age=5))
    made["a"].last_pong -= 60
    assert not made["a"].listening(max_age=15)
