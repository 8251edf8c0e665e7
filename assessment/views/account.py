"""Accounts: sign up (by an emailed link), sign in, sign out (here or everywhere else), and reset
a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db, limiter, login_manager
from assessment.rules.sign_in_settings import domains_in_words, email_allowed
from assessment.store import accounts, audit
from assessment.web import auth, mail, sso
from assessment.web.account_forms import (
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
from assessment.web.strict_form import ButtonForm

bp = Blueprint("account", __name__)
# Flask-Login sends signed-out visitors of a page that needs an account here (ask_to_sign_in).
bp.record_once(lambda state: login_manager.unauthorized_handler(ask_to_sign_in))


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def sign_in_page_keeping(kept: list[tuple[str, str]], next_path: str) -> Response:
    """The sign-in page for a form posted after the session ended, carrying what was chosen."""
    form = SignInForm(formdata=None, data={"next": next_path})
    flash("You were signed out, so we did not save yet. Sign in, and we keep what you chose.",
          "warning")
    return make_response(render_template("account/sign_in.html", form=form, locked=False,
                                         kept=kept))


def ask_to_sign_in() -> Response:
    """A signed-out user on a page that needs an account: sign in, then come back here.

    A form posted after the session ended is kept: the sign-in page carries what was chosen,
    and after signing in the user saves it with one button.
    """
    if request.method == "POST" and request.endpoint in auth.KEEPS_POSTED_FORM:
        return sign_in_page_keeping(auth.kept_fields(request.form), auth.here())
    if "_flashes" not in session:
        flash("Sign in to continue.", "info")
    return redirect(url_for("account.sign_in", next=auth.here()))


def after_sign_in(target: str | None) -> str:
    """Where signing in (or finishing a sign-up) goes: the page asked for, else Your work."""
    return auth.safe_next(target, url_for("work.home"))


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
def sign_up() -> str | Response | tuple[str, int]:
    if not current_app.config["PASSWORD_SIGN_UP"]:
        return render_template("account/sign_up_off.html"), 403
    form = SignUpForm(data={"next": request.args.get("next", "")}
                      if request.method == "GET" else None)
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    valid = form.validate_on_submit()
    if valid and not email_allowed(form.email.data, domains):
        valid = False
        form.email.errors = [*form.email.errors, "Use an email address that ends in "
                             f"{domains_in_words(domains)}."]
    if valid:
        email = accounts.normalize_email(form.email.data)
        token = accounts.request_sign_up(email, form.password.data)
        db.session.commit()
        send_sign_up_email(email, token, form.next.data)
        if mail.is_set_up():
            flash(f"Check your email. We sent a message to {email} with what to do next. "
                  f"A link to create an account works for {accounts.SIGN_UP_LINK_HOURS} "
                  "hours.", "success")
        else:
            flash(f"{mail.NOT_SET_UP} Ask the person who runs this site for the message to "
                  f"{email}. A link to create an account works for "
                  f"{accounts.SIGN_UP_LINK_HOURS} hours.", "info")
        return redirect(url_for("main.home"))
    return render_template("account/sign_up.html", form=form)


def send_sign_up_email(email: str, token: str | None, next_path: str | None) -> None:
    """The link that creates the account; or, when the address has an account already, a
    note saying so with the way to reset its password. Both look alike from outside."""
    if token is None:
        subject = "You already have an account"
        body = ("Someone, maybe you, tried to create an account with this email address. You "
                f"have one already. Sign in: {url_for('.sign_in', _external=True)}\n\n"
                "If you forgot your password, choose a new one here: "
                f"{url_for('.reset_request', _external=True)}\n\n"
                "If you did not ask for this, you can ignore this email.")
    else:
        link = url_for(".finish_sign_up", token=token, _external=True,
                       next=auth.safe_next(next_path, "") or None)
        subject = "Finish creating your account"
        body = (f"To create your account, open this link within "
                f"{accounts.SIGN_UP_LINK_HOURS} hours:\n\n{link}\n\n"
                "If you did not ask for this, you can ignore this email.")
    mail.send_email(email, subject, body)  # a failure is logged; the page looks the same


@bp.route("/sign-up/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def finish_sign_up(token: str) -> str | Response | tuple[str, int]:
    """The emailed link: one button creates the account and signs in."""
    ButtonForm().refuse_tampering()
    if not current_app.config["PASSWORD_SIGN_UP"]:
        return render_template("account/sign_up_off.html"), 403
    pending = accounts.pending_sign_up(token)
    if pending is None:
        flash("That link has expired or was already used. Create your account again, or sign "
              "in if you already did.", "warning")
        return redirect(url_for(".sign_in"))
    if request.method == "POST":
        user = accounts.finish_sign_up(token)
        db.session.commit()
        if user is None:
            flash("An account was already made with that link. Sign in.", "info")
            return redirect(url_for(".sign_in"))
        auth.start_session(user)
        flash("Your account is ready. You are signed in.", "success")
        return redirect(after_sign_in(request.args.get("next")))
    return render_template("account/finish_sign_up.html", email=pending.email, token=token,
                           next=auth.safe_next(request.args.get("next"), "") or None)


@bp.post("/sign-out")
def sign_out() -> Response:
    ButtonForm().refuse_tampering()
    if current_user.is_authenticated:
        audit.record_event("sign_out")
    provider = sso.provider_named(session.get(sso.PROVIDER, ""))
    id_token = session.get(sso.ID_TOKEN, "")
    auth.sign_out()
    db.session.commit()
    flash("You are signed out.", "success")
    home = url_for("main.home")
    # Signed in by single sign-on: sign out at the provider too, which sends the person back.
    at_provider = provider and sso.logout_url(provider, url_for("main.home", _external=True),
                                              id_token)
    return redirect(at_provider or home)


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("account/account.html", email=current_user.email)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    """End every other session of the user: other browsers and any copied cookie."""
    ButtonForm().refuse_tampering()
    # This session keeps how it signed in (and its provider, to sign out there later).
    kept = {key: session[key] for key in (auth.SIGN_IN_METHOD, sso.PROVIDER, sso.ID_TOKEN)
            if key in session}
    auth.sign_out_elsewhere()
    session.update(kept)
    db.session.commit()
    flash("You are signed out everywhere else. You are still signed in here.", "success")
    return redirect(url_for(".account"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
        if user is not None:
            token = accounts.start_password_reset(user, str(current_app.secret_key))
            db.session.commit()
            link = url_for(".reset_password", token=token, _external=True)
            mail.send_email(user.email, "Reset your password",
                            f"To choose a new password, open this link within an hour:\n\n{link}"
                            "\n\nIf you did not ask for this, you can ignore this email.")
        if mail.is_set_up():
            flash("If an account uses that address, we sent it a link to reset the password. "
                  "The link works once, for one hour.", "success")
        else:
            flash(f"{mail.NOT_SET_UP} If an account uses that address, the link to reset its "
                  "password is there. It works once, for one hour.", "info")
        return redirect(url_for(".sign_in"))
    return render_template("account/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def reset_password(token: str) -> str | Response:
    form = NewPasswordForm()
    form.refuse_tampering()
    user = accounts.user_for_reset_token(token, str(current_app.secret_key))
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "warning")
        return redirect(url_for(".reset_request"))
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        db.session.commit()
        flash("Your password is changed. Sign in with it.", "success")
        return redirect(url_for(".sign_in"))
    return render_template("account/reset_password.html", form=form, token=token)
