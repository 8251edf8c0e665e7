"""Forms: the start form, target form, and pillar forms built from the questionnaire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from functools import cache

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from assessment.rules.questionnaire import LEVEL_COUNT, Pillar, Questionnaire
from assessment.rules.scoring import DEFAULT_TARGET
from assessment.rules.wording import ANSWER_WORDS, level_words
from assessment.store.models import ACTION_STATUSES
from assessment.store.operations import ActionDetails, SubmittedAnswer

NOTE_MAX_LENGTH = 2000
CSRF_TOKEN_MAX = 200
TEXT_FIELD_MAX = 200
ACTIONS = ("continue", "later", "previous")
TARGET_CHOICES = [f"{Decimal(n) / 2:.1f}" for n in range(2, 11)]  # 1.0, 1.5 … 5.0


class StartForm(FlaskForm):
    agency = StringField(
        "Agency", description="For example: Department of State",
        validators=[DataRequired("Enter your agency."), Length(max=TEXT_FIELD_MAX)],
    )
    office = StringField(
        "Office or team", description="For example: Bureau of Consular Affairs",
        validators=[DataRequired("Enter your office or team."), Length(max=TEXT_FIELD_MAX)],
    )
    service = StringField(
        "Service you are assessing", description="For example: Passport Services",
        validators=[DataRequired("Enter the service you are assessing."),
                    Length(max=TEXT_FIELD_MAX)],
    )


def answer_field_name(question_id: str) -> str:
    return f"answer-{question_id}"


def note_field_name(question_id: str) -> str:
    return f"note-{question_id}"


def answer_choices() -> list[SelectChoice]:
    return [SelectChoice(str(n), level_words(n)) for n in range(1, LEVEL_COUNT + 1)] + [
        SelectChoice(choice, words) for choice, words in ANSWER_WORDS.items()]


@cache
def pillar_form_class(pillar: Pillar) -> type[FlaskForm]:
    """A form class with an answer field and a note field per question of the pillar."""
    fields = {}
    for question in pillar.questions:
        fields[answer_field_name(question.id)] = RadioField(
            question.text, choices=answer_choices(), validators=[Optional()]
        )
        fields[note_field_name(question.id)] = TextAreaField(
            "Notes or evidence (optional)",
            validators=[Length(max=NOTE_MAX_LENGTH,
                               message=f"Keep your note under {NOTE_MAX_LENGTH} characters.")],
        )
    return type(f"PillarForm_{pillar.id}", (FlaskForm,), fields)


FieldRules = Mapping[str, Collection[str] | int]  # field -> allowed values, or max text length


def find_tampering(form: MultiDict, rules: FieldRules) -> str | None:
    """Explain what is wrong with a post no browser could send from our page, or None."""
    for key in form.keys():
        rule = rules.get(key)
        if rule is None:
            return f"The form had a field we do not know: “{key[:80]}”."
        values = form.getlist(key)
        if len(values) > 1:
            return f"The form sent the field “{key[:80]}” more than once."
        if any(ord(c) < 32 and c not in "\t\n\r" for c in values[0]):
            return f"The field “{key[:80]}” had a control character we cannot store."
        if isinstance(rule, int):
            if len(values[0]) > rule:
                return f"The field “{key[:80]}” was longer than {rule} characters."
        elif values[0] not in rule:
            return f"The form sent a value we do not accept for “{key[:80]}”: “{values[0][:20]}”."
    return None


def pillar_fields(pillar: Pillar) -> FieldRules:
    """What a pillar page may post: an answer and a note per question, and a button."""
    choices = {choice.value for choice in answer_choices()}
    rules: dict[str, Collection[str] | int] = {"csrf_token": CSRF_TOKEN_MAX, "action": ACTIONS}
    for question in pillar.questions:
        rules[answer_field_name(question.id)] = choices
        rules[note_field_name(question.id)] = NOTE_MAX_LENGTH
    return rules


def submitted_answers(form: MultiDict, pillar: Pillar) -> dict[str, SubmittedAnswer]:
    """Every question of the pillar with what was chosen and noted (None when nothing chosen)."""
    return {
        q.id: SubmittedAnswer(form.get(answer_field_name(q.id)) or None,
                              form.get(note_field_name(q.id), ""))
        for q in pillar.questions
    }


def start_fields() -> FieldRules:
    # Long text gets a friendly message from the form; only far longer text is refused outright.
    return {"csrf_token": CSRF_TOKEN_MAX, **{name: 5 * TEXT_FIELD_MAX
                                               for name in ("agency", "office", "service")}}


def target_fields(questionnaire: Questionnaire) -> FieldRules:
    """What the targets form may post: a level and an optional date per pillar."""
    months = {choice.value for choice in MONTH_CHOICES}
    rules: dict[str, Collection[str] | int] = {"csrf_token": CSRF_TOKEN_MAX}
    for p in questionnaire.pillars:
        rules[f"target-{p.id}"] = TARGET_CHOICES
        rules[f"target-{p.id}-month"] = months
        rules[f"target-{p.id}-day"] = DATE_PART_MAX
        rules[f"target-{p.id}-year"] = DATE_PART_MAX
    return rules


class TargetFormBase(FlaskForm):
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
        fields[f"target-{p.id}-day"] = StringField("Day")
        fields[f"target-{p.id}-year"] = StringField("Year")
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
DATE_PART_MAX = 20


class ActionForm(FlaskForm):
    """One action for a practice: what, who, by when, and how far along it is."""

    title = StringField(
        "Action", description="What will your team do? For example: Name a CX lead who "
                              "reports to the deputy director.",
        validators=[DataRequired("Enter what your team will do."),
                    Length(max=TEXT_FIELD_MAX, message="Keep the action to 200 characters or "
                                                       "fewer.")],
    )
    owner = StringField(
        "Owner (optional)", description="The person or role who makes sure it gets done.",
        validators=[Length(max=TEXT_FIELD_MAX,
                           message="Keep the owner to 200 characters or fewer.")],
    )
    due_month = SelectField("Month", choices=MONTH_CHOICES, default="")
    due_day = StringField("Day")
    due_year = StringField("Year")
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


def action_fields() -> FieldRules:
    """What an action form may post."""
    return {"csrf_token": CSRF_TOKEN_MAX, "title": 5 * TEXT_FIELD_MAX, "owner": 5 * TEXT_FIELD_MAX,
            "due_month": {choice.value for choice in MONTH_CHOICES},
            "due_day": DATE_PART_MAX, "due_year": DATE_PART_MAX, "status": set(ACTION_STATUSES)}


def remove_fields() -> FieldRules:
    return {"csrf_token": CSRF_TOKEN_MAX}
