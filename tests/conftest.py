"""Fixtures: an app on a fresh migrated database per test, a client that checks every page."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from alembic.migration import MigrationContext
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from werkzeug.routing.rules import Rule
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from assessment import create_app
from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.questionnaire_file import load_questionnaire
from assessment.store import api_tokens, operations, organizations, teams
from assessment.store.models import (
    MEMBER,
    ORG_REVIEWER,
    ORG_VIEWER,
    OWNER,
    VIEWER,
    Assessment,
    Membership,
    OrganizationTeam,
    User,
)
from assessment.store.operations import SubmittedAnswer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = PROJECT_ROOT / "questions.yaml"
# The questionnaire as it was before 2027.1, for assessments taken on it (docs/content.md).
QUESTIONS_2026 = PROJECT_ROOT / "assessment" / "questionnaires" / "2026.1.yaml"


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


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadgroup with the groups that pytest-xdist no longer sees (tests/scheduling.py)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.scheduling import BrowserGroupScheduling

    return BrowserGroupScheduling(config, log)


@event.listens_for(Engine, "connect")
def skip_fsync_on_sqlite(dbapi_connection: object, _record: object) -> None:
    """Test databases are thrown away: SQLite need not wait for the disk at every commit (on a
    busy machine each commit waited about 8 ms)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


# Plans are rendered when downloaded, not ahead (tests/test_render_queue.py turns it on).
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "PLAN_RENDER_AHEAD": False}


