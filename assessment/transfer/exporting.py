"""The database → an export Document, plus each assessment's scores for readers.

A fixed number of queries whatever the number of assessments, respondents and answers:
assessments (1), members (1), responses (1), answers (1), agreed answers (1), actions with
their status histories (2),
targets (1), emails (1), kept questionnaire texts (1), and the read model's scoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import Row, ScoredAssessment
from assessment.store.models import (
    Action,
    ActionStatusChange,
    AgreedAnswer,
    Answer,
    Assessment,
    Membership,
    PillarTarget,
    QuestionnaireSnapshot,
    Response,
    Team,
    User,
    utcnow,
)
from assessment.store.questionnaire_versions import current_questionnaire
from assessment.store.read_model import assessment_actions, score_assessments, team_assessments
from assessment.transfer.checking import content_hash
from assessment.transfer.document import (
    ASSESSMENT,
    TEAM,
    ActionData,
    ActionStatusData,
    AgreedData,
    AnswerData,
    AssessmentData,
    Document,
    Member,
    QuestionnaireText,
    ResponseData,
    Target,
    TeamData,
    to_data,
)


def team_export(team: Team) -> dict[str, Any]:
    """The team, its members and every assessment, as JSON-ready data."""
    members = db.session.execute(
        select(User.email, Membership.role, Membership.created_at).join(Membership.user)
        .where(Membership.team_id == team.id).order_by(User.email)).all()
    team_data = TeamData(team.agency, team.office, team.service, team.created_at,
                         tuple(Member(m.email, m.role, m.created_at) for m in members),
                         team.hisp_service if team.is_hisp else None)
    assessments = team_assessments(team)
    actions = db.session.scalars(
        select(Action).where(Action.team_id == team.id)
        .order_by(Action.created_at, Action.id).options(*_WITH_HISTORY))
    return _export(TEAM, team_data, assessments, _actions_in_file(assessments, actions))


def assessment_export(assessment: Assessment) -> dict[str, Any]:
    """One assessment, with the name of its team and the actions it shows, as JSON-ready
    data."""
    team = assessment.team
    actions = {assessment.id: [_action(a, 0 if a.last_assessment_id is not None else None)
                               for a in assessment_actions(assessment)]}
    return _export(ASSESSMENT, TeamData(team.agency, team.office, team.service), [assessment],
                   actions)


_WITH_HISTORY = (selectinload(Action.status_changes).joinedload(ActionStatusChange.changed_by),)


def _actions_in_file(assessments: Sequence[Assessment],
                     actions: Iterable[Action]) -> dict[int, list[ActionData]]:
    """The team's actions under the assessment each was added on, each with the index of the
    last assessment it shows on. One added on or done on a deleted assessment is not in the
    file, like that assessment."""
    index = {a.id: i for i, a in enumerate(assessments)}
    grouped: dict[int, list[ActionData]] = {}
    for action in actions:
        if action.assessment_id not in index:
            continue
        last = action.last_assessment_id
        grouped.setdefault(action.assessment_id, []).append(
            _action(action, None if last is None else index.get(last, index[action.assessment_id])))
    return grouped


def _action(action: Action, last: int | None) -> ActionData:
    return ActionData(action.practice_id, action.title, action.owner, action.due_date,
                      action.status, action.created_at, action.updated_at, last,
                      tuple(ActionStatusData(c.status, c.changed_at,
                                             c.changed_by.email if c.changed_by else None)
                            for c in action.status_changes))


def _export(kind: str, team: TeamData, assessments: Sequence[Assessment],
            actions: dict[int, list[ActionData]]) -> dict[str, Any]:
    scored = score_assessments(assessments)
    document = Document(kind, utcnow(), team, _questionnaire_texts(scored),
                        tuple(_assessments(assessments, scored, actions)))
    return to_data(document, [scores(s) for s in scored])


def _questionnaire_texts(scored: Sequence[ScoredAssessment]) -> tuple[QuestionnaireText, ...]:
    """The text of every questionnaire version the assessments use: the current questions.yaml
    for its own version (as scoring does), else the text kept when they started."""
    versions = sorted({s.questionnaire_version for s in scored})
    kept = {k.version: k for k in db.session.scalars(select(QuestionnaireSnapshot).where(
        QuestionnaireSnapshot.version.in_(versions)))} if versions else {}
    current = current_questionnaire()
    texts = []
    for version in versions:
        if version == current.version and current.source:  # what scores use for this version
            texts.append(QuestionnaireText(version, content_hash(current.source),
                                           current.source))
        elif version in kept:
            texts.append(QuestionnaireText(version, kept[version].content_hash,
                                           kept[version].source))
    return tuple(texts)


def _assessments(assessments: Sequence[Assessment], scored: Sequence[ScoredAssessment],
                 actions: dict[int, list[ActionData]]) -> list[AssessmentData]:
    ids = [a.id for a in assessments]
    if not ids:
        return []
    responses = _grouped(db.session.execute(
        select(Response.assessment_id, Response.id, Response.user_id, Response.created_at,
               Response.updated_at)
        .where(Response.assessment_id.in_(ids)).order_by(Response.created_at, Response.id)))
    answers = _grouped(db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.choice, Answer.level, Answer.note,
               Answer.evidence_link)
        .join(Response).where(Response.assessment_id.in_(ids))), by="response_id")
    agreed = _grouped(db.session.scalars(
        select(AgreedAnswer).where(AgreedAnswer.assessment_id.in_(ids))))
    targets = _grouped(db.session.scalars(
        select(PillarTarget).where(PillarTarget.assessment_id.in_(ids))))
    user_ids = {r.user_id for rows in responses.values() for r in rows} | \
        {a.decided_by_id for rows in agreed.values() for a in rows}
    emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(
        sorted(i for i in user_ids if i is not None)))).all()) if user_ids - {None} else {}
    result = []
    for a, s in zip(assessments, scored, strict=True):
        order = _order(s.questionnaire)
        result.append(AssessmentData(
            a.questionnaire_version, a.status, a.open_to_team, a.started_at, a.finished_at,
            a.updated_at,
            tuple(Target(t.pillar_id, s.targets[t.pillar_id].target, t.target_date)
                  for t in sorted(targets.get(a.id, []), key=lambda t: order(t.pillar_id))),
            tuple(ResponseData(
                emails.get(r.user_id), r.created_at, r.updated_at,
                tuple(AnswerData(x.question_id, x.choice, x.level, x.note, x.evidence_link)
                      for x in sorted(answers.get(r.id, []), key=lambda x: order(x.question_id))))
                for r in responses.get(a.id, [])),
            tuple(AgreedData(x.question_id, x.choice, x.level, x.note,
                             emails.get(x.decided_by_id), x.updated_at)
                  for x in sorted(agreed.get(a.id, []), key=lambda x: order(x.question_id))),
            tuple(actions.get(a.id, []))))
    return result


def _grouped(rows: Iterable, by: str = "assessment_id") -> dict[int, list]:
    """Rows by their assessment id (or another id), in the order given."""
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, by), []).append(row)
    return grouped


def respondent_answers(assessment: Assessment) -> list[tuple[str, dict[str, Row]]]:
    """Each respondent's own answers, by email (oldest response first), in two queries."""
    responses = db.session.execute(
        select(Response.id, User.email).outerjoin(User, Response.user_id == User.id)
        .where(Response.assessment_id == assessment.id)
        .order_by(Response.created_at, Response.id)).all()
    answers = _grouped(db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.choice, Answer.level, Answer.note)
        .join(Response).where(Response.assessment_id == assessment.id)), by="response_id")
    return [(email or "before accounts",
             {a.question_id: Row(a.question_id, a.choice, a.level, a.note)
              for a in answers.get(response_id, [])})
            for response_id, email in responses if answers.get(response_id)]


def _order(questionnaire: Questionnaire):
    """A sort key: ids in questionnaire order, then ids it does not know, alphabetically."""
    position: dict[str, int] = {}
    for pillar in questionnaire.pillars:
        position.setdefault(pillar.id, len(position))
        for practice in pillar.practices:
            position.setdefault(practice.id, len(position))
            for question in practice.questions:
                position.setdefault(question.id, len(position))
    return lambda item_id: (position.get(item_id, len(position)), item_id)


def scores(scored: ScoredAssessment) -> dict[str, Any]:
    """The assessment's scores, for readers of the file (an import ignores them)."""
    results = scored.results
    return {
        "overall": {"score": _decimal(results.score), "level": results.level,
                    "pillars_covered": results.pillars_covered},
        "pillars": [{
            "pillar_id": p.pillar.id, "score": _decimal(p.score), "level": p.level,
            "target": str(p.target), "meets_target": p.meets_target,
            "practices": [{"practice_id": x.practice.id, "score": _decimal(x.score),
                           "level": x.level} for x in p.practices],
        } for p in results.pillars],
    }


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def json_text(data: dict[str, Any]) -> str:
    """An export as the text of its file: UTF-8 JSON, indented so people can read it."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
