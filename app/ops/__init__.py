"""Operations: health."""

from app.rest import Blueprint

bp = Blueprint("operations", __name__, url_prefix="/api", description="Operations")

from app.ops import routes  # noqa: E402, F401
