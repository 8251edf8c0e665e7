"""Forms: the start form, target form, pillar forms built from the questionnaire, actions, the
team's agreed answer, opening an assessment to the team, and the import form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from assessment.rules import hisp
from assessment.rules.evidence import LINK_MAX_LENGTH, link_problem
from assessment.rules.questionnaire import LEVEL_COUNT, Pillar, Questionnaire
from assessment.rules.scoring import DEFAULT_TARGET
from assessment.rules.wording import ANSWER_WORDS, level_words
from assessment.store.models import ACTION_STATUSES, Team
from assessment.store.operations import ActionDetails, SubmittedAnswer
from assessment.web.strict_form import StrictForm

NOTE_MAX_LENGTH = 2000
TEXT_FIELD_MAX = 200
ACTIONS = ("continue", "later", "previous", "save")
TARGET_CHOICES = [f"{Decimal(n) / 2:.1f}" for n in range(2, 11)]  # 1.0, 1.5 … 5.0


def _text_limit(what: str) -> Length:
    return Length(max=TEXT_FIELD_MAX,
                  message=f"Keep the {what} to {TEXT_FIELD_MAX} characters or fewer.")


class StartForm(StrictForm):
    agency = StringField(
        "Agency", description="For example: Department of State",
        validators=[DataRequired("Enter your agency."), _text_limit("agency")],
    )
    office = StringField(
        "Office or team", description="For example: Bureau of Consular Affairs",
        validators=[DataRequired("Enter your office or team."), _text_limit("office or team")],
    )
    service = StringField(
        "Service you are assessing", description="For example: Passport Services",
        validators=[DataRequired("Enter the service you are assessing."),
                    _text_limit("service")],
    )


def answer_field_name(question_id: str) -> str:
    return f"answer-{question_id}"


def note_field_name(question_id: str) -> str:
    return f"note-{question_id}"


def link_field_name(question_id: str) -> str:
    return f"link-{question_id}"


def _evidence_link(form: StrictForm, field: StringField) -> None:
    """A link, when given, is a web address (rules/evidence.py says what is wrong)."""
    if (problem := link_problem(field.data or "")) is not None:
        raise ValidationError(problem)


def answer_choices() -> list[SelectChoice]:
    return [SelectChoice(str(n), level_words(n)) for n in range(1, LEVEL_COUNT + 1)] + [
        SelectChoice(choice, words) for choice, words in ANSWER_WORDS.items()]


def _note_field(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[
        Length(max=NOTE_MAX_LENGTH, message=f"Keep your note under {NOTE_MAX_LENGTH} characters.")])


@cache
def pillar_form_class(pillar: Pillar) -> type[StrictForm]:
    """A form class with an answer field and a note field per question of the pillar, and the
    button pressed (which says where to go once saved)."""
    fields: dict[str, object] = {
        "action": RadioField("Save and", choices=[SelectChoice(a, a) for a in ACTIONS],
                             validators=[Optional()]),
    }
    for question in pillar.questions:
        fields[answer_field_name(question.id)] = RadioField(
            question.text, choices=answer_choices(), validators=[Optional()]
        )
        fields[note_field_name(question.id)] = _note_field("Notes or evidence (optional)")
        # The maxlength is the box's limit (and the tampering check's); the rule checks it too.
        fields[link_field_name(question.id)] = StringField(
            "Link to evidence (optional)", validators=[_evidence_link],
            render_kw={"maxlength": LINK_MAX_LENGTH})
    return type(f"PillarForm_{pillar.id}", (StrictForm,), fields)


def submitted_answers(form: StrictForm, pillar: Pillar) -> dict[str, SubmittedAnswer]:
    """Every question of the pillar with what was chosen and noted (None when nothing chosen)."""
    data = form.data
    return {
        q.id: SubmittedAnswer(data[answer_field_name(q.id)] or None,
                              data[note_field_name(q.id)] or "",
                              (data[link_field_name(q.id)] or "").strip())
        for q in pillar.questions
    }


class AgreeForm(StrictForm):
    """The answer a team agreed for one question, or none (then the lower median counts)."""

    choice = RadioField("The answer your team agreed", validators=[Optional()], choices=[
        *answer_choices(),
        SelectChoice("", "No agreed answer: use the middle level given (of two, the lower)")])
    note = _note_field("Why the team chose it (optional)")


class OpenToTeamForm(StrictForm):
    """Open the assessment for every member to answer, or close it to all but owners."""

    open = SelectField("Open to the team", choices=[SelectChoice("yes", "Yes"),
                                                    SelectChoice("no", "No")],
                       validators=[Optional()])


class TargetFormBase(StrictForm):
    """Set `today` and `kept_dates` (the dates stored now) before validating; after, read
    `target_dates`: the date per pillar, None where left blank."""

    today: dt.date = dt.date.min
    kept_dates: Mapping[str, dt.date | None] = {}
    target_dates: dict[str, dt.date | None]


class TargetDate:
    """Validator on a pillar's month field: the three boxes make a real date, not in the past.
    A stored date that has since passed may stay as it is."""

    def __init__(self, pillar: Pillar) -> None:
        self.pillar = pillar

    def __call__(self, form: TargetFormBase, field: SelectField) -> None:
        prefix = f"target-{self.pillar.id}"
        date = parse_date(field.data, form[f"{prefix}-day"].data, form[f"{prefix}-year"].data,
                          f"target date for {self.pillar.name}")
        if date is not None and date < form.today and date != form.kept_dates.get(self.pillar.id):
            raise ValidationError(f"The target date for {self.pillar.name} is in the past. "
                                  "Enter today or a later date, or leave it blank.")
        form.target_dates = {**getattr(form, "target_dates", {}), self.pillar.id: date}


def target_form_class(questionnaire: Questionnaire) -> type[TargetFormBase]:
    """A form with a target level (1.0–5.0 in half steps) and an optional date per pillar."""
    choices = [SelectChoice(value, _target_label(questionnaire, value)) for value in TARGET_CHOICES]
    fields: dict[str, object] = {}
    for p in questionnaire.pillars:
        fields[f"target-{p.id}"] = SelectField("Target level", choices=choices,
                                               validators=[DataRequired()])
        fields[f"target-{p.id}-month"] = SelectField("Month", choices=MONTH_CHOICES, default="",
                                                     validators=[TargetDate(p)])
        fields[f"target-{p.id}-day"] = day_field()
        fields[f"target-{p.id}-year"] = year_field()
    return type("TargetForm", (TargetFormBase,), fields)


def target_form_data(questionnaire: Questionnaire,
                     targets: Mapping[str, tuple[Decimal, dt.date | None]]) -> dict[str, str]:
    """The stored targets and dates as the form shows them (3.0 and no date when unset)."""
    data = {}
    for p in questionnaire.pillars:
        target, date = targets.get(p.id, (DEFAULT_TARGET, None))
        data[f"target-{p.id}"] = f"{target:.1f}"
        data[f"target-{p.id}-month"] = str(date.month) if date else ""
        data[f"target-{p.id}-day"] = str(date.day) if date else ""
        data[f"target-{p.id}-year"] = str(date.year) if date else ""
    return data


def _target_label(questionnaire: Questionnaire, value: str) -> str:
    whole = int(Decimal(value))
    name = questionnaire.level(whole).name
    return f"{value}: {name}" if Decimal(value) == whole else f"{value}: between {name} and " \
        f"{questionnaire.level(whole + 1).name}"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_CHOICES = [SelectChoice("", "- Select -")] + [
    SelectChoice(str(n), f"{n:02d} - {name}") for n, name in enumerate(MONTHS, start=1)
]


def day_field() -> StringField:
    """The day box of a date; its own rule (parse_date) says what is wrong with what was typed."""
    return StringField("Day", render_kw={"maxlength": 2})


def year_field() -> StringField:
    return StringField("Year", render_kw={"maxlength": 4})


class ActionForm(StrictForm):
    """One action for a practice: what, who, by when, and how far along it is."""

    title = StringField(
        "Action", description="What will your team do? For example: Name a CX lead who "
                              "reports to the deputy director.",
        validators=[DataRequired("Enter what your team will do."),
                    _text_limit("action")],
    )
    owner = StringField(
        "Owner (optional)", description="The person or role who makes sure it gets done.",
        validators=[_text_limit("owner")],
    )
    due_month = SelectField("Month", choices=MONTH_CHOICES, default="")
    due_day = day_field()
    due_year = year_field()
    status = SelectField("Status", default="not_started",
                         choices=[SelectChoice(k, v) for k, v in ACTION_STATUSES.items()])
    due_date: dt.date | None = None  # set when the form validates

    def validate_due_month(self, field: SelectField) -> None:
        """The due date is optional, but when given it must be a whole, real date."""
        self.due_date = parse_due_date(field.data, self.due_day.data, self.due_year.data)

    def details(self) -> ActionDetails:
        return ActionDetails(self.title.data, self.owner.data or "", self.due_date,
                             self.status.data)


def parse_due_date(month: str | None, day: str | None, year: str | None) -> dt.date | None:
    """A date from the three boxes, None when all are blank; ValidationError says what to fix."""
    return parse_date(month, day, year, "due date")


def parse_date(month: str | None, day: str | None, year: str | None,
               what: str) -> dt.date | None:
    """A date from month, day and year boxes, None when all are blank. `what` names the date in
    the ValidationError that says what to fix ("due date", "target date for Strategy")."""
    month, day, year = (part.strip() for part in (month or "", day or "", year or ""))
    if not (month or day or year):
        return None
    if not (month and day and year):
        raise ValidationError(f"Enter the month, day and year of the {what}, "
                              "or leave all three blank.")
    if not (len(year) == 4 and year.isdigit()):
        raise ValidationError(f"Enter the year of the {what} with 4 digits, for example 2027.")
    try:
        return dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # "2200000000" overflows before it is out of range
        raise ValidationError(f"Enter a real {what}, for example September 30 2027.") from None


def action_form_data(title: str, owner: str, due_date: dt.date | None,
                     status: str) -> dict[str, str]:
    """An action's stored values as the form shows them."""
    return {"title": title, "owner": owner, "status": status,
            "due_month": str(due_date.month) if due_date else "",
            "due_day": str(due_date.day) if due_date else "",
            "due_year": str(due_date.year) if due_date else ""}


