"""A team's history: every assessment's scores with change arrows, a trend per pillar, and
how other teams score."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from assessment import history
from assessment.access import team_or_404
from assessment.history_rows import history_page
from assessment.models import VIEWER
from assessment.peers import MIN_TEAMS
from assessment.views.common import current_questionnaire

bp = Blueprint("history", __name__)


@bp.get("/teams/<int:team_id>/history")
def team_history(team_id: int) -> str:
    team, role = team_or_404(team_id, VIEWER)
    questionnaire = current_questionnaire()
    scored = history.team_history(team)
    finished = any(s.assessment.is_finished for s in scored)
    spreads = history.peer_spreads(team, questionnaire) if finished else {}
    return render_template(
        "history/history.html", team=team, role=role,
        page=history_page(scored, questionnaire, spreads), min_teams=MIN_TEAMS,
        # The side-by-side page (issue 5) may not have landed yet: link to it only if it has.
        can_compare="compare.compare" in current_app.view_functions)
