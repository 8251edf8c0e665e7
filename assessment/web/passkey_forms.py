"""Forms for passkeys: add one, sign in or confirm with one, and sign in with a recovery code.
A passkey's answer arrives as JSON in a hidden field the page's script fills."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from assessment.store.passkeys import NAME_MAX
from assessment.web.account_forms import _email, _next
from assessment.web.auth import KEEP_PREFIX
from assessment.web.passkey_ceremony import CREDENTIAL_MAX
from assessment.web.strict_form import StrictForm

ACTION_MAX = 500
WHAT_MAX = 300
RECOVERY_CODE_MAX = 40


def _credential() -> HiddenField:
    return HiddenField(validators=[Length(max=CREDENTIAL_MAX)])


class AddPasskeyForm(StrictForm):
    name = StringField(
        "Name", description="Say which device or key it is, so you know which one to remove "
                            "later. For example: Work laptop.",
        validators=[DataRequired("Enter a name for the passkey."),
                    Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters "
                                                 "or fewer.")])
    credential = _credential()


class PasskeySignInForm(StrictForm):
    carries_prefix = KEEP_PREFIX  # a form posted after the session ended, kept across signing in

    credential = _credential()
    next = _next


class RecoveryCodeForm(StrictForm):
    email = EmailField("Email address", validators=_email)
    code = StringField("Recovery code", description="One of the codes you saved when you "
                       "added your first passkey. For example: 7KQM-X3PA-Z9TD.",
                       validators=[DataRequired("Enter a recovery code."),
                                   Length(max=RECOVERY_CODE_MAX,
                                          message="Enter the code as you saved it.")])
    next = _next


class ConfirmForm(StrictForm):
    """Confirm it is you before a risky change; the change's own fields ride along."""

    carries_prefix = KEEP_PREFIX

    password = PasswordField("Password", validators=[
        Optional(), Length(max=200, message="Enter a password of 200 characters or fewer.")])
    credential = _credential()
    action = HiddenField(validators=[Length(max=ACTION_MAX)])
    what = HiddenField(validators=[Length(max=WHAT_MAX)])  # the change, in words
