"""Framed broadcasts: the Socket.IO packet's cheaper binary check."""

import pytest
from socketio import packet as stock

from app.realtime.transport.broadcast import Packet


@pytest.mark.parametrize(
    "data",
    [
        ["message", {"id": 1, "sender": {"id": 2}, "tags": ["a", None, 3.5]}],
        ["message", {"blob": b"\x00"}],
        [{"deep": [[{"x": bytearray(b"y")}]]}],
        [],
        ["typing", {"typing": False}],
    ],
)
def test_binary_check_agrees_with_socketio(data):
    assert Packet.data_is_binary(data) == stock.Packet.data_is_binary(data)
