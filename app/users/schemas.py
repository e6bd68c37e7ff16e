"""User representations and the arguments of the users routes."""

from __future__ import annotations

from marshmallow import fields, validate

from app.models import ROLES
from app.schemas import (
    BaseSchema,
    PageArgs,
    StrictBoolean,
    Timestamp,
    Trimmed,
    email_field,
    page_schema,
    username_field,
)


class UserPublicSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    bio = fields.String()
    role = fields.String()
    created_at = Timestamp()


class UserPrivateSchema(UserPublicSchema):
    email = fields.String()
    active = fields.Boolean()
    updated_at = Timestamp()
    last_seen_at = Timestamp(allow_none=True)


class UserSummarySchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


DISPLAY_NAME = validate.Length(min=1, max=64)
BIO = validate.Length(max=500)


class ProfileUpdateArgs(BaseSchema):
    display_name = Trimmed(validate=DISPLAY_NAME)
    bio = Trimmed(validate=BIO)
    username = username_field()
    email = email_field()
    current_password = fields.String()


class AdminUserUpdateArgs(BaseSchema):
    display_name = Trimmed(validate=DISPLAY_NAME)
    bio = Trimmed(validate=BIO)
    username = username_field()
    email = email_field()
    role = Trimmed(validate=validate.OneOf(ROLES))
    active = StrictBoolean()


class DeleteAccountArgs(BaseSchema):
    password = fields.String(required=True)


class UserListArgs(PageArgs):
    q = Trimmed(validate=validate.Length(max=64))
    role = Trimmed(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class StatisticsByRoleSchema(BaseSchema):
    user = fields.Integer()
    moderator = fields.Integer()
    admin = fields.Integer()


class StatisticsSchema(BaseSchema):
    total = fields.Integer()
    active = fields.Integer()
    inactive = fields.Integer()
    online = fields.Integer()
    by_role = fields.Nested(StatisticsByRoleSchema)


UserPageSchema = page_schema("users", UserPublicSchema)
