"""Concurrent writes, made to happen: two requests released together by a barrier, on SQLite
and on PostgreSQL, with the first one held (by a pause before its first insert) long enough
that the second passes the same checks. None answers 500, and nothing is written twice."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import event

from assessment.extensions import db
from assessment.store import operations, teams
from assessment.store.models import (
    MEMBER,
    OWNER,
    AgreedAnswer,
    Answer,
    Assessment,
    Membership,
    Response,
    Team,
    User,
)
from tests.backends import backend_app, empty, own_postgres  # noqa: F401 (a fixture)
from tests.conftest import FAST_HASH, sign_in_as, store_assessment

HOLD_SECONDS = 0.3
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b")


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path) -> Iterator[Flask]:
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'races.sqlite3'}"
    else:
        uri = request.getfixturevalue("own_postgres").render_as_string(hide_password=False)
    app = backend_app(uri, tmp_path, SIGN_IN_RATE_LIMIT="100 per minute")
    yield app
    empty(app)


def make_user(app: Flask, email: str) -> int:
    with app.app_context():
        user = User(email=email, password_hash=FAST_HASH)
        db.session.add(user)
        db.session.commit()
        return user.id


def together(*calls: Callable[[], object]) -> list:
    """Run the calls in threads released at the same moment; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c), name=f"call-{i}")
               for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@contextmanager
def held_before(app: Flask, statement: re.Pattern, seconds: float = HOLD_SECONDS,
                thread_name: str | None = None, first_only: bool = False):
    """Pause every matching statement a moment before it runs (only in the named thread when
    one is given; with first_only, only each thread's first), so a request that checked first
    has not written yet when the other checks."""
    paused: set[int] = set()

    def pause(conn, cursor, sql, parameters, context, executemany) -> None:  # noqa: ANN001
        thread = threading.current_thread()
        if statement.match(sql) and thread_name in (None, thread.name) \
                and not (first_only and thread.ident in paused):
            paused.add(thread.ident or 0)
            time.sleep(seconds)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", pause)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", pause)


def form_token(browser, url: str) -> str:
    page = BeautifulSoup(browser.get(url).data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def count(app: Flask, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)
                                 .filter_by(**where))


@pytest.fixture
def team(app, questionnaire):
    """A draft assessment open to its team: two owners and a member, each signed in."""
    owner, second, member = (make_user(app, e) for e in
                             ("owner@state.gov", "o2@state.gov", "m@state.gov"))
    with app.app_context():
        public_id = store_assessment(questionnaire, None, False, "Passport Services", owner)
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        assessment.open_to_team = True
        teams.add_member(assessment.team, db.session.get(User, second), OWNER)
        teams.add_member(assessment.team, db.session.get(User, member), MEMBER)
        db.session.commit()
        assessment_id = assessment.id
    return {"public_id": public_id, "assessment_id": assessment_id, "member": member,
            "browsers": {who: sign_in_as(app.test_client(), user_id) for who, user_id in
                         (("owner", owner), ("o2", second), ("member", member))}}


def save_pillar(browser, public_id: str, questionnaire, level: str) -> Callable[[], int]:
    url = f"/assessments/{public_id}/pillars/{questionnaire.pillars[0].id}"
    data = {"csrf_token": form_token(browser, url), "action": "continue",
            **{f"answer-{q.id}": level for q in questionnaire.pillars[0].questions}}
    return lambda: browser.post(url, data=data).status_code


def test_two_owners_recording_the_first_agreed_answer_at_once_make_one(app, team,
                                                                       questionnaire):
    question = questionnaire.pillars[0].questions[0].id
    url = f"/assessments/{team['public_id']}/questions/{question}/agree"
    posts = []
    for who, choice in (("owner", "2"), ("o2", "4")):
        browser = team["browsers"][who]
        data = {"csrf_token": form_token(browser, url), "choice": choice, "note": who}
        posts.append(lambda browser=browser, data=data: browser.post(url, data=data).status_code)
    with held_before(app, re.compile(r"\s*INSERT INTO agreed_answer")):
        statuses = together(*posts)
    assert statuses == [302, 302]
    assert count(app, AgreedAnswer, assessment_id=team["assessment_id"]) == 1


