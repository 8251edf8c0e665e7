"""Passkeys (WebAuthn credentials) and recovery codes: what signs a user in instead of a
password. Only public keys and hashes are kept; a private key never leaves its authenticator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.extensions import Model
from assessment.store.models import User, utcnow


class Passkey(Model):
    """One registered passkey: its credential id, its public key (COSE) and signature count."""

    __tablename__ = "passkey"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(100))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """A one-time code that signs in in place of a passkey; only its SHA-256 hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class PasskeyChallenge(Model):
    """A WebAuthn challenge waiting for its answer. The session holds only a random handle to
    it (its SHA-256 hash is the key here); answering deletes the row, so it is used once even
    if an old session cookie is sent again."""

    __tablename__ = "passkey_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
