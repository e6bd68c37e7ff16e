"""The Redis manager's control operations and self-pings, on a real redis-server."""

import time
import uuid

import pytest
import redis
import socketio

from app.realtime.message_queue import ParleyRedisManager


@pytest.fixture
def managers(redis_server):
    applied = {"a": [], "b": []}
    made = {}
    channel = f"test-queue-{uuid.uuid4().hex}"  # listeners of earlier tests stay subscribed
    for name in ("a", "b"):
        manager = ParleyRedisManager(redis_server.url, channel=channel, apply=applied[name].append)
        socketio.Server(client_manager=manager, async_mode="threading")
        manager.initialize()
        made[name] = manager
    assert_subscribed(redis_server, channel, 2)
    return made, applied


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def assert_subscribed(redis_server, channel, listeners):
    """Wait until that many listeners are subscribed to the channel."""
    client = redis.Redis.from_url(redis_server.url)
    assert wait_until(lambda: client.pubsub_numsub(channel)[0][1] == listeners)


def assert_caught_up(manager):
    """Wait until the manager's listener has handled everything published so far:
    the channel is ordered, so hearing its own ping back means that."""
    manager.last_pong = None
    manager.ping()
    assert wait_until(lambda: manager.listening(max_age=5))


def test_control_operations_apply_here_and_on_every_other_process(managers):
    made, applied = managers
    op = {"op": "disconnect", "channel": "user:7"}
    made["a"].publish_control(op)
    assert applied["a"] == [op]
    assert wait_until(lambda: applied["b"] == [op])
    assert_caught_up(made["a"])
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


@pytest.fixture
def redis_app(database_url, redis_server):
    from app import create_app
    from config import TestingConfig

    return create_app(
        TestingConfig(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis_server.url)
    )


def test_health_fails_while_the_listener_has_not_heard_its_ping(redis_app):
    from app.extensions import socketio
    from app.realtime.message_queue import status

    with redis_app.test_request_context():
        assert status() == "failed"
        socketio.server.manager.last_pong = time.monotonic()
        assert status() == "ok"
        socketio.server.manager.last_pong -= 3 * redis_app.config["QUEUE_PING_SECONDS"] + 1
        assert status() == "failed"


class RecordingManager(ParleyRedisManager):
    """Notes each broadcast this process delivers to its own sockets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivered = []

    def _handle_emit(self, message):
        self.delivered.append(message["data"][0])
        super()._handle_emit(message)


@pytest.fixture
def recording(redis_server):
    made = []
    channel = f"test-order-{uuid.uuid4().hex}"
    for _ in range(2):
        manager = RecordingManager(redis_server.url, channel=channel, apply=lambda op: None)
        socketio.Server(client_manager=manager, async_mode="threading")
        manager.initialize()
        made.append(manager)
    assert_subscribed(redis_server, channel, 2)
    return made


def test_every_process_delivers_broadcasts_in_the_queues_order(recording):
    a, b = recording
    for i in range(20):
        (a if i % 2 == 0 else b).emit("message", i, namespace="/chat", room="room:1")
    assert wait_until(lambda: len(a.delivered) == 20 and len(b.delivered) == 20)
    assert a.delivered == list(range(20))
    assert b.delivered == list(range(20))


def test_a_broadcast_reaches_its_own_process_once(recording):
    a, b = recording
    a.emit("message", "hello", namespace="/chat", room="room:1")
    assert wait_until(lambda: a.delivered == ["hello"] and b.delivered == ["hello"])
    assert_caught_up(a)
    assert a.delivered == ["hello"]
