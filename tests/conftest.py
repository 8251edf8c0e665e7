"""Fixtures: an app on a fresh migrated database per test, a client that checks every page."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from assessment import create_app
from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire, load_questionnaire
from assessment.store import api_tokens, operations, teams
from assessment.store.models import MEMBER, OWNER, VIEWER, Assessment, Membership, User
from assessment.store.operations import SubmittedAnswer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = PROJECT_ROOT / "questions.yaml"


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire(QUESTIONS)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """With DATABASE_URL set to PostgreSQL, a database of this run's own, dropped at the end."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield None
        return
    name = f"cx_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def app(tmp_path: Path, postgres_url: str | None) -> Iterator[Flask]:
    """The app on a migrated database: a new SQLite file per test, or this run's PostgreSQL
    database emptied after each test."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "PLAN_CACHE_DIR": str(tmp_path / "plan-cache"),
    })
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        if postgres_url:
            db.session.remove()
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.engine.dispose()


PASSWORD = "correct horse battery staple"
# A quick hash of the test password: scrypt is slow on purpose, and fixtures make many users.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
OWNER_EMAIL = "owner@state.gov"


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    """Builder: an account with the test password; returns its id."""

    def build(email: str = "lead@state.gov") -> int:
        with app.app_context():
            user = User(email=email, password_hash=FAST_HASH)
            db.session.add(user)
            db.session.commit()
            return user.id

    return build


@pytest.fixture
def owner_id(make_user: Callable[..., int]) -> int:
    """The user who owns every team make_assessment builds, and whom `client` is signed in as."""
    return make_user(OWNER_EMAIL)


@pytest.fixture
def client(app: Flask, owner_id: int) -> FlaskClient:
    """A browser signed in as the owner of the teams the fixtures make."""
    return sign_in_as(app.test_client(), owner_id)


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A browser nobody signed in on."""
    return app.test_client()


@pytest.fixture
def join_team(app: Flask) -> Callable[[str, int, str], None]:
    """Add a user to the team of an assessment, with a role."""

    def add(public_id: str, user_id: int, role: str) -> None:
        with app.app_context():
            assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
            teams.add_member(assessment.team, db.session.get(User, user_id), role)
            db.session.commit()

    return add


def sign_in_as(client: FlaskClient, user_id: int) -> FlaskClient:
    """Put a signed-in session in the client's cookie, as signing in does."""
    now = time.time()
    with client.application.app_context():
        generation = db.session.get(User, user_id).session_generation
    with client.session_transaction() as session:
        session.permanent = True
        session.update({"_user_id": str(user_id), "_fresh": True,
                        "signed_in_at": now, "seen_at": now, "generation": generation})
    return client


@pytest.fixture
def make_assessment(app: Flask, questionnaire: Questionnaire,
                    owner_id: int) -> Callable[..., str]:
    """Builder: an assessment with the given answers ({question id: '1'-'5'|'na'|'unknown'}),
    in a new team owned by the owner user (or by nobody, with owner=None: a team from before
    accounts). Returns its public id.
    """

    def build(answers: dict[str, str] | None = None, finished: bool = False,
              service: str = "Passport Services", owner: int | None = owner_id) -> str:
        with app.app_context():
            return store_assessment(questionnaire, answers, finished, service, owner)

    return build


def store_assessment(questionnaire: Questionnaire, answers: dict[str, str] | None,
                     finished: bool, service: str, owner: int | None) -> str:
    """Store an assessment through the operations (in an app context); return its public id."""
    team = operations.create_team("Department of State", "Bureau of Consular Affairs", service)
    if owner is not None:
        teams.add_member(team, db.session.get(User, owner), OWNER)
    assessment = operations.start_assessment(questionnaire, team)
    operations.save_answers(assessment.responses[0], {
        qid: SubmittedAnswer(choice) for qid, choice in (answers or {}).items()
    })
    if finished:
        operations.finish_assessment(assessment)
    db.session.commit()
    return assessment.public_id


@pytest.fixture
def load_assessment(app: Flask) -> Callable[[str], dict]:
    """Read back an assessment's status and stored answers, as plain data."""

    def load(public_id: str) -> dict:
        with app.app_context():
            assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
            answers = {a.question_id: (a.choice, a.level, a.note)
                       for a in assessment.responses[0].answers}
            return {"status": assessment.status, "answers": answers,
                    "targets": {t.pillar_id: t.target for t in assessment.targets}}

    return load


def check_page(html: str) -> BeautifulSoup:
    """Every page: one h1, a title that starts with it, and no duplicate ids."""
    page = BeautifulSoup(html, "html.parser")
    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    heading = headings[0].select_one(".usa-step-indicator__heading-text") or headings[0]
    title = page.title.get_text(strip=True).removeprefix("Error: ")
    assert title.startswith(" ".join(heading.get_text().split())), (title, heading.get_text())
    ids = [tag["id"] for tag in page.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert page.html.get("lang") == "en"
    return page


def page_text(page: BeautifulSoup) -> str:
    return re.sub(r"\s+", " ", page.get_text(" "))


@pytest.fixture
def csrf_token(client: FlaskClient) -> Callable[[str], str]:
    """Load a page and return the CSRF token of its first form."""

    def token(url: str = "/start") -> str:
        page = BeautifulSoup(client.get(url).data, "html.parser")
        return page.find("input", attrs={"name": "csrf_token"})["value"]

    return token


@pytest.fixture
def world(app, client, anonymous, make_user, make_assessment, join_team, questionnaire,
          owner_id):
    """Team A (owner, member, viewer) with a draft and a finished assessment with an action;
    team B, whose owner is the outsider; an API token of team A's owner."""
    draft = make_assessment()
    finished = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                               finished=True)
    viewer, member, outsider = (make_user(e) for e in ("v@state.gov", "m@state.gov",
                                                        "x@irs.gov"))
    join_team(draft, viewer, VIEWER)
    join_team(draft, member, MEMBER)
    make_assessment(service="Taxpayer services", owner=outsider)
    practice = questionnaire.pillars[0].practices[0].id
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=finished))
        a_draft = db.session.scalar(db.select(Assessment).filter_by(public_id=draft))
        assessment.team_id = a_draft.team_id  # both in team A
        a_draft.open_to_team = True  # members answer too
        action = operations.add_action(assessment, practice, operations.ActionDetails(
            "Brief the team", "CX lead", dt.date(2027, 1, 1), "not_started"))
        token = teams.create_invite(a_draft.team, MEMBER, None)
        membership = db.session.scalar(db.select(Membership).filter_by(user_id=viewer))
        api_token, _ = api_tokens.make_token(db.session.get(User, owner_id), "script", None)
        db.session.commit()
        values = {"pillar_id": questionnaire.pillars[0].id, "practice_id": practice,
                  "action_id": action.id, "team_id": a_draft.team_id,
                  "membership_id": membership.id, "token": token, "filename": "css/app.css",
                  "question_id": questionnaire.pillars[0].questions[0].id,
                  "token_id": api_token.id}
    clients = {"anonymous": anonymous, OWNER: client,
               VIEWER: sign_in_as(app.test_client(), viewer),
               MEMBER: sign_in_as(app.test_client(), member),
               "other team": sign_in_as(app.test_client(), outsider)}
    return {"draft": draft, "finished": finished, "values": values, "clients": clients}
