"""Actions on weak practices: add, change and remove them from the results page; the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.store import operations, read_model
from assessment.store.models import Action, Assessment
from assessment.store.operations import ActionDetails
from tests.conftest import check_page, page_text


@pytest.fixture
def weak(make_assessment, questionnaire):
    """A finished assessment whose measurement practices are all below target (2.0 < 3.0)."""
    answers = {q.id: "2" if p.id == "measurement" else "3" for p, _, q in questionnaire.questions()}
    practice = questionnaire.pillar("measurement").practices[0]
    return make_assessment(answers, finished=True), practice


@pytest.fixture
def load_actions(app):
    """An assessment's stored actions, as plain tuples in the order they were added."""

    def load(public_id: str) -> list[tuple]:
        with app.app_context():
            assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
            return [(a.practice_id, a.title, a.owner, a.due_date, a.status)
                    for a in read_model.assessment_actions(assessment)]

    return load


@pytest.fixture
def add_action(app):
    """Store an action directly; returns its id."""

    def add(public_id: str, practice_id: str, title: str = "Publish our survey results",
            owner: str = "CX lead", due: dt.date | None = dt.date(2027, 9, 30),
            status: str = "not_started") -> int:
        with app.app_context():
            assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
            action = operations.add_action(assessment, practice_id,
                                           ActionDetails(title, owner, due, status))
            db.session.commit()
            return action.id

    return add


def action_form(token: str, **changes: str) -> dict[str, str]:
    data = {"csrf_token": token, "title": "Publish our survey results", "owner": "CX lead",
            "due_month": "9", "due_day": "30", "due_year": "2027", "status": "in_progress"}
    return data | changes


def new_action_url(public_id: str, practice_id: str) -> str:
    return f"/assessments/{public_id}/practices/{practice_id}/actions/new"


def test_each_weak_practice_offers_to_add_an_action_and_the_page_offers_downloads(
        client, weak, questionnaire):
    public_id, _ = weak
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    cards = page.select("li.app-weak")
    assert len(cards) == len(questionnaire.pillar("measurement").practices)
    for card, practice in zip(cards, questionnaire.pillar("measurement").practices, strict=True):
        assert card["id"] == f"practice-{practice.id}"
        link = card.find("a", href=new_action_url(public_id, practice.id))
        assert link and "Add an action" in link.get_text() and practice.name in link.get_text()
    assert page.find("a", href=f"/assessments/{public_id}/plan.pdf",
                     string="Download your improvement plan (PDF)")
    assert page.find("a", href=f"/assessments/{public_id}/actions.csv",
                     string="Download actions (CSV)")


def test_adding_an_action_stores_it_and_shows_it_under_its_practice(client, csrf_token, weak,
                                                                    load_actions):
    public_id, practice = weak
    url = new_action_url(public_id, practice.id)
    page = check_page(client.get(url).data.decode())
    assert practice.next_step(2) in page_text(page)  # the suggested next step, to start from
    response = client.post(url, data=action_form(csrf_token(url)))
    assert response.status_code == 302
    assert response.location == f"/assessments/{public_id}/results#practice-{practice.id}"
    assert load_actions(public_id) == [(practice.id, "Publish our survey results", "CX lead",
                                        dt.date(2027, 9, 30), "in_progress")]
    results = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    assert "You added the action “Publish our survey results”." in page_text(results)
    card = page_text(results.select_one(f"li[id='practice-{practice.id}']"))
    assert "Publish our survey results" in card
    assert "Owner: CX lead · Due: September 30, 2027 · In progress" in card


def test_the_owner_and_due_date_are_optional(client, csrf_token, weak, load_actions):
    public_id, practice = weak
    url = new_action_url(public_id, practice.id)
    client.post(url, data=action_form(csrf_token(url), owner="", due_month="", due_day="",
                                      due_year="", status="not_started"))
    assert load_actions(public_id) == [(practice.id, "Publish our survey results", "", None,
                                        "not_started")]
    card = BeautifulSoup(client.get(f"/assessments/{public_id}/results").data, "html.parser") \
        .select_one(f"li[id='practice-{practice.id}']")
    assert "Owner: Not assigned · Due: No date · Not started" in page_text(card)


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "Enter what your team will do."),
    ({"title": "   "}, "Enter what your team will do."),
    ({"title": "x" * 201}, "Keep the action to 200 characters or fewer."),
    ({"owner": "x" * 201}, "Keep the owner to 200 characters or fewer."),
    ({"due_day": ""}, "Enter the month, day and year of the due date"),
    ({"due_month": ""}, "Enter the month, day and year of the due date"),
    ({"due_month": "2", "due_day": "30"}, "Enter a real due date"),
    ({"due_day": "3x"}, "Enter a real due date"),
    ({"due_year": "27"}, "Enter the year of the due date with 4 digits"),
], ids=["no-title", "blank-title", "long-title", "long-owner", "no-day", "no-month",
        "february-30", "day-not-a-number", "two-digit-year"])
