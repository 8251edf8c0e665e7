"""A team's history: every assessment's scores with change arrows, a trend per pillar, and
how other teams score."""

from __future__ import annotations

from flask import Blueprint, render_template

from assessment.rules.history_rows import history_page
from assessment.rules.peers import MIN_TEAMS
from assessment.rules.questionnaire import Questionnaire
from assessment.store import read_model, reviews, stamps
from assessment.store.models import VIEWER, Team
from assessment.store.peers import peer_spreads
from assessment.views.common import current_questionnaire
from assessment.web.access import team_and_peer_stamp
from assessment.web.fragments import cached_page, scored_fragment

bp = Blueprint("history", __name__)


@bp.get("/teams/<int:team_id>/history")
def team_history(team_id: int) -> str:
    team, role, peers = team_and_peer_stamp(team_id, VIEWER)
    questionnaire = current_questionnaire()
    # Kept until the team (its revision moves with its assessments) or other teams' scores
    # change.
    key = ("history", role, questionnaire.version, stamps.row_values(team), peers)
    return cached_page(key, lambda: _history_page(team, role, questionnaire))


def _history_page(team: Team, role: str, questionnaire: Questionnaire) -> str:
    scored = read_model.scored_team(team)
    spreads = peer_spreads(team, questionnaire) if any(s.finished for s in scored) else {}
    page = history_page(scored, questionnaire, spreads)
    # The table and trends show only scored data: kept until a score, target or date changes.
    key = ("history", team.id, questionnaire.version,
           tuple((s.cache_key, s.status, s.started_at, s.finished_at) for s in scored))
    states = reviews.score_states_for(scored)  # each review step moves updated_at
    validation = {s.public_id: states[s.id] for s in scored if s.id in states}
    scores = scored_fragment(key, lambda: render_template(
        "history/_scores.html", team=team, page=page, validation=validation))
    versions = sorted({s.questionnaire_version for s in scored if s.finished})
    return render_template("history/history.html", team=team, role=role, page=page,
                           scores=scores, min_teams=MIN_TEAMS, versions=versions)
