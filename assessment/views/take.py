"""Taking an assessment: start, one page per pillar, save for later, review, finish, reopen."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import csrf, db
from assessment.report import render_queue
from assessment.rules.evidence import missing_evidence, needs_evidence
from assessment.rules.progress import journey_progress
from assessment.rules.questionnaire import Pillar, Questionnaire
from assessment.store import audit, operations, reviews, stamps, starting, teams
from assessment.store.models import CHALLENGED, MEMBER, OWNER, VIEWER, Assessment, Team
from assessment.store.queries import (
    AnswerRow,
    answers_by_question,
    get_assessment_or_404,
    my_answers,
    respondent_progress,
)
from assessment.store.questionnaire_versions import move_to_questionnaire
from assessment.store.your_work import your_work
from assessment.views.common import STALE_FORM_MESSAGE, current_questionnaire, form_is_stale
from assessment.views.work import today
from assessment.web import once
from assessment.web.access import assessment_for
from assessment.web.forms import (
    OpenToTeamForm,
    StartForm,
    answer_field_name,
    link_field_name,
    note_field_name,
    pillar_form_class,
    submitted_answers,
)
from assessment.web.fragments import cached_page
from assessment.web.review_access import evidence_required
from assessment.web.strict_form import ButtonForm, StrictForm

bp = Blueprint("take", __name__)
FINISHED_MESSAGE = "This assessment is finished. Reopen it to change your answers."
SAME_TEAM_MESSAGE = ("You already have a team with this agency, office and service. "
                     "Choose it under “Your teams”, or change the name.")


@bp.route("/start", methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps what was typed when a token expires
@login_required
def start() -> str | Response:
    """Choose a team: one of yours (start its next assessment, or continue its draft), or a
    new one. A new team with the name of one of yours is refused, with a link to it."""
    form = StartForm(meta={"csrf": False})
    same: Team | None = None
    if request.method == "POST":
        form.refuse_tampering()
        if form_is_stale():
            flash(STALE_FORM_MESSAGE, "warning")
        elif form.validate():
            if (earlier := once.earlier_answer()) is not None:
                return earlier
            try:
                team = starting.create_own_team(current_user, form.agency.data,
                                                form.office.data, form.service.data)
            except starting.SameTeamError as error:
                db.session.rollback()
                same = error.team
                form.service.errors = [*form.service.errors, SAME_TEAM_MESSAGE]
            else:
                assessment = operations.start_assessment(current_questionnaire(), team)
                audit.record_event("team_created", team=team)
                first = current_questionnaire().pillars[0]
                return once.answered(url_for(".pillar", public_id=assessment.public_id,
                                             pillar_id=first.id))
    return render_template("take/start.html", form=form, same=same,
                           question_count=current_questionnaire().question_count,
                           work=your_work(current_user, today()))


@bp.get("/assessments/<public_id>")
def resume(public_id: str) -> Response:
    """The assessment's link: go to where the team left off."""
    assessment = get_assessment_or_404(public_id)
    if not assessment.team.is_demo and not teams.has_members(assessment.team):
        return claim(public_id)  # a team from before accounts: its link lets one person claim it
    assessment, role = assessment_for(public_id, VIEWER)
    if assessment.is_finished:
        return redirect(url_for("results.results", public_id=public_id))
    progress = journey_progress(current_questionnaire(), my_answers(assessment, _me()))
    pillar = progress.first_incomplete_pillar
    if pillar is None or role == VIEWER:
        return redirect(url_for(".review", public_id=public_id))
    return redirect(url_for(".pillar", public_id=public_id, pillar_id=pillar.id))


