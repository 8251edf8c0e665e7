"""The base of every form: what a page may post, declared once, on the form's fields.

A form's fields say what our page can send: the field names, the choices each select or radio
group offers, and the longest text each box takes (its Length validator). From them come
- the check that refuses a tampered post with the 400 page before anything is stored,
- the `maxlength` each box is drawn with (`render_kw`, read by the form macros), and
- the values a view saves (`form.data`).

Where tampering ends and a person's mistake begins:
- Tampering (400, nothing stored): a post our page could not have sent. A field the form does
  not have, a field sent twice, a control character, a value a select or radio group never
  offered, a required select left out (a browser always sends a select's value), a hidden
  value longer than we could have put there, or text more than TAMPER_FACTOR times as long
  as its box allows.
- A person's mistake (the page again, with the field's message and everything they typed):
  anything the field's validators catch, such as text over the box's limit typed or pasted in
  a browser that ignores maxlength, a blank required box, an impossible date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import Length

CSRF_FIELD = "csrf_token"
CSRF_TOKEN_MAX = 200
# Every form may carry its one-time key (web/once.py checks it; the csrf_field macro draws it).
FORM_KEY_FIELD, FORM_KEY_MAX = "form_key", 64
# Text up to this many times a box's limit gets the field's message; longer text was not typed.
TAMPER_FACTOR = 5


def length_limit(field: Field) -> int | None:
    """The most characters the field takes from a person: its Length validator's max, else the
    maxlength it was declared with (date parts, whose own rule checks them)."""
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max >= 0:
            return validator.max
    return (field.render_kw or {}).get("maxlength")


def offered_choices(field: SelectFieldBase) -> set[str]:
    return {str(value) for value, *_ in field.iter_choices()}


class StrictForm(FlaskForm):
    """A form that refuses any post its page could not have sent (see the module's docstring).

    Views call `refuse_tampering()` before anything else they do with a post (a stale-token
    check, a lookup); `validate()` calls it too, so a post is never saved unchecked.
    """

    # Posted keys that start with this are carried for another form (web/auth.py keeps a form
    # across signing in); they are capped there and not checked here.
    carries_prefix: ClassVar[str | None] = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reads_post = "formdata" not in kwargs and self.is_submitted()
        for field in self:
            if (limit := length_limit(field)) is not None:
                field.render_kw = {**(field.render_kw or {}), "maxlength": limit}

    def refuse_tampering(self) -> None:
        """Answer a post our page could not have sent with the 400 page."""
        if self.reads_post and (problem := self.find_tampering(request.form)):
            abort(400, description=problem)

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        self.refuse_tampering()
        return super().validate(extra_validators)

    def find_tampering(self, posted: Any) -> str | None:
        """Explain what is wrong with a post no browser could send from our page, or None."""
        for key in posted.keys():
            if self.carries_prefix and key.startswith(self.carries_prefix):
                continue
            if key not in (CSRF_FIELD, FORM_KEY_FIELD) and key not in self._fields:
                return f"The form had a field we do not know: “{key[:80]}”."
            values = posted.getlist(key)
            if len(values) > 1:
                return f"The form sent the field “{key[:80]}” more than once."
            value = values[0]
            if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
                return f"The field “{key[:80]}” had a control character we cannot store."
            if key == CSRF_FIELD:
                cap = CSRF_TOKEN_MAX
            elif key == FORM_KEY_FIELD:
                cap = FORM_KEY_MAX
            elif isinstance(field := self._fields[key], SelectFieldBase):
                if value not in offered_choices(field):
                    return (f"The form sent a value we do not accept for “{key[:80]}”: "
                            f"“{value[:20]}”.")
                continue
            else:
                cap = hard_cap(field)
            if len(value) > cap:
                return f"The field “{key[:80]}” was longer than {cap} characters."
        for name, field in self._fields.items():
            if (isinstance(field, SelectFieldBase) and not isinstance(field, RadioField)
                    and field.flags.required and name not in posted):
                return f"The form did not send “{name}”."
        return None


def hard_cap(field: Field) -> int:
    """The longest text a field may carry before the post counts as tampered: a hidden value
    holds only what we put there; a box, TAMPER_FACTOR times what it takes."""
    limit = length_limit(field)
    if limit is None:
        raise TypeError(f"Give the field {field.name!r} a Length validator: "
                        "every box needs a limit.")
    return limit if isinstance(field, HiddenField) else TAMPER_FACTOR * limit


class ButtonForm(StrictForm):
    """A form that is only a button: its security token, and nothing else."""


class KeepingButtonForm(ButtonForm):
    """A button that carries a form posted after the session ended ("keep-" fields)."""

    carries_prefix = "keep-"
