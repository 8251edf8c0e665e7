"""Forms for accounts: sign up, sign in, resetting a password, and inviting someone to a team."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from assessment.store.accounts import PASSWORD_MIN_LENGTH
from assessment.store.models import MEMBER, ROLES
from assessment.web.forms import CSRF_TOKEN_MAX, FieldRules

EMAIL_MAX = 254
PASSWORD_MAX = 200
NEXT_MAX = 500

_email = [DataRequired("Enter your email address."),
          Length(max=EMAIL_MAX, message="Enter an email address of 254 characters or fewer."),
          Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                 message="Enter an email address like name@agency.gov.")]
_new_password = [DataRequired("Enter a password."),
                 Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX,
                        message=f"Use at least {PASSWORD_MIN_LENGTH} characters "
                                f"(and no more than {PASSWORD_MAX}).")]


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=_email)
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=PASSWORD_MAX)])
    next = HiddenField()


class SignUpForm(FlaskForm):
    email = EmailField("Email address", description="Use your work email address.",
                       validators=_email)
    password = PasswordField("Password", description=f"At least {PASSWORD_MIN_LENGTH} "
                             "characters. A few words you can remember work well.",
                             validators=_new_password)
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = EmailField("Email address", validators=_email)


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", description=f"At least {PASSWORD_MIN_LENGTH} "
                             "characters.", validators=_new_password)
    confirm = PasswordField("Type the new password again",
                            validators=[EqualTo("password", "The two passwords are not the same.")])


class InviteForm(FlaskForm):
    role = SelectField(
        "Their role",
        choices=[SelectChoice(v, label) for v, label in ROLES.items()],
        default=MEMBER,
        id="invite-role",
    )
    email = EmailField(
        "Their email address (optional)", id="invite-email",
        description="We email them the link. Leave it empty to copy the link yourself.",
        validators=[Optional(), *_email[1:]])


def invite_fields() -> FieldRules:
    return {"csrf_token": CSRF_TOKEN_MAX, "role": set(ROLES), "email": 2 * EMAIL_MAX}


def sign_in_fields() -> FieldRules:
    return {"csrf_token": CSRF_TOKEN_MAX, "email": 2 * EMAIL_MAX, "password": 2 * PASSWORD_MAX,
            "next": NEXT_MAX}


def reset_request_fields() -> FieldRules:
    return {"csrf_token": CSRF_TOKEN_MAX, "email": 2 * EMAIL_MAX}


def new_password_fields() -> FieldRules:
    return {"csrf_token": CSRF_TOKEN_MAX, "password": 2 * PASSWORD_MAX,
            "confirm": 2 * PASSWORD_MAX}
