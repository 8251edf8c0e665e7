"""Personal API tokens, as verbs: make one, find the one a request sends, note its use, revoke.

Only a SHA-256 hash of a token is stored; its owner sees the token once, when it is made.
A token reads what its owner may read, through /api/ only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from assessment.extensions import db
from assessment.store.models import ApiToken, User, utcnow

PREFIX = "cxa_"  # lets people (and secret scanners) tell our tokens apart
TOKEN_MAX = 200  # longer than any token we make; longer headers are refused unread
NAME_MAX = 100
# The expiry choices on the token page: form value -> days (None: never expires).
EXPIRY_DAYS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "never": None}
DEFAULT_EXPIRY = "90"
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token, so reading is not a write every time.
USE_PRECISION = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """Why a token could not be made, in words for the user."""


def new_secret() -> str:
    """A new token: our prefix and 256 random bits."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def bearer_secret(header: str | None) -> str | None:
    """The token in an `Authorization: Bearer <token>` header, or None when there is none."""
    scheme, _, secret = (header or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > TOKEN_MAX or " " in secret:
        return None
    return secret


def expires_at(now: dt.datetime, days: int | None) -> dt.datetime | None:
    return None if days is None else now + dt.timedelta(days=days)


def is_usable(token: ApiToken, now: dt.datetime) -> bool:
    """True while the token is neither revoked nor expired."""
    return token.revoked_at is None and (token.expires_at is None or now < token.expires_at)


def is_due_for_use_note(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    """True when last_used_at is worth writing again (never, or a minute or more ago)."""
    return last_used_at is None or now - last_used_at >= USE_PRECISION


def make_token(user: User, name: str, days: int | None) -> tuple[ApiToken, str]:
    """Make a token for the user; returns it and its secret (shown once, never stored)."""
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise TokenError("Enter a name for the token.")
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise TokenError(f"You have {MAX_ACTIVE_TOKENS} tokens that work. "
                         "Revoke one you no longer use first.")
    now, secret = utcnow(), new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), created_at=now,
                     expires_at=expires_at(now, days))
    db.session.add(token)
    db.session.flush()
    return token, secret


def find_token(secret: str | None) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, revoked or expired)."""
    if not secret:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    return token if token is not None and is_usable(token, utcnow()) else None


def note_use(token: ApiToken) -> bool:
    """Record that the token was used now, at most once a minute; True when it changed."""
    now = utcnow()
    if not is_due_for_use_note(token.last_used_at, now):
        return False
    token.last_used_at = now
    db.session.flush()
    return True


def revoke_token(token: ApiToken) -> None:
    """Stop the token working, for good."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that are not revoked (expired ones too), newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def active_tokens(user: User) -> list[ApiToken]:
    now = utcnow()
    return [t for t in tokens_of(user) if is_usable(t, now)]


def own_token(user: User, token_id: int) -> ApiToken | None:
    """The user's own token with this id, or None (someone else's tokens are never found)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id,
                                                    ApiToken.user_id == user.id))
