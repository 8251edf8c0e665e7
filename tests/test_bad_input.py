"""Bad input gets a clear answer in the site's layout and stores nothing."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from tests.conftest import OWNER_EMAIL, PASSWORD, check_page, page_text


@pytest.fixture
def draft(make_assessment, questionnaire):
    """A draft with one stored answer, so we can see that a rejected post changes nothing."""
    first = questionnaire.pillar("strategy").questions[0].id
    return make_assessment({first: "2"})


def strategy_post(questionnaire, token, choice="3"):
    data = {"csrf_token": token, "action": "continue"}
    for question in questionnaire.pillar("strategy").questions:
        data[f"answer-{question.id}"] = choice
        data[f"note-{question.id}"] = ""
    return data


def assert_rejected(response, load_assessment, public_id, before, phrase):
    assert response.status_code == 400
    page = check_page(response.data.decode())
    assert page.select_one(".usa-banner") and page.select_one(".usa-identifier")
    assert phrase in page_text(page)
    assert "Traceback" not in response.data.decode()
    assert load_assessment(public_id) == before


@pytest.mark.parametrize(("tamper", "phrase"), [
    (lambda d: d | {"answer-strategy.invented.q9": "3"}, "a field we do not know"),
    (lambda d: d | {next(k for k in d if k.startswith("answer-")): "6"}, "value we do not accept"),
    (lambda d: d | {next(k for k in d if k.startswith("answer-")): "0"}, "value we do not accept"),
    (lambda d: d | {next(k for k in d if k.startswith("answer-")): "-1"}, "value we do not accept"),
    (lambda d: d | {"action": "delete-everything"}, "value we do not accept"),
    # Up to five times the note's limit is typing (the field's message); beyond is not.
    (lambda d: d | {next(k for k in d if k.startswith("note-")): "x" * 10001},
     "longer than 10000"),
    (lambda d: d | {"answer-governance.cco.q1": "3"}, "a field we do not know"),
], ids=["unknown-question", "level-6", "level-0", "level-negative", "unknown-action",
        "note-too-long", "question-from-another-pillar"])
def test_a_tampered_pillar_post_is_refused_and_stores_nothing(
        client, csrf_token, questionnaire, draft, load_assessment, tamper, phrase):
    url = f"/assessments/{draft}/pillars/strategy"
    before = load_assessment(draft)
    response = client.post(url, data=tamper(strategy_post(questionnaire, csrf_token(url))))
    assert_rejected(response, load_assessment, draft, before, phrase)


def test_a_field_sent_twice_is_refused(client, csrf_token, questionnaire, draft, load_assessment):
    url = f"/assessments/{draft}/pillars/strategy"
    before = load_assessment(draft)
    data = list(strategy_post(questionnaire, csrf_token(url)).items())
    first_answer = next(item for item in data if item[0].startswith("answer-"))
    data.append((first_answer[0], "5"))
    response = client.post(url, data=MultiDict(data))
    assert_rejected(response, load_assessment, draft, before, "more than once")


def test_a_post_without_its_security_token_is_refused(client, questionnaire, draft,
                                                      load_assessment):
    before = load_assessment(draft)
    data = strategy_post(questionnaire, "")
    del data["csrf_token"]
    response = client.post(f"/assessments/{draft}/pillars/strategy", data=data)
    assert_rejected(response, load_assessment, draft, before, "security token")


def test_a_forged_security_token_is_refused(client, questionnaire, draft, load_assessment):
    before = load_assessment(draft)
    response = client.post(f"/assessments/{draft}/pillars/strategy",
                           data=strategy_post(questionnaire, "not-a-real-token"))
    assert_rejected(response, load_assessment, draft, before, "security token")


def test_finishing_without_a_token_is_refused(client, draft, load_assessment):
    before = load_assessment(draft)
    response = client.post(f"/assessments/{draft}/finish")
    assert_rejected(response, load_assessment, draft, before, "security token")


def test_a_body_over_the_size_limit_is_refused(client, csrf_token, questionnaire, draft,
                                               load_assessment, app):
    url = f"/assessments/{draft}/pillars/strategy"
    before = load_assessment(draft)
    data = strategy_post(questionnaire, csrf_token(url))
    first_note = next(k for k in data if k.startswith("note-"))
    data[first_note] = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(url, data=data)
    assert_rejected(response, load_assessment, draft, before, "too large")


def test_an_expired_token_shows_the_page_again_with_the_choices_kept(
        client, csrf_token, questionnaire, draft, load_assessment, app):
    url = f"/assessments/{draft}/pillars/strategy"
    before = load_assessment(draft)
    data = strategy_post(questionnaire, csrf_token(url), choice="5")
    note = next(k for k in data if k.startswith("note-"))
    data[note] = "Our plan is on the intranet."
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now too old
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert "we did not save it yet" in page_text(page)
    for question in questionnaire.pillar("strategy").questions:
        checked = page.find("input", attrs={"name": f"answer-{question.id}", "checked": True})
        assert checked["value"] == "5"
    assert page.find("textarea", attrs={"name": note}).get_text() == "Our plan is on the intranet."
    assert load_assessment(draft) == before

    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    fresh_token = page.find("input", attrs={"name": "csrf_token"})["value"]
    saved = client.post(url, data=data | {"csrf_token": fresh_token})
    assert saved.status_code == 302, re.findall(r"usa-alert__text\">([^<]*)", saved.data.decode())
    assert all(a[1] == 5 for a in load_assessment(draft)["answers"].values())


def test_a_lost_session_keeps_what_the_user_chose_across_signing_in(
        app, csrf_token, questionnaire, draft, load_assessment):
    url = f"/assessments/{draft}/pillars/strategy"
    data = strategy_post(questionnaire, csrf_token(url), choice="4")
    other_browser = app.test_client()  # no session cookie: as if the session expired
    response = other_browser.post(url, data=data)
    assert response.status_code == 200
    page = check_page(response.data.decode())
    first = questionnaire.pillar("strategy").questions[0].id
    assert page.find("input", attrs={"name": f"keep-answer-{first}"})["value"] == "4"
    assert load_assessment(draft)["answers"][first][1] == 2  # nothing saved yet

    sign_in = {field["name"]: field.get("value", "")
               for field in page.select("main form[action='/sign-in'] input")}
    sign_in |= {"email": OWNER_EMAIL, "password": PASSWORD}
    save_page = check_page(other_browser.post("/sign-in", data=sign_in).data.decode())
    form = save_page.select_one("main form")
    assert form["action"] == url
    saved = other_browser.post(url, data={f["name"]: f["value"] for f in form.select("input")})
    assert saved.status_code == 302, re.findall(r"usa-alert__text\">([^<]*)", saved.data.decode())
    assert load_assessment(draft)["answers"][first][1] == 4


def test_an_expired_token_on_the_start_page_keeps_what_was_typed(client, csrf_token, app):
    token = csrf_token("/start")
    app.config["WTF_CSRF_TIME_LIMIT"] = -1
    response = client.post("/start", data={"csrf_token": token, "agency": "Treasury",
                                           "office": "IRS", "service": "Taxpayer services"})
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find("input", attrs={"name": "office"})["value"] == "IRS"


def test_a_tampered_start_form_is_refused(client, csrf_token):
    response = client.post("/start", data={"csrf_token": csrf_token(), "agency": "A",
                                           "office": "B", "service": "C", "is_demo": "1"})
    assert response.status_code == 400
    assert "a field we do not know" in page_text(check_page(response.data.decode()))


def test_a_target_outside_the_choices_is_refused(client, csrf_token, questionnaire,
                                                 make_assessment, load_assessment):
    public_id = make_assessment({}, finished=True)
    url = f"/assessments/{public_id}/targets"
    data = {"csrf_token": csrf_token(url)}
    data |= {f"target-{p.id}": "3.0" for p in questionnaire.pillars}
    data["target-culture"] = "9.0"
    before = load_assessment(public_id)
    response = client.post(url, data=data)
    assert_rejected(response, load_assessment, public_id, before, "value we do not accept")


@pytest.mark.parametrize("path", [
    "/assessments/no-such-assessment", "/assessments/no-such-assessment/results",
    "/assessments/no-such-assessment/pillars/strategy", "/no/such/page",
])
def test_unknown_ids_get_a_404_page_in_the_site_layout(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = check_page(response.data.decode())
    assert page.select_one(".usa-banner")
    assert "We cannot find that page" in page.h1.get_text()


def test_an_unknown_pillar_is_a_404(client, draft):
    assert client.get(f"/assessments/{draft}/pillars/astrology").status_code == 404


def test_the_wrong_method_gets_a_plain_page(client, draft):
    response = client.get(f"/assessments/{draft}/finish")
    assert response.status_code == 405
    check_page(response.data.decode())


def test_a_server_error_shows_a_plain_page_without_a_stack_trace(app):
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    body = response.data.decode()
    assert "secret internals" not in body and "Traceback" not in body
    assert "Something went wrong on our side" in check_page(body).h1.get_text()


def test_every_response_carries_a_strict_content_security_policy(client, draft):
    for url in ["/", f"/assessments/{draft}/pillars/strategy", "/missing"]:
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_pages_use_no_inline_script_or_style(client, draft):
    for url in ["/", "/start", f"/assessments/{draft}/pillars/strategy",
                f"/assessments/{draft}/review"]:
        page = BeautifulSoup(client.get(url).data, "html.parser")
        assert all(script.get("src") for script in page.find_all("script")), url
        assert not page.find_all("style") and not page.select("[style]"), url