class ImportForm(StrictForm):
    """The import page's fields besides the file (which the view reads itself, after raising
    the size limit): a team the user owns to add the file to (none: a team file makes a new
    team)."""

    team = SelectField("Team to add the file to", validators=[Optional()])


def import_form(owned: Sequence[Team], **kwargs: Any) -> ImportForm:
    """The import form offering the teams the user owns."""
    form = ImportForm(meta={"csrf": False}, **kwargs)  # the view checks the token itself
    form.team.choices = [SelectChoice("", "None: make a new team"), *(
        SelectChoice(str(team.id), f"{team.service}, {team.office}") for team in owned)]
    return form


class HispForm(StrictForm):
    """Whether the team's service is a designated High Impact Service Provider, and which:
    a profiled service, or another one typed in. `validate()` then says what is missing."""

    is_hisp = RadioField("Is this service a designated High Impact Service Provider (HISP)?",
                         choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                         validators=[DataRequired("Choose yes or no.")])
    service = SelectField("Which service?", validators=[Optional()], choices=[
        SelectChoice("", "Choose a service"),
        *(SelectChoice(name, name) for name in hisp.PROFILE_NAMES),
        SelectChoice(hisp.OTHER, "Another service (type it below)")])
    other_service = StringField("If another service, its name",
                                validators=[Optional(), _text_limit("service name")])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_hisp.data == "yes" and not self.service.data:
            self.service.errors = [*self.service.errors, "Choose your service, or choose "
                                   "another service and type its name."]
            valid = False
        if self.is_hisp.data == "yes" and self.service.data == hisp.OTHER \
                and not (self.other_service.data or "").strip():
            self.other_service.errors = [*self.other_service.errors,
                                         "Type the name of your service."]
            valid = False
        return valid

    def chosen_service(self) -> str | None:
        """The service to keep: None when the team says it is not a HISP."""
        if self.is_hisp.data != "yes":
            return None
        if self.service.data == hisp.OTHER:
            return (self.other_service.data or "").strip()
        return self.service.data
