"""Rooms and their memberships. Direct conversations are rooms too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.extensions import db
from app.models.types import MessageId, UTCDateTime, folded, utcnow

ROOM_KINDS = ("public", "private", "direct")
MEMBER_ROLES = ("owner", "admin", "member")


def direct_key(user_a: int, user_b: int) -> str:
    """The one key a pair of users' direct room has, whoever started it."""
    low, high = sorted((user_a, user_b))
    return f"{low}:{high}"


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # NULL for direct rooms; the unique index below ignores NULLs.
    name: Mapped[str | None] = mapped_column(String(64))
    # folded(name), kept by the validator below; NULL with the name.
    name_key: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set for direct rooms only: one room per pair of users.
    direct_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Kept current on every send, so listings need no per-room query.
    last_message_id: Mapped[int | None] = mapped_column(MessageId)

    __table_args__ = (
        Index("uq_rooms_name_key", name_key, unique=True),
        CheckConstraint(f"kind IN {ROOM_KINDS!r}", name="kind"),
        CheckConstraint(
            "CASE WHEN kind = 'direct' THEN direct_key IS NOT NULL AND name IS NULL "
            "ELSE direct_key IS NULL AND name IS NOT NULL END",
            name="direct_shape",
        ),
    )

    @property
    def is_direct(self) -> bool:
        return self.kind == "direct"

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.kind} {self.name!r}>"

    @validates("name")
    def _keep_key(self, _name: str, value: str | None) -> str | None:
        self.name_key = folded(value) if value is not None else None
        return value


class Membership(db.Model):
    __tablename__ = "memberships"

    room_id: Mapped[int] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The id of the last message the member has read; only ever moves forward.
    last_read_id: Mapped[int] = mapped_column(MessageId, default=0)

    __table_args__ = (CheckConstraint(f"role IN {MEMBER_ROLES!r}", name="role"),)

    @property
    def can_manage(self) -> bool:
        return self.role in ("owner", "admin")
