"""State changes, named as verbs. They flush; the request (or CLI command) commits once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.store.conflicts import insert_or_skip
from assessment.store.models import (
    CHOICE_LEVEL,
    DONE,
    DRAFT,
    FINISHED,
    Action,
    ActionStatusChange,
    AgreedAnswer,
    Answer,
    Assessment,
    PillarTarget,
    Response,
    Team,
    utcnow,
)
from assessment.store.questionnaire_versions import record_questionnaire


@dataclass(frozen=True)
class SubmittedAnswer:
    """What a respondent sent for one question: a choice ('1'-'5', 'na', 'unknown' or None)."""

    choice: str | None
    note: str = ""
    link: str = ""  # evidence: a web address, checked by the form (rules/evidence.py)


def create_team(agency: str, office: str, service: str, is_demo: bool = False) -> Team:
    """Create the team that owns assessments of one service."""
    team = Team(agency=agency.strip(), office=office.strip(), service=service.strip(),
                is_demo=is_demo)
    db.session.add(team)
    db.session.flush()
    return team


def start_assessment(questionnaire: Questionnaire, team: Team) -> Assessment:
    """Start a draft assessment for a team, on the current questionnaire, with one response.
    The questionnaire's text is kept, so the assessment can be scored on it later. The team's
    targets carry over from its latest assessment, so a team sets them once."""
    record_questionnaire(questionnaire)
    latest = db.session.scalar(
        select(Assessment).where(Assessment.team_id == team.id)
        .order_by(Assessment.started_at.desc(), Assessment.id.desc()).limit(1))
    targets = _targets_to_copy(latest, {p.id for p in questionnaire.pillars}) if latest else []
    assessment = Assessment(team=team, questionnaire_version=questionnaire.version, status=DRAFT,
                            targets=targets)
    assessment.responses.append(Response())
    db.session.add(assessment)
    db.session.flush()
    return assessment


def _targets_to_copy(source: Assessment, pillar_ids: set[str]) -> list[PillarTarget]:
    """Copies of the targets of the pillars the questionnaire still has. A target date that
    has passed is left out: the team chooses a new one."""
    today = utcnow().date()
    return [PillarTarget(pillar_id=t.pillar_id, target=t.target,
                         target_date=t.target_date if t.target_date and t.target_date >= today
                         else None)
            for t in source.targets if t.pillar_id in pillar_ids]


def response_for(assessment: Assessment, user_id: int) -> Response:
    """The user's own response, made on first save. The first member to save takes over a
    response from before accounts; the update only succeeds while it has no user, so two
    members saving at once never share one. Two first saves of one user at once (a
    double-click) make one response: the second insert is skipped."""
    own = _own_response(assessment, user_id)
    if own is not None:
        return own
    unowned = db.session.scalar(select(Response.id).where(
        Response.assessment_id == assessment.id, Response.user_id.is_(None)).limit(1))
    if unowned is not None and cast(CursorResult, db.session.execute(
            update(Response).where(Response.id == unowned, Response.user_id.is_(None))
            .values(user_id=user_id))).rowcount == 1:
        taken = db.session.get(Response, unowned)
        if taken is not None:
            db.session.refresh(taken)
            return taken
    now = utcnow()
    insert_or_skip(Response, {"assessment_id": assessment.id, "user_id": user_id,
                              "created_at": now, "updated_at": now},
                   unique_on=["assessment_id", "user_id"])
    response = _own_response(assessment, user_id)
    assert response is not None
    db.session.expire(assessment, ["responses"])
    return response


def _own_response(assessment: Assessment, user_id: int) -> Response | None:
    return db.session.scalar(select(Response).where(
        Response.assessment_id == assessment.id, Response.user_id == user_id))


def lock_for_change(assessment: Assessment) -> None:
    """Wait until no other request is changing the assessment, hold it until this request
    commits, and read its status afresh: a save and a finish posted together then happen one
    after the other, never interleaved (SQLite's write lock does this for the whole database)."""
    db.session.execute(select(Assessment).where(Assessment.id == assessment.id)
                       .with_for_update(key_share=True)
                       .execution_options(populate_existing=True))


def open_to_team(assessment: Assessment, is_open: bool) -> None:
    """Let every member answer on their own (or, closed, only the owners)."""
    assessment.open_to_team = is_open
    db.session.flush()


def agree_answer(assessment: Assessment, question_id: str, choice: str | None, note: str,
                 decided_by: int | None) -> None:
    """Record the team's agreed answer to one question, or clear it (choice None). Two owners
    recording the first answer at once make one row; the later one's answer stays."""
    mine = select(AgreedAnswer).where(AgreedAnswer.assessment_id == assessment.id,
                                      AgreedAnswer.question_id == question_id)
    if choice is None:
        row = db.session.scalar(mine)
        if row is not None:
            db.session.delete(row)
            assessment.updated_at = utcnow()  # scores change: see store/read_model.py
        db.session.flush()
        return
    stored_choice, level = _choice_and_level(choice)
    assert stored_choice is not None  # a choice was given
    insert_or_skip(AgreedAnswer, {"assessment_id": assessment.id, "question_id": question_id,
                                  "choice": stored_choice, "level": level, "note": "",
                                  "updated_at": utcnow()},
                   unique_on=["assessment_id", "question_id"])
    row = db.session.scalars(mine.with_for_update()
                             .execution_options(populate_existing=True)).one()
    row.choice, row.level = stored_choice, level
    row.note, row.decided_by_id = note.strip(), decided_by
    assessment.updated_at = utcnow()
    db.session.flush()


def save_answers(response: Response, submitted: Mapping[str, SubmittedAnswer]) -> set[str]:
    """Store the submitted answers of one respondent, replacing earlier ones for those questions.
    The response is locked first, so two saves of it at once (a double-click) apply one after
    the other, the second on the first's rows. Returns the questions whose answer, note or
    evidence link changed."""
    db.session.execute(select(Response.id).where(Response.id == response.id).with_for_update())
    db.session.expire(response, ["answers"])
    existing = {a.question_id: a for a in response.answers}
    changed: set[str] = set()
    for question_id, answer in submitted.items():
        row = existing.get(question_id)
        note, link = answer.note.strip(), answer.link.strip()
        before = (row.choice, row.level, row.note, row.evidence_link or "") if row else None
        if answer.choice is None and not note and not link:
            if row is not None:
                response.answers.remove(row)
                changed.add(question_id)
            continue
        if row is None:
            row = Answer(question_id=question_id)
            response.answers.append(row)
        row.choice, row.level = _choice_and_level(answer.choice)
        row.note, row.evidence_link = note, link
        if before != (row.choice, row.level, row.note, row.evidence_link):
            changed.add(question_id)
    response.updated_at = utcnow()
    response.assessment.updated_at = utcnow()
    db.session.flush()
    return changed


def finish_assessment(assessment: Assessment) -> None:
    """Mark the assessment finished, now: it goes by its latest finish (rules/wording.py).
    A save under way finishes first, and is part of what is finished."""
    lock_for_change(assessment)
    assessment.status = FINISHED
    assessment.finished_at = utcnow()
    db.session.flush()


def reopen_assessment(assessment: Assessment) -> None:
    """Put a finished assessment back into draft so its answers can change."""
    lock_for_change(assessment)
    assessment.status = DRAFT
    db.session.flush()


def set_targets(assessment: Assessment, targets: Mapping[str, Decimal],
                dates: Mapping[str, dt.date | None] | None = None) -> None:
    """Set the target level for each pillar given and, when dates are given, the date the team
    means to reach it by (None: no date). Pillars left out of `dates` keep their date."""
    dates = dates or {}
    missing = set(targets) - {t.pillar_id for t in assessment.targets}
    if missing:  # two owners setting the first targets at once make one row per pillar
        db.session.flush()
        for pillar_id in sorted(missing):
            insert_or_skip(PillarTarget, {"assessment_id": assessment.id, "pillar_id": pillar_id,
                                          "target": targets[pillar_id]},
                           unique_on=["assessment_id", "pillar_id"])
        db.session.expire(assessment, ["targets"])
    current = {t.pillar_id: t for t in assessment.targets}
    for pillar_id, target in targets.items():
        row = current[pillar_id]
        row.target = target
        if pillar_id in dates:
            row.target_date = dates[pillar_id]
    assessment.updated_at = utcnow()  # scores change: see store/read_model.py
    db.session.flush()


@dataclass(frozen=True)
class ActionDetails:
    """What a team wrote about one action: the form's fields, checked."""

    title: str
    owner: str
    due_date: dt.date | None
    status: str


def add_action(assessment: Assessment, practice_id: str, details: ActionDetails,
               created_by: int | None = None) -> Action:
    """Add an action for one practice to the team's improvement plan, from this assessment on.
    Its first status starts its status history."""
    action = Action(practice_id=practice_id, created_by_id=created_by,
                    team_id=assessment.team_id)
    _apply(action, details)
    if details.status == DONE:
        action.last_assessment_id = assessment.id
    action.status_changes.append(ActionStatusChange(status=details.status,
                                                    changed_by_id=created_by))
    assessment.added_actions.append(action)
    db.session.flush()
    return action


def update_action(action: Action, details: ActionDetails, on: Assessment | None = None,
                  changed_by: int | None = None) -> None:
    """Change an action's title, owner, due date or status, from the page of assessment `on`.
    A new status joins its history. Marked done, it stays on the assessments up to `on` and
    leaves later ones; marked not done again, it carries forward again."""
    if details.status != action.status:
        action.status_changes.append(ActionStatusChange(status=details.status,
                                                        changed_by_id=changed_by))
        if details.status == DONE:
            action.last_assessment_id = (on or action.assessment).id
        elif action.status == DONE:
            action.last_assessment_id = None
    _apply(action, details)
    db.session.flush()


def _apply(action: Action, details: ActionDetails) -> None:
    action.title, action.owner = details.title.strip(), details.owner.strip()
    action.due_date, action.status = details.due_date, details.status


def _choice_and_level(choice: str | None) -> tuple[str | None, int | None]:
    if choice is None or not choice.isdigit():
        return choice, None
    return CHOICE_LEVEL, int(choice)
