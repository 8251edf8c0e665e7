"""Accounts: sign up, sign in, sign out, and reset a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug import Response

from assessment.extensions import db, limiter
from assessment.store import accounts, audit
from assessment.web import auth, mail
from assessment.web.account_forms import (
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
from assessment.web.strict_form import ButtonForm

bp = Blueprint("account", __name__)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def sign_in_page_keeping(kept: list[tuple[str, str]], next_path: str) -> Response:
    """The sign-in page for a form posted after the session ended, carrying what was chosen."""
    form = SignInForm(formdata=None, data={"next": next_path})
    flash("You were signed out, so we did not save yet. Sign in, and we keep what you chose.",
          "warning")
    return make_response(render_template("account/sign_in.html", form=form, locked=False,
                                         kept=kept))


def after_sign_in(target: str | None) -> str:
    return auth.safe_next(target, url_for("main.home"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> str | Response:
    form = SignInForm(data={"next": request.args.get("next", "")}
                      if request.method == "GET" else None)
    kept = auth.carried_fields(request.form)
    locked = False
    if form.validate_on_submit():
        result = accounts.check_sign_in(form.email.data, form.password.data)
        locked = result.locked_until is not None
        audit.record_event("sign_in", user=result.user or accounts.find_user(form.email.data),
                           email=form.email.data,
                           outcome=audit.SUCCESS if result.user else audit.FAILURE,
                           detail="account locked" if locked else "")
        db.session.commit()  # failed attempts count even though the sign-in fails
        if result.user is not None:
            auth.start_session(result.user)
            if kept:
                return render_template("account/save_kept.html", kept=kept,
                                       action=after_sign_in(form.next.data))
            return redirect(after_sign_in(form.next.data))
        form.email.errors = [*form.email.errors, "Your account is locked for 15 minutes after "
                             "too many failed sign-ins. Try again later, or reset your password."
                             if locked else "The email address or password is not right."]
    return render_template("account/sign_in.html", form=form, locked=locked, kept=kept)


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_up() -> str | Response:
    form = SignUpForm(data={"next": request.args.get("next", "")}
                      if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data)
        except accounts.AccountError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            db.session.commit()
            auth.start_session(user)
            flash("Your account is ready. You are signed in.", "success")
            return redirect(after_sign_in(form.next.data))
    return render_template("account/sign_up.html", form=form)


@bp.post("/sign-out")
def sign_out() -> Response:
    ButtonForm().refuse_tampering()
    auth.end_session()
    flash("You are signed out.", "success")
    return redirect(url_for("main.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user is not None:
            token = accounts.start_password_reset(user, current_app.secret_key)
            db.session.commit()
            link = url_for(".reset_password", token=token, _external=True)
            mail.send_email(user.email, "Reset your password",
                            f"To choose a new password, open this link within an hour:\n\n{link}"
                            "\n\nIf you did not ask for this, you can ignore this email.")
        flash("If an account uses that address, we sent it a link to reset the password. "
              "The link works once, for one hour.", "success")
        return redirect(url_for(".sign_in"))
    return render_template("account/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def reset_password(token: str) -> str | Response:
    form = NewPasswordForm()
    form.refuse_tampering()
    user = accounts.user_for_reset_token(token, current_app.secret_key)
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "warning")
        return redirect(url_for(".reset_request"))
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        db.session.commit()
        flash("Your password is changed. Sign in with it.", "success")
        return redirect(url_for(".sign_in"))
    return render_template("account/reset_password.html", form=form, token=token)
