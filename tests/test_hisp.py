"""A team says its service is a designated High Impact Service Provider (HISP): from the
profiles or typed in. Results and the plan then use A-11 Section 280's words, and the peer
spread can be limited to HISPs, with the same five-team minimum."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.rules import hisp
from assessment.rules.peers import MIN_TEAMS
from assessment.store import teams
from assessment.store.models import Assessment, AuditEvent, Team
from tests.conftest import check_page, page_text


def team_of(public_id: str) -> Team:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)).team


def token(client, path: str) -> str:
    return check_page(client.get(path).data.decode()).find(
        "input", attrs={"name": "csrf_token"})["value"]


def post_hisp(client, team_id: int, form: dict[str, str]):
    """Post the HISP form as the page sends it, with its token."""
    path = f"/teams/{team_id}/hisp"
    return client.post(path, data={"csrf_token": token(client, path), **form})


@pytest.fixture
def finished(app, make_assessment, questionnaire) -> tuple[str, int]:
    public_id = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                                finished=True)
    with app.app_context():
        return public_id, team_of(public_id).id


@pytest.mark.parametrize(("form", "kept"), [
    ({"is_hisp": "yes", "service": "Individual Taxpayer Services"},
     "Individual Taxpayer Services"),
    ({"is_hisp": "yes", "service": hisp.OTHER, "other_service": "  Tribal Health Clinics "},
     "Tribal Health Clinics"),
    ({"is_hisp": "no", "service": "Passport Services"}, None),
])
def test_an_owner_marks_the_service_as_a_hisp_from_the_profiles_or_typed(
        app, client, finished, form, kept):
    response = post_hisp(client, finished[1], form)
    assert response.status_code == 302
    _, team_id = finished
    with app.app_context():
        team = db.session.get(Team, team_id)
        assert (team.is_hisp, team.hisp_service) == (kept is not None, kept)
        assert db.session.scalar(db.select(AuditEvent.detail).filter_by(
            action="hisp_changed")) == (kept or "not a HISP")


@pytest.mark.parametrize(("form", "message"), [
    ({}, "Choose yes or no."),
    ({"is_hisp": "yes"}, "Choose your service, or choose another service and type its name."),
    ({"is_hisp": "yes", "service": hisp.OTHER}, "Type the name of your service."),
])
def test_a_missing_choice_shows_the_form_again_and_stores_nothing(
        app, client, finished, form, message):
    _, team_id = finished
    response = post_hisp(client, team_id, form)
    assert response.status_code == 200
    assert message in page_text(check_page(response.data.decode()))
    with app.app_context():
        assert db.session.get(Team, team_id).is_hisp is False


def test_a_service_the_page_never_offered_is_refused(app, client, finished):
    _, team_id = finished
    response = post_hisp(client, team_id, {"is_hisp": "yes", "service": "Made-up Service"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Team, team_id).is_hisp is False


def test_results_and_plan_use_a11_language_for_a_hisp_only(app, client, finished):
    public_id, team_id = finished
    results = page_text(check_page(client.get(f"/assessments/{public_id}/results").data.decode()))
    assert "As a High Impact Service Provider" not in results
    with app.app_context():
        teams.set_hisp(db.session.get(Team, team_id), "Passport Services")
        db.session.commit()
    results = page_text(check_page(client.get(f"/assessments/{public_id}/results").data.decode()))
    assert "As a High Impact Service Provider" in results
    for duty in hisp.DUTIES:
        assert duty in results
    with app.test_request_context():
        from assessment.report.pdf import plan_context, render_plan_html
        with app.app_context():
            assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
            html = render_plan_html(plan_context(assessment))
    assert "High Impact Service Provider</th><td>Yes: Passport Services" in html
    assert hisp.DUTIES[1] in html


def test_the_peer_spread_can_be_limited_to_hisps_with_the_same_minimum(
        app, client, make_assessment, questionnaire, finished):
    public_id, team_id = finished
    answers = {q.id: "4" for *_, q in questionnaire.questions()}
    others = [make_assessment(answers, finished=True, service=f"Service {n}")
              for n in range(MIN_TEAMS)]
    with app.app_context():
        for n, other in enumerate(others):  # all but one other team are HISPs
            if n:
                teams.set_hisp(team_of(other), "Passport Services")
        teams.set_hisp(db.session.get(Team, team_id), "Individual Taxpayer Services")
        db.session.commit()
    url = f"/assessments/{public_id}/results"
    everyone = check_page(client.get(url).data.decode())
    assert everyone.select(".app-peers") and "Compare with other HISPs only" in page_text(everyone)
    only = check_page(client.get(url, query_string={"peers": "hisp"}).data.decode())
    assert "You are comparing with other HISPs only" in page_text(only)
    assert not only.select(".app-peers")  # four HISPs: fewer than the minimum
    with app.app_context():
        teams.set_hisp(team_of(others[0]), "Passport Services")
        db.session.commit()
    only = check_page(client.get(url, query_string={"peers": "hisp"}).data.decode())
    assert only.select(".app-peers")


def test_a_weak_practice_shows_the_example_a_profiled_service_gives(app, client, finished,
                                                                    questionnaire):
    public_id, _ = finished
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    practice = next(p for pillar in questionnaire.pillars for p in pillar.practices
                    if p.id == "customer-understanding.who-you-serve")
    weak = page.find(id=f"practice-{practice.id}")
    assert f"An example to learn from: {practice.examples[0]}" in weak.get_text(" ", strip=True)
