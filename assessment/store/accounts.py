"""Accounts, as verbs: create users (by an emailed link), check sign-ins (with lock-out per
address), reset passwords, end every session of a user."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.extensions import db
from assessment.store.conflicts import insert_or_skip
from assessment.store.models import SignInLock, SignUpRequest, User, utcnow

PASSWORD_MIN_LENGTH = 12
FAILED_SIGN_INS_BEFORE_LOCK = 5
LOCK_MINUTES = 15
RESET_LINK_SECONDS = 3600
SIGN_UP_LINK_HOURS = 24
_RESET_SALT = "password-reset"
# Checked when no account has the address, so a wrong address takes as long as a wrong password.
# A scrypt hash of "not a real password" with werkzeug's parameters, written out: making it at
# import cost every process (server, command, test worker) about 60 ms of start-up.
_DUMMY_HASH = ("scrypt:32768:8:1$x1jwEoYxAB7xjQJq$85cf7c131f97e293cc0c4c7293a927fe2dc534451c9f6"
               "54e5e6eba676911f543c6d15bd453dc86e95c72c6d71b538a043d996d87135c104e51167738b7372c71")
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
    user = _insert_user(normalize_email(email),
                        generate_password_hash(password, method="scrypt"))
    if user is None:
        raise AccountError("An account already uses that email address. Sign in instead.")
    return user


def _insert_user(email: str, password_hash: str) -> User | None:
    """The new account, or None when one has the address already (two sign-ups at once
    included: the database keeps one)."""
    if not insert_or_skip(User, {"email": email, "password_hash": password_hash,
                                 "created_at": utcnow(), "session_generation": 0},
                          unique_on=["email"]):
        return None
    return find_user(email)


def request_sign_up(email: str, password: str) -> str | None:
    """Keep a sign-up until its emailed link is opened; the link's token, or None when an
    account has the address already (its owner is told by email instead). Takes as long
    either way: the password is hashed either way."""
    email = normalize_email(email)
    password_hash = generate_password_hash(password, method="scrypt")
    if find_user(email) is not None:
        return None
    token = secrets.token_urlsafe(24)
    db.session.add(SignUpRequest(email=email, password_hash=password_hash,
                                 token_hash=_hash(token),
                                 expires_at=utcnow() + dt.timedelta(hours=SIGN_UP_LINK_HOURS)))
    db.session.flush()
    return token


def pending_sign_up(token: str) -> SignUpRequest | None:
    """The sign-up behind a link, while it waits and is less than a day old."""
    request = db.session.scalar(select(SignUpRequest).where(
        SignUpRequest.token_hash == _hash(token)))
    return request if request is not None and request.expires_at > utcnow() else None


def finish_sign_up(token: str) -> User | None:
    """Make the account a sign-up link asked for; None when the link is unknown or expired,
    or an account has the address already. The link works once."""
    request = pending_sign_up(token)
    if request is None:
        return None
    email, password_hash = request.email, request.password_hash
    # Every pending sign-up of the address goes: the account exists now, or never will.
    db.session.execute(delete(SignUpRequest).where(SignUpRequest.email == email))
    db.session.expunge(request)
    return _insert_user(email, password_hash)


def set_password(user: User, password: str) -> None:
    """A new password; it ends every session of the user and every open reset link."""
    user.password_hash = generate_password_hash(password, method="scrypt")
    user.reset_token_hash = None
    db.session.execute(delete(SignInLock).where(SignInLock.email == user.email))
    end_every_session(user)


def end_every_session(user: User) -> None:
    """Sign the user out everywhere: every session carries an older generation from now on."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_generation=User.session_generation + 1))
    db.session.flush()
    db.session.refresh(user, ["session_generation"])


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked_until: dt.datetime | None = None


def is_locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and now < locked_until


def check_sign_in(email: str, password: str) -> SignInResult:
    """The user when the password is right and the address not locked. Failures are counted
    per address, whether or not an account has it, and lock it for a while after too many in
    a row; the password is hashed every time, so the answer and its time say nothing about
    which addresses have accounts."""
    email, now = normalize_email(email), utcnow()
    user = find_user(email)
    matches = password_matches(user.password_hash if user else UNUSABLE_PASSWORD_HASH, password)
    lock = db.session.get(SignInLock, email)
    if lock is not None and is_locked(lock.locked_until, now):
        return SignInResult(None, lock.locked_until)
    if user is not None and matches:
        if lock is not None:
            db.session.delete(lock)
            db.session.flush()
        return SignInResult(user)
    return SignInResult(None, _count_failure(email, now))


def _count_failure(email: str, now: dt.datetime) -> dt.datetime | None:
    """One more failed sign-in for the address; when the address is now locked, until when."""
    insert_or_skip(SignInLock, {"email": email, "failures": 0, "updated_at": now},
                   unique_on=["email"])
    db.session.execute(update(SignInLock).where(SignInLock.email == email)
                       .values(failures=SignInLock.failures + 1, updated_at=now))
    lock = db.session.get(SignInLock, email, populate_existing=True)
    assert lock is not None
    if lock.failures >= FAILED_SIGN_INS_BEFORE_LOCK:
        lock.failures, lock.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
    db.session.flush()
    return lock.locked_until if is_locked(lock.locked_until, now) else None


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
