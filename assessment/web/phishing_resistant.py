"""REQUIRE_PHISHING_RESISTANT=1: a session signed in by password (or by a recovery code) is led
to add a passkey, and reaches nothing else until it does; signing out always works."""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user
from werkzeug import Response

from assessment.rules.sign_in_strength import ADD_PASSKEY, OPEN, PASSWORD, sign_in_gate
from assessment.store.passkeys import has_passkey
from assessment.web.auth import SIGN_IN_METHOD

# Set when a passkey is added in this session: it has proved a phishing-resistant factor.
PASSKEY_ADDED = "passkey_added"
# What a held session may still reach, and what adding a passkey needs besides.
ALWAYS = {"static", "account.sign_out", "passkeys.needed", "ops.healthz"}
ADDING = {"passkeys.passkeys", "passkeys.register_options"}


def init_app(app: Flask) -> None:
    app.before_request(lead_to_a_passkey)


def gate() -> str:
    """What this signed-in session may do (rules/sign_in_strength.sign_in_gate)."""
    return sign_in_gate(current_app.config.get("REQUIRE_PHISHING_RESISTANT", False),
                        session.get(SIGN_IN_METHOD, PASSWORD), has_passkey(current_user.id),
                        session.get(PASSKEY_ADDED, False))


def lead_to_a_passkey() -> Response | None:
    """Before each request: send a held session to the page that says what to do."""
    if (not current_app.config.get("REQUIRE_PHISHING_RESISTANT") or "_user_id" not in session
            or request.endpoint in ALWAYS or not current_user.is_authenticated):
        return None
    held = gate()
    if held == OPEN or (held == ADD_PASSKEY and request.endpoint in ADDING):
        return None
    return redirect(url_for("passkeys.needed"))