def test_a_mistake_is_explained_and_what_was_typed_is_kept(client, csrf_token, weak,
                                                          load_actions, changes, message):
    public_id, practice = weak
    url = new_action_url(public_id, practice.id)
    data = action_form(csrf_token(url), **changes)
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert page.title.get_text().startswith("Error: ")
    assert message in page.select_one("#error-summary").get_text()
    assert page.find("input", attrs={"name": "owner"})["value"] == data["owner"]
    assert page.find("input", attrs={"name": "due_year"})["value"] == data["due_year"]
    assert page.select_one("select[name=status] option[selected]")["value"] == "in_progress"
    assert load_actions(public_id) == []


def test_changing_an_action_shows_its_values_and_saves_the_change(client, csrf_token, weak,
                                                                   add_action, load_actions):
    public_id, practice = weak
    action_id = add_action(public_id, practice.id)
    url = f"/assessments/{public_id}/actions/{action_id}/edit"
    page = check_page(client.get(url).data.decode())
    assert page.find("input", attrs={"name": "title"})["value"] == "Publish our survey results"
    assert page.select_one("select[name=due_month] option[selected]")["value"] == "9"
    assert page.find("input", attrs={"name": "due_day"})["value"] == "30"
    response = client.post(url, data=action_form(csrf_token(url), title="Publish results monthly",
                                                 status="done", due_month="12", due_day="1"))
    assert response.location == f"/assessments/{public_id}/results#practice-{practice.id}"
    assert load_actions(public_id) == [(practice.id, "Publish results monthly", "CX lead",
                                        dt.date(2027, 12, 1), "done")]


def test_removing_an_action_asks_first_then_removes_it(client, csrf_token, weak, add_action,
                                                       load_actions):
    public_id, practice = weak
    keep = add_action(public_id, practice.id, title="Keep this one")
    gone = add_action(public_id, practice.id, title="Remove this one")
    url = f"/assessments/{public_id}/actions/{gone}/remove"
    page = check_page(client.get(url).data.decode())
    assert "Remove this one" in page_text(page)
    assert load_actions(public_id)[1][1] == "Remove this one"  # asking removes nothing
    response = client.post(url, data={"csrf_token": csrf_token(url)})
    assert response.location == f"/assessments/{public_id}/results#practice-{practice.id}"
    assert [a[1] for a in load_actions(public_id)] == ["Keep this one"]
    assert keep != gone


@pytest.mark.parametrize(("tamper", "phrase"), [
    (lambda d: d | {"practice_id": "governance.cco"}, "a field we do not know"),
    (lambda d: d | {"status": "cancelled"}, "value we do not accept"),
    (lambda d: d | {"due_month": "13"}, "value we do not accept"),
    (lambda d: d | {"title": "x" * 1001}, "longer than 1000"),
    (lambda d: d | {"due_day": "1" * 11}, "longer than 10"),
    (lambda d: MultiDict(list(d.items()) + [("title", "Second title")]), "more than once"),
], ids=["unknown-field", "unknown-status", "month-13", "huge-title", "huge-day", "title-twice"])
@pytest.mark.parametrize("editing", [False, True], ids=["add", "edit"])
def test_a_tampered_action_post_is_refused_and_stores_nothing(
        client, csrf_token, weak, add_action, load_actions, tamper, phrase, editing):
    public_id, practice = weak
    url = new_action_url(public_id, practice.id)
    if editing:
        url = f"/assessments/{public_id}/actions/{add_action(public_id, practice.id)}/edit"
    before = load_actions(public_id)
    response = client.post(url, data=tamper(action_form(csrf_token(url))))
    assert response.status_code == 400
    assert phrase in page_text(check_page(response.data.decode()))
    assert load_actions(public_id) == before


def test_an_expired_form_is_shown_again_with_what_was_typed(client, csrf_token, weak, app,
                                                            load_actions):
    public_id, practice = weak
    url = new_action_url(public_id, practice.id)
    data = action_form(csrf_token(url), title="Hire a survey analyst")
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now too old
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert "we did not save it yet" in page_text(page)
    assert page.find("input", attrs={"name": "title"})["value"] == "Hire a survey analyst"
    assert load_actions(public_id) == []

    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    fresh = page.find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post(url, data=data | {"csrf_token": fresh}).status_code == 302
    assert load_actions(public_id)[0][1] == "Hire a survey analyst"


def test_removing_without_a_security_token_is_refused(client, weak, add_action, load_actions):
    public_id, practice = weak
    action_id = add_action(public_id, practice.id)
    response = client.post(f"/assessments/{public_id}/actions/{action_id}/remove")
    assert response.status_code == 400
    assert len(load_actions(public_id)) == 1


