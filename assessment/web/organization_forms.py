"""Forms for organizations: make one, add someone, change a role, pick the team that joins,
and choose whether the organization sees a team's answers."""

from __future__ import annotations

from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from assessment.store.models import ORG_ROLES, ORG_VIEWER
from assessment.web.account_forms import EMAIL_MAX
from assessment.web.strict_form import StrictForm

NAME_MAX = 200
_role_choices = [SelectChoice(value, label) for value, label in ORG_ROLES.items()]


class OrganizationForm(StrictForm):
    name = StringField("Name of the department, agency or bureau", id="organization-name",
                       description="For example: Department of Homeland Security.",
                       validators=[DataRequired("Enter the name of the organization."),
                                   Length(max=NAME_MAX, message="Enter a name of 200 characters "
                                                                "or fewer.")])
    parent = SelectField("Part of", id="organization-parent", validators=[],
                         description="Choose the department a bureau belongs to.")


class PersonForm(StrictForm):
    email = EmailField("Their email address", id="person-email",
                       description="They need an account on this site already.",
                       validators=[DataRequired("Enter their email address."),
                                   Length(max=EMAIL_MAX, message="Enter an email address of 254 "
                                                                 "characters or fewer."),
                                   Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                          message="Enter an email address like "
                                                  "name@agency.gov.")])
    role = SelectField("Their role", id="person-role", choices=_role_choices,
                       default=ORG_VIEWER, validators=[DataRequired()])


class OrganizationRoleForm(StrictForm):
    role = SelectField("New role", choices=_role_choices, validators=[DataRequired()])


class JoinForm(StrictForm):
    """The team that joins: one the signed-in user owns (choices set by the view)."""

    team = RadioField("Which team joins?", validators=[DataRequired("Choose a team.")])


class SharingForm(StrictForm):
    shares = RadioField("Does the organization see your answers and notes?", choices=[
        SelectChoice("no", "No: it sees finished scores, plans and actions only"),
        SelectChoice("yes", "Yes: it also sees each answer and the notes")],
        validators=[DataRequired("Choose yes or no.")])
