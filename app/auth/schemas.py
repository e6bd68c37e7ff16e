"""Arguments and responses of the auth routes."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from app.schemas import BaseSchema, Trimmed, email_field, password_field, username_field
from app.users.schemas import BIO, DISPLAY_NAME, UserPrivateSchema


class RegisterArgs(BaseSchema):
    username = username_field(required=True)
    email = email_field(required=True)
    password = password_field(required=True)
    display_name = Trimmed(validate=DISPLAY_NAME)
    bio = Trimmed(validate=BIO, load_default="")


class LoginArgs(BaseSchema):
    """`login` is a username or an e-mail; `username` or `email` may stand in for it."""

    login = Trimmed(validate=validate.Length(min=1, max=254))
    username = Trimmed(validate=validate.Length(min=1, max=254))
    email = Trimmed(validate=validate.Length(min=1, max=254))
    password = fields.String(required=True)

    @validates_schema
    def require_login(self, data: dict, **_kwargs: object) -> None:
        if not any(data.get(name) for name in ("login", "username", "email")):
            raise ValidationError("a username or e-mail is required", "login")

    @post_load
    def pick_login(self, data: dict, **_kwargs: object) -> dict:
        login = data.get("login") or data.get("username") or data.get("email")
        return {"login": login, "password": data["password"]}


class ChangePasswordArgs(BaseSchema):
    old_password = fields.String(required=True)
    new_password = password_field(required=True)


class LogoutArgs(BaseSchema):
    refresh_token = fields.String()


class AuthResponseSchema(BaseSchema):
    user = fields.Nested(UserPrivateSchema)
    access_token = fields.String()
    refresh_token = fields.String()


class AccessTokenSchema(BaseSchema):
    access_token = fields.String()


class TokenPairSchema(BaseSchema):
    access_token = fields.String()
    refresh_token = fields.String()
