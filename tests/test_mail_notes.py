"""Pages that send mail say where it goes when no mail server is set: the server log."""

from __future__ import annotations

import pytest

from tests.conftest import check_page, page_text

NOTE = "Email is not set up on this server."


@pytest.fixture
def team_page(make_assessment, app) -> str:
    from assessment.extensions import db
    from assessment.store.models import Assessment

    public_id = make_assessment()
    with app.app_context():
        team_id = db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))
    return f"/teams/{team_id}"


@pytest.mark.parametrize("path", ["/sign-up", "/reset-password", "team page"])
def test_pages_that_send_mail_say_it_goes_to_the_log_without_a_mail_server(
        app, client, anonymous, team_page, path):
    browser = client if path == "team page" else anonymous
    text = page_text(check_page(browser.get(team_page if path == "team page" else path).data))
    assert NOTE in text


@pytest.mark.parametrize("path", ["/sign-up", "/reset-password", "team page"])
def test_with_a_mail_server_the_pages_say_nothing_of_the_log(app, client, anonymous,
                                                             team_page, path):
    app.config["MAIL_SERVER"] = "smtp.example.gov"
    browser = client if path == "team page" else anonymous
    text = page_text(check_page(browser.get(team_page if path == "team page" else path).data))
    assert NOTE not in text


def test_asking_for_a_reset_without_a_mail_server_says_where_the_link_is(anonymous):
    page = check_page(anonymous.get("/reset-password").data)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = anonymous.post("/reset-password", data={"csrf_token": token,
                                                       "email": "nobody@state.gov"})
    assert response.status_code == 302
    text = page_text(check_page(anonymous.get(response.location).data))
    assert "The link is in the server log" in text and "we sent it a link" not in text
