"""Account rules: registration, login, password changes, logout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import check_password, hash_password
from app.auth.tokens import decode_refresh_token, issue_tokens, revoke_token
from app.database import DriverStatement
from app.errors import ApiError, conflict, validation_error
from app.extensions import db
from app.models import User
from app.models.types import folded, utcnow
from app.realtime import channels


def find_clash(
    username: str | None, email: str | None, exclude_id: int | None = None
) -> str | None:
    """The field ('username' or 'email') another account already holds, if any."""
    for field, value in (("username", username), ("email", email)):
        if value is None:
            continue
        query = select(User.id).where(getattr(User, f"{field}_key") == folded(value))
        if exclude_id is not None:
            query = query.where(User.id != exclude_id)
        if db.session.execute(query).first() is not None:
            return field
    return None


def raise_clash(field: str) -> None:
    raise conflict(field, f"That {field} is already taken.")


def commit_unique(user: User, username: str | None, email: str | None) -> None:
    """Commit, turning a lost race on the unique indexes into a named 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise_clash(find_clash(username, email, exclude_id=user.id) or "username")


def register_user(data: dict[str, Any], role: str = "user") -> User:
    clash = find_clash(data["username"], data["email"])
    if clash:
        raise_clash(clash)
    user = User(
        username=data["username"],
        email=data["email"],
        password_hash=hash_password(data["password"]),
        display_name=data.get("display_name") or data["username"],
        bio=data.get("bio", ""),
        role=role,
        last_seen_at=utcnow(),
    )
    db.session.add(user)
    commit_unique(user, data["username"], data["email"])
    return user


# A sign-in reads the account and records the time, one statement each:
# outside a transaction they cost two round trips to the database instead of
# six (BEGIN and ROLLBACK or COMMIT around each), and between them, while
# bcrypt runs, the sign-in holds no pooled connection.
_ACCOUNT_COLUMNS = User.__table__.columns.keys()
# A login is a username or an e-mail, in any case.
_MATCHES_LOGIN = or_(User.username_key == bindparam("login"), User.email_key == bindparam("login"))
_FIND_ACCOUNT = DriverStatement(select(*User.__table__.columns).where(_MATCHES_LOGIN))
_FIND_ACCOUNT_ID = DriverStatement(select(User.id).where(_MATCHES_LOGIN))


def account_id_for(login: str) -> int | None:
    """The id of the account a login names (username or e-mail), if there is one."""
    found = _FIND_ACCOUNT_ID.first(db.engine, {"login": folded(login.strip())})
    return found[0] if found is not None else None


# Set explicitly: a driver statement compiles once, so `onupdate` would not run.
_RECORD_SEEN = DriverStatement(
    update(User.__table__)
    .where(User.id == bindparam("account"))
    .values(last_seen_at=bindparam("now"), updated_at=bindparam("now"))
)


def record_seen(user_id: int, *, on_driver: bool = False) -> datetime:
    """Record that the user was here now: the one writer of `last_seen_at` once
    the account exists (sign-in, token refresh, socket connect and disconnect).

    In the session's transaction, committed; `on_driver`, as one autocommit
    statement on a connection of its own, for a caller that holds none (a
    sign-in: a caller holding one would wait for a second, and a burst of
    them can take the whole pool).
    """
    now = utcnow()
    params = {"account": user_id, "now": now}
    if on_driver:
        _RECORD_SEEN.execute(db.engine, params)
    else:
        db.session.execute(_RECORD_SEEN.statement, params)
        db.session.commit()
    return now


def authenticate(login: str, password: str) -> User:
    """The account matching login and password, or invalid_credentials.

    Unknown users cost one bcrypt check like known ones, so the two answers
    cannot be told apart by timing. The account comes back outside the
    session, as read at sign-in: it is for the response, not for changes.
    """
    found = _FIND_ACCOUNT.first(db.engine, {"login": folded(login)})
    row = dict(zip(_ACCOUNT_COLUMNS, found, strict=True)) if found is not None else None
    if not check_password(password, row["password_hash"] if row else None) or row is None:
        raise ApiError("invalid_credentials")
    if not row["active"]:
        raise ApiError("account_disabled")
    now = record_seen(row["id"], on_driver=True)
    return User(**{**row, "last_seen_at": now, "updated_at": now})


def verify_password(user: User, password: str, field: str) -> None:
    if not check_password(password, user.password_hash):
        raise ApiError(
            "invalid_credentials",
            "The password is wrong.",
            fields={field: ["is wrong"]},
        )


def change_password(user: User, old_password: str, new_password: str) -> tuple[str, str]:
    """Set a new password; every earlier token stops working. Returns fresh tokens."""
    verify_password(user, old_password, "old_password")
    user.password_hash = hash_password(new_password)
    revoke_all_tokens(user)
    db.session.commit()
    channels.disconnect_user(user.id)
    return issue_tokens(user)


def revoke_all_tokens(user: User) -> None:
    user.token_version += 1


def logout(
    user: User,
    access_payload: dict[str, Any],
    *,
    body_refresh_token: str | None = None,
    cookie_refresh_token: str | None = None,
) -> None:
    """Revoke the access token and any refresh token presented with it.

    A refresh token named in the body must be the caller's; a stale refresh
    cookie is ignored, since the cookies are cleared anyway.
    """
    payloads = [access_payload]
    if body_refresh_token:
        refresh_payload = decode_refresh_token(body_refresh_token, user.id)
        if refresh_payload is None:
            raise validation_error("refresh_token", "is not your refresh token")
        payloads.append(refresh_payload)
    if cookie_refresh_token:
        refresh_payload = decode_refresh_token(cookie_refresh_token, user.id)
        if refresh_payload is not None:
            payloads.append(refresh_payload)
    for payload in payloads:
        revoke_token(payload)
    db.session.commit()
    channels.disconnect_token(access_payload["jti"])
