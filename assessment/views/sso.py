"""Single sign-on (OpenID Connect): start at a provider, come back, and link an identity to an
existing password account (docs/sign-in.md)."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug import Response

from assessment.extensions import db, limiter
from assessment.rules.sign_in_settings import Provider, domains_in_words, email_allowed
from assessment.rules.sign_in_strength import RECENT_SIGN_IN_SECONDS, is_recent
from assessment.rules.sso_decision import Decision, Outcome, decide
from assessment.store import accounts, audit
from assessment.store import sso as sso_store
from assessment.store.models import User
from assessment.views.account import after_sign_in
from assessment.web import auth, recent, sso
from assessment.web.account_forms import LinkForm
from assessment.web.passkey_forms import ConfirmForm
from assessment.web.strict_form import KeepingButtonForm

bp = Blueprint("sso", __name__)
METHOD = "sso"
NEXT, LINK, KEPT = "sso_next", "sso_link", "sso_kept"
CONFIRMING = "sso_confirming"  # a risky change waiting for the person to sign in again there


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _provider(name: str) -> Provider:
    provider = sso.provider_named(name)
    if provider is None:
        abort(404)
    return provider


def failed(provider: Provider, message: str, status: int, reason: str,
           email: str = "") -> tuple[str, int]:
    """The clear page of a sign-in that did not work; it is logged, and nothing else changes."""
    audit.record_event("sign_in", email=email, outcome=audit.FAILURE,
                       detail=f"single sign-on with {provider.label}: {reason}")
    db.session.commit()
    return render_template("sso/failed.html", provider=provider, message=message), status


@bp.post("/sign-in/sso/<name>")
@limiter.limit(_sign_in_limit)
def start(name: str) -> Response | tuple[str, int]:
    """The "Sign in with …" button: off to the provider, carrying a form posted after the
    session ended (to save with one button once back)."""
    form = KeepingButtonForm()
    form.refuse_tampering()
    provider = _provider(name)
    next_path = auth.safe_next(request.args.get("next"), "")
    kept = auth.carried_fields(request.form)
    if not sso.can_carry(kept):
        abort(400, description="What you entered is too long to carry through single sign-on.")
    try:
        response = sso.begin(provider, url_for(".callback", name=name, _external=True))
    except sso.SsoFailure as failure:
        return failed(provider, failure.message, failure.status, failure.reason)
    session[NEXT] = next_path
    if kept:
        session[KEPT] = kept
    else:
        session.pop(KEPT, None)
    return response


@bp.get("/sign-in/sso/<name>/callback")
def callback(name: str) -> str | Response | tuple[str, int]:
    """The provider sends the person back here with a code (or why not). Not throttled: it
    works only with the state of a sign-in this browser started, and a whole office behind one
    address comes back here at nine in the morning."""
    provider = _provider(name)
    confirming = session.pop(CONFIRMING, None)
    try:
        person = sso.finish(provider)
    except sso.SsoFailure as failure:
        return failed(provider, failure.message, failure.status, failure.reason)
    if confirming is not None and current_user.is_authenticated:
        return confirmed(provider, person, confirming)
    user = sso_store.identity_user(person.issuer, person.subject)
    decision = decision_for(person, user)
    if decision.outcome is Outcome.REFUSE:
        return failed(provider, decision.reason, decision.status, "refused", person.email)
    if decision.outcome is Outcome.CONFIRM_LINK:
        session[LINK] = {"provider": provider.name, "issuer": person.issuer,
                         "subject": person.subject, "email": person.email,
                         "id_token": person.id_token if provider.id_token_hint else ""}
        return redirect(url_for(".confirm_link"))
    if user is None:
        try:
            user = sso_store.create_sso_user(person.email, person.issuer, person.subject)
        except accounts.AccountError:  # made a moment ago by another request
            db.session.rollback()
            return failed(provider, "An account with your email address was made a moment "
                          "ago. Sign in again.", 409, "account made meanwhile", person.email)
    return signed_in(user, provider, person.id_token)


@bp.post("/account/confirm/sso/<name>")
@limiter.limit(_sign_in_limit)
def confirm_start(name: str) -> Response | tuple[str, int]:
    """Confirm it is you by signing in again at your provider (the confirm page's button, for
    an account that signs in by single sign-on), carrying the change's fields there and back."""
    form = ConfirmForm()
    form.refuse_tampering()
    provider = _provider(name)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not sso.signs_in_with(current_user.id, provider):
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    pending = {"provider": provider.name, "what": form.what.data or "",
               "action": auth.safe_next(form.action.data, url_for("account.account")),
               "kept": auth.carried_fields(request.form)}
    try:
        response = sso.begin(provider, url_for(".callback", name=name, _external=True),
                             again=True)
    except sso.SsoFailure as failure:
        return failed(provider, failure.message, failure.status, failure.reason)
    session[CONFIRMING] = pending
    return response


