"""What an export file holds, as frozen dataclasses, and those as JSON-ready data.

Pure: no Flask, no database. Times are UTC; in the file they are ISO 8601 with a Z. Targets are
decimals, written as text ("3.5") so no reader rounds them. No database ids are in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FORMAT = "cx-assessment-export"
SCHEMA_VERSION = 1
TEAM, ASSESSMENT = "team", "assessment"


@dataclass(frozen=True)
class Member:
    email: str
    role: str  # owner, member or viewer
    joined_at: dt.datetime


@dataclass(frozen=True)
class TeamData:
    agency: str
    office: str
    service: str
    # A team file also carries these; a one-assessment file does not.
    created_at: dt.datetime | None = None
    members: tuple[Member, ...] | None = None
    hisp_service: str | None = None  # a designated HISP's service; team files only


@dataclass(frozen=True)
class QuestionnaireText:
    """The questions.yaml text of one version, as kept when an assessment started on it."""

    version: str
    content_hash: str  # SHA-256 of source, as hex
    source: str


@dataclass(frozen=True)
class Target:
    pillar_id: str
    target: Decimal
    target_date: dt.date | None


@dataclass(frozen=True)
class AnswerData:
    question_id: str
    choice: str | None  # "level", "na", "unknown", or None (a note without a choice yet)
    level: int | None
    note: str
    evidence_link: str = ""  # in the file only when given (files from before it lack it)


@dataclass(frozen=True)
class ResponseData:
    respondent: str | None  # an email; None for answers from before accounts
    created_at: dt.datetime
    updated_at: dt.datetime
    answers: tuple[AnswerData, ...]


@dataclass(frozen=True)
class AgreedData:
    question_id: str
    choice: str  # "level", "na" or "unknown"
    level: int | None
    note: str
    decided_by: str | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class ActionStatusData:
    status: str
    changed_at: dt.datetime
    changed_by: str | None  # an email address; None when not known


@dataclass(frozen=True)
class ActionData:
    """An action, in the file under the assessment it was added on."""

    practice_id: str
    title: str
    owner: str
    due_date: dt.date | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    # The index, in the file's assessments, of the last one it shows on (the one it was done
    # on); None: it carries forward to every later assessment.
    last_assessment: int | None = None
    # Its status changes, oldest first. None: a file from before status histories (and before
    # actions carried forward), read as importing.py says.
    history: tuple[ActionStatusData, ...] | None = None


@dataclass(frozen=True)
class AssessmentData:
    questionnaire_version: str
    status: str
    open_to_team: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None
    updated_at: dt.datetime
    targets: tuple[Target, ...]
    responses: tuple[ResponseData, ...]
    agreed_answers: tuple[AgreedData, ...]
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class Document:
    kind: str  # TEAM or ASSESSMENT
    exported_at: dt.datetime
    team: TeamData
    questionnaires: tuple[QuestionnaireText, ...]
    assessments: tuple[AssessmentData, ...]


def timestamp(value: dt.datetime) -> str:
    """A UTC time as ISO 8601 with a Z, to the microsecond when it has one."""
    return value.isoformat() + "Z"


def _maybe(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timestamp(value) if isinstance(value, dt.datetime) else value.isoformat()


def to_data(document: Document, scores: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The document as JSON-ready data, keys in the documented order. scores, one per
    assessment, are added for readers; an import ignores them."""
    team: dict[str, Any] = {"agency": document.team.agency, "office": document.team.office,
                            "service": document.team.service}
    if document.kind == TEAM:
        team["created_at"] = _maybe(document.team.created_at)
        team["hisp_service"] = document.team.hisp_service
        team["members"] = [{"email": m.email, "role": m.role, "joined_at": timestamp(m.joined_at)}
                           for m in document.team.members or ()]
    assessments = [_assessment(a) for a in document.assessments]
    for data, score in zip(assessments, scores, strict=False):
        data["scores"] = dict(score)
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timestamp(document.exported_at),
        "kind": document.kind,
        "team": team,
        "questionnaires": [{"version": q.version, "content_hash": q.content_hash,
                            "source": q.source} for q in document.questionnaires],
        "assessments": assessments,
    }


def _assessment(a: AssessmentData) -> dict[str, Any]:
    return {
        "questionnaire_version": a.questionnaire_version,
        "status": a.status,
        "open_to_team": a.open_to_team,
        "started_at": timestamp(a.started_at),
        "finished_at": _maybe(a.finished_at),
        "updated_at": timestamp(a.updated_at),
        "targets": [{"pillar_id": t.pillar_id, "target": str(t.target),
                     "target_date": _maybe(t.target_date)} for t in a.targets],
        "responses": [{
            "respondent": r.respondent, "created_at": timestamp(r.created_at),
            "updated_at": timestamp(r.updated_at),
            "answers": [{"question_id": x.question_id, "choice": x.choice, "level": x.level,
                         "note": x.note} | ({"evidence_link": x.evidence_link}
                                            if x.evidence_link else {}) for x in r.answers],
        } for r in a.responses],
        "agreed_answers": [{"question_id": x.question_id, "choice": x.choice, "level": x.level,
                            "note": x.note, "decided_by": x.decided_by,
                            "updated_at": timestamp(x.updated_at)} for x in a.agreed_answers],
        "actions": [{"practice_id": x.practice_id, "title": x.title, "owner": x.owner,
                     "due_date": _maybe(x.due_date), "status": x.status,
                     "created_at": timestamp(x.created_at), "updated_at": timestamp(x.updated_at),
                     "last_assessment": x.last_assessment,
                     "history": [{"status": h.status, "changed_at": timestamp(h.changed_at),
                                  "changed_by": h.changed_by} for h in x.history or ()]}
                    for x in a.actions],
    }
