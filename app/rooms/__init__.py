"""Rooms and their members."""

from app.rest import Blueprint

bp = Blueprint("rooms", __name__, url_prefix="/api/rooms", description="Rooms and members")

from app.rooms import routes  # noqa: E402, F401
