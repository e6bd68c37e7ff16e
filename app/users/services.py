"""Profile and user-administration rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from app.auth.services import (
    commit_unique,
    find_clash,
    raise_clash,
    revoke_all_tokens,
    verify_password,
)
from app.errors import ApiError, conflict, not_found, validation_error
from app.extensions import db
from app.models import ROLES, User
from app.pagination import Page, keyset_page, starts_with
from app.realtime import channels, events
from app.rooms.services import forget_user
from app.state import process_state
from app.users.schemas import UserPublicSchema

PROFILE_FIELDS = ("display_name", "bio")
IDENTITY_FIELDS = ("username", "email")


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found("user")
    return user


def can_see_private(viewer: User, user: User) -> bool:
    return viewer.id == user.id or viewer.is_admin


def _apply_identity(user: User, changes: dict[str, Any]) -> None:
    clash = find_clash(changes.get("username"), changes.get("email"), exclude_id=user.id)
    if clash:
        raise_clash(clash)
    for field in (*PROFILE_FIELDS, *IDENTITY_FIELDS):
        if field in changes:
            setattr(user, field, changes[field])


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """A user edits their own profile; new login names need the current password."""
    identity_changes = [
        f for f in IDENTITY_FIELDS if f in changes and changes[f] != getattr(user, f)
    ]
    if identity_changes:
        if "current_password" not in changes:
            raise validation_error(
                "current_password", f"is required to change {identity_changes[0]}"
            )
        verify_password(user, changes["current_password"], "current_password")
    _apply_identity(user, changes)
    commit_unique(user, changes.get("username"), changes.get("email"))
    return user


def delete_account(user: User, password: str) -> None:
    verify_password(user, password, "password")
    remove_user(user)


def remove_user(user: User) -> None:
    """Delete an account; its messages stay, with no sender."""
    user_id = user.id
    rooms_left = forget_user(user)
    public_form = UserPublicSchema().dump(user)
    db.session.delete(user)
    db.session.commit()
    channels.disconnect_user(user_id)
    for room_id in rooms_left:
        events.user_left_payload(room_id, public_form)


def admin_update_user(admin: User, user: User, changes: dict[str, Any]) -> User:
    demoting = "role" in changes and changes["role"] != "admin"
    deactivating = changes.get("active") is False
    if user.is_admin and user.active and (demoting or deactivating):
        _keep_an_admin(user)
    _apply_identity(user, changes)
    if "role" in changes:
        user.role = changes["role"]
    was_active = user.active
    if "active" in changes:
        user.active = changes["active"]
    if was_active and not user.active:
        revoke_all_tokens(user)
    commit_unique(user, changes.get("username"), changes.get("email"))
    if not user.active:
        channels.disconnect_user(user.id)
    return user


def admin_delete_user(admin: User, user: User) -> None:
    if user.is_admin and user.active:
        _keep_an_admin(user)
    remove_user(user)


def _keep_an_admin(user: User) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise conflict("role", "The last active admin cannot be removed, demoted or deactivated.")


def list_users(viewer: User, args: dict[str, Any]) -> Page:
    if not viewer.is_admin and ("role" in args or "active" in args):
        raise ApiError("forbidden", "Only admins may filter users by role or active.")
    query = select(User)
    if args.get("q"):
        query = query.where(
            or_(starts_with(User.username, args["q"]), starts_with(User.display_name, args["q"]))
        )
    if "role" in args:
        query = query.where(User.role == args["role"])
    if "active" in args:
        query = query.where(User.active.is_(args["active"]))
    elif not viewer.is_admin:
        query = query.where(User.active.is_(True))
    return keyset_page(query, User.id, args["limit"], args.get("cursor"))


def statistics() -> dict[str, Any]:
    rows = db.session.execute(
        select(User.role, User.active, func.count()).group_by(User.role, User.active)
    ).all()
    by_role = dict.fromkeys(ROLES, 0)
    active = inactive = 0
    for role, is_active, count in rows:
        by_role[role] += count
        if is_active:
            active += count
        else:
            inactive += count
    return {
        "total": active + inactive,
        "active": active,
        "inactive": inactive,
        "online": process_state().presence.count(),
        "by_role": by_role,
    }
