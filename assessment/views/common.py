"""Small helpers the blueprints share."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from assessment.questionnaire import Questionnaire

# Token problems a real user can hit by leaving a page open too long or losing the session.
_STALE_TOKEN = ("The CSRF token has expired.", "The CSRF session token is missing.",
                "The CSRF tokens do not match.")
STALE_FORM_MESSAGE = ("Your page was open for a long time, so we did not save it yet. "
                      "We kept your choices below. Check them and save again.")


def current_questionnaire() -> Questionnaire:
    return current_app.extensions["questionnaire"]


def form_is_stale() -> bool:
    """Check the CSRF token of a form post ourselves, for views that keep the user's input.

    A missing or forged token is a 400; an expired one returns True so the view can show the
    page again, with what the user chose, and a fresh token.
    """
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        if str(error) in _STALE_TOKEN:
            return True
        abort(400, description="The form was missing its security token, so we did not save it. "
                               "Go back, reload the page and try again.")
    return False
