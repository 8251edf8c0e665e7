"""With JavaScript off, the whole journey still works: every page is plain HTML forms and links."""

from __future__ import annotations

import re
from pathlib import Path

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
from tests.browser.visits import WITHOUT_JAVASCRIPT_DIFFERS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_whole_journey_works_without_javascript(new_context, live_app):
    questionnaire = live_app.questionnaire
    pillars = questionnaire.pillars
    page = new_context(java_script_enabled=False).new_page()
    assert page.evaluate("1 + 1") == 2  # Playwright's own probes still run; the page's do not
    page.goto("/")
    assert page.locator("html").get_attribute("class") in (None, "")  # uswds-init did not run

    # A form with mistakes comes back with the error summary at the top, before the form.
    page.goto("/start")
    click_and_wait(page, "button", "Start the assessment")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter your agency.")
    assert page.evaluate("""() => {
        const summary = document.getElementById('error-summary');
        const form = document.querySelector('main form');
        return Boolean(summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    summary.get_by_role("link", name="Enter your agency.").click()
    assert page.evaluate("document.activeElement.id") == "agency"

    public_id = start_assessment(page)

    def choice_for(question):
        return "na" if question.id.startswith("collaboration.") else "3"

    for pillar in pillars[:2]:
        answer_pillar(page, pillar, choice_for)
    answer_pillar(page, pillars[2], choice_for, button="Save and come back later")
    link = page.get_by_label("Private link to this assessment").input_value()
    assert link.endswith(f"/assessments/{public_id}")

    other = new_context(signed_in=False, java_script_enabled=False).new_page()
    other.goto(link)
    sign_in(other, OWNER_EMAIL, PASSWORD)  # then back to the link
    expect(other.locator("h1")).to_contain_text(pillars[3].name)
    for pillar in pillars[3:]:
        answer_pillar(other, pillar, choice_for)
    click_and_wait(other, "button", "Finish and see results")
    expect(other.get_by_role("heading", level=1)).to_have_text("Results for Passport Services")
    assert overall_score(other) == "3.0 out of 5"
    assert pillar_row(other, "Collaboration")[0] == "Not enough answers"
    expect(other.get_by_text("Based on 7 of 8 pillars.")).to_be_visible()

    click_and_wait(other, "button", "Reopen to change answers")
    click_and_wait(other, "link", "Change your Strategy answers")
    for question in pillars[0].questions:
        choose(other, question, "5")
    click_and_wait(other, "button", "Save and come back later")
    click_and_wait(other, "link", "Review your answers")
    click_and_wait(other, "button", "Finish and see results")
    assert pillar_row(other, "Strategy")[:2] == ["5.0", "5: Customer-centric"]
    assert overall_score(other) == "3.3 out of 5"  # (5 + 6 × 3) / 7 = 3.29


def test_the_skip_link_works_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/privacy")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_the_official_banner_shows_what_it_says_without_javascript(new_context):
    """USWDS opens the banner with a script; without one the content shows and the button goes."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.get_by_text("Official websites use .gov")).to_be_visible()
    expect(page.get_by_role("button", name="Here’s how you know")).to_be_hidden()
    with_javascript = new_context().new_page()
    with_javascript.goto("/")
    expect(with_javascript.get_by_text("Official websites use .gov")).to_be_hidden()
    with_javascript.get_by_role("button", name="Here’s how you know").click()
    expect(with_javascript.get_by_text("Official websites use .gov")).to_be_visible()


def test_only_the_official_banner_is_styled_otherwise_without_javascript():
    """The desktop visit audits a page whose document our scripts left alone only where its
    styles differ without JavaScript (visits.WITHOUT_JAVASCRIPT_DIFFERS): a new rule on
    html:not(.app-js) for anything else must widen that."""
    css = (PROJECT_ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rules = re.findall(r"^[^{}/]*:not\(\.app-js\)[^{]*", css, flags=re.M)
    assert rules and all(WITHOUT_JAVASCRIPT_DIFFERS in rule for rule in rules), rules


def test_every_page_passes_axe_without_javascript(desktop_findings, site):
    """Each page as it is without JavaScript: the page the desktop visit loaded, with the class
    app.js adds taken off, when our scripts changed nothing else in its document (axe then looks
    again at the part styled otherwise without scripts, the official banner; the rest is what it
    audited with scripts); otherwise the page loaded again with our scripts blocked, audited
    whole (tests/browser/visits.py)."""
    without_scripts = [page for page in site.pages if not page.needs_javascript]
    assert desktop_findings.audited_without_javascript == len(without_scripts)
    found = desktop_findings.axe_without_javascript
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
