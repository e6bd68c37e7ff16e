"""Messages, shared by every kind of room."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import MessageId, UTCDateTime, utcnow
from app.models.user import User


class Message(db.Model):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(MessageId, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted: Mapped[bool] = mapped_column(default=False)

    sender: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        # Keyset pagination of one room's history walks this index.
        Index("ix_messages_room_id_id", "room_id", "id"),
        # Idempotent sends: one client_id per sender.
        UniqueConstraint("sender_id", "client_id", name="uq_messages_sender_client_id"),
        {"sqlite_autoincrement": True},
    )

    def __repr__(self) -> str:
        return f"<Message {self.id} room={self.room_id}>"
