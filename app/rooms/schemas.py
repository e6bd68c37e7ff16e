"""Room representation and the arguments of the room routes."""

from __future__ import annotations

from marshmallow import fields, validate

from app.messages.schemas import MessageSchema
from app.models import MEMBER_ROLES
from app.schemas import (
    ROW_ID,
    BaseSchema,
    PageArgs,
    StrictInteger,
    Timestamp,
    Trimmed,
    page_schema,
)
from app.users.schemas import UserPublicSchema

ROOM_NAME = validate.Length(min=1, max=64)
ROOM_DESCRIPTION = validate.Length(max=500)


class RoomSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String(allow_none=True)
    description = fields.String()
    created_by = fields.Integer(allow_none=True)
    created_at = Timestamp()
    member_count = fields.Integer()
    is_member = fields.Boolean()
    my_role = fields.String(allow_none=True)
    unread_count = fields.Integer()
    last_message = fields.Nested(MessageSchema, allow_none=True)
    members = fields.List(
        fields.Nested(UserPublicSchema), metadata={"description": "direct rooms only"}
    )


class CreateRoomArgs(BaseSchema):
    name = Trimmed(required=True, validate=ROOM_NAME)
    description = Trimmed(validate=ROOM_DESCRIPTION, load_default="")
    kind = Trimmed(validate=validate.OneOf(("public", "private")), load_default="public")


class UpdateRoomArgs(BaseSchema):
    name = Trimmed(validate=ROOM_NAME)
    description = Trimmed(validate=ROOM_DESCRIPTION)
    kind = Trimmed(validate=validate.OneOf(("public", "private")))


class RoomListArgs(PageArgs):
    kind = Trimmed(validate=validate.OneOf(("public", "private", "direct")))
    joined = fields.Boolean()
    q = Trimmed(validate=validate.Length(max=64))


class MemberSchema(BaseSchema):
    user = fields.Nested(UserPublicSchema)
    role = fields.String(validate=validate.OneOf(MEMBER_ROLES))
    joined_at = Timestamp()
    online = fields.Boolean()


class AddMemberArgs(BaseSchema):
    user_id = StrictInteger(required=True, validate=ROW_ID)


class MemberRoleArgs(BaseSchema):
    role = Trimmed(required=True, validate=validate.OneOf(("admin", "member")))


RoomPageSchema = page_schema("rooms", RoomSchema)
MemberPageSchema = page_schema("members", MemberSchema)
