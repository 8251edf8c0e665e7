"""A team's history: every assessment's scores with change arrows, a trend per pillar, and
how other teams score."""

from __future__ import annotations

from flask import Blueprint, render_template

from assessment.rules.history_rows import history_page
from assessment.rules.peers import MIN_TEAMS
from assessment.store import history
from assessment.store.models import VIEWER
from assessment.views.common import current_questionnaire
from assessment.web.access import team_or_404

bp = Blueprint("history", __name__)


@bp.get("/teams/<int:team_id>/history")
def team_history(team_id: int) -> str:
    team, role = team_or_404(team_id, VIEWER)
    questionnaire = current_questionnaire()
    scored = history.team_history(team)
    finished = any(s.assessment.is_finished for s in scored)
    # The demo team is open to everyone: it never shows other teams' scores.
    spreads = history.peer_spreads(team, questionnaire) if finished and not team.is_demo else {}
    return render_template(
        "history/history.html", team=team, role=role,
        page=history_page(scored, questionnaire, spreads), min_teams=MIN_TEAMS)
