"""Evidence and independent validation, through the Flask test client: a reviewer of the
team's organization validates and challenges answers; the team replies, reopens, changes the
answer and finishes again; every step is in the audit log."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.report.pdf import plan_context
from assessment.store.models import (
    ORG_REVIEWER,
    AnswerReview,
    Assessment,
    AuditEvent,
    Organization,
    OrganizationMember,
    OrganizationTeam,
)
from tests.conftest import check_page, page_text, sign_in_as


def form_of(page: BeautifulSoup, action_part: str) -> dict[str, str]:
    """What a browser would post from the form whose action contains action_part."""
    form = next(f for f in page.find_all("form") if action_part in f.get("action", ""))
    data = {}
    for field in form.find_all(["input", "textarea"]):
        if field.get("type") == "radio":
            if field.has_attr("checked"):
                data[field["name"]] = field["value"]
        elif field.name == "textarea":
            data[field["name"]] = field.text
        elif field.get("name"):
            data[field["name"]] = field.get("value", "")
    return data


@pytest.fixture
def org(app, make_user, make_assessment, questionnaire):
    """A finished assessment of a team in an organization with a reviewer: the first question
    at level 5 with a note, every other at level 2; and a reviewer of another organization."""
    first = questionnaire.pillars[0].questions[0]
    answers = {q.id: "2" for *_, q in questionnaire.questions()} | {first.id: "5"}
    public_id = make_assessment(answers, finished=True)
    reviewer, stranger = make_user("cx-office@state.gov"), make_user("cx@irs.gov")
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        assessment.responses[0].answers[0].note = "Signed CX strategy, March 2026"
        mine, other = Organization(name="Department of State"), Organization(name="Treasury")
        db.session.add_all([mine, other])
        db.session.flush()
        db.session.add_all([
            OrganizationMember(organization_id=mine.id, user_id=reviewer, role=ORG_REVIEWER),
            OrganizationMember(organization_id=other.id, user_id=stranger, role=ORG_REVIEWER),
            OrganizationTeam(organization_id=mine.id, team_id=assessment.team_id)])
        db.session.commit()
        ids = {"organization": mine.id, "team": assessment.team_id, "assessment": assessment.id}
    return {"public_id": public_id, "reviewer": sign_in_as(app.test_client(), reviewer),
            "stranger": sign_in_as(app.test_client(), stranger), "first": first, **ids}


def events(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_a_reviewer_challenges_one_answer_the_team_replies_changes_it_and_finishes(
        app, client, org, questionnaire):
    reviewer, public_id, first = org["reviewer"], org["public_id"], org["first"]
    home = check_page(reviewer.get("/your-work").data)
    assert home.find("a", href="/reviews", string="See the assessments to review")
    assert "/reviews" not in client.get("/your-work").data.decode()  # not a reviewer
    listing = page_text(check_page(reviewer.get("/reviews").data))
    assert "Passport Services" in listing and "Not started" in listing
    url = f"/assessments/{public_id}/validation"
    page = check_page(reviewer.get(url).data)
    text = page_text(page)
    assert "Level 5: Customer-centric" in text or "Level 5:" in text
    assert "Signed CX strategy, March 2026" in text  # the note behind the answer
    assert "owner@state.gov" not in text and "Brief the team" not in text  # nothing else

    # Challenging without a comment: the page again, with what was chosen kept.
    data = form_of(page, "/validation")
    questions = [q.id for *_, q in questionnaire.questions()]
    for question_id in questions:
        data[f"verdict-{question_id}"] = "validated"
    data[f"verdict-{first.id}"] = "challenged"
    refused = reviewer.post(url, data=data)
    assert refused.status_code == 200
    again = check_page(refused.data)
    assert "Say why you challenge this answer" in page_text(again)
    assert again.find("input", attrs={"name": f"verdict-{first.id}", "value": "challenged"}
                      ).has_attr("checked")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AnswerReview.id))) == 0

    data[f"comment-{first.id}"] = "Show us the signed strategy, not a draft."
    assert reviewer.post(url, data=data).status_code == 302
    done = page_text(check_page(reviewer.get(url).data))
    assert f"{len(questions) - 1} validated, 1 challenged" in done
    assert events(app).count("answer_validated") == len(questions) - 1
    assert events(app).count("answer_challenged") == 1

    # The team sees the challenge and the state of each score on its results page.
    results = check_page(client.get(f"/assessments/{public_id}/results").data)
    shown = page_text(results)
    assert "Show us the signed strategy, not a draft." in shown
    strategy_row = results.find("th", string=questionnaire.pillars[0].name).parent
    assert "Challenged" in strategy_row.text
    other_row = results.find("th", string=questionnaire.pillars[1].name).parent
    assert "Validated" in other_row.text

    # History and the plan data carry the state of each score too.
    history = check_page(client.get(f"/teams/{org['team']}/history").data)
    cells = history.find("caption", id="history-caption").find_parent("table").find_all("td")
    assert ["Challenged" in c.text for c in cells[:3]] == [True, True, False]  # overall, strategy
    with app.app_context():
        plan = plan_context(db.session.get(Assessment, org["assessment"]))
        states = {(s.pillar, s.practice): s.state for s in plan.validation.scores}
        assert plan.validation.overall == "challenged"
        assert states[(questionnaire.pillars[0].name, None)] == "challenged"
        assert states[(questionnaire.pillars[1].name, None)] == "validated"
    # The plan (its web page shows what the PDF prints) has the validation of each score.
    partial = check_page(client.get(f"/assessments/{public_id}/plan").data).find(
        "section", id="validation")
    strategy_row = partial.find("th", string=questionnaire.pillars[0].name).parent
    assert strategy_row.find_all("td")[-1].text == "Challenged"
    # So does the organization's portfolio: the challenged pillar, a validated one.
    portfolio = check_page(reviewer.get(f"/organizations/{org['organization']}").data)
    cells = portfolio.find("caption", id="services-caption").find_parent("table") \
        .find("tbody").find("tr").find_all("td")
    states = [c.find(class_="app-portfolio__state") for c in cells]
    assert states[0] is not None and states[0].text == "Challenged"
    assert states[1] is not None and states[1].text == "Validated"

    # A member replies; the reviewer sees the reply.
    reply_url = f"/assessments/{public_id}/challenges/{first.id}/reply"
    reply_page = check_page(client.get(reply_url).data)
    empty = client.post(reply_url, data=form_of(reply_page, "/reply"))
    assert "Write your reply to the reviewer." in empty.data.decode()
    reply = form_of(reply_page, "/reply") | {"reply": "The signed copy is on our intranet."}
    assert client.post(reply_url, data=reply).status_code == 302
    assert "The signed copy is on our intranet." in reviewer.get(url).data.decode()
    assert "challenge_replied" in events(app)

    # The owner reopens, changes the challenged answer and finishes again.
    review_page = check_page(client.get(f"/assessments/{public_id}/review").data)
    assert client.post(f"/assessments/{public_id}/reopen",
                       data=form_of(review_page, "/reopen")).status_code == 302
    assert "reopened this assessment" in reviewer.get(url).data.decode()
    pillar = questionnaire.pillars[0]
    pillar_url = f"/assessments/{public_id}/pillars/{pillar.id}"
    pillar_page = check_page(client.get(pillar_url).data)
    assert "challenged this answer: “Show us the signed strategy, not a draft.”" in \
        page_text(pillar_page)
    form = form_of(pillar_page, pillar_url)
    form |= {f"answer-{first.id}": "3", "action": "save"}
    assert client.post(pillar_url, data=form).status_code == 302
    assert "challenged_answer_changed" in events(app)
    with app.app_context():
        left = db.session.scalars(db.select(AnswerReview)).all()
        assert {r.question_id for r in left} == set(questions) - {first.id}
        assert {r.state for r in left} == {"validated"}  # unchanged answers keep theirs
    review_page = check_page(client.get(f"/assessments/{public_id}/review").data)
    assert client.post(f"/assessments/{public_id}/finish",
                       data=form_of(review_page, "/finish")).status_code == 302

    results = check_page(client.get(f"/assessments/{public_id}/results").data)
    assert "Self-reported" in results.find("th", string=pillar.name).parent.text
    assert "Validated" in results.find("th", string=questionnaire.pillars[1].name).parent.text
    assert "Challenged answers" not in page_text(results)
    with app.app_context():
        plan = plan_context(db.session.get(Assessment, org["assessment"]))
        assert plan.validation.overall == "self-reported"
        assert plan.validation.challenged == 0


def test_only_the_organizations_reviewers_open_the_review_page(app, client, anonymous, org):
    url = f"/assessments/{org['public_id']}/validation"
    assert org["reviewer"].get(url).status_code == 200
    assert org["stranger"].get(url).status_code == 404  # another organization's reviewer
    assert client.get(url).status_code == 404  # the team's own owner is no reviewer
    assert anonymous.get(url).location.startswith("/sign-in")
    assert "Passport Services" not in org["stranger"].get("/reviews").data.decode()
    # A reviewer sees no other page of the team.
    for path in (f"/assessments/{org['public_id']}/results", f"/teams/{org['team']}/history",
                 f"/assessments/{org['public_id']}/plan.pdf"):
        assert org["reviewer"].get(path).status_code == 404, path
    with app.app_context():
        db.session.execute(db.delete(OrganizationTeam))  # the team leaves
        db.session.commit()
    assert org["reviewer"].get(url).status_code == 404


def test_a_high_answer_asks_for_evidence_and_a_bad_link_keeps_what_was_typed(
        app, client, make_assessment, questionnaire, org):
    public_id = make_assessment()
    pillar = questionnaire.pillars[0]
    question = pillar.questions[0]
    url = f"/assessments/{public_id}/pillars/{pillar.id}"
    form = form_of(check_page(client.get(url).data), url)
    form |= {f"answer-{question.id}": "4", f"link-{question.id}": "javascript:alert(1)",
             "action": "save"}
    response = client.post(url, data=form)
    assert response.status_code == 200
    page = check_page(response.data)
    assert "Enter a web address that starts with https://" in page_text(page)
    assert page.find("input", attrs={"name": f"link-{question.id}"})["value"] == \
        "javascript:alert(1)"
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        assert not assessment.responses[0].answers  # nothing stored

    form[f"link-{question.id}"] = ""
    client.post(url, data=form)
    page = check_page(client.get(url).data)
    assert "You chose level 4 or 5. Add a note or a link" in page_text(page)  # a hint
    review = check_page(client.get(f"/assessments/{public_id}/review").data)
    assert "1 answer needs evidence" in page_text(review)
    assert review.find("a", href=f"{url}#q-{question.id}")

    # In an organization that requires evidence, finishing is refused with the list.
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        db.session.add(OrganizationTeam(organization_id=org["organization"],
                                        team_id=assessment.team_id))
        db.session.get(Organization, org["organization"]).requires_evidence = True
        db.session.commit()
    refused = client.post(f"/assessments/{public_id}/finish", data=form_of(review, "/finish"))
    assert refused.status_code == 200
    text = page_text(check_page(refused.data))
    assert "You cannot finish yet: 1 answer needs evidence" in text
    assert "Your organization asks for evidence before you finish" in page_text(
        check_page(client.get(url).data))

    form[f"link-{question.id}"] = "https://www.state.gov/cx-strategy"
    assert client.post(url, data=form).status_code == 302
    assert client.post(f"/assessments/{public_id}/finish",
                       data=form_of(review, "/finish")).status_code == 302
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        assert assessment.is_finished
        assert assessment.responses[0].answers[0].evidence_link == \
            "https://www.state.gov/cx-strategy"
    page = org["reviewer"].get(f"/assessments/{public_id}/validation").data.decode()
    assert 'href="https://www.state.gov/cx-strategy"' in page


def test_an_agreed_answer_that_moves_the_teams_answer_loses_its_verdict(
        app, client, org, questionnaire):
    second = questionnaire.pillars[0].questions[1]
    with app.app_context():
        assessment = db.session.get(Assessment, org["assessment"])
        for question_id in (org["first"].id, second.id):
            db.session.add(AnswerReview(assessment_id=assessment.id, question_id=question_id,
                                        state="validated"))
        db.session.commit()
    url = f"/assessments/{org['public_id']}/questions/{second.id}/agree"
    page = check_page(client.get(url).data)
    same = form_of(page, "/agree") | {"choice": "2"}  # the answer it has: nothing moves
    assert client.post(url, data=same).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AnswerReview.id))) == 2
    moved = form_of(check_page(client.get(url).data), "/agree") | {"choice": "4"}
    assert client.post(url, data=moved).status_code == 302
    with app.app_context():
        left = db.session.scalars(db.select(AnswerReview.question_id)).all()
    assert left == [org["first"].id]
    assert "validated_answer_changed" in events(app)


@pytest.mark.parametrize(("role", "status"), [("owner", 200), ("viewer", 404)])
def test_an_organization_owner_reviews_too_but_a_viewer_does_not(app, org, role, status):
    with app.app_context():
        member = db.session.scalar(db.select(OrganizationMember).filter_by(
            role=ORG_REVIEWER, organization_id=org["organization"]))
        member.role = role
        db.session.commit()
    assert org["reviewer"].get(f"/assessments/{org['public_id']}/validation").status_code == \
        status


def test_an_expired_token_keeps_the_reviewers_choices_and_saves_nothing(app, org):
    reviewer, url = org["reviewer"], f"/assessments/{org['public_id']}/validation"
    data = form_of(check_page(reviewer.get(url).data), "/validation")
    data |= {f"verdict-{org['first'].id}": "challenged",
             f"comment-{org['first'].id}": "Where is the signed copy?"}
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now too old
    page = check_page(reviewer.post(url, data=data).data)
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    assert "We kept your choices below" in page_text(page)
    assert page.find("textarea", attrs={"name": f"comment-{org['first'].id}"}).text == \
        "Where is the signed copy?"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AnswerReview.id))) == 0
