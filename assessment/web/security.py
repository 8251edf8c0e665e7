"""Response headers that keep pages safe: a strict CSP and friends."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])




def policy_with_form_targets(origins: list[str]) -> str:
    """The policy, letting forms lead to these origins too: signing in and out by single
    sign-on posts a form here that redirects to the provider, which form-action covers."""
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'",
                                           " ".join(["form-action 'self'", *origins]))


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
    headers.setdefault("Content-Security-Policy",
                       current_app.config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY))
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
