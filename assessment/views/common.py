"""Small helpers the blueprints share."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms.validators import ValidationError

from assessment.rules.questionnaire import Questionnaire

_EXPIRED = "The CSRF token has expired."
# A genuine token whose session has gone: the cookie expired or the browser was restarted.
_SESSION_GONE = ("The CSRF session token is missing.", "The CSRF tokens do not match.")
STALE_FORM_MESSAGE = ("Your page was open for a long time, so we did not save it yet. "
                      "We kept your choices below. Check them and save again.")


def current_questionnaire() -> Questionnaire:
    return current_app.extensions["questionnaire"]


def form_is_stale() -> bool:
    """Check the CSRF token of a form post ourselves, for views that keep the user's input.

    A missing or forged token is a 400; an expired one returns True so the view can show the
    page again, with what the user chose, and a fresh token.
    """
    token = request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError as error:
        if str(error) == _EXPIRED or (str(error) in _SESSION_GONE and _signed_by_us(token)):
            return True
        abort(400, description="The form was missing its security token, so we did not save it. "
                               "Go back, reload the page and try again.")
    return False


def _signed_by_us(token: str | None) -> bool:
    """True when the token carries our signature, whatever its age."""
    secret: str | bytes = (current_app.config.get("WTF_CSRF_SECRET_KEY")
                           or current_app.secret_key or "")
    try:
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token or "")
    except BadData:
        return False
    return True
