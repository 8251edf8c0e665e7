"""Kept pages (web/fragments.cached_page): the pillar, results and history pages are rendered once
per reader and served again until what they show changes. Every kind of change shows at once,
each reader gets their own page, and the form token in a kept page is the session's own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from flask import template_rendered

from assessment.extensions import db
from assessment.store import deleting, operations, questionnaire_versions, teams
from assessment.store.models import (
    MEMBER,
    OWNER,
    VIEWER,
    Action,
    Assessment,
    Membership,
    Team,
    User,
)
from assessment.store.operations import SubmittedAnswer
from tests.conftest import page_text, sign_in_as, store_assessment
from tests.test_questionnaire_versions import keep_version, older_version_text

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def without_tokens(html: str) -> str:
    return FORM_KEY.sub("", TOKEN.sub("", html))


def by_id(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


@contextmanager
def rendered_templates(app) -> Iterator[list[str]]:
    """The names of the templates rendered while inside."""
    names: list[str] = []

    def record(sender, template, context, **extra) -> None:  # noqa: ANN001, ARG001
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


@pytest.fixture
def team(app, client, questionnaire, make_assessment, make_user, join_team, owner_id) -> dict:
    """A team with a finished assessment (every answer 2), an open draft, a member and a
    viewer; each of them has a signed-in client."""
    finished = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                               finished=True)
    member, viewer = make_user("m@state.gov"), make_user("v@state.gov")
    join_team(finished, member, MEMBER)
    join_team(finished, viewer, VIEWER)
    with app.app_context():
        assessment = by_id(finished)
        operations.response_for(assessment, owner_id)  # the answers so far are the owner's
        draft = operations.start_assessment(questionnaire, assessment.team)
        draft.open_to_team = True
        db.session.commit()
        draft_id, team_id = draft.public_id, assessment.team_id
    pillar = questionnaire.pillars[0]
    return {"finished": finished, "draft": draft_id, "team_id": team_id, "pillar": pillar,
            "member_id": member, "owner_id": owner_id,
            "results": f"/assessments/{finished}/results",
            "pillar_url": f"/assessments/{draft_id}/pillars/{pillar.id}",
            "history": f"/teams/{team_id}/history",
            OWNER: client, MEMBER: sign_in_as(app.test_client(), member),
            VIEWER: sign_in_as(app.test_client(), viewer)}


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def change(app, apply: Callable[[], None]) -> None:
    """Change the database as another request (or another app process) would."""
    with app.app_context():
        apply()
        db.session.commit()


def test_a_page_seen_again_is_not_rendered_again(app, team):
    for url in (team["results"], team["pillar_url"], team["history"]):
        first = text_of(team[OWNER], url)
        with rendered_templates(app) as names:
            again = text_of(team[OWNER], url)
        assert names == [], url
        assert without_tokens(again) == without_tokens(first)


def test_a_kept_page_carries_the_token_of_the_session_that_gets_it(app, team, owner_id):
    """The same person in two browsers gets the same kept page, each with its own token: the
    other browser's token is refused, its own is accepted."""
    elsewhere = sign_in_as(app.test_client(), owner_id)
    here_token = TOKEN.search(text_of(team[OWNER], team["results"])).group(1)
    with rendered_templates(app) as names:
        there_token = TOKEN.search(text_of(elsewhere, team["results"])).group(1)
    assert names == []  # served from the cache
    assert there_token != here_token
    reopen = f"/assessments/{team['finished']}/reopen"
    assert elsewhere.post(reopen, data={"csrf_token": here_token}).status_code == 400
    assert elsewhere.post(reopen, data={"csrf_token": there_token}).status_code == 302
    with app.app_context():
        assert not by_id(team["finished"]).is_finished


def test_a_flashed_message_shows_once_and_is_not_kept(team, questionnaire):
    owner, targets = team[OWNER], f"/assessments/{team['finished']}/targets"
    text_of(owner, team["results"])
    data = {"csrf_token": TOKEN.search(text_of(owner, targets)).group(1)} | {
        f"target-{p.id}": "3.5" for p in questionnaire.pillars}
    assert owner.post(targets, data=data).status_code == 302
    assert "Your targets are saved." in text_of(owner, team["results"])
    assert "Your targets are saved." not in text_of(owner, team["results"])


def finished_row(team: dict) -> Assessment:
    return by_id(team["finished"])


def membership(team: dict, user_id: int) -> Membership:
    return db.session.scalar(db.select(Membership).filter_by(team_id=team["team_id"],
                                                             user_id=user_id))


