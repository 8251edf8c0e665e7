"""A recent sign-in before risky changes (deleting a team, changing a role, making an API
token): within RECENT_SIGN_IN_SECONDS of signing in, or of confirming it is you since."""

from __future__ import annotations

import time

from flask import current_app, render_template, request, session
from flask_login import current_user

from assessment.rules.sign_in_strength import RECENT_SIGN_IN_SECONDS, is_recent
from assessment.store.passkeys import has_passkey
from assessment.store.sso import has_password
from assessment.web import auth, sso
from assessment.web.passkey_forms import WHAT_MAX, ConfirmForm

CONFIRMED_AT = "confirmed_at"


def is_recent_sign_in() -> bool:
    limit = current_app.config.get("RECENT_SIGN_IN_SECONDS", RECENT_SIGN_IN_SECONDS)
    return is_recent(session.get(auth.SIGNED_IN_AT, 0), session.get(CONFIRMED_AT, 0),
                     time.time(), limit)


def note_confirmed() -> None:
    """The user proved it is them again (password or passkey): risky changes may go ahead."""
    session[CONFIRMED_AT] = time.time()


def confirm_first(what: str) -> str | None:
    """None when the user signed in recently; otherwise the page that asks them to confirm it
    is them, carrying what they posted, to post it again after. `what` says the change in
    words: "delete the team for Passport Services"."""
    if is_recent_sign_in():
        return None
    return confirm_page(auth.kept_fields(request.form), auth.here(), what)


def confirm_page(kept: list[tuple[str, str]], action: str, what: str,
                 form: ConfirmForm | None = None) -> str:
    """The page that asks for the password, a passkey or a new sign-in at the person's single
    sign-on provider, carrying the change's fields."""
    form = form or ConfirmForm(formdata=None, data={"action": action, "what": what[:WHAT_MAX]})
    return render_template("account/confirm.html", form=form, kept=kept,
                           has_passkey=has_passkey(current_user.id),
                           has_password=has_password(current_user),
                           providers=sso.providers_of(current_user.id))


def confirmed_page(kept: list[tuple[str, str]], action: str, what: str) -> str:
    """After confirming: the change as the user posted it, to post again with one button."""
    return render_template("account/confirmed.html", kept=kept, action=action, what=what)
