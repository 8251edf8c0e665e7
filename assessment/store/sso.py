"""Single sign-on accounts, as verbs: find the account of a provider identity (issuer +
subject), make an account for a new identity, link an identity to an existing account."""

from __future__ import annotations

from sqlalchemy import select

from assessment.extensions import db
from assessment.store.accounts import (
    UNUSABLE_PASSWORD_HASH,
    AccountError,
    _insert_user,
    normalize_email,
)
from assessment.store.conflicts import insert_or_skip
from assessment.store.models import SsoIdentity, User, utcnow


def identity_user(issuer: str, subject: str) -> User | None:
    """The account that signs in as this identity, if any."""
    return db.session.scalar(select(User).join(SsoIdentity, SsoIdentity.user_id == User.id)
                             .where(SsoIdentity.issuer == issuer,
                                    SsoIdentity.subject == subject))


def issuers_of(user_id: int) -> set[str]:
    """The providers (by issuer) whose identities sign in to the account."""
    return set(db.session.scalars(select(SsoIdentity.issuer)
                                  .where(SsoIdentity.user_id == user_id)))


def has_password(user: User) -> bool:
    return user.password_hash != UNUSABLE_PASSWORD_HASH


def create_sso_user(email: str, issuer: str, subject: str) -> User:
    """A new account for the identity; it has no password (it signs in by single sign-on)."""
    user = _insert_user(normalize_email(email), UNUSABLE_PASSWORD_HASH)
    if user is None:
        raise AccountError("An account already uses that email address.")
    link_identity(user, issuer, subject, email)
    return user


def link_identity(user: User, issuer: str, subject: str, email: str) -> User:
    """The identity signs in to the user's account from now on; the account that already has
    the identity keeps it (two tabs finishing the same link at once)."""
    insert_or_skip(SsoIdentity, {"user_id": user.id, "issuer": issuer, "subject": subject,
                                 "email": normalize_email(email)[:254], "created_at": utcnow()},
                   unique_on=["issuer", "subject"])
    linked = identity_user(issuer, subject)
    assert linked is not None
    return linked