def test_a_double_clicked_save_stores_one_response_and_one_answer_each(app, team,
                                                                       questionnaire):
    member = team["browsers"]["member"]
    clicks = [save_pillar(member, team["public_id"], questionnaire, "3") for _ in range(2)]
    with held_before(app, re.compile(r"\s*INSERT INTO (response|answer)\b")):
        statuses = together(*clicks)
    assert statuses == [302, 302]
    with app.app_context():
        responses = db.session.scalars(db.select(Response).filter_by(
            assessment_id=team["assessment_id"], user_id=team["member"])).all()
        assert len(responses) == 1
        assert count(app, Answer, response_id=responses[0].id) == \
            len(questionnaire.pillars[0].questions)


def test_a_save_held_while_the_owner_finishes_lands_before_the_finish_or_not_at_all(
        app, team, questionnaire):
    """The member's save passes its checks, then waits before its first write while the owner's
    Finish goes through. Either the save is part of what was finished, or it is refused."""
    public_id, member, owner = (team["public_id"], team["browsers"]["member"],
                                team["browsers"]["owner"])
    checked, finished = threading.Event(), threading.Event()
    seen_at_finish: dict[str, int] = {}
    save = save_pillar(member, public_id, questionnaire, "4")
    finish_token = form_token(owner, f"/assessments/{public_id}/review")

    def answers() -> int:
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(Answer).join(
                Response).where(Response.assessment_id == team["assessment_id"]))

    def pause(conn, cursor, sql, parameters, context, executemany) -> None:  # noqa: ANN001
        if threading.current_thread().name == "call-0" and WRITE.match(sql) \
                and not checked.is_set():
            checked.set()
            finished.wait(timeout=1)  # the finish, unless it waits for this save

    def finish() -> int:
        checked.wait(timeout=5)
        status = owner.post(f"/assessments/{public_id}/finish",
                            data={"csrf_token": finish_token}).status_code
        seen_at_finish["answers"] = answers()
        finished.set()
        return status

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", pause)
    try:
        saved, finish_status = together(save, finish)
    finally:
        event.remove(engine, "before_cursor_execute", pause)
    assert checked.is_set() and finish_status == 302 and saved == 302
    with app.app_context():
        assert db.session.get(Assessment, team["assessment_id"]).is_finished
    assert answers() == seen_at_finish["answers"], "the finished assessment changed afterwards"


def test_one_single_use_invite_link_lets_one_person_join(app, team):
    with app.app_context():
        token = teams.create_invite(db.session.get(Assessment, team["assessment_id"]).team,
                                    MEMBER, None)
        db.session.commit()
    joiners = [make_user(app, e) for e in ("a@state.gov", "b@state.gov")]
    posts = []
    for user_id in joiners:
        browser = sign_in_as(app.test_client(), user_id)
        data = {"csrf_token": form_token(browser, f"/invites/{token}")}
        posts.append(lambda browser=browser, data=data: browser.post(f"/invites/{token}",
                                                                     data=data))
    with held_before(app, re.compile(r"\s*(UPDATE invite|INSERT INTO membership)\b")):
        responses = together(*posts)
    with app.app_context():
        joined = db.session.scalars(db.select(Membership.user_id).where(
            Membership.user_id.in_(joiners))).all()
    assert len(joined) == 1
    winner = joiners.index(joined[0])
    assert responses[winner].status_code == 302
    refused = responses[winner ^ 1]
    # Refused either once the link is claimed (it waited for the first, on SQLite: the "already
    # used" page) or while the first was claiming it (it had passed the check, on PostgreSQL):
    # never a 500.
    assert refused.status_code == 410 or refused.location == "/teams"


