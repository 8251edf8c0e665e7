"""The whole journey through the test client: start, answer, save for later, resume, finish,
results, reopen and change."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from tests.conftest import check_page, page_text


def start(client, csrf_token, service: str = "Passport Services") -> str:
    response = client.post("/start", data={
        "csrf_token": csrf_token("/start"), "agency": "Department of State",
        "office": "Bureau of Consular Affairs", "service": service,
    })
    assert response.status_code == 302
    match = re.fullmatch(r"/assessments/([\w-]+)/pillars/strategy", response.location)
    assert match, response.location
    return match.group(1)


def answer_pillar(client, csrf_token, public_id, pillar, choice="3", action="continue", notes=None):
    url = f"/assessments/{public_id}/pillars/{pillar.id}"
    data = {"csrf_token": csrf_token(url), "action": action}
    for question in pillar.questions:
        data[f"answer-{question.id}"] = choice
        data[f"note-{question.id}"] = (notes or {}).get(question.id, "")
    return client.post(url, data=data)


def test_home_page_lists_the_eight_pillars_and_the_time_it_takes(client, questionnaire):
    page = check_page(client.get("/").data.decode())
    text = page_text(page)
    for pillar in questionnaire.pillars:
        assert pillar.name in text
    assert "20 to 30 minutes" in text
    assert page.find("a", string=re.compile("Start an assessment"))


def test_starting_asks_for_agency_team_and_service(client, csrf_token):
    response = client.post("/start", data={"csrf_token": csrf_token(), "agency": "", "office": "",
                                           "service": "Passport Services"})
    assert response.status_code == 200
    page = check_page(response.data.decode())
    summary = page.select_one("#error-summary")
    assert "Enter your agency." in summary.get_text()
    assert "Enter your office or team." in summary.get_text()
    assert page.find("input", attrs={"name": "service"})["value"] == "Passport Services"


def test_a_pillar_page_shows_each_question_as_a_fieldset_of_radio_tiles(client, csrf_token,
                                                                         questionnaire):
    public_id = start(client, csrf_token)
    page = check_page(client.get(f"/assessments/{public_id}/pillars/strategy").data.decode())
    strategy = questionnaire.pillar("strategy")
    fieldsets = page.select("fieldset.usa-fieldset")
    assert len(fieldsets) == len(strategy.questions)
    first = fieldsets[0]
    assert strategy.questions[0].text in first.legend.get_text()
    tiles = first.select("input.usa-radio__input--tile")
    assert [t["value"] for t in tiles] == ["1", "2", "3", "4", "5", "na", "unknown"]
    for tile in tiles:
        assert page.find("label", attrs={"for": tile["id"]})
    assert page.select_one(".usa-step-indicator__current-step").get_text(strip=True) == "1"


def test_save_and_continue_stores_answers_and_moves_to_the_next_pillar(
        client, csrf_token, questionnaire, load_assessment):
    public_id = start(client, csrf_token)
    strategy = questionnaire.pillar("strategy")
    first = strategy.questions[0].id
    response = answer_pillar(client, csrf_token, public_id, strategy, "4",
                             notes={first: "See our 2026 CX plan."})
    assert response.location == f"/assessments/{public_id}/pillars/governance"
    stored = load_assessment(public_id)["answers"]
    assert set(stored) == {q.id for q in strategy.questions}
    assert stored[first] == ("level", 4, "See our 2026 CX plan.")


def test_saved_answers_and_notes_show_again_when_you_come_back(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    strategy = questionnaire.pillar("strategy")
    first = strategy.questions[0].id
    answer_pillar(client, csrf_token, public_id, strategy, "na", notes={first: "Not our job."})
    page = BeautifulSoup(client.get(f"/assessments/{public_id}/pillars/strategy").data,
                         "html.parser")
    assert page.find("input", attrs={"name": f"answer-{first}", "checked": True})["value"] == "na"
    assert page.find("textarea", attrs={"name": f"note-{first}"}).get_text() == "Not our job."


def test_save_and_come_back_later_shows_a_private_link_that_resumes(client, csrf_token,
                                                                     questionnaire, app):
    public_id = start(client, csrf_token)
    answer_pillar(client, csrf_token, public_id, questionnaire.pillar("strategy"))
    response = answer_pillar(client, csrf_token, public_id, questionnaire.pillar("governance"),
                             action="later")
    assert response.location == f"/assessments/{public_id}/saved"
    page = check_page(client.get(response.location).data.decode())
    link = page.select_one("#private-link")["value"]
    assert link == f"http://localhost/assessments/{public_id}"
    # A new browser, with no cookies, is asked to sign in first, and comes back to the link.
    fresh = app.test_client()
    assert fresh.get(f"/assessments/{public_id}").location == \
        f"/sign-in?next=/assessments/{public_id}"
    # Signed in, the link resumes at the first unanswered pillar.
    assert client.get(f"/assessments/{public_id}").location == \
        f"/assessments/{public_id}/pillars/culture"


def test_save_and_go_back_returns_to_the_previous_pillar(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    response = answer_pillar(client, csrf_token, public_id, questionnaire.pillar("governance"),
                             action="previous")
    assert response.location == f"/assessments/{public_id}/pillars/strategy"


def test_review_lists_unanswered_questions_with_links_back(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    answer_pillar(client, csrf_token, public_id, questionnaire.pillar("strategy"))
    page = check_page(client.get(f"/assessments/{public_id}/review").data.decode())
    governance = questionnaire.pillar("governance")
    first = governance.questions[0]
    link = page.find("a", string=first.text)
    assert link["href"] == f"/assessments/{public_id}/pillars/governance#q-{first.id}"
    assert not page.find("a", string=questionnaire.pillar("strategy").questions[0].text)
    total = questionnaire.question_count
    answered = len(questionnaire.pillar("strategy").questions)
    assert f"{total - answered} unanswered questions" in page_text(page)


def test_the_last_pillar_leads_to_review(client, csrf_token, questionnaire):
    public_id = start(client, csrf_token)
    response = answer_pillar(client, csrf_token, public_id, questionnaire.pillars[-1])
    assert response.location == f"/assessments/{public_id}/review"


def test_results_wait_until_the_assessment_is_finished(client, csrf_token):
    public_id = start(client, csrf_token)
    response = client.get(f"/assessments/{public_id}/results")
    assert response.location == f"/assessments/{public_id}/review"


def test_the_whole_journey_ends_in_scored_results_with_next_steps(
        client, csrf_token, questionnaire, load_assessment):
    public_id = start(client, csrf_token)
    for pillar in questionnaire.pillars:
        choice = "2" if pillar.id == "measurement" else "4"
        answer_pillar(client, csrf_token, public_id, pillar, choice)
    unknown = questionnaire.pillar("design").questions[0]
    url = f"/assessments/{public_id}/pillars/design"
    data = {"csrf_token": csrf_token(url), "action": "continue"}
    for question in questionnaire.pillar("design").questions:
        data[f"answer-{question.id}"] = "unknown" if question == unknown else "4"
    client.post(url, data=data)

    finish = client.post(f"/assessments/{public_id}/finish",
                         data={"csrf_token": csrf_token(f"/assessments/{public_id}/review")})
    assert finish.location == f"/assessments/{public_id}/results"
    assert load_assessment(public_id)["status"] == "finished"

    page = check_page(client.get(finish.location).data.decode())
    text = page_text(page)
    assert "3.8 out of 5" in text  # seven pillars at 4.0 and one at 2.0: 30 / 8 = 3.75 -> 3.8
    assert "Level 3: Strategic" in text
    rows = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in page.select("table caption:-soup-contains('by pillar')")[0]
            .find_parent("table").select("tbody tr")}
    assert rows["Measurement"] == ["2.0", "2: Tactical", "3.0", "No"]
    assert rows["Strategy"] == ["4.0", "4: Foundational", "3.0", "Yes"]
    weak = page.select(".app-weak")
    measurement = questionnaire.pillar("measurement")
    assert len(weak) == len(measurement.practices)
    first = measurement.practices[0]
    assert first.name in weak[0].get_text()
    steps = weak[0].select(".app-steps li")
    assert [li.contents[0].strip() for li in steps] == [s.text for s in first.steps_for(2)]
    assert f"Done when: {first.done_when(2)[0]}" in weak[0].get_text(" ", strip=True)
    for resource in first.resources:
        assert weak[0].find("a", href=resource.url)
        assert resource.status_text in weak[0].get_text()
    assert unknown.text in page.select_one("#knowledge-gaps").find_next("ul").get_text()
    svg = page.select_one("figure svg[role=img]")
    assert "Measurement 2.0, target 3.0." in svg.title.get_text()  # the one alt text


def test_a_finished_assessment_can_be_reopened_and_changed(
        client, csrf_token, questionnaire, make_assessment, load_assessment):
    answers = {q.id: "2" for *_, q in questionnaire.questions()}
    public_id = make_assessment(answers, finished=True)
    results = f"/assessments/{public_id}/results"
    assert "2.0 out of 5" in page_text(BeautifulSoup(client.get(results).data, "html.parser"))
    # A finished assessment's pillar pages send you to review instead of taking changes.
    assert client.get(f"/assessments/{public_id}/pillars/strategy").location.endswith("/review")

    reopened = client.post(f"/assessments/{public_id}/reopen",
                           data={"csrf_token": csrf_token(results)})
    assert reopened.location == f"/assessments/{public_id}/review"
    assert load_assessment(public_id)["status"] == "draft"
    for pillar in questionnaire.pillars:
        answer_pillar(client, csrf_token, public_id, pillar, "5")
    client.post(f"/assessments/{public_id}/finish",
                data={"csrf_token": csrf_token(f"/assessments/{public_id}/review")})
    text = page_text(BeautifulSoup(client.get(results).data, "html.parser"))
    assert "5.0 out of 5" in text and "Level 5: Customer-centric" in text


def test_targets_change_which_practices_are_weak(client, csrf_token, questionnaire,
                                                 make_assessment, load_assessment):
    public_id = make_assessment({q.id: "3" for *_, q in questionnaire.questions()}, finished=True)
    url = f"/assessments/{public_id}/targets"
    data = {"csrf_token": csrf_token(url)}
    data |= {f"target-{p.id}": "3.0" for p in questionnaire.pillars}
    data["target-culture"] = "4.5"
    assert client.post(url, data=data).location == f"/assessments/{public_id}/results"
    assert str(load_assessment(public_id)["targets"]["culture"]) == "4.5"
    page = BeautifulSoup(client.get(f"/assessments/{public_id}/results").data, "html.parser")
    weak = page.select(".app-weak")
    assert len(weak) == len(questionnaire.pillar("culture").practices)
    assert "Gap 1.5" in weak[0].get_text()


def test_a_pillar_with_too_few_answers_says_so(client, questionnaire, make_assessment):
    answers = {q.id: "4" for *_, q in questionnaire.questions()}
    answers |= {q.id: "na" for q in questionnaire.pillar("culture").questions}
    public_id = make_assessment(answers, finished=True)
    text = page_text(BeautifulSoup(client.get(f"/assessments/{public_id}/results").data,
                                   "html.parser"))
    assert "Based on 7 of 8 pillars" in text
    assert "Culture Not enough answers" in text


def test_the_scoring_page_states_the_rules(client):
    text = page_text(check_page(client.get("/how-scoring-works").data.decode()))
    assert "2.95 becomes 3.0" in text
    assert "more than half" in text
    assert "Don't know" in text


def test_every_other_page_has_one_h1_and_a_matching_title(client, make_assessment):
    public_id = make_assessment({}, finished=False)
    for url in ["/accessibility", "/privacy", "/start", f"/assessments/{public_id}/saved",
                f"/assessments/{public_id}/targets"]:
        response = client.get(url)
        assert response.status_code == 200, url
        check_page(response.data.decode())
