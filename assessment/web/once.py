"""Posts that create something happen once: every form carries a one-time key (a hidden field
made when the page is drawn, by the csrf_field macro), and a view that creates claims it.

    if (earlier := once.earlier_answer()) is not None:
        return earlier                      # this form was posted before: same answer again
    ... create ...
    return once.answered(url, "You added …")  # flash, remember, commit once, redirect

The same form posted twice, one after the other or at the same moment, creates one thing: the
second post waits for the first (SQLite's write lock; PostgreSQL's unique key) and is sent where
the first went, with the same message. Without JavaScript nothing changes; static/js/working.js
only disables the button after the first click and says "Saving…".
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, abort, flash, g, redirect, request
from flask_login import current_user
from werkzeug import Response

from assessment.extensions import db
from assessment.store import form_keys
from assessment.web.strict_form import FORM_KEY_FIELD

FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def init_app(app: Flask) -> None:
    app.add_template_global(new_form_key)


KEY_HOLE = "form_key_hole"  # g: while a kept page renders, keys are holes filled per serve


def new_form_key() -> str:
    """A fresh key for one drawing of one form: 192 random bits. While a page is rendered to be
    kept (web/fragments.py), a placeholder instead: each serving puts fresh keys in its place."""
    hole = g.get(KEY_HOLE)
    return hole if hole is not None else secrets.token_urlsafe(24)


def fill_key_holes(html: str, hole: str) -> str:
    """Put a fresh key in each place a kept page has the placeholder: every form on every
    serving of the page has its own key, as if the page had just been drawn."""
    first, *rest = html.split(hole)
    return first + "".join(new_form_key() + part for part in rest)


def posted_key() -> str | None:
    """The posted form's key; None when it sent none (a script, a page from before keys). A key
    our page could not have made is tampering: the 400 page."""
    key = request.form.get(FORM_KEY_FIELD)
    if not key:
        return None
    if not FORM_KEY.fullmatch(key):
        abort(400, description="The form's one-time key is not one we made.")
    return key


def earlier_answer() -> Response | None:
    """Claim the posted form's key for this request: None to go ahead. When a request already
    used the key and answered, that answer again (its message and where it went)."""
    key = posted_key()
    if key is None:
        return None
    user_id = current_user.id if current_user.is_authenticated else None
    if form_keys.claim(key, user_id):
        g.form_key = key
        return None
    first = form_keys.used(key)
    if first is None or not first.location:
        return None  # the first post created nothing (it was refused): this one may try
    if first.user_id != user_id:
        abort(400, description="This form was sent by someone else.")
    if first.message:
        flash(first.message, first.category)
    return redirect(first.location)


def remember(location: str, message: str = "", category: str = "success") -> None:
    """Keep this request's answer under its form key, for the same form posted again."""
    key = g.pop("form_key", None)
    if key is not None:
        form_keys.remember(key, location, message, category)


def answered(location: str, message: str = "", category: str = "success") -> Response:
    """Finish a creating post: say what happened, remember it under the form key, commit once,
    and go to `location`."""
    if message:
        flash(message, category)
    remember(location, message, category)
    db.session.commit()
    return redirect(location)
