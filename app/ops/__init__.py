"""Operations: health."""

from app.extensions import limiter
from app.rest import Blueprint

bp = Blueprint("operations", __name__, url_prefix="/api", description="Operations")
# Probes from load balancers and monitors must never be throttled.
limiter.exempt(bp)

from app.ops import routes  # noqa: E402, F401
