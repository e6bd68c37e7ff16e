"""Sign-up, sign-in and tokens."""

from app.rest import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Accounts and tokens")

from app.auth import routes  # noqa: E402, F401
