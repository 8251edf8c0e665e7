"""Any two assessments of a team side by side: scores, changes, targets and changed answers."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from assessment.rules import side_by_side
from assessment.store import history
from assessment.store.models import VIEWER
from assessment.store.queries import scoring_answers
from assessment.web.access import team_or_404

bp = Blueprint("compare", __name__)


@bp.get("/teams/<int:team_id>/compare")
def compare(team_id: int) -> tuple[str, int]:
    team, _ = team_or_404(team_id, VIEWER)
    assessments = history.team_assessments(team)  # only this team's: others read as unknown
    choice = side_by_side.choose(assessments, request.args.get("before"),
                                 request.args.get("after"))
    page, before, after = None, None, None
    if choice.before is not None and choice.after is not None:
        before, after = history.score_assessments([choice.before, choice.after])
        page = side_by_side.side_by_side(taken(before), taken(after))
    return render_template(
        "compare/compare.html", team=team, options=side_by_side.options(assessments),
        choice=choice, page=page, before=before, after=after,
        finished=sum(1 for a in assessments if a.is_finished),
        asked={"before": request.args.get("before", ""), "after": request.args.get("after", "")},
    ), 400 if choice.errors else 200


def taken(scored: history.ScoredAssessment) -> side_by_side.Taken:
    return side_by_side.Taken(
        scored.questionnaire, scoring_answers(scored.answers.rows.values()),
        {pillar_id: s.target for pillar_id, s in scored.targets.items()},
        {pillar_id: s.target_date for pillar_id, s in scored.targets.items()})
