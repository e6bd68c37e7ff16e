"""Profiles and user administration."""

from app.rest import Blueprint

bp = Blueprint("users", __name__, url_prefix="/api/users", description="Users")

from app.users import routes  # noqa: E402, F401
