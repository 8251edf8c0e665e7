"""Fixtures: an app on a fresh migrated database per test, a client that checks every page."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from assessment import create_app, operations
from assessment.extensions import db
from assessment.models import Assessment
from assessment.operations import SubmittedAnswer
from assessment.questionnaire import Questionnaire, load_questionnaire

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


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_assessment(app: Flask, questionnaire: Questionnaire) -> Callable[..., str]:
    """Builder: an assessment with the given answers ({question id: '1'-'5'|'na'|'unknown'}).

    Returns its public id.
    """

    def build(answers: dict[str, str] | None = None, finished: bool = False,
              service: str = "Passport Services") -> str:
        with app.app_context():
            team = operations.create_team("Department of State", "Bureau of Consular Affairs",
                                          service)
            assessment = operations.start_assessment(questionnaire, team)
            operations.save_answers(assessment.responses[0], {
                qid: SubmittedAnswer(choice) for qid, choice in (answers or {}).items()
            })
            if finished:
                operations.finish_assessment(assessment)
            db.session.commit()
            return assessment.public_id

    return build


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
