"""Error pages in the site's layout, in plain words, never with a stack trace. They need no
database: an error page must work while the database is the problem."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from assessment.extensions import db

UNAVAILABLE = 503
RETRY_AFTER_SECONDS = 60

MESSAGES = {
    400: ("We could not use that form",
          "Something in what your browser sent was not right, so we did not save anything."),
    403: ("You cannot see this page", "You do not have access to this page."),
    404: ("We cannot find that page",
          "Check the address. If you used a private link, copy the whole link and try again."),
    405: ("That action is not available here",
          "This page does not accept that kind of request. "
          "Go back and use the buttons on the page."),
    429: ("You tried too many times",
          "You tried too many times in a short time, so we stopped for now. "
          "Wait a minute, then try again."),
    500: ("Something went wrong on our side",
          "We could not finish your request. Your saved answers are safe. "
          "Try again in a few minutes."),
    503: ("The site cannot answer right now",
          "We could not reach the place where we keep your answers, so nothing was saved just "
          "now. Your saved answers are safe. Try again in a minute."),
}


def unreachable_errors() -> tuple[type[Exception], ...]:
    """Errors that mean the database (or Redis) cannot be reached right now, not a bug:
    refused or dropped connections, timeouts, a locked SQLite file."""
    errors: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
    try:
        import redis
    except ImportError:
        return errors
    return (*errors, redis.ConnectionError, redis.TimeoutError)


def init_app(app: Flask) -> None:
    for error in unreachable_errors():
        app.register_error_handler(error, unavailable)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


def render_error(code: int, detail: str | None = None, status: int | None = None,
                 database_down: bool = False):
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    try:
        db.session.rollback()  # whatever a failed request changed is never stored
    except SQLAlchemyError:
        database_down = True
    if database_down or not _user_loads():
        # The page's header asks who is signed in, which loads the user from the database;
        # with the database down, the error page does without.
        g._login_user = AnonymousUserMixin()
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail), status or code


def unavailable(error: Exception):
    """The database or Redis did not answer: a plain 503 that needs neither."""
    current_app.logger.warning("Service unavailable: %s: %s", type(error).__name__, error)
    body, status = render_error(UNAVAILABLE, database_down=True)
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def http_error(error: HTTPException):
    # Our own abort(400, description=...) messages are written for users; Werkzeug's are not.
    detail = error.description if error.code == 400 and _is_ours(error) else None
    return render_error(error.code or 500, detail)


def csrf_failed(error: CSRFError):
    return render_error(400, "The form was missing its security token, so we did not save it. "
                             "Go back, reload the page and try again.")


def too_large(error: RequestEntityTooLarge):
    return render_error(400, "What you sent was too large, so we did not save it. "
                             "Shorten your notes and try again.")


def unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return http_error(error)
    if isinstance(error, unreachable_errors()):
        return unavailable(error)
    current_app.logger.exception("Unhandled error")
    return render_error(InternalServerError.code)


def _user_loads() -> bool:
    """Load the signed-in user for the page's header, unless the database fails to."""
    try:
        current_user.is_authenticated  # noqa: B018 (loads the user, once per request)
    except SQLAlchemyError:
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass
        return False
    return True


def _is_ours(error: HTTPException) -> bool:
    return type(error).description != error.description
