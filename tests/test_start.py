"""Start = choose a team: your teams first (start the next assessment, or continue the draft),
a new team second; a new team with the name of one of yours is refused, with a link to it."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.store.models import MEMBER, OWNER, Assessment, Membership, Team
from tests.conftest import check_page, page_text, sign_in_as

STATE = {"agency": "Department of State", "office": "Bureau of Consular Affairs"}


def team_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Team))


def draft_count(app, team_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Assessment)
                                 .filter_by(team_id=team_id, status="draft"))


def team_of(app, public_id: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))


def post_start(client, csrf_token, **fields):
    return client.post("/start", data={"csrf_token": csrf_token(), **STATE,
                                       "service": "Passport Services", **fields})


def test_start_offers_your_teams_first_then_a_new_team(client, make_assessment):
    finished = make_assessment(finished=True)
    draft = make_assessment(service="Visa Services")
    page = check_page(client.get("/start").data)
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings.index("Your teams") < headings.index("A new team")
    start = page.find("form", action=f"/teams/{team_of(client.application, finished)}"
                                     "/assessments")
    assert "Start the next assessment" in start.get_text()
    assert page.find("a", href=f"/assessments/{draft}").get_text().startswith(
        "Continue the assessment")
    assert page.find("form", id="new-team")


def test_start_without_teams_asks_only_for_the_new_team(client):
    page = check_page(client.get("/start").data)
    assert not page.find("h2", string="Your teams")
    assert page.find("form", id="new-team")


@pytest.mark.parametrize("typed", [
    {"service": "Passport Services"},
    {"service": "  passport   SERVICES ", "agency": "department of state"},
    {"office": "Bureau of  Consular Affairs\t"},
])
def test_a_new_team_with_the_name_of_one_of_yours_is_refused_with_a_link_to_it(
        app, client, csrf_token, make_assessment, typed):
    team_id = team_of(app, make_assessment(finished=True))
    before = team_count(app)
    response = post_start(client, csrf_token, **typed)
    assert response.status_code == 200
    page = check_page(response.data)
    assert page.title.get_text().startswith("Error:")
    assert "You already have a team with this agency, office and service" in page_text(page)
    assert page.find("a", href=f"/teams/{team_id}")
    assert team_count(app) == before


def test_a_team_you_only_view_still_counts_as_yours(app, csrf_token, make_assessment,
                                                    make_user, join_team):
    public_id = make_assessment(finished=True)
    viewer = make_user("v@state.gov")
    join_team(public_id, viewer, "viewer")
    browser = sign_in_as(app.test_client(), viewer)
    token = check_page(browser.get("/start").data).find(
        "form", id="new-team").find("input", attrs={"name": "csrf_token"})["value"]
    response = browser.post("/start", data={"csrf_token": token, **STATE,
                                            "service": "Passport Services"})
    assert response.status_code == 200 and team_count(app) == 1
    assert check_page(response.data).find("a", href=f"/teams/{team_of(app, public_id)}")


def test_a_team_of_the_same_name_that_you_cannot_see_is_not_revealed(
        app, client, csrf_token, make_assessment, make_user):
    """Refusing would tell an outsider that another agency's team exists, so the new team is
    made, separate and yours; nothing of the other team shows."""
    other = make_assessment(owner=make_user("x@state.gov"))
    response = post_start(client, csrf_token)
    assert response.status_code == 302
    with app.app_context():
        mine = db.session.scalars(db.select(Membership).filter_by(role=OWNER)).all()
        assert len({m.team_id for m in mine}) == 2
    assert team_of(app, other) not in {
        int(a["href"].split("/")[2]) for a in check_page(client.get("/your-work").data)
        .find_all("a", href=lambda h: h and h.startswith("/teams/") and h[7:].isdigit())}


def test_the_demo_team_does_not_block_a_real_team_of_that_name(app, client, csrf_token):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    response = post_start(client, csrf_token)
    assert response.status_code == 302


def test_a_new_team_starts_its_first_assessment_and_is_yours(app, client, csrf_token):
    response = post_start(client, csrf_token, service="Passport cards")
    assert response.status_code == 302 and "/pillars/" in response.location
    with app.app_context():
        team = db.session.scalar(db.select(Team).filter_by(service="Passport cards"))
        assert [m.role for m in team.memberships] == [OWNER]
        assert len(team.assessments) == 1


def test_starting_the_next_assessment_while_one_is_in_progress_continues_it(
        app, client, csrf_token, make_assessment):
    draft = make_assessment()
    team_id = team_of(app, draft)
    response = client.post(f"/teams/{team_id}/assessments", data={"csrf_token": csrf_token()})
    assert response.status_code == 302 and response.location == f"/assessments/{draft}"
    assert draft_count(app, team_id) == 1


def test_starting_the_next_assessment_after_a_finished_one_makes_a_draft(
        app, client, csrf_token, make_assessment):
    team_id = team_of(app, make_assessment(finished=True))
    response = client.post(f"/teams/{team_id}/assessments", data={"csrf_token": csrf_token()})
    assert response.status_code == 302
    assert draft_count(app, team_id) == 1


def test_members_may_not_start_the_next_assessment(app, make_assessment, make_user, join_team):
    public_id = make_assessment(finished=True)
    member = make_user("m@state.gov")
    join_team(public_id, member, MEMBER)
    browser = sign_in_as(app.test_client(), member)
    page = check_page(browser.get("/start").data)
    assert "Only an owner of this team can start its next assessment" in page_text(page)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    team_id = team_of(app, public_id)
    assert browser.post(f"/teams/{team_id}/assessments",
                        data={"csrf_token": token}).status_code == 403
    assert draft_count(app, team_id) == 0


def test_the_team_page_offers_to_continue_the_draft_instead_of_starting_another(
        app, client, make_assessment):
    draft = make_assessment()
    page = check_page(client.get(f"/teams/{team_of(app, draft)}").data)
    assert page.find("a", href=f"/assessments/{draft}", string="Continue the assessment "
                                                              "in progress")
    assert not page.find("form", action=f"/teams/{team_of(app, draft)}/assessments")
