"""Each form is declared once: its fields give the tamper check (400, nothing stored), the
maxlength of every box, and the message a person gets for text that is too long."""

from __future__ import annotations

import pytest
from flask import url_for
from wtforms import HiddenField
from wtforms.validators import Length

from assessment.extensions import db
from assessment.store import accounts
from assessment.store.models import User
from tests.conftest import OWNER_EMAIL, check_page, page_text, sign_in_as
from tests.test_authorization import token_for
from tests.test_bad_input import strategy_post
from tests.test_fuzzing import POST_ENDPOINTS, post_rule, snapshot


@pytest.fixture
def draft(make_assessment, questionnaire):
    """A draft with one stored answer, so we can see that nothing more is stored."""
    first = questionnaire.pillar("strategy").questions[0].id
    return make_assessment({first: "2"})


def test_an_over_long_note_gets_its_message_and_the_other_answers_are_kept(
        client, csrf_token, questionnaire, draft, load_assessment):
    url = f"/assessments/{draft}/pillars/strategy"
    before = load_assessment(draft)
    data = strategy_post(questionnaire, csrf_token(url), choice="4")
    long_note, other_note = [k for k in data if k.startswith("note-")][:2]
    data[long_note] = "x" * 2001  # the test client ignores maxlength, as some browsers do
    data[other_note] = "Our plan is on the intranet."
    response = client.post(url, data=data)

    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert page.title.get_text(strip=True).startswith("Error: ")
    summary = page.select_one("#error-summary")
    link = summary.find("a", string="Keep your note under 2000 characters.")
    box = page.find("textarea", attrs={"name": long_note})
    assert link["href"] == f"#{box['id']}"
    group = box.find_parent(class_="usa-form-group")
    assert "usa-form-group--error" in group["class"]
    assert group.select_one(".usa-error-message").get_text() == \
        "Keep your note under 2000 characters."
    assert "usa-input--error" in box["class"]
    assert box.get_text() == "x" * 2001
    assert page.find("textarea", attrs={"name": other_note}).get_text() == \
        "Our plan is on the intranet."
    for question in questionnaire.pillar("strategy").questions:
        checked = page.find("input", attrs={"name": f"answer-{question.id}", "checked": True})
        assert checked["value"] == "4"
    assert load_assessment(draft) == before


def test_an_over_long_agreed_note_gets_its_message_and_the_choice_is_kept(
        app, client, csrf_token, questionnaire, make_assessment):
    finished = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                               finished=True)
    question = questionnaire.pillars[0].questions[0].id
    url = f"/assessments/{finished}/questions/{question}/agree"
    with app.app_context():
        before = snapshot()
    response = client.post(url, data={"csrf_token": csrf_token(url), "choice": "4",
                                      "note": "y" * 2001})

    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert "Keep your note under 2000 characters." in page.select_one("#error-summary").get_text()
    assert page.find("input", attrs={"name": "choice", "checked": True})["value"] == "4"
    assert page.find("textarea", attrs={"name": "note"}).get_text() == "y" * 2001
    with app.app_context():
        db.session.remove()
        assert snapshot() == before


def form_pages(app, questionnaire, world) -> list[tuple[str, type]]:
    """Every page with a form a person types into, and the form class it draws."""
    from assessment.views.api_tokens import TokenForm
    from assessment.web.account_forms import (
        InviteForm,
        NewPasswordForm,
        ResetRequestForm,
        SignInForm,
        SignUpForm,
    )
    from assessment.web.forms import (
        ActionForm,
        AgreeForm,
        StartForm,
        pillar_form_class,
        target_form_class,
    )

    values = world["values"]
    with app.app_context():
        owner = db.session.scalar(db.select(User).filter_by(email=OWNER_EMAIL))
        reset = accounts.start_password_reset(owner, app.secret_key)
        db.session.commit()
    finished, draft = world["finished"], world["draft"]
    return [
        ("/start", StartForm), ("/sign-in", SignInForm), ("/sign-up", SignUpForm),
        ("/reset-password", ResetRequestForm), (f"/reset-password/{reset}", NewPasswordForm),
        (f"/teams/{values['team_id']}", InviteForm), ("/account/api-tokens", TokenForm),
        (f"/assessments/{draft}/pillars/strategy",
         pillar_form_class(questionnaire.pillar("strategy"))),
        (f"/assessments/{finished}/targets", target_form_class(questionnaire)),
        (f"/assessments/{finished}/practices/{values['practice_id']}/actions/new", ActionForm),
        (f"/assessments/{finished}/questions/{values['question_id']}/agree", AgreeForm),
    ]


DATE_PARTS = {"Day": 2, "Year": 4}
PAGE_NAMES = ["start", "sign-in", "sign-up", "reset-request", "new-password", "invite",
              "api-token", "pillar", "targets", "action", "agree"]


@pytest.mark.parametrize("index", range(len(PAGE_NAMES)), ids=PAGE_NAMES)
def test_every_box_is_drawn_with_the_maxlength_of_its_fields_length_limit(
        app, questionnaire, world, index):
    url, form_class = form_pages(app, questionnaire, world)[index]
    browser = world["clients"]["anonymous" if "sign-in" in url or "password" in url
                               or "sign-up" in url else "owner"]
    response = browser.get(url)
    assert response.status_code == 200, url
    page = check_page(response.data.decode())
    with app.test_request_context():
        form = form_class(meta={"csrf": False}, formdata=None)
    limited = 0
    for field in form:
        # The Length validator; date parts, checked by their own rule, declare only a maxlength.
        limits = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
        if field.label.text in DATE_PARTS:
            limits = [DATE_PARTS[field.label.text]]
        if not limits or isinstance(field, HiddenField):
            continue
        box = page.find(["input", "textarea"], attrs={"name": field.name})
        assert box is not None, (url, field.name)
        assert box.get("maxlength") == str(limits[0]), (url, field.name)
        limited += 1
    assert limited, f"{url}: no field with a length limit"


