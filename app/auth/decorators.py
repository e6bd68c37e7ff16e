"""Route guards."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask_jwt_extended import current_user, jwt_required

from app.errors import ApiError


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @jwt_required()
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            raise ApiError("forbidden", "Admins only.")
        return view(*args, **kwargs)

    return wrapper
