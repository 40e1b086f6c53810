"""``/healthz`` (the process is alive) and ``/readyz`` (it can reach its database)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import ServiceUnavailable

from .schemas import HealthSchema
from .storage import ping

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")


@blp.route("/healthz")
class Liveness(MethodView):
    """Liveness: answers without touching the database."""

    @blp.response(200, HealthSchema)
    def get(self):
        """The process is alive"""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    """Readiness: the database answers ``SELECT 1``."""

    @blp.response(200, HealthSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """The database answers"""
        try:
            ping()
        except SQLAlchemyError as exc:
            current_app.logger.warning("readiness: database unreachable: %s", type(exc).__name__)
            raise ServiceUnavailable("the database does not answer") from None
        return {"status": "ok", "database": "ok"}
