"""The read-only JSON API under /api/v1/: teams, assessments, scores and history.

Callers are who the session cookie says (as on the pages) or who owns the bearer token they
send. Access follows the pages (assessment/access.py), but every refusal is JSON: 401 asks
to authenticate, never redirects to the sign-in page. docs/api.md explains it for users.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import contains_eager
from werkzeug import Response
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
)

from assessment.api import data as api_data
from assessment.api import openapi as api_openapi
from assessment.api import portfolio_data
from assessment.extensions import db, login_manager
from assessment.store import api_tokens, organizations
from assessment.store.models import VIEWER, Assessment, Membership, Organization, Team, User
from assessment.store.portfolio import organization_portfolio
from assessment.store.queries import get_assessment_or_404
from assessment.store.read_model import (
    score_assessments,
    scored_assessment,
    scored_team,
    team_assessments,
)
from assessment.views.common import current_questionnaire
from assessment.web.access import require_role, role_in

bp = Blueprint("api", __name__, url_prefix=api_data.API)

MESSAGES = {
    400: "The request is not right.",
    401: "Sign in, or send a personal API token: Authorization: Bearer <token>.",
    403: "Your role in this team does not allow this.",
    404: "There is nothing here, or you cannot see it.",
    405: "This address only answers GET requests.",
    500: "Something went wrong on our side. Try again in a few minutes.",
}
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
# Ids beyond a 32-bit integer are in no table (PostgreSQL would refuse to compare them).
TEAM_ID = "int(max=2147483647)"
BAD_TOKEN = ("The API token is not right, or it was revoked or has expired. "
             "Make a new one on your API tokens page.")


@bp.record_once
def _load_users_from_tokens(_state: Any) -> None:
    login_manager.request_loader(user_from_token)


# Who is asking --------------------------------------------------------------------------

@bp.before_request
def authenticate() -> None:
    """A bearer token, when sent, must be one that works (else 401). Without a signed-in
    session, the request then reads as the token's owner (see user_from_token)."""
    header = request.headers.get("Authorization")
    if header is None:
        return
    token = api_tokens.find_token(api_tokens.bearer_secret(header))
    if token is None:
        raise Unauthorized(BAD_TOKEN)
    g.api_token_user_id = token.user_id
    if api_tokens.note_use(token):
        try:
            db.session.commit()
        except SQLAlchemyError:  # a busy database: the time of last use can wait
            db.session.rollback()


def user_from_token(_request: Any) -> User | None:
    """Flask-Login's loader for requests without a signed-in session: the token's owner.

    Tokens work on /api/ only (authenticate() checked the token); they never sign anyone in
    to the pages, and no session cookie is set.
    """
    user_id = g.get("api_token_user_id") if request.blueprint == bp.name else None
    return None if user_id is None else db.session.get(User, user_id)


def signed_in_or_401() -> User:
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user


def readable_team(team: Team | None) -> tuple[Team, str | None]:
    """The team, if the caller may read it, and their role in it (None: the demo team, read
    without a role). Signed out: only the demo team; another team's: 404, as on the pages."""
    if team is None:
        raise NotFound() if current_user.is_authenticated else Unauthorized()
    if not current_user.is_authenticated and not team.is_demo:
        raise Unauthorized()
    role = require_role(team, VIEWER)
    return team, (role_in(team) if team.is_demo else role)


