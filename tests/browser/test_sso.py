"""Single sign-on in Chromium against the real test provider (tests/oidc_provider.mjs): sign
in, start an assessment, sign out here and at the provider."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey import start_assessment
from tests.oidc import LABEL


def test_sign_in_by_single_sign_on_start_an_assessment_and_sign_out(new_context, live_app,
                                                                    oidc_issuer_if_any):
    if oidc_issuer_if_any is None:
        pytest.skip("no test OpenID provider: Node.js or oidc-provider is not installed")
    page = new_context(signed_in=False).new_page()
    page.goto("/sign-in")
    with page.expect_navigation(url="**/your-work"):
        page.get_by_role("button", name=f"Sign in with {LABEL}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    assert start_assessment(page)

    with page.expect_navigation(url=f"{oidc_issuer_if_any}/**"):
        page.get_by_role("button", name="Sign out").click()
    with page.expect_navigation(url=lambda url: url.startswith(f"{live_app.url}/")):
        page.get_by_role("button", name="Yes, sign me out").click()  # the provider's page
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/your-work")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