def reuse_url_builders() -> None:
    """Each test makes its own app, and Werkzeug compiles two URL-building functions per route
    for each (with ast and compile(): 15 ms of every test's 20 ms set-up). The function's code
    depends only on the rule's text, parts and defaults: it reads the converters from the rule
    it is bound to when called. So one compiled function per rule serves every test's app."""
    original = getattr(Rule, "_compile_builder", None)
    if original is None:  # a Werkzeug that builds URLs another way: nothing to reuse
        return
    compiled: dict[tuple, Callable[..., Any]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        assert self.map is not None
        key = (self.rule, self.map.host_matching, self.host, self.subdomain, self.merge_slashes,
               tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if (function := compiled.get(key)) is None:
            function = compiled[key] = original(self, append_unknown)
        return function

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


reuse_url_builders()


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the whole run: each test's app would otherwise
    compile every template it renders again. Jinja checks the source's checksum on each load."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.codes.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = MemoryBytecodeCache()


class PageCheckingClient(FlaskClient):
    """A test client that checks every HTML page it gets (check_page_rules), whatever its status.

    A redirect's body is never shown, and a HEAD request has none, so neither is checked.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        if (response.mimetype == "text/html" and not 300 <= response.status_code < 400
                and response.request.method != "HEAD"):
            try:
                check_page_rules(response.get_data(as_text=True))
            except AssertionError as error:
                raise AssertionError(f"{response.request.method} {response.request.path} "
                                     f"answered {response.status}: {error}") from error
        return response


def make_test_app(database_uri: str, **config: Any) -> Flask:
    """An app as the tests use it: templates compiled once per run, and every page its test
    clients get checked. (questions.yaml is parsed once per run: its loader caches.)"""
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": database_uri} | config)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    app.test_client_class = PageCheckingClient
    return app


def revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None before any migration)."""
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class MigratedDatabase:
    """The database migrated once per run (per xdist worker): a SQLite file that each test gets
    a copy of, far quicker than migrating, or None on PostgreSQL; and the revision it is at."""

    sqlite_file: Path | None
    revision: str | None


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory,
             postgres_url: str | None) -> MigratedDatabase:
    """The migrations, run once per run (per xdist worker)."""
    sqlite_file = None if postgres_url else tmp_path_factory.mktemp("migrated") / "head.sqlite3"
    app = make_test_app(postgres_url or f"sqlite:///{sqlite_file}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            head = revision(connection)
        db.engine.dispose()
    return MigratedDatabase(sqlite_file, head)


@contextmanager
def fresh_app(folder: Path, postgres_url: str | None,
              migrated: MigratedDatabase, **config: Any) -> Iterator[Flask]:
    """The app on a migrated database: a copy of the migrated SQLite file in folder, or this
    run's PostgreSQL database, emptied at the end."""
    if migrated.sqlite_file is not None:
        shutil.copyfile(migrated.sqlite_file, folder / "test.sqlite3")
    app = make_test_app(postgres_url or f"sqlite:///{folder / 'test.sqlite3'}",
                        PLAN_CACHE_DIR=str(folder / "plan-cache"), **config)
    try:
        yield app
    finally:
        with app.app_context():
            if postgres_url:
                empty_postgres_database(migrated)
            db.engine.dispose()


def empty_postgres_database(migrated: MigratedDatabase) -> None:
    """Delete every row (in an app context), at the migrated revision again if a test that
    migrated down failed before migrating up."""
    db.session.remove()
    with db.engine.connect() as connection:
        at_head = revision(connection) == migrated.revision
    if not at_head:
        upgrade()
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def app(tmp_path: Path, postgres_url: str | None, migrated: MigratedDatabase) -> Iterator[Flask]:
    """The app on a fresh migrated database of the test's own (emptied after it on PostgreSQL)."""
    with fresh_app(tmp_path, postgres_url, migrated) as app:
        yield app


@pytest.fixture(scope="session")
def oidc_issuer_if_any() -> Iterator[str | None]:
    """A real OpenID provider on loopback (tests/oidc.py), one per run (per xdist worker);
    None when Node.js or the npm package oidc-provider is not installed."""
    from tests import oidc

    if oidc.missing() is not None:
        yield None
        return
    with oidc.running_provider() as issuer:
        yield issuer


@pytest.fixture(scope="session")
def oidc_issuer(oidc_issuer_if_any: str | None) -> str:
    """The test provider's issuer; the test is skipped, with why, without one."""
    from tests import oidc

    if oidc_issuer_if_any is None:
        pytest.skip(f"no test OpenID provider: {oidc.missing()}")
    return oidc_issuer_if_any


PASSWORD = "correct horse battery staple"
# A quick hash of the test password: scrypt is slow on purpose, and fixtures make many users.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
OWNER_EMAIL = "owner@state.gov"


@pytest.fixture
def fake_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Skip WeasyPrint (seconds per plan), for tests about when a plan is made or who may get
    it, not what it says; returns the HTML of each render. tests/test_report.py reads real ones."""
    calls = []

    def fake(html: str, static_folder: object) -> bytes:
        calls.append(html)
        return f"%PDF-1.7 render {len(calls)}".encode()

    monkeypatch.setattr("assessment.report.pdf.render_pdf", fake)
    return calls


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


# Elements that never have an end tag, so they do not nest.
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}
STEP_HEADING = "usa-step-indicator__heading-text"  # the h1 text of a pillar page


class PageOutline(HTMLParser):
    """What the page rules look at, in one pass of the standard library's parser: the client
    checks every page a test gets, and a BeautifulSoup tree of each would double the time the
    suite spends parsing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title: list[str] | None = None  # the text of the first <title>
        self.headings: list[list[str]] = []  # the text of each <h1>
        self.step_heading: list[str] | None = None  # the text of the first h1's step heading
        self.ids: list[str] = []
        self._html_seen = self._in_title = self._in_h1 = False
        self._step_depth = 0  # open elements inside the step heading, itself included

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id") is not None:
            self.ids.append(attributes["id"])
        if tag == "html" and not self._html_seen:
            self._html_seen, self.lang = True, attributes.get("lang")
        elif tag == "title" and self.title is None:
            self._in_title, self.title = True, []
        elif tag == "h1":
            self._in_h1 = True
            self.headings.append([])
        if tag in VOID_ELEMENTS:
            return
        if self._step_depth:
            self._step_depth += 1
        elif (self._in_h1 and len(self.headings) == 1 and self.step_heading is None
              and STEP_HEADING in (attributes.get("class") or "").split()):
            self._step_depth, self.step_heading = 1, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if self._step_depth and tag not in VOID_ELEMENTS:
            self._step_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        if self._in_h1:
            self.headings[-1].append(data)
        if self._step_depth:
            self.step_heading.append(data)


def check_page_rules(html: str | bytes) -> None:
    """Every page: one h1, a title that starts with it, no duplicate ids, and lang=en."""
    outline = PageOutline()
    outline.feed(html.decode() if isinstance(html, bytes) else html)
    outline.close()
    assert len(outline.headings) == 1, f"expected one h1, found {len(outline.headings)}"
    heading = "".join(outline.step_heading if outline.step_heading is not None
                      else outline.headings[0])
    assert outline.title is not None, "the page has no title"
    title = "".join(outline.title).strip().removeprefix("Error: ")
    assert title.startswith(" ".join(heading.split())), (title, heading)
    duplicates = {i for i in outline.ids if outline.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert outline.lang == "en"


def check_page(html: str | bytes) -> BeautifulSoup:
    """Check the page rules (check_page_rules); return the page parsed, for a test to read."""
    check_page_rules(html)
    return BeautifulSoup(html, "html.parser")


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
        revocable = teams.invite_by_token(teams.create_invite(a_draft.team, VIEWER, None))
        membership = db.session.scalar(db.select(Membership).filter_by(user_id=viewer))
        api_token, _ = api_tokens.make_token(db.session.get(User, owner_id), "script", None)
        # Team A is in an organization whose owner, reviewer and viewer are team A's owner,
        # member and viewer (tests/test_authorization.py reads org roles by the same rank).
        organization = organizations.create_organization(
            "Department of State", db.session.get(User, owner_id))
        organizations.add_person(organization, "m@state.gov", ORG_REVIEWER)
        org_viewer = organizations.add_person(organization, "v@state.gov", ORG_VIEWER)
        db.session.add(OrganizationTeam(organization=organization, team_id=a_draft.team_id))
        org_token = organizations.create_invite(organization, db.session.get(User, owner_id))
        db.session.commit()
        values = {"pillar_id": questionnaire.pillars[0].id, "practice_id": practice,
                  "action_id": action.id, "team_id": a_draft.team_id,
                  "membership_id": membership.id, "token": token, "filename": "css/app.css",
                  "question_id": questionnaire.pillars[0].questions[0].id,
                  "token_id": api_token.id, "invite_id": revocable.id,
                  "assessment_id": assessment.id, "name": "test",
                  "organization_id": organization.id,
                  "person_id": org_viewer.id, "invite_token": org_token}
    clients = {"anonymous": anonymous, OWNER: client,
               VIEWER: sign_in_as(app.test_client(), viewer),
               MEMBER: sign_in_as(app.test_client(), member),
               "other team": sign_in_as(app.test_client(), outsider)}
    return {"draft": draft, "finished": finished, "values": values, "clients": clients}
