"""The yearly cycle in Chromium, as a team lead and a colleague would live it: sign up, start,
invite, both answer, agree, finish, add actions, download the plan; a year later (the stored
dates moved back a year) start the next assessment from "Your work" on the same team, see the
open action carried over and the done one not, finish, and compare the two years."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from playwright.sync_api import Page, expect

from assessment.extensions import db
from assessment.store.models import Action, ActionStatusChange, Assessment
from tests.browser.journey import answer_pillar, click_and_wait, overall_score

PASSWORD = "correct horse battery staple"
LEAD, COLLEAGUE = "cycle.lead@state.gov", "cycle.colleague@state.gov"
TEAM = {"Agency": "Federal Emergency Management Agency", "Office or team": "Recovery",
        "Service you are assessing": "Individual Assistance"}
OPEN_ACTION, DONE_ACTION = "Run a survey after each visit", "Name a CX lead for the program"
SIGN_UP_LINK = re.compile(r"https?://\S+/sign-up/\S+")
YEAR = dt.timedelta(days=366)
PDF_TIMEOUT_MS = 90_000


def emailed_sign_up_link(caplog: pytest.LogCaptureFixture, email: str) -> str:
    """With no mail server, the sign-up message goes to the server log: read the link there,
    as the person who runs the site would for a newcomer."""
    for record in reversed(caplog.records):
        message = record.getMessage()
        if email in message and (match := SIGN_UP_LINK.search(message)):
            return match.group(0)
    raise AssertionError(f"no sign-up link for {email} in the log")


def sign_up(page: Page, caplog: pytest.LogCaptureFixture, email: str) -> None:
    """On the sign-up page: ask for an account, then open the emailed link and finish."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    click_and_wait(page, "button", "Create the account")
    page.goto(emailed_sign_up_link(caplog, email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish creating your account")
    click_and_wait(page, "button", "Create the account")


def add_action(page: Page, practice: str, title: str, status: str, due: dt.date) -> None:
    """From the results page: add an action to one practice's card."""
    card = page.locator(".app-weak").filter(has=page.get_by_role("heading", name=practice))
    with page.expect_navigation():
        card.get_by_role("link", name=re.compile("^Add an action")).click()
    page.get_by_label("Action", exact=True).fill(title)
    page.get_by_label("Owner (optional)").fill("Recovery CX lead")
    page.get_by_label("Month").select_option(str(due.month))
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("Status").select_option(label=status)
    click_and_wait(page, "button", "Save action")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results for")


def move_a_year_back(live_app, team_service: str) -> None:
    """Time passes: every stored date of the team's assessment and actions moves a year back."""
    with live_app.app.app_context():
        rows = db.session.scalars(db.select(Assessment).join(Assessment.team)
                                  .where(Assessment.team.has(service=team_service))).all()
        for row in rows:
            row.started_at -= YEAR
            row.finished_at = row.finished_at and row.finished_at - YEAR
            row.updated_at -= YEAR
        for action in db.session.scalars(db.select(Action).where(
                Action.assessment_id.in_([row.id for row in rows]))):
            action.created_at -= YEAR
            action.due_date = action.due_date and action.due_date - YEAR
            for change in db.session.scalars(db.select(ActionStatusChange)
                                              .filter_by(action_id=action.id)):
                change.changed_at -= YEAR
        db.session.commit()


def test_one_team_goes_round_the_yearly_cycle(new_context, live_app, caplog, fake_renders):
    caplog.set_level(logging.INFO)
    questionnaire = live_app.questionnaire
    pillars = questionnaire.pillars
    lead = new_context(signed_in=False).new_page()

    # The lead signs up and lands on Your work, then starts the team's first assessment.
    lead.goto("/sign-up")
    sign_up(lead, caplog, LEAD)
    expect(lead.get_by_role("heading", level=1)).to_have_text("Your work")
    click_and_wait(lead, "link", "Start an assessment")
    for label, value in TEAM.items():
        lead.get_by_label(label).fill(value)
    click_and_wait(lead, "button", "Start the assessment")
    public_id = re.search(r"/assessments/([\w-]+)/pillars/", lead.url).group(1)
    for pillar in pillars:
        answer_pillar(lead, pillar, lambda question: "2")
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Review and finish")
    click_and_wait(lead, "button", "Open to the whole team")

    # The lead invites a colleague, who signs up from the invite and joins.
    lead.goto("/your-work")
    click_and_wait(lead, "link", "Open the team page for Individual Assistance")
    lead.get_by_label("Their role").select_option(label="Member")
    click_and_wait(lead, "button", "Make an invite link")
    invite_link = lead.locator("#invite-link").inner_text().strip()
    assert "/invites/" in invite_link

    colleague = new_context(signed_in=False).new_page()
    colleague.goto(invite_link)
    expect(colleague.get_by_role("heading", level=1)).to_have_text(
        "Join the team for Individual Assistance")
    expect(colleague.get_by_role("main")).to_contain_text(LEAD)  # who invited them
    click_and_wait(colleague, "link", "Create an account")
    sign_up(colleague, caplog, COLLEAGUE)
    expect(colleague.get_by_role("heading", level=1)).to_have_text(
        "Join the team for Individual Assistance")  # the invite kept through sign-up
    click_and_wait(colleague, "button", "Join the team")

    # The colleague answers Strategy higher than the lead did.
    colleague.goto(f"/assessments/{public_id}/pillars/{pillars[0].id}")
    answer_pillar(colleague, pillars[0], lambda question: "4", button="Save and come back later")

    # The lead sees where answers differ, records the agreed answer to one, and finishes.
    lead.goto(f"/assessments/{public_id}/team-answers?show=differ")
    first = pillars[0].questions[0]
    with lead.expect_navigation():
        lead.get_by_role("link", name=f"Record the agreed answer to: {first.text}").click()
    lead.get_by_text("Level 3:", exact=False).first.click()
    click_and_wait(lead, "button", "Save the team's answer")
    lead.goto(f"/assessments/{public_id}/review")
    click_and_wait(lead, "button", "Finish and see results")
    expect(lead.get_by_role("heading", level=1)).to_have_text(
        "Results for Individual Assistance")
    year_one_score = overall_score(lead)

    # Two actions on the first priority: one still open, one done this year.
    practice = pillars[1].practices[0].name
    due = dt.date.today() + dt.timedelta(days=90)
    add_action(lead, practice, OPEN_ACTION, "Not started", due)
    add_action(lead, practice, DONE_ACTION, "Done", due)

    # The plan downloads as a PDF, made from a plan that lists both actions. (WeasyPrint is
    # skipped here: tests/test_report.py reads real plans.)
    plan = lead.get_by_role("link", name=re.compile(r"download .*improvement plan", re.I)).first
    fetched = lead.request.get(plan.get_attribute("href"), timeout=PDF_TIMEOUT_MS)
    assert fetched.status == 200 and fetched.body()[:4] == b"%PDF"
    assert OPEN_ACTION in fake_renders[-1] and DONE_ACTION in fake_renders[-1]

    # A year later: Your work says the next assessment is overdue and the open action too.
    move_a_year_back(live_app, TEAM["Service you are assessing"])
    lead.goto("/")
    with lead.expect_navigation():
        lead.get_by_role("navigation").get_by_role("link", name="Your work").first.click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Your work")
    main = lead.get_by_role("main")
    expect(main).to_contain_text("Overdue since")
    due_table = lead.get_by_role("table", name="Actions due or overdue")
    expect(due_table).to_contain_text(OPEN_ACTION)
    expect(due_table).to_contain_text("Overdue")
    expect(due_table).not_to_contain_text(DONE_ACTION)

    # The next assessment starts on the same team, from Your work.
    with lead.expect_navigation():
        main.get_by_role("button", name="Start the next assessment for Individual Assistance") \
            .click()
    next_id = re.search(r"/assessments/([\w-]+)/", lead.url).group(1)
    assert next_id != public_id
    for pillar in pillars:
        answer_pillar(lead, pillar, lambda question: "3")
    click_and_wait(lead, "button", "Finish and see results")
    assert overall_score(lead) != year_one_score

    # The open action is carried over, with where it came from; the done one stays behind.
    main = lead.get_by_role("main")
    expect(main).to_contain_text(OPEN_ACTION)
    expect(main).to_contain_text("Carried over from the assessment")
    expect(main).not_to_contain_text(DONE_ACTION)
    actions_csv = lead.request.get(f"/assessments/{next_id}/actions.csv").text()
    assert OPEN_ACTION in actions_csv and DONE_ACTION not in actions_csv

    # The two years side by side, on the same team.
    click_and_wait(lead, "link", "Compare with another assessment")
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Compare")
    with live_app.app.app_context():
        both = db.session.scalars(db.select(Assessment).where(
            Assessment.public_id.in_([public_id, next_id]))).all()
        assert len(both) == 2 and len({row.team_id for row in both}) == 1
