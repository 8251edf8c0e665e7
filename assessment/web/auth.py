"""Who is signed in: Flask-Login set-up, session lifetimes, and safe places to go next."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, request, session
from flask_login import current_user, login_user, logout_user
from werkzeug.datastructures import MultiDict

from assessment.extensions import db, login_manager
from assessment.store import accounts
from assessment.store.models import User

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
SIGN_IN_METHOD = "sign_in_method"
# The user's session generation when this session started: a later one ends it.
GENERATION = "generation"
SIGN_IN_METHOD = "sign_in_method"
# Activity moves the idle deadline in steps of this size (a minute of a 30-minute limit).
SEEN_AT_PRECISION_SECONDS = 60
# Pages whose posted answers survive an expired session, and how they are carried.
KEEPS_POSTED_FORM = {"take.pillar", "plan.add_action", "plan.edit_action"}
KEEP_PREFIX = "keep-"
KEPT_FIELDS_MAX, KEPT_VALUE_MAX = 400, 2000


def kept_fields(form: MultiDict) -> list[tuple[str, str]]:
    """The fields of a post worth keeping across signing in (never its old token)."""
    return [(key, value[:KEPT_VALUE_MAX]) for key, value in form.items(multi=True)
            if key != "csrf_token"][:KEPT_FIELDS_MAX]


def carried_fields(form: MultiDict) -> list[tuple[str, str]]:
    """The kept fields a sign-in form carried, without their prefix."""
    return [(key.removeprefix(KEEP_PREFIX), value[:KEPT_VALUE_MAX])
            for key, value in form.items(multi=True)
            if key.startswith(KEEP_PREFIX)][:KEPT_FIELDS_MAX]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(end_expired_session)


def load_user(user_id: str) -> User | None:
    """The session's user, while the session is of the user's current generation: signing out,
    a new password or "sign out everywhere" raise it, and every older session ends."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.session_generation != session.get(GENERATION, 0):
        for key in ("_user_id", "_fresh", "_id", SIGNED_IN_AT, SEEN_AT, GENERATION):
            session.pop(key, None)
        return None
    return user


def start_session(user: User, method: str = "password") -> None:
    """Sign the user in: a fresh session that ends after idle time or its absolute lifetime."""
    session.clear()  # nothing from before signing in carries over (no session fixation)
    g.pop("csrf_token", None)  # Flask-WTF caches the old session's token for this request
    session.permanent = True
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = time.time()
    session[GENERATION] = user.session_generation
    session[SIGN_IN_METHOD] = method


def end_session() -> None:
    """End this session only (it ran out of time)."""
    logout_user()
    session.clear()


def sign_out() -> None:
    """Sign out here, and end every copy of this session and every other one of the user;
    the view commits."""
    user = signed_in_user()
    if user is not None:
        accounts.end_every_session(user)
    end_session()


def sign_out_elsewhere() -> None:
    """End every other session of the user and keep this one (in a fresh cookie); the view
    commits."""
    user = signed_in_user()
    if user is not None:
        accounts.end_every_session(user)
        same = {key: session[key] for key in (SIGNED_IN_AT, SIGN_IN_METHOD) if key in session}
        start_session(user, same.get(SIGN_IN_METHOD, "password"))
        session.update(same)  # the same sign-in: its time (lifetime, recent sign-in) and how


def session_has_expired(signed_in_at: float, seen_at: float, now: float,
                        idle_limit: float, absolute_limit: float) -> bool:
    """True when the user was idle too long, or signed in too long ago."""
    return now - seen_at > idle_limit or now - signed_in_at > absolute_limit


def end_expired_session() -> None:
    """Before each request: sign out a session that was idle or open too long."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = time.time()
    if session_has_expired(session.get(SIGNED_IN_AT, 0), session.get(SEEN_AT, 0), now,
                           current_app.config["SESSION_IDLE_SECONDS"],
                           current_app.config["SESSION_ABSOLUTE_SECONDS"]):
        end_session()
        flash("You were signed out because you were away for a while. Sign in again.", "info")
        return
    if now - session.get(SEEN_AT, 0) >= SEEN_AT_PRECISION_SECONDS:
        session[SEEN_AT] = now  # at most once a minute: otherwise every reply re-signs the cookie


def here() -> str:
    """The current page as a path (with its query), for next=."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str) -> str:
    """A next= value we may redirect to: a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def signed_in_user() -> User | None:
    """The signed-in user itself (not Flask-Login's proxy to it), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None
