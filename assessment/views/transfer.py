"""Export and import: a team or one assessment as JSON (docs/export-format.md) or CSV, and a
JSON file imported as a new team or into a team you own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from werkzeug import Response
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from assessment.extensions import csrf, db
from assessment.store import audit, teams
from assessment.store.models import OWNER, VIEWER, Assessment, Team
from assessment.store.read_model import scored_assessment, scored_team
from assessment.transfer import exporting, importing, spreadsheets
from assessment.transfer.document import ASSESSMENT, Document
from assessment.transfer.parsing import TransferError
from assessment.web import invite_mail, once
from assessment.web.access import assessment_for, shows_emails, team_or_404
from assessment.web.forms import import_form
from assessment.web.privacy import without_emails

bp = Blueprint("transfer", __name__)
JSON, CSV = "application/json", "text/csv; charset=utf-8"


@bp.get("/assessments/<public_id>/export.json")
def assessment_json(public_id: str) -> Response:
    assessment, _ = assessment_for(public_id, VIEWER)
    text = exporting.json_text(private(assessment.team, exporting.assessment_export(assessment)))
    return download(text, JSON, assessment.team, assessment_date(assessment), "assessment.json")


@bp.get("/assessments/<public_id>/answers.csv")
def answers_csv(public_id: str) -> Response:
    assessment, _ = assessment_for(public_id, VIEWER)
    text = spreadsheets.answers_csv(scored_assessment(assessment),
                                    private(assessment.team,
                                            exporting.respondent_answers(assessment)))
    return download(text, CSV, assessment.team, assessment_date(assessment), "answers.csv")


@bp.get("/assessments/<public_id>/scores.csv")
def assessment_scores_csv(public_id: str) -> Response:
    assessment, _ = assessment_for(public_id, VIEWER)
    text = spreadsheets.scores_csv([scored_assessment(assessment)])
    return download(text, CSV, assessment.team, assessment_date(assessment), "scores.csv")


@bp.get("/teams/<int:team_id>/export.json")
def team_json(team_id: int) -> Response:
    team, _ = team_or_404(team_id, VIEWER)
    text = exporting.json_text(private(team, exporting.team_export(team)))
    return download(text, JSON, team, today(), "team.json")


@bp.get("/teams/<int:team_id>/scores.csv")
def team_scores_csv(team_id: int) -> Response:
    team, _ = team_or_404(team_id, VIEWER)
    text = spreadsheets.scores_csv(scored_team(team))
    return download(text, CSV, team, today(), "team-scores.csv")


@bp.route("/teams/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once this page's larger size limit is set
@login_required
def import_file() -> str | Response | tuple[str, int]:
    """Import a JSON export: a team file makes a new team you own, or is added to a team you
    own (never a second team of a name you have); a one-assessment file is added to a team
    you own. A bad file stores nothing and is explained on the page."""
    owned = owned_teams()
    if request.method == "GET":
        return import_page(owned)
    limit = current_app.config["IMPORT_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024  # the file, and room for the form around it
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return import_page(owned, f"The file is larger than {limit // (1024 * 1024)} MB, the "
                                  "most we import at once. Nothing was imported.", status=413)
    if None in request.form or None in request.files:  # Werkzeug's name for a garbled name
        abort(400, description="The form had a field without a name, so we imported nothing.")
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400, description="The form's security token was missing or out of date, so we "
                               "imported nothing. Reload the page and try again.")
    form = import_form(owned)
    form.refuse_tampering()
    if set(request.files) - {"file"} or len(request.files.getlist("file")) > 1:
        abort(400, description="The form sent more than one file. Choose one file to import.")
    chosen = next((team for team in owned if str(team.id) == form.team.data), None)
    if upload is None or not upload.filename:
        return import_page(owned, "Choose a file to import.", chosen=chosen)
    if (earlier := once.earlier_answer()) is not None:
        return earlier
    try:
        document = importing.read_export(upload.stream.read(limit + 1), limit)
        team, count = _import(document, chosen)
    except TransferError as error:
        db.session.rollback()
        if isinstance(error, importing.SameTeamError):
            chosen = next((t for t in owned if t.id == error.team.id), chosen)
        return import_page(owned, error.explain(), chosen=chosen, status=400)
    audit.record_event("import", team=team, detail=f"{upload.filename[:200]}: {count} "
                                                    f"assessment{'s' if count != 1 else ''}")
    invited = [member.email for member in importing.invited(document, current_user)]
    emailed = invite_mail.email_new_invites(team, invited, current_user)
    invites = f"{importing.invited_text(len(invited))} {invite_mail.deliveries_text(emailed)}"
    return once.answered(url_for("team.team", team_id=team.id),
                         f"You imported {count} assessment{'s' if count != 1 else ''} from "
                         f"{upload.filename[:200]}. {invites}".rstrip())


def _import(document: Document, chosen: Team | None) -> tuple[Team, int]:
    """Import the file as the user chose: a team file as a new team, or added to the chosen
    team; a one-assessment file into the chosen team. The team, and how many were added."""
    me = current_user._get_current_object()
    if document.kind == ASSESSMENT:
        if chosen is None:
            raise TransferError("", "This file holds one assessment. Choose the team to add "
                                    "it to, then import the file again.")
        return importing.import_document(document, me, chosen), 1
    if chosen is not None:
        return chosen, importing.merge_document(document, me, chosen)
    return importing.import_document(document, me), len(document.assessments)


def private(team: Team, data: Any) -> Any:
    """The data, without people's email addresses for someone outside the (demo) team."""
    return data if shows_emails(team) else without_emails(data)


def owned_teams() -> list[Team]:
    return [m.team for m in teams.teams_of(current_user) if m.role == OWNER]


def import_page(owned: list[Team], error: str | None = None, chosen: Team | None = None,
                status: int = 200) -> tuple[str, int]:
    form = import_form(owned, formdata=None, data={"team": str(chosen.id) if chosen else ""})
    return render_template("transfer/import.html", owned=owned, error=error, form=form,
                           max_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
                           ), status


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def assessment_date(assessment: Assessment) -> dt.date:
    return assessment.dated.on.date()


def download(text: str, mimetype: str, team: Team, date: dt.date, what: str) -> Response:
    """The file as an attachment named after the service and the date; the audit log notes it."""
    from assessment.report.pdf import download_name  # WeasyPrint loads on first use, not start-up

    name = download_name(team.service, date, what)
    audit.record_event("export", team=team, detail=name)
    db.session.commit()
    return Response(text.encode("utf-8"), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
