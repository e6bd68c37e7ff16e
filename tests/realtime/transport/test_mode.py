"""REALTIME_TRANSPORT: the outbox transport on or off, and its start-up check."""

from __future__ import annotations

import pytest
import socketio
from socketio import packet as socketio_packet

import config
from app import create_app
from app.realtime import strict_json, transport
from app.realtime.message_queue import ParleyRedisManager
from app.realtime.transport import broadcast
from app.server import _server_options


def server_of(app):
    return app.extensions["socketio"].server


def test_outbox_is_the_default():
    assert config.Config({}).REALTIME_TRANSPORT == "outbox"


def test_an_unknown_transport_is_refused():
    with pytest.raises(config.ConfigError, match="REALTIME_TRANSPORT must be one of outbox, stock"):
        config.Config({"REALTIME_TRANSPORT": "fast"})


@pytest.mark.config(REALTIME_TRANSPORT="outbox")
def test_outbox_mode_broadcasts_framed_with_its_own_packet(app):
    server = server_of(app)
    assert isinstance(server.manager, broadcast.FramedBroadcast)
    assert server.packet_class is broadcast.Packet


@pytest.mark.config(REALTIME_TRANSPORT="stock")
def test_stock_mode_runs_on_python_socketios_own_manager_and_packet(app):
    server = server_of(app)
    assert type(server.manager) is socketio.Manager
    # Strict JSON is behaviour, in both modes; the packet is otherwise the library's.
    assert server.packet_class.__bases__ == (socketio_packet.Packet,)
    assert server.packet_class is strict_json.Packet


@pytest.mark.config(REALTIME_TRANSPORT="stock")
def test_stock_mode_serves_with_eventlets_own_protocol(app):
    import eventlet

    options = _server_options(app)
    assert set(options) == {"custom_pool"}
    assert type(options["custom_pool"]) is eventlet.GreenPool


@pytest.mark.config(REALTIME_TRANSPORT="outbox")
def test_outbox_mode_serves_with_the_hand_over_protocol(app):
    from app.realtime.transport.protocol import ConnectionPool

    options = _server_options(app)
    assert isinstance(options["custom_pool"], ConnectionPool)
    assert options["custom_pool"].size == app.config["MAX_CONNECTIONS"]


@pytest.mark.parametrize(
    ("mode", "framed"), [("stock", False), ("outbox", True)], ids=["stock", "outbox"]
)
def test_the_queue_keeps_its_order_in_both_modes(redis_server, database_url, mode, framed):
    app = create_app(
        config.TestingConfig(
            SQLALCHEMY_DATABASE_URI=database_url,
            REDIS_URL=redis_server.url,
            REALTIME_TRANSPORT=mode,
        )
    )
    manager = server_of(app).manager
    assert isinstance(manager, ParleyRedisManager)
    assert isinstance(manager, broadcast.FramedBroadcast) is framed


@pytest.fixture
def other_versions(monkeypatch):
    monkeypatch.setitem(transport.WRITTEN_FOR, "python-socketio", "0.0.1")


def test_outbox_refuses_to_start_on_versions_it_was_not_written_for(other_versions, database_url):
    settings = config.TestingConfig(
        SQLALCHEMY_DATABASE_URI=database_url, REALTIME_TRANSPORT="outbox"
    )
    with pytest.raises(transport.IncompatibleLibraries) as refused:
        create_app(settings)
    message = str(refused.value)
    assert "python-socketio 5.18.1 is installed, not 0.0.1" in message
    assert "Set REALTIME_TRANSPORT=stock" in message


def test_stock_mode_starts_on_any_versions(other_versions, database_url):
    app = create_app(
        config.TestingConfig(SQLALCHEMY_DATABASE_URI=database_url, REALTIME_TRANSPORT="stock")
    )
    assert type(server_of(app).manager) is socketio.Manager


def test_the_check_names_a_private_name_that_has_gone(monkeypatch):
    monkeypatch.setattr(
        transport, "PRIVATE_NAMES", (*transport.PRIVATE_NAMES, ("socketio", "Server", "_gone"))
    )
    assert transport.incompatibilities("eventlet") == ["socketio.Server._gone is missing"]


def test_every_private_name_is_there_in_the_installed_libraries():
    names = transport.PRIVATE_NAMES + transport.QUEUE_PRIVATE_NAMES
    assert transport.missing_names(names) == []


def test_the_installed_libraries_are_those_the_transport_was_written_for():
    assert transport.incompatibilities("eventlet") == []
