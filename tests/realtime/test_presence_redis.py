"""Presence in Redis, shared by processes, against a real redis-server."""

import pytest
import redis

from app.realtime.presence import RedisPresence


@pytest.fixture
def client(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    return client


@pytest.fixture
def process_a(client):
    presence = RedisPresence(client, ttl=30)
    presence.heartbeat()
    return presence


@pytest.fixture
def process_b(client):
    presence = RedisPresence(client, ttl=30)
    presence.heartbeat()
    return presence


def test_first_socket_brings_a_user_online(process_a):
    assert process_a.connect(7, "s1") is True
    assert process_a.connect(7, "s2") is False
    assert process_a.online_among([7, 8]) == {7}


def test_online_while_any_socket_on_any_process(process_a, process_b):
    process_a.connect(7, "s1")
    assert process_b.connect(7, "s2") is False
    assert process_a.disconnect(7, "s1") is False
    assert process_b.online_among([7]) == {7}
    assert process_b.disconnect(7, "s2") is True
    assert process_a.online_among([7]) == set()


def test_disconnecting_an_unknown_socket_changes_nothing(process_a):
    process_a.connect(7, "s1")
    assert process_a.disconnect(7, "other") is False
    assert process_a.online_among([7]) == {7}


def test_count_spans_processes(process_a, process_b):
    process_a.connect(1, "s1")
    process_b.connect(2, "s2")
    process_b.connect(1, "s3")
    assert process_a.count() == 2


def test_dead_process_is_reaped_and_its_users_go_offline(client, process_a, process_b):
    process_a.connect(1, "a1")
    process_b.connect(1, "b1")
    process_b.connect(2, "b2")
    client.delete(f"parley:presence:alive:{process_b.process_id}")  # b died: no heartbeat
    assert process_a.reap() == [2]
    assert process_a.online_among([1, 2]) == {1}
    assert process_a.count() == 1


def test_live_processes_are_not_reaped(process_a, process_b):
    process_b.connect(2, "b2")
    assert process_a.reap() == []
    assert process_a.online_among([2]) == {2}


def test_a_dead_process_is_reaped_once(client, process_a, process_b):
    third = RedisPresence(client, ttl=30)
    third.heartbeat()
    process_b.connect(2, "b2")
    client.delete(f"parley:presence:alive:{process_b.process_id}")
    assert process_a.reap() + third.reap() == [2]


def test_heartbeat_expires(client):
    presence = RedisPresence(client, ttl=1)
    presence.heartbeat()
    assert client.ttl(f"parley:presence:alive:{presence.process_id}") <= 1


def test_default_timing_takes_users_offline_within_a_minute(app):
    worst_case = app.config["PRESENCE_TTL_SECONDS"] + app.config["PRESENCE_HEARTBEAT_SECONDS"]
    assert worst_case <= 60
