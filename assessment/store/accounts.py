"""Accounts, as verbs: create users, check sign-ins (with lock-out), reset passwords."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.extensions import db
from assessment.store.models import User, utcnow

PASSWORD_MIN_LENGTH = 12
FAILED_SIGN_INS_BEFORE_LOCK = 5
LOCK_MINUTES = 15
RESET_LINK_SECONDS = 3600
_RESET_SALT = "password-reset"
# Checked when no account has the address, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")
# The password of an account an import made: no password matches it until its owner uses
# "reset your password". It has no "$", so it can never be mistaken for a real hash.
UNUSABLE_PASSWORD_HASH = "!unusable"


class AccountError(ValueError):
    """Why an account could not be created or changed, in words for the user."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(email: str, password: str) -> User:
    """Create an account; the password is kept only as a scrypt hash."""
    email = normalize_email(email)
    if find_user(email) is not None:
        raise AccountError("An account already uses that email address. Sign in instead.")
    user = User(email=email, password_hash=generate_password_hash(password, method="scrypt"))
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.failed_sign_ins, user.locked_until, user.reset_token_hash = 0, None, None
    db.session.flush()


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked_until: dt.datetime | None = None


def is_locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and now < locked_until


def check_sign_in(email: str, password: str) -> SignInResult:
    """The user when the password is right and the account not locked; counts failures, and
    locks the account for a while after too many in a row."""
    user, now = find_user(email), utcnow()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult(None)
    if is_locked(user.locked_until, now):
        return SignInResult(None, user.locked_until)
    if not password_matches(user.password_hash, password):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= FAILED_SIGN_INS_BEFORE_LOCK:
            user.failed_sign_ins, user.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
        db.session.flush()
        return SignInResult(None, user.locked_until if is_locked(user.locked_until, now) else None)
    user.failed_sign_ins, user.locked_until = 0, None
    db.session.flush()
    return SignInResult(user)


def password_matches(password_hash: str, password: str) -> bool:
    """True when the password is right; never for an unusable hash (which takes as long)."""
    if password_hash == UNUSABLE_PASSWORD_HASH:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def start_password_reset(user: User, secret_key: str) -> str:
    """A one-time token for a reset link; only a hash of it is kept, and a new one replaces it."""
    nonce = secrets.token_urlsafe(24)
    user.reset_token_hash = _hash(nonce)
    db.session.flush()
    return _serializer(secret_key).dumps({"user": user.id, "nonce": nonce})


def user_for_reset_token(token: str, secret_key: str) -> User | None:
    """The user a reset token is for, while it is unused and less than an hour old."""
    try:
        data = _serializer(secret_key).loads(token, max_age=RESET_LINK_SECONDS)
        user_id, nonce = int(data["user"]), str(data["nonce"])
    except (BadData, KeyError, TypeError, ValueError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.reset_token_hash:
        return None
    return user if hmac.compare_digest(user.reset_token_hash, _hash(nonce)) else None


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
