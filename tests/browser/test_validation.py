"""Independent validation in Chromium: an organization's reviewer challenges one answer and
validates the rest; the team sees the challenge, replies, reopens, changes the answer and
finishes; results show the validation state of each score, and so does the plan's data."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assessment.extensions import db
from assessment.report.pdf import plan_context
from assessment.store import accounts
from assessment.store.models import (
    ORG_REVIEWER,
    Assessment,
    Organization,
    OrganizationMember,
    OrganizationTeam,
)
from tests.browser.conftest import session_cookie
from tests.browser.journey import choose, click_and_wait, pillar_row

SERVICE = "Passport renewal by mail"
COMMENT = "Show us the signed CX strategy, not a draft."
REPLY = "The signed strategy is on our intranet; we will publish it."


def test_a_reviewer_challenges_one_answer_and_the_team_changes_it(
        page, new_context, live_app, make_assessment):
    app, questionnaire = live_app.app, live_app.questionnaire
    strategy, governance = questionnaire.pillars[0], questionnaire.pillars[1]
    first = strategy.questions[0]
    public_id = make_assessment({q.id: "3" for *_, q in questionnaire.questions()}
                                | {first.id: "5"}, finished=True, service=SERVICE)
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        reviewer = accounts.create_user("cx.office@state.gov", "a long reviewer password")
        organization = Organization(name="Department of State, CX office")
        db.session.add(organization)
        db.session.flush()
        db.session.add_all([
            OrganizationMember(organization_id=organization.id, user_id=reviewer.id,
                               role=ORG_REVIEWER),
            OrganizationTeam(organization_id=organization.id, team_id=assessment.team_id)])
        db.session.commit()
        assessment_id, reviewer_id = assessment.id, reviewer.id

    # The reviewer finds the assessment, challenges the first answer and validates the rest.
    context = new_context(signed_in=False)
    context.add_cookies([session_cookie(app, reviewer_id) | {"url": live_app.url}])
    review = context.new_page()
    review.goto("/reviews")
    with review.expect_navigation():
        review.get_by_role("link", name=re.compile(f"^{SERVICE} ?, review")).click()
    expect(review.get_by_role("heading", level=1)).to_have_text(f"Review the answers of {SERVICE}")
    for label in review.locator("label.usa-radio__label[for$='-validated']").all():
        label.click()
    review.locator(f"label[for='verdict-{first.id}-challenged']").click()
    review.get_by_label(f"Comment on question 1 of {strategy.name}").fill(COMMENT)
    click_and_wait(review, "button", "Save your review")
    expect(review.get_by_role("main")).to_contain_text("1 challenged")

    # The team sees the challenge and the state of each score, and replies.
    page.goto(f"/assessments/{public_id}/results")
    expect(page.locator("#challenges")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(COMMENT)
    assert pillar_row(page, strategy.name)[-1].lower() == "challenged"
    assert pillar_row(page, governance.name)[-1].lower() == "validated"
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(
            f"^Reply to this challenge +about {re.escape(first.text)}")).click()
    page.get_by_label("Your reply").fill(REPLY)
    click_and_wait(page, "button", "Send your reply")
    review.reload()
    expect(review.get_by_role("main")).to_contain_text(REPLY)

    # The owner reopens, changes the challenged answer and finishes again.
    click_and_wait(page, "button", "Reopen to change answers")
    page.goto(f"/assessments/{public_id}/pillars/{strategy.id}")
    choose(page, first, "3")
    click_and_wait(page, "button", "Save and continue")
    page.goto(f"/assessments/{public_id}/review")
    click_and_wait(page, "button", "Finish and see results")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results for {SERVICE}")
    assert pillar_row(page, strategy.name)[-1].lower() == "self-reported"
    assert pillar_row(page, governance.name)[-1].lower() == "validated"
    expect(page.get_by_role("main")).not_to_contain_text(COMMENT)
    with app.app_context():
        plan = plan_context(db.session.get(Assessment, assessment_id))
    states = {s.pillar: s.state for s in plan.validation.scores if s.practice is None}
    assert states[strategy.name] == "self-reported"
    assert states[governance.name] == "validated"
    assert (plan.validation.overall, plan.validation.challenged) == ("self-reported", 0)
