"""The WebAuthn ceremonies, with py_webauthn: options for the browser, and the checks of what
it sends back. Each challenge is kept on the server (the session holds a handle to it), for one
purpose, answered once and only for CHALLENGE_SECONDS.

The relying party is WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN when set; otherwise this request's
host, so `make run` works on http://127.0.0.1:5000 with nothing to set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import webauthn
from flask import current_app, request, session
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from assessment.rules.sign_in_strength import CHALLENGE_SECONDS, is_fresh_challenge
from assessment.store import passkeys as passkey_store
from assessment.store.models import User, utcnow
from assessment.store.passkey_models import Passkey

CHALLENGE = "webauthn_challenge"
REGISTER, SIGN_IN, CONFIRM = "register", "sign-in", "confirm"
PURPOSES = (REGISTER, SIGN_IN, CONFIRM)
RP_NAME = "CX maturity self-assessment"
CREDENTIAL_MAX = 16 * 1024  # a passkey's answer is a few kilobytes at most
TIMEOUT_MS = 120_000


class CeremonyError(ValueError):
    """Why a passkey was not accepted, in words for the user."""


@dataclass(frozen=True)
class NewPasskey:
    credential_id: bytes
    public_key: bytes
    sign_count: int


def relying_party() -> tuple[str, str]:
    """(RP ID, origin): from the settings, else from this request's host."""
    origin = current_app.config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")
    rp_id = current_app.config.get("WEBAUTHN_RP_ID") or urlsplit(origin).hostname or ""
    return rp_id, origin


def user_handle(user: User) -> bytes:
    """What the authenticator keeps to name the account: its number, never its email."""
    return str(user.id).encode()


def _keep_challenge(purpose: str, challenge: bytes) -> None:
    """Keep the challenge in the database; the session holds only a handle to it. The view
    commits."""
    stale_before = utcnow() - dt.timedelta(seconds=CHALLENGE_SECONDS)
    session[CHALLENGE] = passkey_store.keep_challenge(purpose, challenge, stale_before)


def _take_challenge(purpose: str) -> bytes:
    """The challenge given to this session for this purpose, once: it is gone after this call
    (the view commits, whatever the answer)."""
    handle = session.pop(CHALLENGE, None)
    kept = passkey_store.take_challenge(handle) if isinstance(handle, str) else None
    if kept is None or kept.purpose != purpose:
        raise CeremonyError("We did not ask for that passkey, or it was used already. "
                            "Try again.")
    if not is_fresh_challenge((utcnow() - kept.created_at).total_seconds()):
        raise CeremonyError("That took more than 5 minutes, so we did not accept it. "
                            "Try again.")
    return kept.challenge


def registration_options(user: User, existing: list[Passkey]) -> str:
    """The options for navigator.credentials.create(), as JSON: a discoverable credential with
    user verification, and none the user has already."""
    rp_id, _ = relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_name=user.email, user_id=user_handle(user),
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id)
                             for p in existing])
    _keep_challenge(REGISTER, options.challenge)
    return webauthn.options_to_json(options)


def authentication_options(purpose: str, allowed: list[Passkey] | None = None) -> str:
    """The options for navigator.credentials.get(), as JSON. Signing in names no credential
    (the authenticator offers its own passkeys for this site); confirming names the user's."""
    rp_id, _ = relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id)
                           for p in allowed or []],
        user_verification=UserVerificationRequirement.REQUIRED)
    _keep_challenge(purpose, options.challenge)
    return webauthn.options_to_json(options)


def check_registration(credential: str) -> NewPasskey:
    """The new passkey, if the browser's answer is to our challenge, from this site, with the
    user verified; otherwise CeremonyError."""
    challenge = _take_challenge(REGISTER)
    rp_id, origin = relying_party()
    try:
        verified = webauthn.verify_registration_response(
            credential=_bounded(credential), expected_challenge=challenge,
            expected_rp_id=rp_id, expected_origin=origin, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise CeremonyError("Your passkey was not added. Try again.") from error
    return NewPasskey(verified.credential_id, verified.credential_public_key,
                      verified.sign_count)


def credential_id_of(credential: str) -> bytes:
    """The credential id an answer from navigator.credentials.get() claims (not yet checked)."""
    try:
        return parse_authentication_credential_json(_bounded(credential)).raw_id
    except (WebAuthnException, ValueError, TypeError, KeyError, CeremonyError) as error:
        if isinstance(handle := session.pop(CHALLENGE, None), str):
            passkey_store.take_challenge(handle)  # an unreadable answer uses it up too
        raise CeremonyError("We could not read the answer from your passkey. Try again.") \
            from error


def check_authentication(purpose: str, credential: str, passkey: Passkey | None) -> int:
    """The passkey's new signature count, if the answer is to our challenge, from this site,
    signed by this passkey's key, with the user verified; otherwise CeremonyError."""
    challenge = _take_challenge(purpose)
    if passkey is None:
        raise CeremonyError("That passkey is not on any account here. It may have been "
                            "removed. Use another passkey, your password or a recovery code.")
    rp_id, origin = relying_party()
    try:
        verified = webauthn.verify_authentication_response(
            credential=_bounded(credential), expected_challenge=challenge,
            expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise CeremonyError("Your passkey was not accepted. Try again.") from error
    return verified.new_sign_count


def _bounded(credential: str) -> str:
    if not credential or len(credential) > CREDENTIAL_MAX:
        raise CeremonyError("We did not get an answer from a passkey. Try again.")
    return credential
