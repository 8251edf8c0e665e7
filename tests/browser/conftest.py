"""Browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright.

Every test in tests/browser is skipped, with one reason, when Chromium is not installed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from assessment import create_app
from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.store import operations
from tests import oidc
from tests.browser.site import (
    Site,
    SitePage,
    get_endpoints,
    history_pages,
    make_invite_link,
    organization_pages,
    site_pages,
    sso_pages,
    unlisted_routes,
    validation_pages,
)
from tests.browser.visits import (
    PHONE,
    DesktopFindings,
    PhoneFindings,
    visit_at_desktop_width,
    visit_at_phone_width,
)
from tests.conftest import store_assessment
from tests.scheduling import BROWSER_GROUP

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (f"browser tests skipped: Chromium is not installed at {CHROMIUM} "
               "(Debian package 'chromium'; .ci/run installs it)")
HERE = Path(__file__).resolve().parent

# No sandbox (tests run as root) and no calls home, which our closed network refuses noisily.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups from the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests as one group for pytest-xdist (tests/scheduling.py), so one worker
    serves the app and visits each page once; without Chromium, skip every test in this folder
    with one reason (shown by -ra)."""
    skip = None if CHROMIUM.exists() else pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP))
            if skip:
                item.add_marker(skip)


class QuietRequestHandler(WSGIRequestHandler):
    """Serve without a log line per request (a pillar page loads a dozen files)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def read_whole_responses(app: WSGIApplication) -> WSGIApplication:
    """WSGI middleware: read each response whole and close it before sending it.

    Werkzeug's development server skips closing a response when the browser drops the
    connection while it is sent (Chromium cancels the favicon when a page goes away). The static
    file then stays open until garbage collection, and its ResourceWarning, an error under
    filterwarnings = error, fails whichever test is running. Our responses are small.
    """

    def app_with_closed_files(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return app_with_closed_files


@dataclass(frozen=True)
class LiveApp:
    """The app under test and the address it is served on."""

    app: Flask
    url: str

    @property
    def questionnaire(self) -> Questionnaire:
        return self.app.extensions["questionnaire"]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory,
             oidc_issuer_if_any: str | None) -> Iterator[LiveApp]:
    """The app on a fresh migrated SQLite database, served on 127.0.0.1 in a daemon thread,
    with the test provider for single sign-on (one nobody answers at, without Node)."""
    folder = tmp_path_factory.mktemp("browser")
    issuer = oidc_issuer_if_any or f"http://127.0.0.1:{oidc.free_port()}"
    app = create_app({
        "OIDC_PROVIDERS": (oidc.provider_settings(issuer),),
        "TESTING": True,
        "SECRET_KEY": "browser-test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.sqlite3'}",
        "PLAN_CACHE_DIR": str(folder / "plan-cache"),
        "PLAN_RENDER_AHEAD": False,  # plans render when downloaded (a fake render, below)
        # Every browser check posts the sign-in form from one address; throttling has its own
        # tests in tests/test_accounts.py.
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
        # Without a max-age, Chromium asks again for each of a page's dozen static files on
        # every page it loads, each ask a request through the app: most of a page load's time.
        # The browser checks are about pages, not about how long files are cached.
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    })
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, read_whole_responses(app), threaded=True,
                         request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


OWNER_EMAIL, PASSWORD = "owner@state.gov", "correct horse battery staple"


@pytest.fixture(scope="session")
def owner_id(live_app: LiveApp) -> int:
    """The user who owns the teams made here, and whom new browser contexts are signed in as."""
    from assessment.store import accounts

    with live_app.app.app_context():
        user = accounts.create_user(OWNER_EMAIL, PASSWORD)
        db.session.commit()
        return user.id


def session_cookie(app: Flask, user_id: int) -> dict[str, str]:
    """A signed session cookie for the user, as signing in makes."""
    now = time.time()
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": str(user_id), "_fresh": True, "_permanent": True,
                              "signed_in_at": now, "seen_at": now})
    return {"name": app.config["SESSION_COOKIE_NAME"], "value": value}


def signed_in_client(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    cookie = session_cookie(app, user_id)
    client.set_cookie(cookie["name"], cookie["value"])
    return client


@contextmanager
def contexts_of(browser: Browser, live_app: LiveApp,
                owner_id: int) -> Iterator[Callable[..., BrowserContext]]:
    """Builder: a fresh browser context on the live app, signed in as the owner unless
    signed_in=False (then without cookies); every context it made is closed at the end."""
    contexts: list[BrowserContext] = []

    def build(signed_in: bool = True, **options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_app.url, **options)
        context.set_default_timeout(10_000)
        if signed_in:
            context.add_cookies([session_cookie(live_app.app, owner_id) | {"url": live_app.url}])
        contexts.append(context)
        return context

    try:
        yield build
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_context(browser: Browser, live_app: LiveApp,
                owner_id: int) -> Iterator[Callable[..., BrowserContext]]:
    """Builder: a fresh browser context (contexts_of), closed after the test."""
    with contexts_of(browser, live_app, owner_id) as build:
        yield build


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page with JavaScript on, at desktop width."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def make_assessment(live_app: LiveApp, owner_id: int) -> Callable[..., str]:
    """Builder: an assessment stored straight through the operations, in a new team the owner
    owns (or nobody, with owned=False); returns its public id.

    answers maps question id to '1'-'5', 'na' or 'unknown'.
    """

    def build(answers: dict[str, str] | None = None, finished: bool = False,
              service: str = "Passport Services", owned: bool = True) -> str:
        with live_app.app.app_context():
            return store_assessment(live_app.questionnaire, answers, finished, service,
                                    owner_id if owned else None)

    return build


@pytest.fixture(scope="session")
def site(live_app: LiveApp, make_assessment: Callable[..., str], owner_id: int) -> Site:
    """Every page of the app in the states users see, on assessments made for the purpose."""
    questionnaire = live_app.questionnaire
    questions = [q for *_, q in questionnaire.questions()]
    strategy = questionnaire.pillar("strategy").questions
    draft = make_assessment({q.id: "3" for q in strategy}
                            | {questionnaire.pillar("governance").questions[0].id: "unknown"})
    # Every practice below the default target of 3.0, two don't-knows and one not-applicable.
    weak = {q.id: "2" for q in questions} | {questions[3].id: "unknown",
                                               questions[20].id: "unknown",
                                               questions[30].id: "na"}
    finished = make_assessment(weak, finished=True)
    # Every scored practice meets its target; Culture has too few answers for a score.
    all_met = make_assessment({q.id: "5" for q in questions}
                              | {q.id: "na" for q in questionnaire.pillar("culture").questions},
                              finished=True, service="Passport renewal online")
    unowned = make_assessment(service="Passport card", owned=False)
    pages = site_pages(live_app.app, questionnaire, draft, finished, all_met,
                       reset_path(live_app)) + team_pages(live_app, finished, unowned) \
        + history_pages(*history_teams(live_app, make_assessment)) \
        + [SitePage("finish creating an account", "account.finish_sign_up",
                    sign_up_path(live_app))] + sso_pages(live_app.app) \
        + validation_pages(live_app.app, questionnaire, owner_id, make_assessment)
    organization = organization_pages(live_app.app, questionnaire, finished, owner_id)
    pages += organization.pages
    practice = questionnaire.pillars[0].practices[0].id
    values = {"public_id": finished, "pillar_id": questionnaire.pillars[0].id,
              "practice_id": practice}
    if any("action_id" in arguments for arguments in get_endpoints(live_app.app).values()):
        values["action_id"] = str(add_action(live_app, finished, practice))
    # The routes nobody listed are asked only for their media type; a plan is not laid out for
    # that (WeasyPrint takes seconds), and nothing is cached: the journey downloads a real one.
    with mock.patch("assessment.report.pdf.plan_pdf", lambda assessment: b"%PDF-1.7\n"):
        unlisted = unlisted_routes(live_app.app, {p.endpoint for p in pages}, values,
                                   signed_in_client(live_app.app, owner_id))
    return Site(pages + unlisted.pages, unlisted.downloads | organization.downloads)


@pytest.fixture(scope="session")
def desktop_findings(browser: Browser, live_app: LiveApp, owner_id: int,
                     site: Site) -> DesktopFindings:
    """Every page visited once at desktop width with JavaScript (tests/browser/visits.py)."""
    with contexts_of(browser, live_app, owner_id) as build:
        def blocked() -> BrowserContext:
            """A context whose pages load none of our scripts (axe runs as the browser's)."""
            context = build()
            context.route("**/*.js", lambda route: route.abort())
            return context

        return visit_at_desktop_width(build(), blocked, site.pages)


@pytest.fixture(scope="session")
def phone_findings(browser: Browser, live_app: LiveApp, owner_id: int,
                   site: Site) -> PhoneFindings:
    """Every page visited once at a phone's width (tests/browser/visits.py)."""
    with contexts_of(browser, live_app, owner_id) as build:
        return visit_at_phone_width(build(viewport=PHONE, is_mobile=True, has_touch=True),
                                    site.pages)


def team_pages(live_app: LiveApp, public_id: str, unowned: str) -> list[SitePage]:
    """Teams: the list, a team page as its owner, an invite link, a team from before accounts."""
    import datetime as dt

    from assessment.store import teams
    from assessment.store.models import MEMBER, VIEWER, Assessment

    with live_app.app.app_context():
        team = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)).team
        token = teams.create_invite(team, MEMBER, None)
        expired = teams.invite_email(team, "late@state.gov", VIEWER, None)
        expired.expires_at = expired.created_at - dt.timedelta(days=1)
        expired_token = teams.new_link(expired)
        db.session.commit()
        team_id = team.id
    return [SitePage("your teams", "team.index", "/teams"),
            SitePage("team page, as its owner, with invites", "team.team", f"/teams/{team_id}"),
            SitePage("team page, an invite link just made", "team.team", f"/teams/{team_id}",
                     then=make_invite_link),
            SitePage("audit log", "team.audit_log", f"/teams/{team_id}/audit"),
            SitePage("join a team by invite link", "team.invite_page", f"/invites/{token}"),
            SitePage("invite link, signed out", "team.invite_page", f"/invites/{token}",
                     signed_out=True),
            SitePage("invite link, expired", "team.invite_page", f"/invites/{expired_token}",
                     410),
            SitePage("invite link, unknown or revoked", "team.invite_page",
                     "/invites/not-a-real-token", 404, signed_out=True),
            SitePage("take over a team from before accounts", "take.claim",
                     f"/assessments/{unowned}/claim"),
            SitePage("record the team's agreed answer", "consensus.agree",
                     f"/assessments/{public_id}/questions/strategy.big-picture.q1/agree")]


