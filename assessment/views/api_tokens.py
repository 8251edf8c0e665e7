"""Your personal API tokens: list them, make one (shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from assessment.extensions import db
from assessment.store import api_tokens, audit
from assessment.store.models import utcnow
from assessment.web import once, recent
from assessment.web.strict_form import ButtonForm, StrictForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")

EXPIRY_LABELS = {"30": "In 30 days", "90": "In 90 days", "365": "In a year", "never": "Never"}


class TokenForm(StrictForm):
    name = StringField(
        "Name", description="Say what will use it, so you know which token to revoke later. "
                            "For example: Quarterly dashboard.",
        validators=[DataRequired("Enter a name for the token."),
                    Length(max=api_tokens.NAME_MAX, message="Keep the name to "
                           f"{api_tokens.NAME_MAX} characters or fewer.")])
    expires = SelectField("Stops working", default=api_tokens.DEFAULT_EXPIRY,
                          choices=[SelectChoice(value, label)
                                   for value, label in EXPIRY_LABELS.items()])


@bp.route("", methods=["GET", "POST"])
@login_required
def tokens() -> str | Response:
    form = TokenForm()
    if form.validate_on_submit():
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        if (ask := recent.confirm_first(f"make the API token “{form.name.data}”")) is not None:
            return ask
        try:
            token, secret = api_tokens.make_token(current_user, form.name.data,
                                                  api_tokens.EXPIRY_DAYS[form.expires.data])
        except api_tokens.TokenError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            audit.record_event("api_token_created", detail=token.name)
            # The token shows once; the same form posted again makes no second token.
            once.remember(url_for(".tokens"), f"You made the token “{token.name}” a moment "
                          "ago. Copy it from the page shown then, or make a new one.", "info")
            db.session.commit()
            return render_template("api_tokens/created.html", token=token, secret=secret,
                                   api_url=url_for("api.teams", _external=True))
    return render_template("api_tokens/tokens.html", form=form, now=utcnow(),
                           tokens=api_tokens.tokens_of(current_user))


@bp.post("/<int(max=2147483647):token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    ButtonForm().refuse_tampering()
    token = api_tokens.own_token(current_user, token_id)
    if token is None:  # someone else's token is never found
        abort(404)
    if token.revoked_at is None:
        api_tokens.revoke_token(token)
        audit.record_event("api_token_revoked", detail=token.name)
        db.session.commit()
    flash(f"The token “{token.name}” is revoked. It no longer works.", "success")
    return redirect(url_for(".tokens"))
