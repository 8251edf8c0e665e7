"""Answering a pillar page: the step indicator's links, the review link, the buttons (Save and
continue first, Previous, Save, Save and come back later) and the page's hook for the warning
before leaving with unsaved changes."""

from __future__ import annotations

from assessment.web.forms import NOTE_MAX_LENGTH
from tests.conftest import check_page, page_text
from tests.test_journey import answer_pillar, start


def buttons(page) -> list[tuple[str, str]]:
    return [(button["value"], button.get_text(" ", strip=True))
            for button in page.select("main form button[type=submit][name=action]")]


def test_every_pillar_page_links_to_each_other_step_and_to_the_review_page(
        client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    base = f"/assessments/{public_id}"
    for step, pillar in enumerate(questionnaire.pillars, start=1):
        page = check_page(client.get(f"{base}/pillars/{pillar.id}").data)
        segments = page.select(".usa-step-indicator__segment")
        assert len(segments) == len(questionnaire.pillars) + 1
        current = page.select('.usa-step-indicator__segment[aria-current="step"]')
        assert len(current) == 1 and current[0] is segments[step - 1]
        assert current[0].find("a") is None and pillar.name in current[0].get_text()
        links = {a.get_text(strip=True): a["href"] for a in page.select(".app-step-link")}
        assert links == {p.name: f"{base}/pillars/{p.id}" for p in questionnaire.pillars
                         if p.id != pillar.id} | {"Review and finish": f"{base}/review"}
        review = page.find("a", string="Go to the review page")
        assert review is not None and review["href"] == f"{base}/review"


def test_save_and_continue_comes_first_then_previous_save_and_later(
        client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    first, second = questionnaire.pillars[:2]
    page = check_page(client.get(f"/assessments/{public_id}/pillars/{first.id}").data)
    assert buttons(page) == [("continue", "Save and continue"),
                             ("save", "Save and stay on this page"),
                             ("later", "Save and come back later")]
    page = check_page(client.get(f"/assessments/{public_id}/pillars/{second.id}").data)
    assert buttons(page) == [
        ("continue", "Save and continue"),
        ("previous", f"Previous page: save and go back to {first.name}"),
        ("save", "Save and stay on this page"),
        ("later", "Save and come back later")]
    assert page.select_one("main form button[type=submit]")["class"] == ["usa-button"]


def test_save_keeps_you_on_the_page_with_your_answers_saved(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    governance = questionnaire.pillar("governance")
    response = answer_pillar(client, csrf_token, public_id, governance, choice="4",
                             action="save")
    url = f"/assessments/{public_id}/pillars/governance"
    assert response.status_code == 302 and response.location == url
    page = check_page(client.get(url).data)
    assert "Your answers on this page are saved." in page_text(page)
    for question in governance.questions:
        assert page.find("input", attrs={"name": f"answer-{question.id}", "value": "4"}
                         ).has_attr("checked")


def test_previous_saves_and_goes_back_a_step(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    culture = questionnaire.pillar("culture")
    response = answer_pillar(client, csrf_token, public_id, culture, choice="2",
                             action="previous")
    assert response.location == f"/assessments/{public_id}/pillars/governance"
    page = check_page(client.get(f"/assessments/{public_id}/pillars/culture").data)
    assert page.find("input", attrs={"name": f"answer-{culture.questions[0].id}", "value": "2"}
                     ).has_attr("checked")


def test_the_page_asks_scripts_to_warn_before_leaving_unsaved_answers(
        client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    url = f"/assessments/{public_id}/pillars/strategy"
    page = check_page(client.get(url).data)
    form = page.select_one("main form")
    assert form["data-warn-unsaved"] == ""  # warn only once a field changes
    assert page.find("script", src="/static/js/unsaved-changes.js").has_attr("defer")
    # A post that saved nothing (a note over its limit) comes back with what was typed: leaving
    # it would lose that, so the warning holds from the start.
    question = questionnaire.pillar("strategy").questions[0]
    response = client.post(url, data={"csrf_token": csrf_token(url), "action": "continue",
                                      f"answer-{question.id}": "3",
                                      f"note-{question.id}": "x" * (NOTE_MAX_LENGTH + 1)})
    page = check_page(response.data)
    assert page.select_one("#error-summary") is not None
    assert page.select_one("main form")["data-warn-unsaved"] == "not-saved"


def test_the_review_page_links_to_each_pillar_until_the_assessment_is_finished(
        client, csrf_token, questionnaire, make_assessment):
    public_id = start(client, csrf_token)
    page = check_page(client.get(f"/assessments/{public_id}/review").data)
    assert len(page.select(".app-step-link")) == len(questionnaire.pillars)
    assert page.select_one('.usa-step-indicator__segment[aria-current="step"]').get_text(
        strip=True) == "Review and finish"
    finished = make_assessment({q.id: "3" for *_, q in questionnaire.questions()},
                               finished=True)
    page = check_page(client.get(f"/assessments/{finished}/review").data)
    assert page.select(".app-step-link") == []
