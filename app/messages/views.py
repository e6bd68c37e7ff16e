"""The Message resource's wire form, rendered in one place for REST, acks and broadcasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.messages.schemas import MessageSchema
from app.models import Message

MESSAGE = MessageSchema()


@dataclass(frozen=True, slots=True)
class Sender:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message just stored, with the attributes of `Message` that the wire form reads.

    A send renders it without loading the row back (see `store.py`).
    """

    id: int
    room_id: int
    sender: Sender
    content: str
    created_at: datetime
    client_id: str | None
    edited_at: None = None
    deleted: bool = False


def render_message(message: Message | SentMessage) -> dict[str, Any]:
    return MESSAGE.dump(message)


def render_messages(messages: list[Message]) -> list[dict[str, Any]]:
    return MESSAGE.dump(messages, many=True)
