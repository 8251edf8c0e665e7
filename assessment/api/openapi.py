"""The OpenAPI 3.1 document of the read-only API, as data, served at /api/v1/openapi.json.

Each operationId is the name of its view in assessment/views/api.py; a test checks that every
API route is described here and nothing else is. Response schemas forbid unknown fields, so
the schemathesis run notices when the API and this document drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from assessment.api.data import API, PER_PAGE_DEFAULT, PER_PAGE_MAX
from assessment.store.models import MEMBER, OWNER, VIEWER

VERSION = "1.0.0"
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **rules: Any) -> Schema:
    return {"type": [kind, "null"], **rules}


def record(description: str, **properties: Schema) -> Schema:
    """An object with exactly these properties, all of them always present."""
    return {"type": "object", "description": description, "properties": properties,
            "required": list(properties), "additionalProperties": False}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


TEXT = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
PATH = {"type": "string", "pattern": "^/"}
TIME = {"type": "string", "format": "date-time"}
SCORE = nullable("number", minimum=1, maximum=5,
                 description="One decimal, rounded half up; null when not scored.")
LEVEL = nullable("integer", minimum=1, maximum=5,
                 description="The whole part of the rounded score.")
LEVEL_NAME = nullable("string", description="For example Strategic.")


def _pillar(description: str, with_practices: bool) -> Schema:
    fields: dict[str, Schema] = {
        "id": TEXT, "name": TEXT, "score": SCORE, "level": LEVEL, "level_name": LEVEL_NAME,
        "enough_answers": {"type": "boolean", "description": "False when more than half of "
                           "the pillar's questions are not applicable or not known."},
        "target": {"type": "number", "minimum": 1, "maximum": 5},
        "target_date": nullable("string", format="date"),
        "meets_target": nullable("boolean", description="Null when the pillar has no score."),
    }
    if with_practices:
        fields["practices"] = array(ref("PracticeScore"))
    return record(description, **fields)


_SUMMARY: dict[str, Schema] = {
    "id": {"type": "string", "description": "The assessment's public id, as in its links."},
    "team_id": {"type": "integer"},
    "status": {"type": "string", "enum": ["draft", "finished"]},
    "questionnaire_version": TEXT,
    "started_at": TIME,
    "finished_at": nullable("string", format="date-time"),
    "overall": ref("Overall"),
    "links": ref("AssessmentLinks"),
}
_TEAM: dict[str, Schema] = {
    "id": {"type": "integer"}, "agency": TEXT, "office": TEXT, "service": TEXT,
    "is_demo": {"type": "boolean"},
    "hisp_service": {"type": ["string", "null"],
                     "description": "The service, when the team says it is a designated High "
                                    "Impact Service Provider (HISP); null otherwise."},
    "your_role": {"type": ["string", "null"], "enum": [OWNER, MEMBER, VIEWER, None],
                  "description": "Null when you read the demo team without being in it."},
    "links": ref("TeamLinks"),
}

SCHEMAS: dict[str, Schema] = {
    "Error": record("What went wrong.", error=record(
        "The status again, and a message in plain language.",
        status={"type": "integer"}, message=TEXT)),
    "TeamLinks": record("Where to read more about the team.", self=PATH, assessments=PATH,
                        history=PATH, page=PATH),
    "AssessmentLinks": record("Where to read more about the assessment.", self=PATH,
                              scores=PATH, team=PATH, page=PATH),
    "Team": record("A team and your role in it.", **_TEAM),
    "TeamList": record("The teams you belong to.", teams=array(ref("Team"))),
    "TeamDetail": record("A team, your role in it and its assessments, oldest first.",
                         **_TEAM, assessments=array(ref("AssessmentSummary"))),
    "Overall": record("The overall score: the mean of the pillars that have a score.",
                      score=SCORE, level=LEVEL, level_name=LEVEL_NAME,
                      pillars_covered=COUNT, pillars_total=COUNT),
    "PracticeScore": record("A practice's score.", id=TEXT, name=TEXT, score=SCORE,
                            level=LEVEL, level_name=LEVEL_NAME),
    "PillarScore": _pillar("A pillar's score, target and practices.", with_practices=True),
    "PillarSummary": _pillar("A pillar's score and target.", with_practices=False),
    "AssessmentSummary": record("An assessment and its overall score.", **_SUMMARY),
    "WeakPractice": record("A practice below its pillar's target, with what to do next.",
                           pillar_id=TEXT, practice_id=TEXT, practice_name=TEXT,
                           score={"type": "number"}, target={"type": "number"},
                           gap={"type": "number", "minimum": 0}, next_step=TEXT),
    "KnowledgeGap": record("A question answered \"Don't know\".", pillar_id=TEXT,
                           practice_id=TEXT, question_id=TEXT, question=TEXT),
    "AssessmentDetail": record(
        "An assessment with every score, target and weak practice (largest gap first).",
        **_SUMMARY, respondents=COUNT, unanswered_questions=COUNT,
        pillars=array(ref("PillarScore")), weak_practices=array(ref("WeakPractice")),
        knowledge_gaps=array(ref("KnowledgeGap"))),
    "Scores": record("An assessment's scores only.", id=TEXT, questionnaire_version=TEXT,
                     overall=ref("Overall"), pillars=array(ref("PillarScore"))),
    "HistoryEntry": record(
        "One assessment in the team's history. date: when it was finished, or started.",
        id=TEXT, status=_SUMMARY["status"], date=TIME, started_at=TIME,
        finished_at=_SUMMARY["finished_at"], questionnaire_version=TEXT,
        overall=ref("Overall"), pillars=array(ref("PillarSummary")),
        links=ref("AssessmentLinks")),
    "Pagination": record("Which page this is; next and previous are null at the ends.",
                         page={"type": "integer", "minimum": 1},
                         per_page={"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
                         total=COUNT, pages={"type": "integer", "minimum": 1},
                         next=nullable("string"), previous=nullable("string")),
    "AssessmentPage": record("A page of the team's assessments, oldest first.",
                             team_id={"type": "integer"},
                             assessments=array(ref("AssessmentSummary")),
                             pagination=ref("Pagination")),
    "HistoryPage": record("A page of the team's history, oldest first.",
                          team_id={"type": "integer"}, assessments=array(ref("HistoryEntry")),
                          pagination=ref("Pagination")),
    "PortfolioScore": record("A score and its level; all null when not scored.",
                             score=SCORE, level=LEVEL, level_name=LEVEL_NAME),
    "PortfolioPillar": record("A service's latest finished score in one pillar.",
                              id=TEXT, name=TEXT, score=SCORE, level=LEVEL,
                              level_name=LEVEL_NAME, below_target={"type": "boolean"}),
    "PortfolioService": record(
        "A team in the organization and its latest finished scores (pillars is empty before "
        "its first finish). next_due: a year after the latest finish.",
        team_id={"type": "integer"}, service=TEXT, office=TEXT,
        hisp_service=nullable("string"), latest_finished=nullable("string", format="date"),
        next_due=nullable("string", format="date"), overdue={"type": "boolean"},
        overall=ref("PortfolioScore"), pillars=array(ref("PortfolioPillar"))),
    "PortfolioMedian": record(
        "The median per pillar of the services' latest finished scores in one year.",
        year={"type": "integer"}, services=COUNT,
        pillars=array(record("One pillar's median.", id=TEXT, median=SCORE))),
    "SharedWeakness": record("A practice below target in more than one service.",
                             pillar_id=TEXT, practice_id=TEXT, practice_name=TEXT,
                             services=array(TEXT)),
    "OverdueAction": record("An action past its due date and not done.", service=TEXT,
                            title=TEXT, practice_name=TEXT, owner=TEXT,
                            due_date={"type": "string", "format": "date"},
                            days_late={"type": "integer", "minimum": 1}),
    "Portfolio": record(
        "An organization's services side by side, on a date (UTC), sorted by service.",
        organization_id={"type": "integer"}, name=TEXT,
        date={"type": "string", "format": "date"}, services=array(ref("PortfolioService")),
        medians=array(ref("PortfolioMedian")), shared_weaknesses=array(ref("SharedWeakness")),
        overdue_actions=array(ref("OverdueAction"))),
}


def _error(description: str, **headers: Schema) -> Schema:
    response: Schema = {"description": description,
                        "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        response["headers"] = {name: {"schema": schema, "required": True}
                               for name, schema in headers.items()}
    return response


RESPONSES: dict[str, Schema] = {
    "BadRequest": _error("A query parameter is not right."),
    "Unauthorized": _error("Sign in, or send a personal API token that works.",
                           **{"WWW-Authenticate": {"type": "string", "pattern": "^Bearer"}}),
    "Forbidden": _error("Your role in the team does not allow this."),
    "NotFound": _error("There is no such team or assessment, or it is not yours to read."),
}
SIGNED_IN: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
SIGNED_IN_OR_DEMO = [*SIGNED_IN, {}]  # anyone may read the demo team

TEAM_ID = {"name": "team_id", "in": "path", "required": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}
ORGANIZATION_ID = {"name": "organization_id", "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}
PUBLIC_ID = {"name": "public_id", "in": "path", "required": True,
             "description": "The assessment's public id, as in its private link.",
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}}
PAGING = [
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX,
                "default": PER_PAGE_DEFAULT}},
]


def operation(operation_id: str, summary: str, schema: str | None, *, security: list,
              parameters: Sequence[Schema] = (), errors: tuple[str, ...] = ()) -> Schema:
    body = ref(schema) if schema else {"type": "object"}
    return {"get": {
        "operationId": operation_id, "summary": summary, "security": security,
        "parameters": list(parameters),
        "responses": {"200": {"description": summary,
                              "content": {"application/json": {"schema": body}}},
                      **{code: {"$ref": f"#/components/responses/{name}"} for code, name in (
                          ("400", "BadRequest"), ("401", "Unauthorized"),
                          ("403", "Forbidden"), ("404", "NotFound")) if code in errors}},
    }}


READ = ("401", "403", "404")
PATHS: dict[str, Schema] = {
    f"{API}/openapi.json": operation("openapi", "This document.", None, security=[]),
    f"{API}/teams": operation("teams", "The teams you belong to.", "TeamList",
                              security=SIGNED_IN, errors=("401",)),
    f"{API}/teams/{{team_id}}": operation(
        "team", "A team and its assessments.", "TeamDetail", security=SIGNED_IN_OR_DEMO,
        parameters=[TEAM_ID], errors=READ),
    f"{API}/teams/{{team_id}}/assessments": operation(
        "team_assessment_list", "A team's assessments, oldest first.", "AssessmentPage",
        security=SIGNED_IN_OR_DEMO, parameters=[TEAM_ID, *PAGING], errors=("400", *READ)),
    f"{API}/teams/{{team_id}}/history": operation(
        "history", "A team's assessments over time, with scores and targets per pillar.",
        "HistoryPage", security=SIGNED_IN_OR_DEMO, parameters=[TEAM_ID, *PAGING],
        errors=("400", *READ)),
    f"{API}/assessments/{{public_id}}": operation(
        "assessment", "An assessment with its scores, targets and weak practices.",
        "AssessmentDetail", security=SIGNED_IN_OR_DEMO, parameters=[PUBLIC_ID], errors=READ),
    f"{API}/assessments/{{public_id}}/scores": operation(
        "scores", "An assessment's scores.", "Scores", security=SIGNED_IN_OR_DEMO,
        parameters=[PUBLIC_ID], errors=READ),
    f"{API}/organizations/{{organization_id}}/portfolio": operation(
        "portfolio", "An organization's portfolio, for its owners, reviewers and viewers.",
        "Portfolio", security=SIGNED_IN, parameters=[ORGANIZATION_ID],
        errors=("401", "404")),
}

DESCRIPTION = """\
Read a team's CX maturity assessments, scores and history. Read only: every operation is GET.

Authenticate with a personal API token (make one on the API tokens page of your account) in an
`Authorization: Bearer <token>` header, or with the session cookie of a signed-in browser. You
read what you may read on the pages: the teams you belong to, the demo team, and the portfolio
of each organization you are an owner, reviewer or viewer of.

Scores are JSON numbers with one decimal, rounded half up as on the pages. Times are ISO 8601
in UTC; dates are YYYY-MM-DD. Errors are `{"error": {"status": 404, "message": "..."}}`.
Version 1 stays backwards compatible: we may add fields and operations, never remove or
rename them."""


@cache
def document() -> Schema:
    """The whole OpenAPI document (built once)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "CX maturity self-assessment API", "version": VERSION,
                 "description": DESCRIPTION},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": RESPONSES,
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "A personal API token."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                                  "description": "The cookie of a signed-in browser."},
            },
        },
        "security": SIGNED_IN,
    }
