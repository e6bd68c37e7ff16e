"""Credentials, and the one rule that says whether they still hold.

A token stops working when it is revoked, when its user changes password
(the token version moves on) or is deactivated. The rule is SQL, so a
socket event can check it on its own (`still_valid`) or inside the very
statement that does its work (a send), and the database decides either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, select, true

from app.errors import ApiError
from app.extensions import db
from app.models import RevokedToken, User

_users = User.__table__
_revoked = RevokedToken.__table__


@dataclass(frozen=True)
class Credentials:
    """Whom a socket or request speaks for, as proved when it signed in."""

    user_id: int
    # None when the socket signed in with login and password rather than a token.
    jti: str | None
    token_version: int

    def params(self) -> dict[str, Any]:
        """Values for the bind parameters of `hold()`."""
        values: dict[str, Any] = {"c_user_id": self.user_id, "c_version": self.token_version}
        if self.jti:
            values["c_jti"] = self.jti
        return values


def hold(*, with_jti: bool) -> Any:
    """SQL: the row of `users` is the credentials' user, and still honours them.

    Bind parameters: c_user_id, c_version and, with_jti, c_jti.
    """
    clause = and_(
        _users.c.id == bindparam("c_user_id"),
        _users.c.active == true(),
        _users.c.token_version == bindparam("c_version"),
    )
    if with_jti:
        clause = and_(clause, ~exists().where(_revoked.c.jti == bindparam("c_jti")))
    return clause


# Built once: every socket event runs one of these.
_HOLDING = {jti: select(User).where(hold(with_jti=jti)) for jti in (True, False)}


def still_valid(credentials: Credentials) -> User | None:
    """The user, if the credentials have not been revoked since; one query."""
    return db.session.execute(_HOLDING[bool(credentials.jti)], credentials.params()).scalar()


def revoked() -> ApiError:
    """The error for an event or send whose credentials no longer hold."""
    return ApiError("unauthorized", "The session's token has been revoked.")