def test_a_double_posted_sign_up_makes_one_account_without_an_error(app, caplog):
    browsers = [app.test_client() for _ in range(2)]
    posts = []
    for browser in browsers:
        data = {"csrf_token": form_token(browser, "/sign-up"), "email": "new@state.gov",
                "password": "correct horse battery staple", "next": ""}
        posts.append(lambda browser=browser, data=data: browser.post("/sign-up", data=data))
    with caplog.at_level("INFO"):
        signed_up = together(*posts)
    assert [r.status_code for r in signed_up] == [302, 302]
    links = re.findall(r"http://localhost(/sign-up/\S+)", caplog.text)
    assert len(set(links)) == 2
    confirms = []
    for browser, link in zip(browsers, sorted(set(links)), strict=True):
        data = {"csrf_token": form_token(browser, link)}
        confirms.append(lambda browser=browser, link=link, data=data:
                        browser.post(link, data=data))
    with held_before(app, re.compile(r"\s*INSERT INTO user_account")):
        confirmed = together(*confirms)
    assert [r.status_code for r in confirmed] == [302, 302]
    # One link made the account and signed in; the other was told to sign in.
    assert sorted(r.location for r in confirmed) == ["/sign-in", "/your-work"]
    assert count(app, User, email="new@state.gov") == 1


def test_two_posts_to_start_at_once_make_one_team(app):
    """A double-clicked "Start the assessment" for a new team: the first makes the team, the
    second waits for it, then finds it and is refused with a link to it."""
    browser = sign_in_as(app.test_client(), make_user(app, "lead@state.gov"))
    data = {"csrf_token": form_token(browser, "/start"), "agency": "Department of State",
            "office": "Bureau of Consular Affairs", "service": "Passport Services"}
    posts = [lambda: browser.post("/start", data=data).status_code for _ in range(2)]
    with held_before(app, re.compile(r"\s*INSERT INTO team\b")):
        statuses = together(*posts)
    assert sorted(statuses) == [200, 302]
    assert count(app, Team) == 1
    assert count(app, Assessment) == 1


def test_two_posts_to_start_the_next_assessment_at_once_make_one_draft(app, team):
    owner = team["browsers"]["owner"]
    with app.app_context():
        assessment = db.session.get(Assessment, team["assessment_id"])
        operations.finish_assessment(assessment)
        db.session.commit()
        url = f"/teams/{assessment.team_id}/assessments"
    data = {"csrf_token": form_token(owner, "/start")}
    posts = [lambda: owner.post(url, data=data).status_code for _ in range(2)]
    with held_before(app, re.compile(r"\s*INSERT INTO assessment\b")):
        statuses = together(*posts)
    assert statuses == [302, 302]
    assert count(app, Assessment, status="draft") == 1


def test_two_imports_of_one_team_file_at_once_make_one_team(app, team):
    """A double-clicked import: the first makes the team; the second waits, then finds it."""
    import io

    with app.app_context():
        team_id = db.session.get(Assessment, team["assessment_id"]).team_id
    body = team["browsers"]["owner"].get(f"/teams/{team_id}/export.json").data
    importer = sign_in_as(app.test_client(), make_user(app, "importer@state.gov"))
    token = form_token(importer, "/teams/import")

    def post() -> int:
        return importer.post("/teams/import", data={
            "csrf_token": token, "team": "", "file": (io.BytesIO(body), "team.json")},
            content_type="multipart/form-data").status_code

    with held_before(app, re.compile(r"\s*INSERT INTO team\b")):
        statuses = together(post, post)
    assert sorted(statuses) == [302, 400]
    assert count(app, Team) == 2  # the exported team and one imported copy
def test_two_owners_revoking_one_invite_at_once_remove_it_once(app, team):
    from assessment.store.models import AuditEvent, Invite

    with app.app_context():
        team_row = db.session.get(Assessment, team["assessment_id"]).team
        teams.create_invite(team_row, MEMBER, None, "ana@state.gov")
        db.session.commit()
        team_id, invite_id = team_row.id, db.session.scalar(db.select(Invite.id))
    url = f"/teams/{team_id}/invites/{invite_id}/revoke"
    posts = []
    for who in ("owner", "o2"):
        browser = team["browsers"][who]
        data = {"csrf_token": form_token(browser, f"/teams/{team_id}")}
        posts.append(lambda browser=browser, data=data: browser.post(url, data=data))
    with held_before(app, re.compile(r"\s*DELETE FROM invite\b")):
        responses = together(*posts)
    assert [r.status_code for r in responses] == [302, 302]
    assert count(app, Invite) == 0
    assert count(app, AuditEvent, action="invite_revoked") == 1
