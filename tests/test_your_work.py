"""Your work: the signed-in home. Sign-in lands there; it shows your teams with their latest
score and trend, drafts to continue, actions due or overdue and the next assessment's date."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.extensions import db
from assessment.rules.wording import date_text
from assessment.rules.yearly_cycle import next_assessment_due
from assessment.store import operations
from assessment.store.models import MEMBER, VIEWER, Assessment
from assessment.store.operations import ActionDetails
from tests.conftest import PASSWORD, check_page, page_text, sign_in_as

TODAY = dt.datetime.now(dt.UTC).date()
LATEST_FINISH = TODAY - dt.timedelta(days=20)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0))


def _assessment(app, public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


@pytest.fixture
def cycle(app, questionnaire, make_assessment):
    """Passport Services: two finished assessments (2.0 then 3.0), the later finished 20 days
    ago, with actions due at different times; and a draft of Visa Services."""
    questions = [q for *_, q in questionnaire.questions()]
    first = make_assessment({q.id: "2" for q in questions}, finished=True)
    second = make_assessment({q.id: "3" for q in questions}, finished=True)
    draft = make_assessment({questions[0].id: "4"}, service="Visa Services")
    practice = questionnaire.pillars[0].practices[0].id
    with app.app_context():
        earlier, later = _assessment(app, first), _assessment(app, second)
        later.team_id = earlier.team_id
        earlier.started_at = _noon(LATEST_FINISH - dt.timedelta(days=380))
        earlier.finished_at = _noon(LATEST_FINISH - dt.timedelta(days=370))
        later.finished_at = _noon(LATEST_FINISH)
        for title, days, status in (("Overdue brief", -3, "in_progress"),
                                    ("Soon survey", 20, "not_started"),
                                    ("Later charter", 45, "not_started"),
                                    ("Done already", -1, "done")):
            operations.add_action(later, practice, ActionDetails(
                title, "CX lead", TODAY + dt.timedelta(days=days), status))
        operations.add_action(later, practice, ActionDetails("Undated idea", "", None,
                                                             "not_started"))
        db.session.commit()
        team_id = earlier.team_id
    return {"team_id": team_id, "first": first, "latest": second, "draft": draft}


def test_signing_in_lands_on_your_work(anonymous, make_user):
    make_user()
    page = check_page(anonymous.get("/sign-in").data)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = anonymous.post("/sign-in", data={"csrf_token": token, "email": "lead@state.gov",
                                                "password": PASSWORD, "next": ""})
    assert response.status_code == 302 and response.location == "/your-work"


def test_your_work_shows_each_team_with_its_latest_score_trend_and_next_due_date(client, cycle):
    page = check_page(client.get("/your-work").data)
    text = page_text(page)
    assert page.h1.get_text() == "Your work"
    card = page_text(page.find("h3", string="Passport Services").find_parent("li"))
    assert "3.0 out of 5, level 3" in card
    assert "Up 1.0 since the assessment before" in card
    due = next_assessment_due(LATEST_FINISH)
    assert f"Due by {date_text(due)}" in card and f"on {date_text(LATEST_FINISH)}" in card
    assert page.find("a", href=f"/assessments/{cycle['latest']}/results")
    assert "Visa Services" in text and "No finished assessment yet" in text


def test_your_work_offers_the_draft_to_continue_and_the_next_assessment_to_start(client,
                                                                                  cycle):
    page = check_page(client.get("/your-work").data)
    drafts = page.find("h2", string="Continue where you left off").find_next("ul")
    assert drafts.find("a", href=f"/assessments/{cycle['draft']}")
    starts = page.find_all("form", action=f"/teams/{cycle['team_id']}/assessments")
    assert starts and "Start the next assessment" in starts[0].get_text()


def test_your_work_lists_actions_overdue_or_due_within_30_days_and_not_done(client, cycle):
    page = check_page(client.get("/your-work").data)
    table = page.find("table", class_="app-due-actions")
    rows = [page_text(row) for row in table.tbody.find_all("tr")]
    assert [row.split(" Owner")[0].strip() for row in rows] == ["Overdue brief", "Soon survey"]
    assert "Overdue" in rows[0] and "Overdue" not in rows[1]


def test_your_work_says_so_when_nothing_is_due_and_you_have_no_team(client):
    text = page_text(check_page(client.get("/your-work").data))
    assert "No actions are overdue or due in the next 30 days" in text
    assert "You are not in a team yet" in text


def test_a_team_whose_latest_finish_is_over_a_year_ago_is_overdue(app, client, cycle):
    finished = TODAY - dt.timedelta(days=400)
    with app.app_context():
        for public_id in (cycle["first"], cycle["latest"]):
            _assessment(app, public_id).finished_at = _noon(finished)
        db.session.commit()
    card = page_text(check_page(client.get("/your-work").data)
                     .find("h3", string="Passport Services").find_parent("li"))
    assert f"Overdue since {date_text(next_assessment_due(finished))}" in card


@pytest.mark.parametrize(("role", "button", "open_to_team"), [
    (MEMBER, "See its progress", False),
    (MEMBER, "Continue the assessment", True),
    (VIEWER, "See its progress", True),
])
def test_a_member_or_viewer_continues_a_draft_only_when_they_may_answer(
        app, cycle, make_user, join_team, role, button, open_to_team):
    person = make_user("colleague@state.gov")
    join_team(cycle["draft"], person, role)
    with app.app_context():
        _assessment(app, cycle["draft"]).open_to_team = open_to_team
        db.session.commit()
    page = check_page(sign_in_as(app.test_client(), person).get("/your-work").data)
    card = page.find("h3", string="Visa Services").find_parent("li")
    assert button in card.get_text()
    assert not card.find("form")  # only owners start assessments


def test_only_owners_are_offered_to_start_the_next_assessment(app, cycle, make_user,
                                                              join_team):
    person = make_user("colleague@state.gov")
    join_team(cycle["latest"], person, MEMBER)
    page = check_page(sign_in_as(app.test_client(), person).get("/your-work").data)
    card = page.find("h3", string="Passport Services").find_parent("li")
    assert not card.find("form")
    assert "Only an owner of this team can start its next assessment" in page_text(card)


def test_your_work_shows_nothing_of_teams_you_are_not_in(app, cycle, make_user):
    outsider = sign_in_as(app.test_client(), make_user("x@irs.gov"))
    text = page_text(check_page(outsider.get("/your-work").data))
    assert "Passport Services" not in text and "Overdue brief" not in text


def test_your_work_asks_signed_out_visitors_to_sign_in(anonymous):
    response = anonymous.get("/your-work")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_the_header_links_to_your_work_when_signed_in(client, anonymous):
    assert check_page(client.get("/how-scoring-works").data).find(
        "nav").find("a", href="/your-work")
    assert not check_page(anonymous.get("/how-scoring-works").data).find(
        "nav").find("a", href="/your-work")


def test_a_team_with_a_trend_links_to_its_history(client, cycle):
    card = check_page(client.get("/your-work").data).find(
        "h3", string="Passport Services").find_parent("li")
    assert card.find("a", href=f"/teams/{cycle['team_id']}/history")
