"""/api/health."""

from __future__ import annotations

from flask import Response, jsonify
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError

from app.extensions import limiter
from app.ops.health import health_report
from app.ops.schemas import HealthSchema
from app.rest import Blueprint

bp = Blueprint("operations", __name__, url_prefix="/api", description="Operations")
# Probes from load balancers and monitors must never be throttled.
limiter.exempt(bp)


def caller_is_admin() -> bool:
    # A bad token must not turn a health probe into a 401.
    try:
        verify_jwt_in_request(optional=True)
    except (JWTExtendedException, PyJWTError):
        return False
    user = get_current_user()
    return user is not None and user.is_admin


@bp.route("/health", methods=["GET"])
@bp.doc(security=[])
@bp.response(200, HealthSchema)
@bp.alt_response(503, schema=HealthSchema, description="A dependency is down")
def health() -> Response:
    """Liveness and dependencies; admins also get system details."""
    include_system = caller_is_admin()
    report = health_report(include_system=include_system)
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    return response