@bp.route("/assessments/<public_id>/pillars/<pillar_id>", methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps the user's choices when a token expires
def pillar(public_id: str, pillar_id: str) -> str | Response:
    assessment, role = assessment_for(public_id, MEMBER)
    if role != OWNER and not assessment.open_to_team:
        abort(403)
    questionnaire = current_questionnaire()
    if not questionnaire.has_pillar(pillar_id):
        abort(404)
    pillar = questionnaire.pillar(pillar_id)
    if assessment.is_finished:
        flash(FINISHED_MESSAGE, "info")
        return redirect(url_for(".review", public_id=public_id))

    if request.method == "GET":
        # Kept until the assessment (every saved answer moves its updated_at) or its team
        # changes; the reader and their role are part of the key, since it shows their answers.
        required = evidence_required(assessment.team)
        key = ("pillar", role, questionnaire.version, stamps.row_values(assessment),
               stamps.row_values(assessment.team), required)
        return cached_page(key, lambda: _pillar_page(assessment, pillar, questionnaire,
                                                     required=required))
    form = pillar_form_class(pillar)(meta={"csrf": False})
    form.refuse_tampering()
    if form_is_stale():
        flash(STALE_FORM_MESSAGE, "warning")
    elif form.validate():
        operations.lock_for_change(assessment)
        if assessment.is_finished:  # finished while this page was being saved
            flash(FINISHED_MESSAGE, "info")
            return redirect(url_for(".review", public_id=public_id))
        move_to_questionnaire(assessment, questionnaire)
        changed = operations.save_answers(operations.response_for(assessment, current_user.id),
                                          submitted_answers(form, pillar))
        audit.record_event("answers_saved", team=assessment.team,
                           detail=f"{pillar.name}, assessment {assessment.id}")
        reviews.clear_reviews(assessment, changed, questionnaire)
        db.session.commit()
        if form.data["action"] == "save":
            flash("Your answers on this page are saved.", "success")
        return redirect(_after_save(assessment, pillar_id, form.data["action"]))
    return _pillar_page(assessment, pillar, questionnaire, form)


def _pillar_page(assessment: Assessment, pillar: Pillar, questionnaire: Questionnaire,
                 form: StrictForm | None = None, required: bool | None = None) -> str:
    """The pillar's questions, with the reader's saved answers (or, given a posted form,
    what they sent). Saved answers at level 4 or 5 without evidence ask for it."""
    answers = my_answers(assessment, _me())
    if form is None:
        form = pillar_form_class(pillar)(meta={"csrf": False}, data=_stored_form_data(answers))
    progress = journey_progress(questionnaire, answers)
    lacking = {question_id for question_id, a in answers.items()
               if needs_evidence(a.level, a.note or "", a.link or "")}
    return render_template("take/pillar.html", assessment=assessment, pillar=pillar, form=form,
                           progress=progress, questionnaire=questionnaire,
                           needs_evidence=lacking, challenges={
                               q: r.comment for q, r in reviews.reviews_of(
                                   [assessment.id])[assessment.id].items()
                               if r.state == CHALLENGED},
                           evidence_required=evidence_required(assessment.team)
                           if required is None else required)


@bp.get("/assessments/<public_id>/saved")
def saved(public_id: str) -> str:
    assessment, _ = assessment_for(public_id, VIEWER)
    progress = journey_progress(current_questionnaire(), my_answers(assessment, _me()))
    return render_template("take/saved.html", assessment=assessment, progress=progress)


@bp.get("/assessments/<public_id>/review")
def review(public_id: str) -> str:
    assessment, role = assessment_for(public_id, VIEWER)
    return _review_page(assessment, role)


def _review_page(assessment: Assessment, role: str, refused: bool = False) -> str:
    """The review page; `refused`: finishing was refused for answers that need evidence."""
    questionnaire = current_questionnaire()
    progress = journey_progress(questionnaire, my_answers(assessment, _me()))
    missing = [] if assessment.is_finished else missing_evidence(
        questionnaire, answers_by_question(assessment))
    return render_template("take/review.html", assessment=assessment, progress=progress,
                           questionnaire=questionnaire, role=role,
                           team=respondent_progress(assessment, questionnaire.question_count),
                           missing_evidence=missing, refused=refused,
                           evidence_required=bool(missing) and evidence_required(assessment.team))


@bp.post("/assessments/<public_id>/open")
def open_to_team(public_id: str) -> Response:
    """Open the assessment so every member answers on their own, or close it again."""
    assessment, _ = assessment_for(public_id, OWNER)
    form = OpenToTeamForm()
    form.refuse_tampering()
    operations.open_to_team(assessment, form.open.data == "yes")
    audit.record_event("assessment_opened", team=assessment.team,
                       detail=f"assessment {assessment.id}: "
                              f"{'open' if assessment.open_to_team else 'closed'}")
    db.session.commit()
    flash("Every member of your team can now answer on their own." if assessment.open_to_team
          else "Only owners can answer now.", "success")
    return redirect(url_for(".review", public_id=public_id))


@bp.post("/assessments/<public_id>/finish")
def finish(public_id: str) -> str | Response:
    assessment, role = assessment_for(public_id, OWNER)
    ButtonForm().refuse_tampering()
    if evidence_required(assessment.team) and missing_evidence(
            current_questionnaire(), answers_by_question(assessment)):
        return _review_page(assessment, role, refused=True)
    move_to_questionnaire(assessment, current_questionnaire())
    operations.finish_assessment(assessment)
    finished_id = assessment.id
    audit.record_event("assessment_finished", team=assessment.team,
                       detail=f"assessment {finished_id}")
    db.session.commit()
    render_queue.queue_plan_render(finished_id)  # after the commit: the worker reads it
    return redirect(url_for("results.results", public_id=public_id))


@bp.post("/assessments/<public_id>/reopen")
def reopen(public_id: str) -> Response:
    assessment, _ = assessment_for(public_id, OWNER)
    ButtonForm().refuse_tampering()
    operations.reopen_assessment(assessment)
    audit.record_event("assessment_reopened", team=assessment.team,
                       detail=f"assessment {assessment.id}")
    db.session.commit()
    flash("You reopened this assessment. Change any answer, then finish it again.", "info")
    return redirect(url_for(".review", public_id=public_id))


@bp.route("/assessments/<public_id>/claim", methods=["GET", "POST"])
@login_required
def claim(public_id: str) -> str | Response:
    """A team from before accounts has no members: the first person with its link owns it."""
    assessment = get_assessment_or_404(public_id)
    if assessment.team.is_demo or teams.has_members(assessment.team):
        abort(404)
    if request.method == "POST":
        ButtonForm().refuse_tampering()
        teams.claim_team(assessment.team, current_user)
        db.session.commit()
        flash(f"You now own the team for {assessment.team.service}. "
              "Invite the rest of your team from its team page.", "success")
        return redirect(url_for(".resume", public_id=public_id))
    return render_template("take/claim.html", assessment=assessment)


def _me() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _stored_form_data(answers: Mapping[str, AnswerRow]) -> dict[str, str | None]:
    data: dict[str, str | None] = {}
    for question_id, answer in answers.items():
        choice = str(answer.level) if answer.level is not None else answer.choice
        data[answer_field_name(question_id)] = choice
        data[note_field_name(question_id)] = answer.note
        data[link_field_name(question_id)] = answer.link
    return data


def _after_save(assessment: Assessment, pillar_id: str, action: str | None) -> str:
    """Where each button goes once the pillar is saved."""
    public_id = assessment.public_id
    if action == "later":
        return url_for(".saved", public_id=public_id)
    if action == "save":
        return url_for(".pillar", public_id=public_id, pillar_id=pillar_id)
    pillars = [p.id for p in current_questionnaire().pillars]
    index = pillars.index(pillar_id) + (-1 if action == "previous" else 1)
    if index < 0 or index >= len(pillars):
        return url_for(".review", public_id=public_id)
    return url_for(".pillar", public_id=public_id, pillar_id=pillars[index])
