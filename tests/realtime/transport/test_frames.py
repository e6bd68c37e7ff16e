"""The frame codec: server frames built once, client frames parsed without sockets."""

import os
import random

import pytest
from eventlet.websocket import RFC6455WebSocket

from app.realtime.transport.frames import FrameParser, ProtocolError, text_frame, unmask
from tests.realtime.transport.helpers import client_frame, eventlet_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_text_frames_match_eventlets_framing(size):
    text = "é" * (size // 2) + "x" * (size % 2)
    assert text_frame(text) == eventlet_frame(text)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 130, 4096])
@pytest.mark.parametrize("offset", [0, 1, 2, 3])
def test_client_frames_unmask_like_eventlet(size, offset):
    data = os.urandom(size)
    mask = [random.randrange(256) for _ in range(4)]
    expected = RFC6455WebSocket._apply_mask(data, mask, offset=offset)
    assert unmask(data, mask, offset=offset) == expected


@pytest.fixture
def controls():
    """The control frames the parser handed over, as (opcode, payload)."""
    return []


@pytest.fixture
def parser(controls):
    return FrameParser(1000, lambda opcode, payload: controls.append((opcode, payload)))


def test_a_message_split_anywhere_arrives_whole_once_complete(parser):
    data = client_frame("héllo".encode())
    for cut in range(1, len(data)):
        assert parser.feed(data[:cut]) == []
        assert parser.feed(data[cut:]) == ["héllo"]


def test_several_messages_in_one_read_come_in_order(parser):
    data = client_frame(b"one") + client_frame(b"\x00\x01", opcode=2) + client_frame(b"three")
    assert parser.feed(data) == ["one", b"\x00\x01", "three"]


def test_fragments_are_joined_and_control_frames_between_them_go_to_the_callback(parser, controls):
    data = (
        client_frame(b"fir", final=False)
        + client_frame(b"ping!", opcode=9)
        + client_frame(b"st", opcode=0)
    )
    assert parser.feed(data) == ["first"]
    assert controls == [(9, b"ping!")]


@pytest.mark.parametrize(
    ("frame", "status"),
    [
        (client_frame(b"x", masked=False), 1002),
        (client_frame(b"x" * 1001), 1009),
        (client_frame(b"\xff\xfe"), 1007),
        (client_frame(b"x", opcode=3), 1002),
        (client_frame(b"x", opcode=0), 1002),
        (client_frame(b"x", opcode=9, final=False), 1002),
    ],
    ids=["unmasked", "too-long", "bad-utf8", "unknown-opcode", "stray-continuation", "split-ping"],
)
def test_a_broken_frame_is_a_protocol_error_with_its_status(parser, frame, status):
    with pytest.raises(ProtocolError) as error:
        parser.feed(frame)
    assert error.value.status == status


def test_fragments_beyond_the_limit_are_refused_before_the_message_ends(parser):
    with pytest.raises(ProtocolError) as error:
        parser.feed(client_frame(b"x" * 600, final=False) + client_frame(b"y" * 600, opcode=0))
    assert error.value.status == 1009
