"""Accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.extensions import db
from app.models.types import UTCDateTime, folded, utcnow

ROLES = ("user", "moderator", "admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    # folded(username), folded(email): kept by the validator below.
    username_key: Mapped[str] = mapped_column(Text)
    email_key: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(String(72))
    display_name: Mapped[str] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(String(500), default="")
    role: Mapped[str] = mapped_column(String(16), default="user")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every token; bumping it revokes every token issued before, even
    # within the same second (JWT `iat` has whole-second resolution).
    token_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Case-insensitive uniqueness lives in the database, so concurrent
        # registrations cannot both win.
        Index("uq_users_username_key", username_key, unique=True),
        Index("uq_users_email_key", email_key, unique=True),
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
    )

    @validates("username", "email")
    def _keep_key(self, name: str, value: str) -> str:
        setattr(self, f"{name}_key", folded(value))
        return value

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"
