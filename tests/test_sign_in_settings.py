"""The operator's sign-in settings (rules/sign_in_settings.py), what a single sign-on does
(rules/sso_decision.py), and password sign-up turned off or limited to some domains."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.rules.sign_in_settings import (
    SettingError,
    allowed_domains,
    domains_in_words,
    email_allowed,
    providers_from,
)
from assessment.rules.sso_decision import Outcome, decide
from assessment.store.models import SignUpRequest
from assessment.web.security import CONTENT_SECURITY_POLICY

LOGIN_GOV = {"OIDC_PROVIDERS": "logingov", "OIDC_LOGINGOV_ISSUER": "https://idp.example.gov",
             "OIDC_LOGINGOV_CLIENT_ID": "urn:gov:gsa:openidconnect.profiles:sp:sso:agency:app",
             "OIDC_LOGINGOV_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\n…",
             "OIDC_LOGINGOV_ACR_VALUES": "urn:acr.login.gov:auth-only",
             "OIDC_LOGINGOV_PROMPT": "select_account"}


def test_no_providers_are_set_by_default():
    assert providers_from({}) == ()


def test_a_provider_is_read_from_its_settings():
    (provider,) = providers_from(LOGIN_GOV)
    assert provider.label == "Login.gov" and provider.private_key and not provider.client_secret
    assert provider.acr_values == "urn:acr.login.gov:auth-only"
    assert provider.prompt == "select_account" and provider.scopes == "openid email"
    assert provider.id_token_hint and not providers_from(
        LOGIN_GOV | {"OIDC_LOGINGOV_ID_TOKEN_HINT": "0"})[0].id_token_hint
    assert provider.metadata_url == "https://idp.example.gov/.well-known/openid-configuration"


def test_several_providers_and_their_labels():
    env = {"OIDC_PROVIDERS": "okta, agency_idp", "OIDC_OKTA_ISSUER": "https://a.okta.com",
           "OIDC_OKTA_CLIENT_ID": "x", "OIDC_OKTA_CLIENT_SECRET": "s",
           "OIDC_AGENCY_IDP_ISSUER": "https://id.agency.gov", "OIDC_AGENCY_IDP_CLIENT_ID": "y",
           "OIDC_AGENCY_IDP_CLIENT_SECRET": "t", "OIDC_AGENCY_IDP_LABEL": "Agency ID",
           "OIDC_AGENCY_IDP_SCOPES": "openid,email,profile"}
    okta, agency = providers_from(env)
    assert (okta.label, agency.label) == ("Okta", "Agency ID")
    assert agency.scopes == "openid email profile"


@pytest.mark.parametrize(("change", "named"), [
    ({"OIDC_LOGINGOV_ISSUER": ""}, "OIDC_LOGINGOV_ISSUER"),
    ({"OIDC_LOGINGOV_CLIENT_ID": ""}, "OIDC_LOGINGOV_CLIENT_ID"),
    ({"OIDC_LOGINGOV_ISSUER": "http://idp.example.gov"}, "OIDC_LOGINGOV_ISSUER"),
    ({"OIDC_LOGINGOV_CLIENT_SECRET": "both"}, "OIDC_LOGINGOV_PRIVATE_KEY"),
    ({"OIDC_LOGINGOV_PRIVATE_KEY": ""}, "OIDC_LOGINGOV_CLIENT_SECRET"),
    ({"OIDC_LOGINGOV_SCOPES": "email"}, "OIDC_LOGINGOV_SCOPES"),
    ({"OIDC_PROVIDERS": "Login.gov"}, "OIDC_PROVIDERS"),
])
def test_a_setting_that_cannot_work_stops_start_up_naming_it(change, named):
    with pytest.raises(SettingError, match=named):
        providers_from(LOGIN_GOV | change)


@pytest.mark.parametrize(("email", "domains", "allowed"), [
    ("ana@state.gov", (), True),
    ("ana@state.gov", (".gov", ".mil"), True),
    ("ana@army.mil", (".gov", ".mil"), True),
    ("ana@example.com", (".gov", ".mil"), False),
    ("ana@gov.example.com", (".gov",), False),
    ("ana@examplegov", (".gov",), False),
    ("ana@STATE.GOV", ("state.gov",), True),
    ("ana@consular.state.gov", ("state.gov",), True),
    ("ana@notstate.gov", ("state.gov",), False),
    ("not-an-address", (".gov",), False),
])
def test_allowed_email_domains(email, domains, allowed):
    assert email_allowed(email, domains) is allowed


def test_domains_are_read_and_named_in_words():
    assert allowed_domains(" .GOV, .mil ,") == (".gov", ".mil")
    assert domains_in_words((".gov", ".mil", "state.gov")) == ".gov, .mil or state.gov"


BASE = {"identity_known": False, "email": "ana@state.gov", "email_verified": True,
        "email_allowed": True, "account_with_email": False, "account_has_password": False,
        "domains_words": ".gov"}


@pytest.mark.parametrize(("change", "outcome", "status"), [
    ({}, Outcome.CREATE, 200),
    ({"identity_known": True}, Outcome.SIGN_IN, 200),
    ({"identity_known": True, "email_allowed": False}, Outcome.REFUSE, 403),
    ({"email_allowed": False}, Outcome.REFUSE, 403),
    ({"email": ""}, Outcome.REFUSE, 403),
    ({"email_verified": False}, Outcome.REFUSE, 403),
    ({"email_verified": False, "account_with_email": True}, Outcome.REFUSE, 403),
    ({"account_with_email": True, "account_has_password": True}, Outcome.CONFIRM_LINK, 200),
    ({"account_with_email": True}, Outcome.REFUSE, 403),
])
def test_what_a_single_sign_on_does(change, outcome, status):
    decision = decide(**(BASE | change))
    assert (decision.outcome, decision.status) == (outcome, status)
    assert bool(decision.reason) is (outcome is Outcome.REFUSE)


def test_password_sign_up_can_be_turned_off(app, anonymous):
    app.config["PASSWORD_SIGN_UP"] = False
    assert anonymous.get("/sign-up").status_code == 403
    assert "/sign-up" not in anonymous.get("/sign-in").text
    token = anonymous.get("/sign-in").text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = anonymous.post("/sign-up", data={"csrf_token": token, "email": "a@state.gov",
                                               "password": "x" * 20})
    assert refused.status_code == 403


def test_password_sign_up_is_limited_to_the_allowed_domains(app, anonymous):
    app.config["ALLOWED_EMAIL_DOMAINS"] = (".gov", ".mil")
    page = anonymous.get("/sign-up")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = anonymous.post("/sign-up", data={"csrf_token": token, "email": "a@example.com",
                                                "password": "a long enough password"})
    assert response.status_code == 200
    assert "Use an email address that ends in .gov or .mil." in response.text
    with app.app_context():
        assert db.session.query(SignUpRequest).count() == 0


def test_without_single_sign_on_the_sign_in_page_and_its_policy_are_as_before(app, anonymous):
    response = anonymous.get("/sign-in")
    assert "/sign-in/sso/" not in response.text and "Create an account" in response.text
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
