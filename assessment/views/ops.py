"""Endpoints for operators: a health check that load balancers and PaaS probes can call."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text

from assessment.extensions import db

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict, int]:
    """200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "unhealthy"
        current_app.logger.exception("Health check: the database did not answer")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok",
            "questionnaire": current_app.extensions["questionnaire"].version}, 200
