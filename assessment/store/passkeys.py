"""Passkeys and recovery codes, as verbs: add, list, find, note a use, remove; make recovery
codes (shown once) and use one. Each flushes; the view commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import cast

from sqlalchemy import CursorResult, delete, func, select, update

from assessment.extensions import db
from assessment.rules.sign_in_strength import (
    RECOVERY_CODE_COUNT,
    new_recovery_code,
    normalize_recovery_code,
)
from assessment.store.models import User, utcnow
from assessment.store.passkey_models import Passkey, PasskeyChallenge, RecoveryCode

NAME_MAX = 100
MAX_PASSKEYS = 20


class PasskeyError(ValueError):
    """Why a passkey could not be added, in words for the user."""


def passkeys_of(user: User) -> list[Passkey]:
    """The user's passkeys, oldest first."""
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id)
                                   .order_by(Passkey.created_at, Passkey.id)))


def has_passkey(user_id: int) -> bool:
    return db.session.scalar(select(Passkey.id).where(Passkey.user_id == user_id)
                             .limit(1)) is not None


def add_passkey(user: User, name: str, credential_id: bytes, public_key: bytes,
                sign_count: int) -> Passkey:
    """Keep a newly registered passkey for the user."""
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise PasskeyError("Enter a name for the passkey.")
    if len(passkeys_of(user)) >= MAX_PASSKEYS:
        raise PasskeyError(f"You have {MAX_PASSKEYS} passkeys. Remove one you no longer use "
                           "first.")
    if find_passkey(credential_id) is not None:
        raise PasskeyError("That passkey is added already.")
    passkey = Passkey(user_id=user.id, name=name, credential_id=credential_id,
                      public_key=public_key, sign_count=sign_count)
    db.session.add(passkey)
    db.session.flush()
    return passkey


def find_passkey(credential_id: bytes) -> Passkey | None:
    """The passkey with this credential id, whoever's it is, or None."""
    return db.session.scalar(select(Passkey).where(Passkey.credential_id == credential_id))


def own_passkey(user: User, passkey_id: int) -> Passkey | None:
    """The user's own passkey with this id (someone else's is never found)."""
    return db.session.scalar(select(Passkey).where(Passkey.id == passkey_id,
                                                   Passkey.user_id == user.id))


def note_use(passkey: Passkey, sign_count: int) -> None:
    passkey.sign_count = sign_count
    passkey.last_used_at = utcnow()
    db.session.flush()


def remove_passkey(passkey: Passkey) -> None:
    """Remove the passkey; with the user's last one go their recovery codes, which stand in
    for a passkey and would otherwise be a second password."""
    user_id = passkey.user_id
    db.session.delete(passkey)
    db.session.flush()
    if not has_passkey(user_id):
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_recovery_code(code).encode()).hexdigest()


def make_recovery_codes(user: User) -> list[str]:
    """New recovery codes for the user, replacing any earlier ones; returns them (shown once,
    only their hashes are kept)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(new_recovery_code())
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_code(code))
                       for code in codes)
    db.session.flush()
    return sorted(codes)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def use_recovery_code(user: User, typed: str) -> bool:
    """Spend one of the user's unused recovery codes; False when the code is not one."""
    # One statement: two posts of the same code cannot both spend it.
    spent = cast(CursorResult, db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_code(typed),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow())))
    return spent.rowcount == 1


def keep_challenge(purpose: str, challenge: bytes, stale_before: dt.datetime) -> str:
    """Keep a challenge for one answer; returns the handle the session holds. Challenges
    issued before `stale_before` (nobody answered them) go at the same time."""
    db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.created_at < stale_before))
    handle = secrets.token_urlsafe(24)
    db.session.add(PasskeyChallenge(handle_hash=_sha256(handle), purpose=purpose,
                                    challenge=challenge))
    db.session.flush()
    return handle


def take_challenge(handle: str) -> PasskeyChallenge | None:
    """The challenge behind the handle, removed in the same step: a second request with the
    same handle finds nothing, even at the same moment."""
    kept = db.session.scalar(select(PasskeyChallenge).where(
        PasskeyChallenge.handle_hash == _sha256(handle)))
    if kept is None:
        return None
    gone = cast(CursorResult, db.session.execute(
        delete(PasskeyChallenge).where(PasskeyChallenge.id == kept.id)
        .execution_options(synchronize_session=False)))
    db.session.expunge(kept)
    return kept if gone.rowcount == 1 else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
