"""Every creating post happens once: the same form (same one-time key) posted twice at the same
moment, on SQLite and on PostgreSQL, makes one row, and both posts get the same answer. The
first post is held just before it creates (tests/test_races.py's barrier and pause), so the
second arrives while the first is under way."""

from __future__ import annotations

import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.store import operations, teams
from assessment.store.models import (
    OWNER,
    Action,
    ApiToken,
    Assessment,
    Invite,
    PillarTarget,
    Team,
    User,
)
from assessment.transfer import exporting
from tests.backends import own_postgres  # noqa: F401 (a fixture)
from tests.conftest import sign_in_as, store_assessment
from tests.test_races import app, count, held_before, make_user, together  # noqa: F401


def hidden_fields(browser, url: str, form_action: str | None = None) -> dict[str, str]:
    """The hidden fields (security token and one-time key) of the page's post form."""
    page = BeautifulSoup(browser.get(url).data, "html.parser")
    selector = f"form[action^='{form_action}']" if form_action else "form[method=post]"
    form = [f for f in page.select(selector) if f.get("method") == "post"][-1]
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert fields.get("form_key"), "every form carries a one-time key"
    return fields


@pytest.fixture
def owner(app, questionnaire):  # noqa: F811
    """A signed-in owner of a team with a finished assessment weak in measurement."""
    user_id = make_user(app, "owner@state.gov")
    answers = {q.id: "2" if p.id == "measurement" else "3"
               for p, _, q in questionnaire.questions()}
    with app.app_context():
        public_id = store_assessment(questionnaire, answers, True, "Passport Services", user_id)
        team_id = db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))
    return {"browser": sign_in_as(app.test_client(), user_id), "public_id": public_id,
            "team_id": team_id, "user_id": user_id}


def posted_twice(app, browser, url: str, data: dict, hold: str, **kwargs):  # noqa: F811
    """Post the same form twice at once; the first is held before its insert."""
    def post():
        body = {k: (io.BytesIO(v), "team.json") if isinstance(v, bytes) else v
                for k, v in data.items()}
        return browser.post(url, data=body, **kwargs)

    # Each post is held before its first insert: the one that claimed the key has not written
    # when the other looks.
    with held_before(app, re.compile(rf"\s*INSERT INTO {hold}\b"), first_only=True):
        return together(post, post)


def test_a_doubled_save_action_stores_one_action(app, owner, questionnaire):  # noqa: F811
    practice = questionnaire.pillar("measurement").practices[0].id
    url = f"/assessments/{owner['public_id']}/practices/{practice}/actions/new"
    data = hidden_fields(owner["browser"], url) | {
        "title": "Publish survey results", "owner": "CX lead", "due_month": "", "due_day": "",
        "due_year": "", "status": "not_started"}
    first, second = posted_twice(app, owner["browser"], url, data, "action")
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert count(app, Action) == 1
    # Both answers say the same thing: the second is told what the first did.
    page = owner["browser"].get(first.location).data.decode()
    assert "You added the action “Publish survey results”." in page


def test_a_doubled_start_of_a_new_team_makes_one_team(app, owner):  # noqa: F811
    data = hidden_fields(owner["browser"], "/start", "/start") | {
        "agency": "Department of State", "office": "Consular Affairs", "service": "Visas"}
    first, second = posted_twice(app, owner["browser"], "/start", data, "team")
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert count(app, Team, service="Visas") == 1


def test_a_doubled_start_of_the_next_assessment_makes_one(app, owner):  # noqa: F811
    team_page = f"/teams/{owner['team_id']}"
    url = f"{team_page}/assessments"
    data = hidden_fields(owner["browser"], team_page, url)
    first, second = posted_twice(app, owner["browser"], url, data, "assessment")
    assert first.location == second.location
    assert count(app, Assessment, team_id=owner["team_id"]) == 2


def test_a_doubled_invite_makes_one_link(app, owner):  # noqa: F811
    team_page = f"/teams/{owner['team_id']}"
    url = f"{team_page}/invites"
    data = hidden_fields(owner["browser"], team_page, url) | {"role": "member", "email": ""}
    statuses = sorted(r.status_code for r in posted_twice(app, owner["browser"], url, data,
                                                          "invite"))
    assert statuses == [200, 302]  # the link once; then back to the team page, told why
    assert count(app, Invite, team_id=owner["team_id"]) == 1


def test_a_doubled_api_token_makes_one_token(app, owner):  # noqa: F811
    url = "/account/api-tokens"
    data = hidden_fields(owner["browser"], url, url) | {"name": "Dashboard", "expires": "30"}
    statuses = sorted(r.status_code for r in posted_twice(app, owner["browser"], url, data,
                                                          "api_token"))
    assert statuses == [200, 302]
    assert count(app, ApiToken, user_id=owner["user_id"]) == 1


