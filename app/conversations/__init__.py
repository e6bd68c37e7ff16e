"""Direct conversations started by chat code."""

from app.rest import Blueprint

bp = Blueprint("conversations", __name__, url_prefix="/api", description="Direct conversations")

from app.conversations import routes  # noqa: E402, F401