def readable_assessment(public_id: str) -> Assessment:
    if not PUBLIC_ID.fullmatch(public_id):  # no link we make looks like this: ask no database
        raise NotFound()
    assessment = get_assessment_or_404(public_id)
    readable_team(assessment.team)
    return assessment


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their teams, in one query."""
    return list(db.session.scalars(
        select(Membership).join(Membership.team).options(contains_eager(Membership.team))
        .where(Membership.user_id == user.id).order_by(Team.service, Team.id)))


def page_asked() -> api_data.Page:
    page = api_data.parse_page(request.args.get("page"), request.args.get("per_page"))
    if isinstance(page, str):
        raise BadRequest(page)
    return page


# Endpoints ------------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(api_openapi.document())


@bp.get("/teams")
def teams() -> Response:
    user = signed_in_or_401()
    return jsonify({"teams": [api_data.team_summary(m.team, m.role)
                              for m in memberships_of(user)]})


@bp.get(f"/teams/<{TEAM_ID}:team_id>")
def team(team_id: int) -> Response:
    team, role = readable_team(db.session.get(Team, team_id))
    return jsonify(api_data.team_summary(team, role)
                   | {"assessments": [api_data.assessment_summary(s) for s in scored_team(team)]})


@bp.get(f"/teams/<{TEAM_ID}:team_id>/assessments")
def team_assessment_list(team_id: int) -> Response:
    return _paged(team_id, "assessments", api_data.assessment_summary)


@bp.get(f"/teams/<{TEAM_ID}:team_id>/history")
def history(team_id: int) -> Response:
    return _paged(team_id, "history", api_data.history_entry)


def _paged(team_id: int, name: str, represent) -> Response:
    """One page of the team's assessments, oldest first, each scored and represented."""
    team, _ = readable_team(db.session.get(Team, team_id))
    page = page_asked()
    everything = team_assessments(team)
    page = api_data.Page(page.number, page.per_page, len(everything))
    return jsonify({"team_id": team.id,
                    "assessments": [represent(s)
                                    for s in score_assessments(page.slice(everything))],
                    "pagination": api_data.pagination(page, f"{bp.url_prefix}/teams/{team.id}/"
                                                            f"{name}")})


@bp.get("/assessments/<public_id>")
def assessment(public_id: str) -> Response:
    return jsonify(api_data.assessment_detail(scored_assessment(readable_assessment(public_id))))


@bp.get("/assessments/<public_id>/scores")
def scores(public_id: str) -> Response:
    return jsonify(api_data.assessment_scores(scored_assessment(readable_assessment(public_id))))


@bp.get(f"/organizations/<{TEAM_ID}:organization_id>/portfolio")
def portfolio(organization_id: int) -> Response:
    """The organization's portfolio, for its owners, reviewers and viewers (their personal
    tokens read it, as their sessions do)."""
    user = signed_in_or_401()
    organization = db.session.get(Organization, organization_id)
    if organization is None or organizations.person_of(organization, user.id) is None:
        raise NotFound()
    today = dt.datetime.now(dt.UTC).date()
    return jsonify(portfolio_data.organization_portfolio(
        organization, organization_portfolio(organization, current_questionnaire(), today),
        today))


# Responses and errors -------------------------------------------------------------------

@bp.after_request
def never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Authorization")
    response.vary.add("Cookie")
    return response


def json_error(code: int, message: str | None = None) -> Response:
    """{"error": {"status": 404, "message": "..."}}, never an HTML page."""
    response = jsonify({"error": {"status": code, "message": message or MESSAGES.get(
        code, MESSAGES[400] if code < 500 else MESSAGES[500])}})
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    db.session.rollback()
    if error.code is None:  # a response some code aborted with (never from our views)
        return json_error(500)
    ours = type(error).description != error.description  # our own words, not Werkzeug's
    response = json_error(error.code, error.description if ours else None)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.errorhandler(Exception)
def unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return http_error(error)
    db.session.rollback()
    current_app.logger.exception("Unhandled error in the API")
    return json_error(InternalServerError.code)


@bp.before_app_request
def refuse_unrouted_api_requests() -> Response | None:
    """An unknown /api/ address or a method the API does not answer: JSON, not an HTML page.

    Routing fails before any blueprint is chosen, so blueprint error handlers never see it.
    """
    error = request.routing_exception
    if isinstance(error, (NotFound, MethodNotAllowed)) and is_api_path(request.path):
        return http_error(error)
    return None


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
