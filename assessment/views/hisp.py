"""Whether a team's service is a designated High Impact Service Provider (HISP), and which one.
Owners set it; results, the plan and the peer spread then speak A-11 Section 280's language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug import Response

from assessment.extensions import db
from assessment.rules import hisp
from assessment.store import audit, teams
from assessment.store.models import OWNER, Team
from assessment.web.access import team_or_404
from assessment.web.forms import HispForm

bp = Blueprint("hisp", __name__)


@bp.route("/teams/<int:team_id>/hisp", methods=["GET", "POST"])
def hisp_status(team_id: int) -> str | Response:
    team, _ = team_or_404(team_id, OWNER)
    form = HispForm() if request.method == "POST" else HispForm(data=saved_choice(team))
    if form.is_submitted():
        form.refuse_tampering()
        if form.validate():
            service = form.chosen_service()
            teams.set_hisp(team, service)
            audit.record_event("hisp_changed", team=team, detail=service or "not a HISP")
            db.session.commit()
            flash(f"Saved: {team.service} is a designated HISP ({service})." if service
                  else f"Saved: {team.service} is not a designated HISP.", "success")
            return redirect(url_for("team.team", team_id=team.id))
    return render_template("team/hisp.html", team=team, form=form, profiles=hisp.PROFILES,
                           duties=hisp.DUTIES)


def saved_choice(team: Team) -> dict[str, str]:
    """The form as the team last saved it."""
    if not team.is_hisp:
        return {"is_hisp": "no"}
    preset = team.hisp_service in hisp.PROFILE_NAMES
    return {"is_hisp": "yes", "service": (team.hisp_service or "") if preset else hisp.OTHER,
            "other_service": "" if preset else team.hisp_service or ""}