def confirmed(provider: Provider, person: sso.Person,
              pending: dict) -> str | tuple[str, int]:
    """Back from signing in again to confirm a change: the same account, signed in just now
    at the same provider; then the change, to post again with one button."""
    user = sso_store.identity_user(person.issuer, person.subject)
    if user is None or user.id != current_user.id or pending.get("provider") != provider.name:
        return failed(provider, f"You signed in at {provider.label} as someone else, so we "
                      "could not confirm it is you. Nothing was changed.", 403,
                      "confirming a change: another account", person.email)
    if person.auth_time is None or not is_recent(person.auth_time, 0, time.time(),
                                                 RECENT_SIGN_IN_SECONDS):
        return failed(provider, f"{provider.label} did not ask you to sign in again, so we "
                      "could not confirm it is you. Nothing was changed. Try again.", 502,
                      "confirming a change: no new sign-in at the provider", person.email)
    recent.note_confirmed()
    audit.record_event("sign_in_confirmed", detail=f"by single sign-on with {provider.label}")
    db.session.commit()
    return recent.confirmed_page([tuple(pair) for pair in pending.get("kept", [])],
                                 pending.get("action", ""), pending.get("what", ""))


def decision_for(person: sso.Person, user: User | None) -> Decision:
    """What to do for the person (rules/sso_decision.py), given the account of the identity."""
    existing = accounts.find_user(person.email) if user is None and person.email else None
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    return decide(
        identity_known=user is not None, email=person.email,
        email_verified=person.email_verified,
        email_allowed=email_allowed(person.email or (user.email if user else ""), domains),
        account_with_email=existing is not None,
        account_has_password=existing is not None and sso_store.has_password(existing),
        domains_words=domains_in_words(domains))


def signed_in(user: User, provider: Provider, id_token: str, message: str = "") -> Response:
    """Start the session and go where the person was going."""
    next_path = session.get(NEXT)
    kept = [tuple(pair) for pair in session.get(KEPT) or []]
    auth.start_session(user, METHOD)
    session[sso.PROVIDER] = provider.name  # for signing out at the provider too
    if provider.id_token_hint and id_token:
        session[sso.ID_TOKEN] = id_token
    if message:
        flash(message, "success")
    audit.record_event("sign_in", user=user, detail=f"by single sign-on with {provider.label}")
    db.session.commit()
    if kept:
        return make_response(render_template("account/save_kept.html", kept=kept,
                                              action=after_sign_in(next_path)))
    return redirect(after_sign_in(next_path))


@bp.route("/sign-in/link-sso", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def confirm_link() -> str | Response:
    """An account already has the provider's email: its password links the two, once."""
    form = LinkForm()
    form.refuse_tampering()
    pending: dict[str, str] = session.get(LINK) or {}
    provider = sso.provider_named(pending.get("provider", ""))
    if provider is None:
        flash("Start signing in again.", "info")
        return redirect(url_for("account.sign_in"))
    if form.validate_on_submit():
        result = accounts.check_sign_in(pending["email"], form.password.data)
        if result.user is not None:
            user = sso_store.link_identity(result.user, pending["issuer"], pending["subject"],
                                           pending["email"])
            audit.record_event("sso_linked", user=user, detail=provider.label)
            return signed_in(user, provider, pending.get("id_token", ""),
                             f"You can now sign in with {provider.label}.")
        audit.record_event("sign_in", user=accounts.find_user(pending["email"]),
                           outcome=audit.FAILURE, detail="linking single sign-on" + (
                               ": account locked" if result.locked_until else ""))
        db.session.commit()  # failed attempts count even though the link fails
        form.password.errors = [*form.password.errors, "Your account is locked for 15 minutes "
                                "after too many failed sign-ins. Try again later."
                                if result.locked_until else "The password is not right."]
    return render_template("sso/confirm_link.html", form=form, provider=provider,
                           email=pending["email"])