def test_doubled_first_targets_make_one_row_per_pillar(app, owner, questionnaire):  # noqa: F811
    url = f"/assessments/{owner['public_id']}/targets"
    data = hidden_fields(owner["browser"], url, url) | {
        f"target-{p.id}": "3.5" for p in questionnaire.pillars}
    first, second = posted_twice(app, owner["browser"], url, data, "pillar_target")
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assessment_id = db.session.scalar(db.select(Assessment.id).filter_by(
            public_id=owner["public_id"]))
    assert count(app, PillarTarget, assessment_id=assessment_id) == len(questionnaire.pillars)


def test_two_owners_setting_the_first_targets_at_once_make_one_row_per_pillar(
        app, owner, questionnaire):  # noqa: F811
    """Different forms (two keys): the unique constraint, inserted or skipped, decides."""
    second_owner = make_user(app, "o2@state.gov")
    with app.app_context():
        teams.add_member(db.session.get(Team, owner["team_id"]),
                         db.session.get(User, second_owner), OWNER)
        db.session.commit()
    url = f"/assessments/{owner['public_id']}/targets"
    posts = []
    for browser in (owner["browser"], sign_in_as(app.test_client(), second_owner)):
        data = hidden_fields(browser, url, url) | {
            f"target-{p.id}": "4.0" for p in questionnaire.pillars}
        posts.append(lambda browser=browser, data=data: browser.post(url, data=data))
    with held_before(app, re.compile(r"\s*INSERT INTO pillar_target\b"), first_only=True):
        responses = together(*posts)
    assert [r.status_code for r in responses] == [302, 302]
    with app.app_context():
        assessment_id = db.session.scalar(db.select(Assessment.id).filter_by(
            public_id=owner["public_id"]))
    assert count(app, PillarTarget, assessment_id=assessment_id) == len(questionnaire.pillars)


def test_a_doubled_import_makes_one_team(app, owner):  # noqa: F811
    with app.app_context():
        document = exporting.team_export(db.session.get(Team, owner["team_id"]))
    # Another service's file: a file of a team the owner has would be added to that team.
    document["team"]["service"] = "Passport card"
    body = json.dumps(document).encode()
    url = "/teams/import"
    data = hidden_fields(owner["browser"], url, url) | {"team": "", "file": body}
    first, second = posted_twice(app, owner["browser"], url, data, "team",
                                 content_type="multipart/form-data")
    assert first.status_code == second.status_code == 302
    assert count(app, Team) == 2  # the owner's team and the imported one


def test_a_form_posted_again_later_gets_the_first_answer_and_changes_nothing(
        app, owner, questionnaire):  # noqa: F811
    practice = questionnaire.pillar("measurement").practices[0].id
    url = f"/assessments/{owner['public_id']}/practices/{practice}/actions/new"
    data = hidden_fields(owner["browser"], url) | {
        "title": "Brief the team", "owner": "", "due_month": "", "due_day": "",
        "due_year": "", "status": "not_started"}
    first = owner["browser"].post(url, data=data)
    again = owner["browser"].post(url, data=data)
    assert again.location == first.location
    assert count(app, Action) == 1
    fresh = hidden_fields(owner["browser"], url) | {k: v for k, v in data.items()
                                                    if k not in ("csrf_token", "form_key")}
    owner["browser"].post(url, data=fresh)  # a new form is a new action
    assert count(app, Action) == 2


def test_a_form_key_our_pages_could_not_have_made_is_refused(app, owner):  # noqa: F811
    team_page = f"/teams/{owner['team_id']}"
    url = f"{team_page}/assessments"
    data = hidden_fields(owner["browser"], team_page, url) | {"form_key": "not a key!"}
    assert owner["browser"].post(url, data=data).status_code == 400
    assert count(app, Assessment, team_id=owner["team_id"]) == 1


def test_the_agreed_answer_form_carries_a_key_and_a_repeat_changes_nothing(
        app, owner, questionnaire):  # noqa: F811
    question = questionnaire.pillars[0].questions[0].id
    url = f"/assessments/{owner['public_id']}/questions/{question}/agree"
    with app.app_context():
        operations.reopen_assessment(db.session.scalar(db.select(Assessment).filter_by(
            public_id=owner["public_id"])))
        db.session.commit()
    data = hidden_fields(owner["browser"], url, url) | {"choice": "4", "note": "Agreed"}
    first, second = posted_twice(app, owner["browser"], url, data, "agreed_answer")
    assert first.location == second.location
