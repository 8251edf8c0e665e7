"""Passkeys: add, list and remove them on the account page; sign in with one or with a recovery
code; confirm it is you before a risky change; and the page a password-only session is held on
while passkeys are required."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db, limiter
from assessment.rules.sign_in_strength import OPEN, PASSKEY, RECOVERY_CODE
from assessment.store import accounts, audit
from assessment.store import passkeys as passkey_store
from assessment.web import auth, phishing_resistant, recent
from assessment.web import passkey_ceremony as ceremony
from assessment.web.passkey_ceremony import CeremonyError
from assessment.web.passkey_forms import (
    AddPasskeyForm,
    ConfirmForm,
    PasskeySignInForm,
    RecoveryCodeForm,
)
from assessment.web.strict_form import ButtonForm

bp = Blueprint("passkeys", __name__)
WITH_PASSKEY, WITH_RECOVERY_CODE = "with a passkey", "with a recovery code"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def refuse_fields() -> None:
    """The options posts carry their security token in a header and nothing else: a posted
    field gets the 400 page (and no challenge is made)."""
    ButtonForm().refuse_tampering()


def _options(options_json: str) -> Response:
    db.session.commit()  # the challenge, kept for its answer
    return Response(options_json, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


@bp.post("/passkeys/options/register")
@login_required
def register_options() -> Response:
    """Options for adding a passkey; the challenge is kept for the answer."""
    refuse_fields()
    return _options(ceremony.registration_options(
        current_user, passkey_store.passkeys_of(current_user)))


@bp.post("/passkeys/options/sign-in")
@limiter.limit(_sign_in_limit)
def sign_in_options() -> Response:
    refuse_fields()
    return _options(ceremony.authentication_options(ceremony.SIGN_IN))


@bp.post("/passkeys/options/confirm")
@login_required
def confirm_options() -> Response:
    refuse_fields()
    return _options(ceremony.authentication_options(
        ceremony.CONFIRM, passkey_store.passkeys_of(current_user)))


@bp.route("/account/passkeys", methods=["GET", "POST"])
@login_required
def passkeys() -> str | Response:
    form = AddPasskeyForm()
    if form.validate_on_submit():
        first = not passkey_store.has_passkey(current_user.id)
        try:
            new = ceremony.check_registration(form.credential.data)
            passkey = passkey_store.add_passkey(current_user, form.name.data, new.credential_id,
                                                new.public_key, new.sign_count)
        except (CeremonyError, passkey_store.PasskeyError) as error:
            db.session.commit()  # the challenge is used up, even by a refused answer
            form.name.errors = [*form.name.errors, str(error)]
        else:
            audit.record_event("passkey_added", detail=passkey.name)
            session[phishing_resistant.PASSKEY_ADDED] = True
            codes = passkey_store.make_recovery_codes(current_user) if first else []
            if codes:
                audit.record_event("recovery_codes_made")
            db.session.commit()
            if codes:
                return render_template("account/recovery_codes.html", codes=codes,
                                       passkey=passkey)
            flash(f"You added the passkey “{passkey.name}”.", "success")
            return redirect(url_for(".passkeys"))
    return render_passkeys(form)


def render_passkeys(form: AddPasskeyForm) -> str:
    return render_template("account/passkeys.html", form=form,
                           passkeys=passkey_store.passkeys_of(current_user),
                           codes_left=passkey_store.recovery_codes_left(current_user))


@bp.post("/account/passkeys/<int(max=2147483647):passkey_id>/remove")
@login_required
def remove(passkey_id: int) -> Response:
    ButtonForm().refuse_tampering()
    passkey = passkey_store.own_passkey(current_user, passkey_id)
    if passkey is None:  # someone else's passkey is never found
        abort(404)
    name = passkey.name
    passkey_store.remove_passkey(passkey)
    audit.record_event("passkey_removed", detail=name)
    db.session.commit()
    flash(f"You removed the passkey “{name}”. It no longer signs you in here.", "success")
    return redirect(url_for(".passkeys"))


@bp.post("/account/passkeys/recovery-codes")
@login_required
def recovery_codes() -> str | Response:
    """New recovery codes, shown once; the old ones stop working."""
    ButtonForm().refuse_tampering()
    if not passkey_store.has_passkey(current_user.id):
        flash("Add a passkey first. Recovery codes sign in in place of a passkey.", "info")
        return redirect(url_for(".passkeys"))
    if (ask := recent.confirm_first("make new recovery codes")) is not None:
        return ask
    codes = passkey_store.make_recovery_codes(current_user)
    audit.record_event("recovery_codes_made")
    db.session.commit()
    return render_template("account/recovery_codes.html", codes=codes, passkey=None)


@bp.post("/sign-in/passkey")
@limiter.limit(_sign_in_limit)
def sign_in() -> str | Response:
    form = PasskeySignInForm()
    if not form.validate_on_submit():
        abort(400, description="The sign-in form was not complete, so we did not sign you in.")
    next_path = auth.safe_next(form.next.data, "") or None
    passkey = None
    try:
        passkey = passkey_store.find_passkey(ceremony.credential_id_of(form.credential.data))
        sign_count = ceremony.check_authentication(ceremony.SIGN_IN, form.credential.data,
                                                   passkey)
    except CeremonyError as error:
        audit.record_event("sign_in", user=passkey.user if passkey else None,
                           outcome=audit.FAILURE, detail=WITH_PASSKEY)
        db.session.commit()
        flash(str(error), "error")
        return redirect(url_for("account.sign_in", next=next_path))
    assert passkey is not None  # check_authentication refuses an unknown passkey
    passkey_store.note_use(passkey, sign_count)
    audit.record_event("sign_in", user=passkey.user, detail=WITH_PASSKEY)
    db.session.commit()
    auth.start_session(passkey.user, PASSKEY)
    target = auth.safe_next(next_path, url_for("work.home"))
    if kept := auth.carried_fields(request.form):  # what was chosen before the session ended
        return render_template("account/save_kept.html", kept=kept, action=target)
    return redirect(target)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def recovery_sign_in() -> str | Response:
    form = RecoveryCodeForm(data={"next": request.args.get("next", "")}
                            if request.method == "GET" else None)
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user is not None and passkey_store.use_recovery_code(user, form.code.data):
            audit.record_event("recovery_code_used", user=user)
            audit.record_event("sign_in", user=user, detail=WITH_RECOVERY_CODE)
            left = passkey_store.recovery_codes_left(user)
            db.session.commit()
            auth.start_session(user, RECOVERY_CODE)
            flash(f"You signed in with a recovery code. That code does not work again; you "
                  f"have {left} left. If you lost your passkey, remove it and add a new one.",
                  "warning")
            return redirect(auth.safe_next(form.next.data, url_for(".passkeys")))
        audit.record_event("sign_in", user=user, email=form.email.data, outcome=audit.FAILURE,
                           detail=WITH_RECOVERY_CODE)
        db.session.commit()
        form.code.errors = [*form.code.errors,
                            "The email address or recovery code is not right."]
    return render_template("account/recovery_sign_in.html", form=form)


@bp.get("/account/passkey-needed")
@login_required
def needed() -> str | Response:
    """Where a session is held while passkeys are required (web/phishing_resistant.py)."""
    held = phishing_resistant.gate()
    if held == OPEN:
        return redirect(url_for("work.home"))
    return render_template("account/passkey_needed.html", held=held, form=AddPasskeyForm())


@bp.post("/account/confirm")
@login_required
@limiter.limit(_sign_in_limit)
def confirm() -> str | Response:
    """Confirm it is you (password or passkey), then post the change you started again."""
    form = ConfirmForm()
    kept = auth.carried_fields(request.form)
    action = auth.safe_next(form.action.data, url_for("account.account"))
    what = form.what.data or "finish your change"
    if form.validate_on_submit():
        problem = check_it_is_you(form)
        db.session.commit()  # a wrong password counts towards locking the account
        if problem is None:
            recent.note_confirmed()
            return recent.confirmed_page(kept, action, what)
        form.password.errors = [*form.password.errors, problem]
    return recent.confirm_page(kept, action, what, form)


def check_it_is_you(form: ConfirmForm) -> str | None:
    """None when the posted password or passkey is the signed-in user's; else what is wrong."""
    if form.credential.data:
        passkey = None
        try:
            passkey = passkey_store.find_passkey(ceremony.credential_id_of(form.credential.data))
            if passkey is not None and passkey.user_id != current_user.id:
                passkey = None
            sign_count = ceremony.check_authentication(ceremony.CONFIRM, form.credential.data,
                                                       passkey)
        except CeremonyError as error:
            audit.record_event("sign_in_confirmed", outcome=audit.FAILURE, detail=WITH_PASSKEY)
            return str(error)
        assert passkey is not None
        passkey_store.note_use(passkey, sign_count)
        audit.record_event("sign_in_confirmed", detail=WITH_PASSKEY)
        return None
    if not form.password.data:
        return "Enter your password, or use your passkey."
    result = accounts.check_sign_in(current_user.email, form.password.data)
    if result.user is None or result.user.id != current_user.id:
        audit.record_event("sign_in_confirmed", outcome=audit.FAILURE, detail="with a password")
        return ("Your account is locked for 15 minutes after too many failed sign-ins."
                if result.locked_until else "That password is not right.")
    audit.record_event("sign_in_confirmed", detail="with a password")
    return None