# Each change to what a results page shows: (name, change, words before, words after).
def _answers(team, questionnaire) -> None:
    response = operations.response_for(finished_row(team), team["member_id"])
    operations.save_answers(response, {q.id: SubmittedAnswer("5")
                                       for q in questionnaire.pillars[0].questions})


def _agreed(team, questionnaire) -> None:
    question = questionnaire.pillars[0].questions[0]
    operations.agree_answer(finished_row(team), question.id, "unknown", "", None)


def _targets(team, questionnaire) -> None:
    operations.set_targets(finished_row(team), {p.id: Decimal("4.5")
                                                for p in questionnaire.pillars}, {})


def _action(team, questionnaire) -> None:
    practice = questionnaire.pillars[0].practices[0].id
    operations.add_action(finished_row(team), practice, operations.ActionDetails(
        "Map the journey", "CX lead", dt.date(2030, 1, 1), "not_started"))


def _team_renamed(team, questionnaire) -> None:
    db.session.get(Team, team["team_id"]).service = "Visa Services"


def _another_finished(team, questionnaire) -> None:
    operations.finish_assessment(by_id(team["draft"]))


RESULTS_CHANGES = [
    ("answers", _answers, "1 person answered", "2 people answered"),
    ("agreed answer", _agreed, "0 questions were answered “Don't know”",
     "1 question was answered “Don't know”"),
    ("targets", _targets, "Target 3.0", "Target 4.5"),
    ("an action", _action, "No actions yet", "Map the journey"),
    ("the team", _team_renamed, "Results for Passport Services", "Results for Visa Services"),
    ("the team's other assessments", _another_finished, None,
     "Compare with another assessment"),
]


@pytest.mark.parametrize(("kind", "apply", "before", "after"), RESULTS_CHANGES,
                         ids=[c[0] for c in RESULTS_CHANGES])
def test_a_results_page_shows_each_change_at_once(app, team, questionnaire, kind, apply,
                                                  before, after):
    seen = page_text_of(team[OWNER], team["results"])
    if before is not None:
        assert before in seen
    assert after not in seen
    change(app, lambda: apply(team, questionnaire))
    assert after in page_text_of(team[OWNER], team["results"])


def page_text_of(client, url: str) -> str:
    return page_text(BeautifulSoup(text_of(client, url), "html.parser"))


def test_a_changed_or_removed_action_shows_at_once(app, team, questionnaire):
    change(app, lambda: _action(team, questionnaire))
    assert "Map the journey" in text_of(team[OWNER], team["results"])

    def rename() -> None:
        action = db.session.scalar(db.select(Action))
        operations.update_action(action, operations.ActionDetails(
            "Brief the deputy director", "CX lead", None, "in_progress"))

    change(app, rename)
    assert "Brief the deputy director" in text_of(team[OWNER], team["results"])
    change(app, lambda: deleting.delete_action(db.session.scalar(db.select(Action)), None))
    text = text_of(team[OWNER], team["results"])
    assert "Brief the deputy director" not in text and "Map the journey" not in text
    change(app, lambda: deleting.restore_action(db.session.scalar(
        db.select(Action).execution_options(include_deleted=True))))
    assert "Brief the deputy director" in text_of(team[OWNER], team["results"])


def test_each_serving_of_a_kept_page_has_fresh_form_keys(app, team):
    """A kept page's forms get new one-time keys each time it is served, as a page drawn
    anew would: a key used once is never served again, so a second action is never taken for
    a repeat of the first."""
    first = FORM_KEY.findall(text_of(team[OWNER], team["results"]))
    with rendered_templates(app) as names:
        again = FORM_KEY.findall(text_of(team[OWNER], team["results"]))
    assert names == []  # served from the cache
    assert first and len(again) == len(first)
    assert len(set(first) | set(again)) == 2 * len(first)


def test_an_action_carried_forward_changes_the_next_assessments_kept_page(app, team,
                                                                          questionnaire):
    """An open action added on the finished assessment shows on the team's later one; a
    change to it shows there at once."""
    later = f"/assessments/{team['draft']}/results"
    change(app, lambda: _action(team, questionnaire))
    change(app, lambda: operations.finish_assessment(by_id(team["draft"])))
    assert "Map the journey" in text_of(team[OWNER], later)

    def rename() -> None:
        action = db.session.scalar(db.select(Action))
        operations.update_action(action, operations.ActionDetails(
            "Brief the deputy director", "CX lead", None, "in_progress"))

    change(app, rename)
    assert "Brief the deputy director" in text_of(team[OWNER], later)


