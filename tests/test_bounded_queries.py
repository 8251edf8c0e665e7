"""The history, results and compare pages issue as many SQL queries for a team with 50
assessments of 10 respondents each as for a team with 2 assessments of one respondent (issue 5,
item 8): nothing is loaded one assessment or one respondent at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import event, insert

from assessment.extensions import db
from assessment.store import operations, teams
from assessment.store.models import (
    CHOICE_LEVEL,
    FINISHED,
    OWNER,
    Answer,
    Assessment,
    PillarTarget,
    Response,
    User,
)
from assessment.store.questionnaire_versions import record_questionnaire
from tests.conftest import FAST_HASH, sign_in_as


@dataclass(frozen=True)
class BuiltTeam:
    team_id: int
    public_ids: list[str]  # oldest first


def build_team(questionnaire, owner_id: int, assessments: int, respondents: int,
               service: str) -> BuiltTeam:
    """A team of finished assessments, everyone answering every question, stored in bulk."""
    record_questionnaire(questionnaire)
    team = operations.create_team("Department of State", "Bureau of Consular Affairs", service)
    teams.add_member(team, db.session.get(User, owner_id), OWNER)
    people = [User(email=f"r{i}.{service.replace(' ', '')}@state.gov", password_hash=FAST_HASH)
              for i in range(respondents)]
    db.session.add_all(people)
    start = dt.datetime(2022, 1, 3, 9, 0)
    rows = [Assessment(team=team, questionnaire_version=questionnaire.version, status=FINISHED,
                       started_at=start + dt.timedelta(days=30 * i),
                       finished_at=start + dt.timedelta(days=30 * i + 2))
            for i in range(assessments)]
    db.session.add_all(rows)
    db.session.flush()
    for assessment in rows:
        assessment.responses.extend(Response(user_id=person.id) for person in people)
        assessment.targets.append(PillarTarget(pillar_id="strategy", target=3.5,
                                               target_date=dt.date(2027, 6, 30)))
    db.session.flush()
    questions = [q.id for *_, q in questionnaire.questions()]
    db.session.execute(insert(Answer), [
        {"response_id": response.id, "question_id": qid, "choice": CHOICE_LEVEL,
         "level": (n + i + r) % 5 + 1, "note": ""}
        for n, assessment in enumerate(rows)
        for r, response in enumerate(assessment.responses)
        for i, qid in enumerate(questions)])
    db.session.commit()
    return BuiltTeam(team.id, [a.public_id for a in rows])


@pytest.fixture
def small_and_large(app, questionnaire, owner_id) -> tuple[BuiltTeam, BuiltTeam]:
    with app.app_context():
        small = build_team(questionnaire, owner_id, 2, 1, "Passport card")
        large = build_team(questionnaire, owner_id, 50, 10, "Passport Services")
        assert db.session.query(Answer).count() == (2 * 1 + 50 * 10) * questionnaire.question_count
    return small, large


@contextmanager
def counting_queries(app) -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(app, client, path: str) -> int:
    """Statements for one request, after a first one has warmed any per-process cache."""
    assert client.get(path).status_code == 200, path
    with counting_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


PAGES = {
    "history": lambda team: f"/teams/{team.team_id}/history",
    "results": lambda team: f"/assessments/{team.public_ids[-1]}/results",
    "compare": lambda team: (f"/teams/{team.team_id}/compare?before={team.public_ids[0]}"
                             f"&after={team.public_ids[-1]}"),
    # The same data leaves by the API and the export: neither may grow with the team either.
    "api history": lambda team: f"/api/v1/teams/{team.team_id}/history",
    "api scores": lambda team: f"/api/v1/assessments/{team.public_ids[-1]}/scores",
    "team export": lambda team: f"/teams/{team.team_id}/export.json",
}


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_assessments_or_respondents(app, client, small_and_large, page):
    small, large = small_and_large
    few = queries_for(app, client, PAGES[page](small))
    many = queries_for(app, client, PAGES[page](large))
    assert few == many, (f"{page} page: {few} queries for 2 assessments x 1 respondent, "
                         f"{many} for 50 assessments x 10 respondents")
    print(f"{page} page: {few} queries with 2 assessments, {many} with 50 x 10")


def add_due_actions(questionnaire, team_id: int, count: int) -> None:
    """Actions due in the coming days on the team's latest assessment, and a draft after it."""
    latest = db.session.scalars(db.select(Assessment).filter_by(team_id=team_id)
                                .order_by(Assessment.started_at.desc())).first()
    practice = questionnaire.pillars[0].practices[0].id
    for day in range(count):
        operations.add_action(latest, practice, operations.ActionDetails(
            f"Action {day}", "CX lead", dt.date.today() + dt.timedelta(days=day % 30),
            "not_started"))
    operations.start_assessment(questionnaire, latest.team)
    db.session.commit()


@pytest.mark.parametrize("path", ["/your-work", "/start"])
def test_your_work_and_start_do_not_grow_with_teams_assessments_or_actions(
        app, questionnaire, make_user, path):
    few, many = make_user("few@state.gov"), make_user("many@state.gov")
    with app.app_context():
        add_due_actions(questionnaire, build_team(questionnaire, few, 2, 1, "Card").team_id, 1)
        for n in range(4):
            built = build_team(questionnaire, many, 12, 3, f"Service {n}")
            add_due_actions(questionnaire, built.team_id, 10)
    counts = [queries_for(app, sign_in_as(app.test_client(), who), path) for who in (few, many)]
    assert counts[0] == counts[1], (f"{path}: {counts[0]} queries for one team of 2 "
                                    f"assessments, {counts[1]} for 4 teams of 12 with actions")
