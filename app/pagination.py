"""Keyset pagination: pages by an indexed key, never by OFFSET."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db


@dataclass
class Page:
    items: list[Any]
    has_more: bool
    next_cursor: int | None

    def render(self, name: str, dump: Callable[[Any], Any]) -> dict[str, Any]:
        return {
            name: [dump(item) for item in self.items],
            "has_more": self.has_more,
            "next_cursor": self.next_cursor,
        }


def keyset_page(
    query: Select[Any], key: InstrumentedAttribute[int], limit: int, cursor: int | None
) -> Page:
    """Items with key greater than cursor, ascending; one extra row tells has_more."""
    if cursor is not None:
        query = query.where(key > cursor)
    rows = list(db.session.scalars(query.order_by(key).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = getattr(rows[-1], key.key) if has_more else None
    return Page(rows, has_more, next_cursor)


def starts_with(column: Any, text: str) -> ColumnElement[bool]:
    """A case-insensitive prefix match in which % and _ match themselves."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(escaped + "%", escape="\\")
