"""A software passkey authenticator for tests: it makes real WebAuthn answers (a P-256 key made
with `cryptography`, CBOR-encoded authenticator data, an ECDSA signature over it), the way a
browser would send them to the server. Nothing of the server's checking is mocked."""

from __future__ import annotations

import hashlib
import json
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareAuthenticator:
    """One authenticator holding discoverable passkeys: {credential id: (key, rp id, handle)}."""

    def __init__(self) -> None:
        self.keys: dict[bytes, tuple[ec.EllipticCurvePrivateKey, str, bytes]] = {}
        self.counts: dict[bytes, int] = {}

    def create(self, options: dict, origin: str, *, verified: bool = True) -> str:
        """The JSON a browser posts after navigator.credentials.create(options)."""
        credential_id = secrets.token_bytes(32)
        key = ec.generate_private_key(ec.SECP256R1())
        rp_id, handle = options["rp"]["id"], unb64url(options["user"]["id"])
        self.keys[credential_id] = (key, rp_id, handle)
        self.counts[credential_id] = 0
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + len(credential_id).to_bytes(2, "big") + credential_id + cose
        auth_data = self._auth_data(rp_id, UP | AT | (UV if verified else 0), 0) + attested
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps({
            "id": b64url(credential_id), "rawId": b64url(credential_id), "type": "public-key",
            "response": {"clientDataJSON": b64url(client_data),
                         "attestationObject": b64url(attestation), "transports": ["internal"]},
            "clientExtensionResults": {}, "authenticatorAttachment": "platform"})

    def get(self, options: dict, origin: str, *, credential_id: bytes | None = None,
            verified: bool = True) -> str:
        """The JSON a browser posts after navigator.credentials.get(options): signed by the
        given passkey, else by the first this authenticator holds for the options' RP."""
        allowed = [unb64url(c["id"]) for c in options.get("allowCredentials") or []]
        if credential_id is None:
            credential_id = next(c for c, (_, rp, _) in self.keys.items()
                                 if rp == options["rpId"] and (not allowed or c in allowed))
        key, rp_id, handle = self.keys[credential_id]
        self.counts[credential_id] += 1
        auth_data = self._auth_data(rp_id, UP | (UV if verified else 0),
                                    self.counts[credential_id])
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = key.sign(auth_data + hashlib.sha256(client_data).digest(),
                             ec.ECDSA(hashes.SHA256()))
        return json.dumps({
            "id": b64url(credential_id), "rawId": b64url(credential_id), "type": "public-key",
            "response": {"clientDataJSON": b64url(client_data),
                         "authenticatorData": b64url(auth_data),
                         "signature": b64url(signature), "userHandle": b64url(handle)},
            "clientExtensionResults": {}, "authenticatorAttachment": "platform"})

    @staticmethod
    def _auth_data(rp_id: str, flags: int, count: int) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + count.to_bytes(4, "big")

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}).encode()
