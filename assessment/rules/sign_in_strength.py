"""How strong a session's sign-in is, and what it may do: phishing-resistant sign-in, a recent
sign-in before risky changes, and the shape of recovery codes.

Pure: no Flask, no database. web/phishing_resistant.py and web/recent.py apply these rules.
"""

from __future__ import annotations

import secrets

# How a session was signed in (web/auth.py keeps it under SIGN_IN_METHOD).
PASSWORD, PASSKEY, SSO, RECOVERY_CODE = "password", "passkey", "sso", "recovery_code"
PHISHING_RESISTANT = frozenset({PASSKEY, SSO})
# What a session may do while REQUIRE_PHISHING_RESISTANT is on.
OPEN, ADD_PASSKEY, USE_PASSKEY = "open", "add passkey", "use passkey"

RECENT_SIGN_IN_SECONDS = 10 * 60
CHALLENGE_SECONDS = 5 * 60
RECOVERY_CODE_COUNT = 10
# Without 0, 1, I, L, O and U: nothing to misread when typed from paper.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP_SIZE = 3, 4  # 12 characters, about 59 bits


def sign_in_gate(required: bool, method: str, has_passkey: bool, added_here: bool) -> str:
    """What a signed-in session may do when phishing-resistant sign-in is (or is not) required.

    OPEN: everything. ADD_PASSKEY: only add a passkey (a password-only account, or a recovery
    code used in place of a lost passkey). USE_PASSKEY: the account has a passkey, so signing
    in by password is not enough; sign in with it (adding another would let a stolen password
    add its own)."""
    if not required or method in PHISHING_RESISTANT or added_here:
        return OPEN
    if method == PASSWORD and has_passkey:
        return USE_PASSKEY
    return ADD_PASSKEY


def is_recent(signed_in_at: float, confirmed_at: float, now: float,
              limit: float = RECENT_SIGN_IN_SECONDS) -> bool:
    """True when the user signed in, or confirmed it was them, within the limit."""
    return now - max(signed_in_at, confirmed_at) <= limit


def is_fresh_challenge(age_seconds: float, limit: float = CHALLENGE_SECONDS) -> bool:
    """True while a WebAuthn challenge of this age may still be answered (never one from the
    future)."""
    return 0 <= age_seconds <= limit


def new_recovery_code() -> str:
    """A code like "7KQM-X3PA-Z9TD"."""
    return "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_SIZE))
                    for _ in range(RECOVERY_GROUPS))


def normalize_recovery_code(typed: str) -> str:
    """The code as stored, from what a person typed in any case, with or without spaces or
    dashes."""
    kept = "".join(c for c in typed.upper() if c.isascii() and c.isalnum())
    size = RECOVERY_GROUP_SIZE
    return "-".join(kept[i:i + size] for i in range(0, len(kept), size))