def test_other_teams_finishing_shows_in_the_peer_table_at_once(app, team, questionnaire):
    assert "app-peers" not in text_of(team[OWNER], team["results"])
    assert "app-peers" not in text_of(team[OWNER], team["history"])

    def five_teams() -> None:
        for n in range(5):
            store_assessment(questionnaire, {q.id: "3" for *_, q in questionnaire.questions()},
                             True, f"Other service {n}", None)

    change(app, five_teams)
    assert "app-peers" in text_of(team[OWNER], team["results"])
    assert "app-peers" in text_of(team[OWNER], team["history"])


def test_a_move_to_another_questionnaire_version_shows_at_once(app, team, questionnaire):
    def taken_on_older_version() -> None:
        keep_version(older_version_text(questionnaire.source))
        finished_row(team).questionnaire_version = "2025.1"

    change(app, taken_on_older_version)
    assert "Questionnaire version 2025.1" in text_of(team[OWNER], team["results"])
    change(app, lambda: questionnaire_versions.move_to_questionnaire(finished_row(team),
                                                                     questionnaire))
    assert f"Questionnaire version {questionnaire.version}" in \
        text_of(team[OWNER], team["results"])


def test_reopening_ends_the_kept_results_page(app, team):
    text_of(team[OWNER], team["results"])
    change(app, lambda: operations.reopen_assessment(finished_row(team)))
    assert team[OWNER].get(team["results"]).status_code == 302


def test_a_new_role_shows_at_once_and_a_removed_member_is_refused(app, team):
    assert "Change your targets" in text_of(team[OWNER], team["results"])
    assert "Add an action" in text_of(team[MEMBER], team["results"])
    change(app, lambda: teams.change_role(membership(team, team["member_id"]), VIEWER))
    assert "Add an action" not in text_of(team[MEMBER], team["results"])

    def owner_becomes_viewer() -> None:
        teams.change_role(membership(team, team["member_id"]), OWNER)
        teams.change_role(membership(team, team["owner_id"]), VIEWER)

    change(app, owner_becomes_viewer)
    assert "Change your targets" not in text_of(team[OWNER], team["results"])
    assert "Change your targets" in text_of(team[MEMBER], team["results"])
    change(app, lambda: teams.remove_member(membership(team, team["owner_id"])))
    for url in (team["results"], team["history"], team["pillar_url"]):
        assert team[OWNER].get(url).status_code == 404


def test_each_reader_gets_their_own_page(app, team, make_user, questionnaire):
    """A member may change only the actions they added: two members reading the same results
    page see different links, and neither sees the other's kept page."""
    other = make_user("m2@state.gov")
    change(app, lambda: teams.add_member(finished_row(team).team,
                                         db.session.get(User, other), MEMBER))
    other_client = sign_in_as(app.test_client(), other)
    practice = questionnaire.pillars[0].practices[0].id
    change(app, lambda: operations.add_action(finished_row(team), practice,
                                              operations.ActionDetails(
                                                  "Map the journey", "", None, "not_started"),
                                              created_by=team["member_id"]))
    change_link = "Change<span class=\"usa-sr-only\"> the action “Map the journey”"
    assert change_link in text_of(team[MEMBER], team["results"])
    assert change_link not in text_of(other_client, team["results"])
    assert change_link in text_of(team[MEMBER], team["results"])


def test_a_pillar_page_shows_the_readers_own_saved_answers_and_notes(app, team):
    question = team["pillar"].questions[0]
    member, owner = team[MEMBER], team[OWNER]
    text_of(owner, team["pillar_url"])
    page = text_of(member, team["pillar_url"])
    data = {"csrf_token": TOKEN.search(page).group(1), "action": "later",
            f"answer-{question.id}": "4", f"note-{question.id}": "Ask the call center"}
    assert member.post(team["pillar_url"], data=data).status_code == 302
    mine = text_of(member, team["pillar_url"])
    assert "Ask the call center" in mine
    assert re.search(rf'name="answer-{re.escape(question.id)}" value="4"[^>]* checked', mine) \
        or re.search(rf'checked[^>]* name="answer-{re.escape(question.id)}" value="4"', mine)
    assert "Ask the call center" not in text_of(owner, team["pillar_url"])

    data |= {"csrf_token": TOKEN.search(mine).group(1), f"note-{question.id}": "Asked them"}
    assert member.post(team["pillar_url"], data=data).status_code == 302
    mine = text_of(member, team["pillar_url"])
    assert "Asked them" in mine and "Ask the call center" not in mine


def test_a_history_page_shows_a_newly_finished_assessment_at_once(app, team):
    before = text_of(team[OWNER], team["history"])
    change(app, lambda: _another_finished(team, None))
    after = text_of(team[OWNER], team["history"])
    assert after.count("<tr") > before.count("<tr")
