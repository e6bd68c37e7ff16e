"""Payloads of the client events, validated like REST bodies."""

from __future__ import annotations

from marshmallow import fields, validate

from app.messages.schemas import EditMessageArgs, HistoryArgs, PostMessageArgs
from app.schemas import MESSAGE_CURSOR, MESSAGE_ID, BaseSchema, StrictBoolean, StrictInteger

# A room or message named by id, as a REST path names it: any positive
# integer; one that no row can have is the services' 404, as in a path.
RESOURCE = validate.Range(min=1)


class RoomRef(BaseSchema):
    room_id = StrictInteger(required=True, validate=RESOURCE)


class SendMessagePayload(PostMessageArgs):
    room_id = StrictInteger(required=True, validate=RESOURCE)


class EditMessagePayload(EditMessageArgs):
    message_id = StrictInteger(required=True, validate=RESOURCE)


class MessageRef(BaseSchema):
    message_id = StrictInteger(required=True, validate=RESOURCE)


class TypingPayload(BaseSchema):
    room_id = StrictInteger(required=True, validate=RESOURCE)
    typing = StrictBoolean(required=True)


class MarkReadPayload(BaseSchema):
    room_id = StrictInteger(required=True, validate=RESOURCE)
    message_id = StrictInteger(required=True, validate=MESSAGE_ID)


class HistoryPayload(HistoryArgs):
    room_id = StrictInteger(required=True, validate=RESOURCE)
    before = StrictInteger(validate=MESSAGE_ID)
    after = StrictInteger(validate=MESSAGE_CURSOR)
    limit = StrictInteger(load_default=50, validate=validate.Range(min=1, max=100))


class ConnectAuth(BaseSchema):
    since = fields.Integer(validate=MESSAGE_CURSOR, allow_none=True)
