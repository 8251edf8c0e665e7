"""Response headers that keep pages safe: a strict CSP and friends."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# Views that read their own body, after raising the size limit; the check runs there.
READS_OWN_BODY = {"transfer.import_file"}


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def init_form_guard(app: Flask) -> None:
    """Register before CSRF protection, which cannot handle a field without a name."""
    app.before_request(refuse_unnamed_fields)


def refuse_unnamed_fields() -> None:
    """A multipart field whose name Werkzeug cannot read comes through named None; no browser
    sends one, so the request gets a 400 rather than reaching code that expects names."""
    if request.method != "POST" or request.endpoint in READS_OWN_BODY:
        return
    if None in request.form or None in request.files:
        abort(400, description="The form had a field without a name, so we saved nothing.")


def add_security_headers(response: Response) -> Response:
    """Add CSP and related headers; private assessment pages are never cached or referred."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Assessment links are private: never send them to the sites our resources link to.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/assessments/"):
        headers["Cache-Control"] = "no-store"
    return response
