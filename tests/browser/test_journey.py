"""The whole journey in Chromium, found by labels and roles as a user would: start, answer
every pillar, save and resume in another browser, finish, results, reopen and change."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import OWNER_EMAIL, PASSWORD
from tests.browser.journey import (
    answer_pillar,
    choose,
    click_and_wait,
    overall_score,
    pillar_row,
    sign_in,
    start_assessment,
)

PLAN_LINK = re.compile(r"download .*improvement plan", re.IGNORECASE)
PDF_TIMEOUT_MS = 90_000


def journey_choices(questionnaire):
    """Level 4 everywhere, Level 2 in Measurement, and one Don't know in Design."""
    unknown = questionnaire.pillar("design").questions[0]

    def choice_for(question):
        if question == unknown:
            return "unknown"
        return "2" if question.id.startswith("measurement.") else "4"

    return choice_for, unknown


def test_the_whole_journey_works_in_a_browser(page, new_context, live_app):
    questionnaire = live_app.questionnaire
    pillars = questionnaire.pillars
    choice_for, unknown = journey_choices(questionnaire)

    public_id = start_assessment(page)
    answer_pillar(page, pillars[0], choice_for)
    # Previous saves and shows the first pillar again with the answers chosen before.
    answer_pillar(page, pillars[1], choice_for,
                  button=f"Previous page: save and go back to {pillars[0].name}")
    expect(page.locator("h1")).to_contain_text(pillars[0].name)
    first = pillars[0].questions[0]
    expect(page.get_by_role("group", name=first.text)
           .get_by_role("radio", name="Level 4: Foundational")).to_be_checked()
    click_and_wait(page, "button", "Save and continue")
    click_and_wait(page, "button", "Save and continue")  # Governance, already answered
    answer_pillar(page, pillars[2], choice_for, button="Save and come back later")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    link = page.get_by_label("Private link to this assessment").input_value()
    assert link == f"{live_app.url}/assessments/{public_id}"

    # Another browser, with no cookies, signs in and resumes where the team left off.
    other = new_context(signed_in=False).new_page()
    other.goto(link)
    sign_in(other, OWNER_EMAIL, PASSWORD)  # then back to the link
    expect(other.locator("h1")).to_contain_text(pillars[3].name)
    expect(other.locator(".usa-step-indicator__current-step")).to_have_text("4")
    for pillar in pillars[3:]:
        answer_pillar(other, pillar, choice_for)

    expect(other.get_by_role("heading", level=1)).to_contain_text("Review and finish")
    expect(other.get_by_text("You have answered every question.")).to_be_visible()
    click_and_wait(other, "button", "Finish and see results")

    expect(other.get_by_role("heading", level=1)).to_have_text("Results for Passport Services")
    assert overall_score(other) == "3.8 out of 5"  # seven pillars at 4.0, one at 2.0
    expect(other.get_by_text("Level 3: Strategic", exact=True)).to_be_visible()
    assert pillar_row(other, "Measurement") == ["2.0", "2: Tactical", "3.0", "No"]
    assert pillar_row(other, "Strategy") == ["4.0", "4: Foundational", "3.0", "Yes"]
    expect(other.get_by_role("img", name=re.compile("Bar chart of your score"))).to_be_visible()
    weak = other.locator(".app-weak")
    expect(weak).to_have_count(len(questionnaire.pillar("measurement").practices))
    expect(weak.first).to_contain_text("Priority 1")
    gaps = other.get_by_role("heading", name="Things to find out")
    expect(gaps.locator("xpath=following-sibling::ul[1]")).to_contain_text(unknown.text)

    # Reopen, change the Measurement answers, finish again: the results follow.
    click_and_wait(other, "button", "Reopen to change answers")
    expect(other.get_by_role("status")).to_contain_text("You reopened this assessment")
    click_and_wait(other, "link", "Change your Measurement answers")
    measurement = questionnaire.pillar("measurement")
    expect(other.get_by_role("group", name=measurement.questions[0].text)
           .get_by_role("radio", name="Level 2: Tactical")).to_be_checked()
    for question in measurement.questions:
        choose(other, question, "4")
    while "Review and finish" not in other.locator("h1").inner_text():
        click_and_wait(other, "button", "Save and continue")
    click_and_wait(other, "button", "Finish and see results")
    assert overall_score(other) == "4.0 out of 5"
    assert pillar_row(other, "Measurement") == ["4.0", "4: Foundational", "3.0", "Yes"]
    expect(other.get_by_text("Every scored practice meets the target")).to_be_visible()


def test_the_plan_downloads_from_the_results_page(page, make_assessment, live_app, fake_renders):
    """The results page links to the PDF plan, and the link serves a PDF. (What the plan says
    is read in tests/test_report.py; here WeasyPrint is skipped.)"""
    questions = [q for *_, q in live_app.questionnaire.questions()]
    public_id = make_assessment({q.id: "2" for q in questions}, finished=True)
    page.goto(f"/assessments/{public_id}/results")
    link = page.get_by_role("link", name=PLAN_LINK)
    assert link.count() >= 1, (
        "The results page has no 'Download your improvement plan (PDF)' link yet.")
    href = link.first.get_attribute("href")
    target = f"{live_app.url}{href}" if href.startswith("/") else href

    # The same request the browser makes when the link is followed, in this browser's session.
    # WeasyPrint takes seconds for a plan, more on a busy machine: more than the default wait.
    fetched = page.request.get(href, timeout=PDF_TIMEOUT_MS)
    assert fetched.status == 200
    assert fetched.headers["content-type"].startswith("application/pdf")
    assert fetched.body()[:4] == b"%PDF"
    assert len(fake_renders) == 1  # the plan was made for this assessment

    # Following the link in the page: Chromium receives the PDF (shown inline or downloaded).
    with page.expect_response(lambda response: response.url == target) as clicked:
        link.first.click()
    assert clicked.value.status == 200
    assert clicked.value.headers["content-type"].startswith("application/pdf")
