"""Error pages in the site's layout, in plain words, never with a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from assessment.extensions import db

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
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


def render_error(code: int, detail: str | None = None, status: int | None = None):
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    db.session.rollback()  # whatever a failed request changed is never stored
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail), status or code


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
    current_app.logger.exception("Unhandled error")
    return render_error(InternalServerError.code)


def _is_ours(error: HTTPException) -> bool:
    return type(error).description != error.description
