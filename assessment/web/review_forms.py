"""Forms of independent validation: a reviewer's verdict and comment per answer, and the
team's reply to a challenge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from assessment.rules.validation import CHALLENGED, STATE_WORDS, VALIDATED
from assessment.store.reviews import Verdict
from assessment.web.strict_form import StrictForm

COMMENT_MAX_LENGTH = 2000


def verdict_field_name(question_id: str) -> str:
    return f"verdict-{question_id}"


def comment_field_name(question_id: str) -> str:
    return f"comment-{question_id}"


def _comment(label: str, *validators: object) -> TextAreaField:
    return TextAreaField(label, validators=[*validators, Length(
        max=COMMENT_MAX_LENGTH,
        message=f"Keep your comment to {COMMENT_MAX_LENGTH} characters or fewer.")])


class ReviewFormBase(StrictForm):
    """Set `question_ids` (the answers on the page) on the class; `verdicts()` after validating."""

    question_ids: tuple[str, ...] = ()

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for question_id in self.question_ids:
            comment = self[comment_field_name(question_id)]
            if self[verdict_field_name(question_id)].data == CHALLENGED \
                    and not (comment.data or "").strip():
                comment.errors = [*comment.errors, "Say why you challenge this answer: "
                                  "what is missing or what the team should show."]
                valid = False
        return valid

    def verdicts(self) -> dict[str, Verdict]:
        """The verdict given for each answer; answers left without one are left out."""
        return {q: Verdict(self[verdict_field_name(q)].data,
                           self[comment_field_name(q)].data or "")
                for q in self.question_ids if self[verdict_field_name(q)].data}


@lru_cache(maxsize=64)
def review_form_class(question_ids: Sequence[str]) -> type[ReviewFormBase]:
    """A form with a verdict and a comment for each answer under review."""
    fields: dict[str, object] = {"question_ids": tuple(question_ids)}
    for question_id in question_ids:
        fields[verdict_field_name(question_id)] = RadioField(
            "Your verdict", validators=[Optional()],
            choices=[SelectChoice(s, STATE_WORDS[s]) for s in (VALIDATED, CHALLENGED)])
        fields[comment_field_name(question_id)] = _comment("Comment")
    return type("ReviewForm", (ReviewFormBase,), fields)


class ReplyForm(StrictForm):
    """The team's reply to a reviewer's challenge."""

    reply = _comment("Your reply", DataRequired("Write your reply to the reviewer."))
