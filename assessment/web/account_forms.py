"""Forms for accounts: sign up, sign in, resetting a password, inviting someone to a team and
changing a member's role."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from assessment.store.accounts import PASSWORD_MIN_LENGTH
from assessment.store.models import MEMBER, ROLES
from assessment.web.auth import KEEP_PREFIX
from assessment.web.strict_form import StrictForm

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


_next = HiddenField(validators=[Length(max=NEXT_MAX)])  # where to go after: a path we wrote


class SignInForm(StrictForm):
    carries_prefix = KEEP_PREFIX  # a form posted after the session ended, kept across signing in

    email = EmailField("Email address", validators=_email)
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password."),
        Length(max=PASSWORD_MAX, message=f"Enter a password of {PASSWORD_MAX} characters or "
                                         "fewer.")])
    next = _next


class SignUpForm(StrictForm):
    email = EmailField("Email address", description="Use your work email address.",
                       validators=_email)
    password = PasswordField("Password", description=f"At least {PASSWORD_MIN_LENGTH} "
                             "characters. A few words you can remember work well.",
                             validators=_new_password)
    next = _next


class ResetRequestForm(StrictForm):
    email = EmailField("Email address", validators=_email)


class NewPasswordForm(StrictForm):
    password = PasswordField("New password", description=f"At least {PASSWORD_MIN_LENGTH} "
                             "characters.", validators=_new_password)
    confirm = PasswordField("Type the new password again",
                            validators=[EqualTo("password", "The two passwords are not the same."),
                                        Length(max=PASSWORD_MAX, message="The two passwords are "
                                                                         "not the same.")])


_role_choices = [SelectChoice(value, label) for value, label in ROLES.items()]


class InviteForm(StrictForm):
    role = SelectField("Their role", choices=_role_choices, default=MEMBER, id="invite-role",
                       validators=[DataRequired()])
    email = EmailField(
        "Their email address (optional)", id="invite-email",
        description="We email them the link. Leave it empty to copy the link yourself.",
        validators=[Optional(), *_email[1:]])


class RoleForm(StrictForm):
    """A member's new role (the team page draws one select per member)."""

    role = SelectField("New role", choices=_role_choices, validators=[DataRequired()])


class InviteAnswerForm(StrictForm):
    """Accept or ignore an invite made for your email address: the button pressed names the
    answer."""

    invite = HiddenField(validators=[DataRequired(), Length(max=10), Regexp(r"^\d+$")])
    answer = RadioField(choices=[SelectChoice("accept", "Join the team"),
                                 SelectChoice("ignore", "Ignore the invite")],
                        validators=[DataRequired()])


class DeleteAccountForm(StrictForm):
    """Deleting your account: your password says it is you, and that you mean it."""

    # Required of an account that has a password (views/deleting.py); an account that signs in
    # by single sign-on confirms it is them by signing in again instead.
    password = PasswordField("Your password", validators=[
        Optional(),
        Length(max=PASSWORD_MAX, message=f"Enter a password of {PASSWORD_MAX} characters or "
                                         "fewer.")])


class LinkForm(StrictForm):
    """The password of an existing account, to link a single sign-on identity to it."""

    password = PasswordField("Password", validators=[
        DataRequired("Enter your password."),
        Length(max=PASSWORD_MAX, message=f"Enter a password of {PASSWORD_MAX} characters or "
                                         "fewer.")])