def make_reviewer(app, user_id: int, public_id: str) -> None:
    """Make the user a reviewer of an organization the assessment's team belongs to."""
    from assessment.store.models import (
        ORG_REVIEWER,
        Assessment,
        Organization,
        OrganizationMember,
        OrganizationTeam,
    )

    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        organization = Organization(name="Department of State")
        db.session.add(organization)
        db.session.flush()
        db.session.add_all([
            OrganizationMember(organization_id=organization.id, user_id=user_id,
                               role=ORG_REVIEWER),
            OrganizationTeam(organization_id=organization.id, team_id=assessment.team_id)])
        db.session.commit()


@pytest.fixture
def post_as_owner(app, world, owner_id, make_assessment):
    """Post a form to a POST route as the owner of the world's team (with a fresh security
    token); return the status, the page's text and whether anything in the database changed."""
    claimable = make_assessment(service="Visas", owner=None)
    client = world["clients"]["owner"]

    def post(endpoint: str, data: dict[str, str]) -> tuple[int, str, bool]:
        public_id = (claimable if endpoint == "take.claim" else
                     world["draft"] if endpoint.startswith("take.") else world["finished"])
        values = world["values"] | {"public_id": public_id, "passkey_id": 1}
        with app.test_request_context():
            path = url_for(endpoint, **{a: values[a]
                                        for a in post_rule(app, endpoint).arguments})
        sign_in_as(client, owner_id)
        if endpoint.startswith("validation."):
            make_reviewer(app, owner_id, public_id)
        with app.app_context():
            before = snapshot()
        response = client.post(path, data={"csrf_token": token_for(client), **data})
        with app.app_context():
            db.session.remove()
            changed = snapshot() != before
        return response.status_code, page_text(check_page(response.data.decode())), changed

    return post


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_an_unknown_field_gets_the_400_page_and_stores_nothing_on_every_post_route(
        post_as_owner, endpoint):
    status, text, changed = post_as_owner(endpoint, {"is_admin": "1"})
    assert status == 400, endpoint
    assert "a field we do not know: “is_admin”" in text
    assert not changed


NEVER_OFFERED = [
    ("take.pillar", "answer-strategy.big-picture.q1", "6"),
    ("take.pillar", "action", "delete-everything"),
    ("take.open_to_team", "open", "maybe"),
    ("results.targets", "target-strategy", "9.0"),
    ("results.targets", "target-strategy-month", "13"),
    ("plan.add_action", "status", "cancelled"),
    ("plan.edit_action", "due_month", "0"),
    ("consensus.agree", "choice", "6"),
    ("team.invite", "role", "admin"),
    ("team.change_role", "role", "admin"),
    ("api_tokens.tokens", "expires", "3650"),
    ("transfer.import_file", "team", "999999"),
]


@pytest.mark.parametrize(("endpoint", "field", "value"), NEVER_OFFERED,
                         ids=[f"{e}:{f}" for e, f, _ in NEVER_OFFERED])
def test_a_choice_that_was_never_offered_gets_the_400_page_and_stores_nothing(
        post_as_owner, endpoint, field, value):
    status, text, changed = post_as_owner(endpoint, {field: value})
    assert status == 400, endpoint
    assert f"a value we do not accept for “{field}”" in text
    assert not changed


@pytest.mark.parametrize("endpoint", ["team.change_role", "team.invite"])
def test_a_post_that_leaves_out_the_role_select_gets_the_400_page(post_as_owner, endpoint):
    status, text, changed = post_as_owner(endpoint, {})
    assert status == 400
    assert "did not send “role”" in text
    assert not changed


def every_form_class(questionnaire) -> list[type]:
    from assessment.views.api_tokens import TokenForm
    from assessment.web import account_forms, forms
    from assessment.web.strict_form import ButtonForm

    return [forms.StartForm, forms.ActionForm, forms.AgreeForm, forms.OpenToTeamForm,
            forms.ImportForm, forms.target_form_class(questionnaire),
            *map(forms.pillar_form_class, questionnaire.pillars), account_forms.SignInForm,
            account_forms.SignUpForm, account_forms.ResetRequestForm,
            account_forms.NewPasswordForm, account_forms.InviteForm, account_forms.RoleForm,
            TokenForm, ButtonForm]


def test_every_text_field_of_every_form_has_a_limit_and_a_harder_cap(app, questionnaire):
    from wtforms.fields.choices import SelectFieldBase

    from assessment.web.strict_form import TAMPER_FACTOR, hard_cap, length_limit

    with app.test_request_context():
        forms = [form_class(meta={"csrf": False}, formdata=None)
                 for form_class in every_form_class(questionnaire)]
    for form in forms:
        for field in form:
            if isinstance(field, SelectFieldBase):
                continue
            limit = length_limit(field)
            assert limit, (type(form).__name__, field.name)
            assert hard_cap(field) == limit * (1 if isinstance(field, HiddenField)
                                               else TAMPER_FACTOR)
