"""Any two assessments of a team side by side: scores, changes, targets and changed answers."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from assessment.rules import side_by_side
from assessment.store import read_model
from assessment.store.models import VIEWER
from assessment.web.access import team_or_404

bp = Blueprint("compare", __name__)


@bp.get("/teams/<int:team_id>/compare")
def compare(team_id: int) -> tuple[str, int]:
    team, _ = team_or_404(team_id, VIEWER)
    assessments = read_model.team_assessments(team)  # only this team's: others are unknown
    choice = side_by_side.choose(assessments, request.args.get("before"),
                                 request.args.get("after"))
    page, before, after = None, None, None
    if choice.before is not None and choice.after is not None:
        before, after = read_model.score_assessments([choice.before, choice.after])
        page = side_by_side.side_by_side(*read_model.on_shared_questions(before, after))
    return render_template(
        "compare/compare.html", team=team, options=side_by_side.options(assessments),
        choice=choice, page=page, before=before, after=after,
        finished=sum(1 for a in assessments if a.is_finished),
        asked={"before": request.args.get("before", ""), "after": request.args.get("after", "")},
    ), 400 if choice.errors else 200