def history_teams(live_app: LiveApp, make_assessment: Callable[..., str]) -> tuple[int, int]:
    """A team with three finished assessments a year apart and a draft, beside five other
    teams' finished ones so the peer spread shows; and a team with only a draft."""
    import datetime as dt

    from assessment.store.models import Assessment

    questions = [q for *_, q in live_app.questionnaire.questions()]
    years = [make_assessment({q.id: str(min(5, level + i % 2)) for i, q in enumerate(questions)},
                             finished=True) for level in (1, 2, 3)]
    draft, empty = make_assessment({questions[0].id: "4"}), make_assessment()
    for level in range(1, 6):
        make_assessment({q.id: str(level) for q in questions}, finished=True,
                        service=f"Another service {level}", owned=False)
    with live_app.app.app_context():
        rows = [db.session.scalar(db.select(Assessment).filter_by(public_id=p))
                for p in [*years, draft, empty]]
        for year, assessment in enumerate(rows[:4]):
            assessment.team_id = rows[0].team_id
            assessment.started_at = dt.datetime(2023 + year, 11, 3, 9, 0)
            assessment.finished_at = assessment.finished_at and dt.datetime(2023 + year, 11, 10)
        db.session.commit()
        return rows[0].team_id, rows[4].team_id


def reset_path(live_app: LiveApp) -> str:
    """The path of a working password reset link, for the page it opens."""
    from assessment.store import accounts

    with live_app.app.app_context():
        user = accounts.create_user("reset@state.gov", "correct horse battery staple")
        token = accounts.start_password_reset(user, live_app.app.secret_key)
        db.session.commit()
    return f"/reset-password/{token}"


def sign_up_path(live_app: LiveApp) -> str:
    """The path of a working sign-up link, for the page it opens."""
    from assessment.store import accounts

    with live_app.app.app_context():
        token = accounts.request_sign_up("new@state.gov", "correct horse battery staple")
        db.session.commit()
    return f"/sign-up/{token}"


def add_action(live_app: LiveApp, public_id: str, practice_id: str) -> int:
    """An action in the assessment's improvement plan, for the pages that show one."""
    import datetime as dt

    from assessment.store.models import Assessment
    from assessment.store.operations import ActionDetails

    with live_app.app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        action = operations.add_action(assessment, practice_id, ActionDetails(
            "Name a CX lead who reports to the deputy director", "Deputy director",
            dt.date(2027, 9, 30), "not_started"))
        db.session.commit()
        return action.id