def test_another_assessments_action_cannot_be_seen_changed_or_removed(
        client, csrf_token, weak, make_assessment, add_action, load_actions, questionnaire):
    public_id, practice = weak
    other = make_assessment({q.id: "1" for *_, q in questionnaire.questions()}, finished=True,
                            service="Visa Services")
    theirs = add_action(other, practice.id, title="Their action")
    for verb in ("edit", "remove"):
        url = f"/assessments/{public_id}/actions/{theirs}/{verb}"
        assert client.get(url).status_code == 404
        token = csrf_token(f"/assessments/{public_id}/results")
        assert client.post(url, data=action_form(token) if verb == "edit"
                           else {"csrf_token": token}).status_code == 404
    assert load_actions(other) == [(practice.id, "Their action", "CX lead",
                                    dt.date(2027, 9, 30), "not_started")]


def test_a_practice_that_is_not_in_the_questionnaire_is_not_found(client, weak):
    public_id, _ = weak
    assert client.get(new_action_url(public_id, "measurement.invented")).status_code == 404


@pytest.mark.parametrize(("path", "message"), [
    ("practices/measurement.publish-progress/actions/new", "Finish the assessment to plan"),
    ("plan.pdf", "Finish the assessment to download your improvement plan."),
    ("actions.csv", "Finish the assessment to download your actions."),
])
def test_a_draft_sends_you_to_review_with_a_clear_message(client, make_assessment, path,
                                                          message):
    public_id = make_assessment({}, finished=False)
    response = client.get(f"/assessments/{public_id}/{path}")
    assert response.location == f"/assessments/{public_id}/review"
    assert message in page_text(check_page(client.get(response.location).data.decode()))


def test_actions_of_a_practice_that_now_meets_its_target_stay_listed(client, weak, add_action):
    public_id, _ = weak
    add_action(public_id, "strategy.big-picture", title="Brief the team on A-11")
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    other = page.select_one("li[id='practice-strategy.big-picture']")
    assert other and "Brief the team on A-11" in other.get_text()
    assert other.find("a", href=re.compile(r"/actions/\d+/edit$"))


def test_the_actions_csv_lists_every_action_in_plan_order(client, weak, add_action,
                                                          questionnaire):
    public_id, practice = weak
    second = questionnaire.pillar("measurement").practices[1]
    add_action(public_id, "strategy.big-picture", title="Brief the team", due=None)
    add_action(public_id, second.id, title="=HYPERLINK(\"http://evil\")", owner="+Lead",
               status="done")
    add_action(public_id, practice.id, title="Later one", due=dt.date(2027, 12, 1))
    add_action(public_id, practice.id, title="Sooner one", due=dt.date(2027, 1, 15),
               status="in_progress")
    response = client.get(f"/assessments/{public_id}/actions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = dt.datetime.now(dt.UTC).date()
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="passport-services-{today:%Y-%m-%d}-actions.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    measurement = questionnaire.pillar("measurement")
    on = f" on {today.isoformat()}"  # added by no one known (history: the first status)
    assert rows == [
        ["Priority", "Pillar", "Practice", "Action", "Owner", "Due date", "Status",
         "Status history"],
        ["1", "Measurement", practice.name, "Sooner one", "CX lead", "2027-01-15",
         "In progress", "In progress" + on],
        ["1", "Measurement", practice.name, "Later one", "CX lead", "2027-12-01", "Not started",
         "Not started" + on],
        ["2", measurement.name, second.name, "'=HYPERLINK(\"http://evil\")", "'+Lead",
         "2027-09-30", "Done", "Done" + on],
        ["", "Strategy", questionnaire.pillar("strategy").practices[0].name, "Brief the team",
         "CX lead", "", "Not started", "Not started" + on],
    ]


def test_the_actions_csv_of_a_team_without_actions_has_only_its_header(client, weak):
    public_id, _ = weak
    text = client.get(f"/assessments/{public_id}/actions.csv").data.decode("utf-8-sig")
    assert text == "Priority,Pillar,Practice,Action,Owner,Due date,Status,Status history\r\n"


def test_the_database_refuses_an_unknown_action_status(app, weak):
    public_id, practice = weak
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        db.session.add(Action(assessment_id=assessment.id, practice_id=practice.id,
                              title="Odd", status="someday"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize(("month", "day", "year"), [
    ("9", "2200000000", "2027"), ("99999999999999999999", "1", "2027"), ("13", "1", "2027"),
    ("2", "30", "2027"), ("x", "1", "2027"),
], ids=["huge-day", "huge-month", "month-13", "feb-30", "not-a-number"])
def test_an_impossible_due_date_is_a_clear_message_not_an_error(month, day, year):
    from wtforms.validators import ValidationError

    from assessment.web.forms import parse_due_date

    with pytest.raises(ValidationError, match="real due date"):
        parse_due_date(month, day, year)
