"""An organization in Chromium, as a CX office and two team leads would use it: the office makes
the organization and two invite links, each lead brings a team in, the portfolio shows both
with their scores and shared weaknesses, a third team stays invisible, and a team that leaves
disappears."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from assessment.extensions import db
from assessment.store import accounts
from tests.browser.conftest import session_cookie
from tests.browser.journey import click_and_wait
from tests.conftest import store_assessment

DEPARTMENT = "Department of Journeys"


def signed_in_page(new_context, live_app, email: str) -> Page:
    """A browser signed in as a new account with this address."""
    with live_app.app.app_context():
        user_id = accounts.create_user(email, "correct horse battery staple").id
        db.session.commit()
    context: BrowserContext = new_context(signed_in=False)
    context.add_cookies([session_cookie(live_app.app, user_id) | {"url": live_app.url}])
    return context.new_page()


def team_with_scores(live_app, email: str, service: str, strategy: str, rest: str) -> None:
    """A finished assessment of a new team owned by the account: Strategy at one level, every
    other pillar at another."""
    questionnaire = live_app.questionnaire
    with live_app.app.app_context():
        owner = accounts.find_user(email)
        store_assessment(questionnaire, {
            q.id: strategy if pillar.id == "strategy" else rest
            for pillar, _, q in questionnaire.questions()}, True, service, owner.id)


def invite_link(office: Page) -> str:
    office.get_by_role("link", name="People and teams").click()
    click_and_wait(office, "button", "Make an invite link for a team")
    link = office.locator("#invite-link").inner_text()
    office.go_back()
    office.go_back()
    return link


def join(lead: Page, link: str, service: str) -> None:
    lead.goto(link)
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Join {DEPARTMENT}")
    lead.get_by_text(re.compile(f"^{service},")).click()
    click_and_wait(lead, "button", f"Join {DEPARTMENT}")
    expect(lead.get_by_text(f"joined {DEPARTMENT}")).to_be_visible()


def services_in(office: Page) -> dict[str, list[str]]:
    """The portfolio table: each service's cells (its name cell holds office and HISP too)."""
    rows = office.get_by_role("table", name=re.compile("^Latest finished scores")) \
        .locator("tbody tr")
    return {row.locator("th").inner_text().split("\n")[0]: row.locator("td").all_inner_texts()
            for row in rows.all()}


def test_an_office_sees_the_teams_that_join_and_not_those_that_leave(new_context, live_app):
    office = signed_in_page(new_context, live_app, "cx.office@journeys.gov")
    first = signed_in_page(new_context, live_app, "aid.lead@journeys.gov")
    second = signed_in_page(new_context, live_app, "loans.lead@journeys.gov")
    team_with_scores(live_app, "aid.lead@journeys.gov", "Journey aid", "2", "4")
    team_with_scores(live_app, "loans.lead@journeys.gov", "Journey loans", "1", "3")
    team_with_scores(live_app, "loans.lead@journeys.gov", "Journey secrets", "5", "5")

    office.goto("/organizations")
    office.get_by_label("Name of the department, agency or bureau").fill(DEPARTMENT)
    click_and_wait(office, "button", "Make the organization")
    expect(office.get_by_role("heading", level=1)).to_have_text(f"{DEPARTMENT}: portfolio")
    portfolio = office.url.split("#")[0]  # the form's #new-organization carries over
    join(first, invite_link(office), "Journey aid")
    join(second, invite_link(office), "Journey loans")

    office.goto(portfolio)
    services = services_in(office)
    assert set(services) == {"Journey aid", "Journey loans"}  # not Journey secrets
    assert services["Journey aid"][0].startswith("2.0 Tactical")
    assert services["Journey loans"][0].startswith("1.0 Reactive")
    assert services["Journey loans"][1].startswith("3.0 Strategic")
    weaknesses = office.locator("#shared-weaknesses + p + ol")
    strategy = live_app.questionnaire.pillar("strategy")
    expect(weaknesses.get_by_role("link")).to_have_count(len(strategy.practices))
    weaknesses.get_by_role("link", name=strategy.practices[0].name).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text(strategy.practices[0].name)
    expect(office.get_by_text("Below target in 2 services")).to_be_visible()

    # Sorting is a link: Strategy, lowest first, puts Journey loans at the top.
    office.goto(portfolio)
    office.get_by_role("link", name=re.compile("^Strategy")).click()
    assert list(services_in(office))[0] == "Journey loans"

    # The second team's owner leaves from the team page; the portfolio no longer shows it.
    second.goto("/teams")
    click_and_wait(second, "link", "Open the team page for Journey loans")
    click_and_wait(second, "button", f"Leave {DEPARTMENT}")
    expect(second.get_by_text(f"left {DEPARTMENT}")).to_be_visible()
    office.goto(portfolio)
    assert set(services_in(office)) == {"Journey aid"}
