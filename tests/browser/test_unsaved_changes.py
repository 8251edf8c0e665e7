"""The warning before leaving a pillar page with answers not saved yet (static/js): only once a
field differs from what the page loaded with, and never when a save button is pressed."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.journey import answer_name, click_and_wait


def test_leaving_with_unsaved_answers_asks_first_and_saving_does_not(page: Page,
                                                                     make_assessment,
                                                                     live_app) -> None:
    questionnaire = live_app.questionnaire
    strategy, governance = questionnaire.pillars[:2]
    public_id = make_assessment(service="Unsaved changes check")
    url = f"/assessments/{public_id}/pillars/{strategy.id}"
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto(url)
    step_link = page.get_by_role("link", name=governance.name, exact=True)
    # A note typed and cleared again is no change: the link leaves without asking.
    note = page.get_by_role("textbox").first
    note.fill("draft")
    note.fill("")
    click_and_wait(page, "link", governance.name)
    assert dialogs == []

    page.goto(url)
    group = page.get_by_role("group", name=strategy.questions[0].text)
    group.get_by_text(answer_name(page, "4")).first.click()
    with page.expect_event("dialog"):
        step_link.click(no_wait_after=True)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(f"{live_app.url}{url}")  # the visitor chose to stay

    click_and_wait(page, "button", "Save and continue")  # saving never asks
    assert dialogs == ["beforeunload"]
    expect(page.locator("h1")).to_contain_text(governance.name)
