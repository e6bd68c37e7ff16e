"""Message history, sending, editing, deleting and read markers."""

from app.rest import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/api", description="Messages")

from app.messages import routes  # noqa: E402, F401
