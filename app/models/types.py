"""Column types shared by the models."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Message ids: 64-bit on PostgreSQL; on SQLite only INTEGER PRIMARY KEY
# autoincrements without ever reusing an id.
MessageId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so values are
    stored as naive UTC and given their zone back when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC values")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def folded(text: str) -> str:
    """The key under which names are unique, ignoring case, in any script.

    NFKC, then Unicode case folding: "Ärger", "ärger" and "ÄRGER" share a
    key, and so do "Straße" and "STRASSE". Computed here, stored in a key
    column with a unique index, so both databases enforce one rule (their
    own lower() differ: SQLite folds ASCII only).
    """
    return unicodedata.normalize("NFKC", text).casefold()
