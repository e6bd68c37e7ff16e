"""Sends to one room run side by side; their broadcasts leave in id order."""

from __future__ import annotations

import threading
import time

import pytest

from app.messages.ordering import RoomSequencer


class Send:
    """One send on its own thread: begins, then publishes when told to."""

    def __init__(self, sequencer: RoomSequencer, sent: list[int]):
        self.sequencer = sequencer
        self.sent = sent
        self.began = threading.Event()
        self.store = threading.Event()
        self.message_id: int | None = None
        self.returned = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        assert self.began.wait(5)

    def run(self) -> None:
        with self.sequencer.send() as publish:
            self.began.set()
            self.store.wait(5)
            if self.message_id is not None:
                message_id = self.message_id
                publish(message_id, lambda: self.sent.append(message_id))
        self.returned.set()

    def publish(self, message_id: int | None) -> None:
        """Store with this id (None: the store refused) and publish."""
        self.message_id = message_id
        self.store.set()


def wait_held(sequencer: RoomSequencer, count: int) -> None:
    """Wait until that many stored messages are held back, waiting their turn."""
    deadline = time.monotonic() + 5
    while sequencer.held() != count:
        assert time.monotonic() < deadline, f"{sequencer.held()} held, not {count}"
        time.sleep(0.005)


@pytest.fixture
def room():
    return RoomSequencer(), []


def test_a_send_that_began_earlier_holds_back_a_smaller_id(room):
    sequencer, sent = room
    first, second = Send(sequencer, sent), Send(sequencer, sent)
    second.publish(11)
    wait_held(sequencer, 1)
    # The first send began before the second was stored: it may get a
    # smaller id, so 11 waits, and so does its sender.
    assert sent == [] and not second.returned.is_set()
    first.publish(10)
    assert second.returned.wait(5) and first.returned.wait(5)
    assert sent == [10, 11]


def test_ids_are_broadcast_in_order_whatever_order_the_stores_finish(room):
    sequencer, sent = room
    sends = [Send(sequencer, sent) for _ in range(4)]
    for send, message_id in zip(sends, [13, 11, 14, 12], strict=True):
        send.publish(message_id)
    for send in sends:
        assert send.returned.wait(5)
    assert sent == [11, 12, 13, 14]


def test_a_send_that_began_after_a_store_does_not_hold_it_back(room):
    sequencer, sent = room
    first = Send(sequencer, sent)
    first.publish(10)
    assert first.returned.wait(5)
    later = Send(sequencer, sent)  # its id will be larger
    assert sent == [10]
    later.publish(11)
    assert later.returned.wait(5)
    assert sent == [10, 11]


def test_a_refused_send_gives_up_its_turn(room):
    sequencer, sent = room
    refused, second = Send(sequencer, sent), Send(sequencer, sent)
    second.publish(11)
    wait_held(sequencer, 1)
    assert sent == []
    refused.publish(None)
    assert second.returned.wait(5) and refused.returned.wait(5)
    assert sent == [11]


def test_a_failing_broadcast_does_not_stop_the_ones_after_it(room, caplog):
    sequencer, sent = room

    def fail() -> None:
        raise RuntimeError("socket layer failed")

    with sequencer.send() as publish:
        publish(10, fail)
    with sequencer.send() as publish:
        publish(11, lambda: sent.append(11))
    assert sent == [11]
    assert "broadcasting message 10 failed" in caplog.text
