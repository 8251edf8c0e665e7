"""Passkeys in Chromium with the DevTools virtual authenticator (a platform authenticator with
discoverable credentials and user verification): with REQUIRE_PHISHING_RESISTANT=1 a
password-only user reaches no team page until they add a passkey; then they sign out, sign in
with it, confirm with it before deleting a team, remove it, and the removed passkey no longer
signs in."""

from __future__ import annotations

from playwright.sync_api import expect

from assessment.extensions import db
from assessment.store.models import User
from tests.browser.audit import AXE_SCRIPT, audit
from tests.browser.journey import click_and_wait, sign_in
from tests.conftest import FAST_HASH, PASSWORD, store_assessment

EMAIL = "passkey.user@state.gov"


def test_a_passkey_is_added_when_required_then_signs_in_until_removed(browser, live_app):
    app = live_app.app
    with app.app_context():
        user = User(email=EMAIL, password_hash=FAST_HASH)  # scrypt is slow on purpose
        db.session.add(user)
        db.session.commit()
        store_assessment(live_app.questionnaire, None, False, "Passkey services", user.id)
        team_id = db.session.scalar(db.text(
            "SELECT team_id FROM membership WHERE user_id = :u"), {"u": user.id})
    # WebAuthn takes a domain as the relying party, never an IP address: the site as localhost.
    site = live_app.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=site)
    context.set_default_timeout(10_000)
    context.add_init_script(AXE_SCRIPT)  # these pages are not in the site map's states
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    app.config["REQUIRE_PHISHING_RESISTANT"] = True
    try:
        page.goto("/sign-in")
        sign_in(page, EMAIL, PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey to continue")
        page.goto(f"/teams/{team_id}")  # a team page: held until a passkey is added
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey to continue")
        expect(page.get_by_text("Passkeys need JavaScript")).to_be_hidden()
        assert audit(page) == []

        page.get_by_label("Name", exact=True).fill("Work laptop")
        click_and_wait(page, "button", "Add a passkey")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
        expect(page.locator(".app-recovery-codes code")).to_have_count(10)
        assert audit(page) == []
        page.goto(f"/teams/{team_id}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Passkey services")
    finally:
        app.config["REQUIRE_PHISHING_RESISTANT"] = False

    page.locator("header").get_by_role("button", name="Sign out").click()
    page.goto("/sign-in")
    click_and_wait(page, "button", "Sign in with a passkey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")

    app.config["RECENT_SIGN_IN_SECONDS"] = 0  # as if the sign-in were long ago
    try:
        page.goto(f"/teams/{team_id}/delete")
        click_and_wait(page, "button", "Yes, delete the team for Passkey services")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
        assert audit(page) == []
    finally:
        app.config.pop("RECENT_SIGN_IN_SECONDS")
    click_and_wait(page, "button", "Confirm with a passkey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish your change")
    click_and_wait(page, "button", "Delete the team for Passkey services")
    expect(page.get_by_text("You deleted the team for Passkey services")).to_be_visible()

    page.goto("/account/passkeys")
    expect(page.get_by_role("row", name="Work laptop")).to_be_visible()
    click_and_wait(page, "button", "Remove Work laptop")
    expect(page.get_by_text("You removed the passkey “Work laptop”")).to_be_visible()
    page.locator("header").get_by_role("button", name="Sign out").click()

    page.goto("/sign-in")  # the authenticator still holds it; the site no longer knows it
    click_and_wait(page, "button", "Sign in with a passkey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("That passkey is not on any account here")).to_be_visible()
    context.close()
