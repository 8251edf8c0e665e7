"""Single sign-on with OpenID Connect, by Authlib: one client per configured provider.

Authlib does the protocol: discovery from the issuer (cached), the authorization code flow
with PKCE (S256), state and nonce kept in the session and checked, and the ID token's
signature (against the provider's published keys, cached, fetched again once when a token
names a key we have not seen), issuer, audience and expiry. This module turns each way it can
fail into words for the person, and gives the views plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app, request, session
from joserfc.errors import JoseError
from werkzeug import Response

from assessment.rules.sign_in_settings import Provider
from assessment.web import security

TIMEOUT_SECONDS = 10  # a provider that does not answer must not hold a worker for long
_OAUTH = "sso_oauth"
PROVIDER = "sso_provider"  # the session's provider, when it signed in by single sign-on
ID_TOKEN = "sso_id_token"  # its ID token, for signing out at the provider
_STARTED = "_state_"  # Authlib's session keys of sign-ins started and not yet finished
STARTS_KEPT = 2


class SsoFailure(Exception):
    """Why a single sign-on did not work: words for the person, the status of the page, and a
    short reason for the audit log."""

    def __init__(self, message: str, status: int, reason: str) -> None:
        super().__init__(reason)
        self.message, self.status, self.reason = message, status, reason


@dataclass(frozen=True)
class Person:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    id_token: str  # as the provider sent it, for signing out there
    auth_time: int | None = None  # when the person last signed in at the provider


def init_app(app: Flask) -> None:
    providers: tuple[Provider, ...] = tuple(app.config.get("OIDC_PROVIDERS", ()))
    app.add_template_global(lambda: providers, "sso_providers")
    app.add_template_global(can_carry, "sso_can_carry")
    if not providers:
        return
    oauth = OAuth()
    oauth.init_app(app)
    for provider in providers:
        client_kwargs: dict[str, Any] = {"scope": provider.scopes,
                                         "code_challenge_method": "S256",
                                         "default_timeout": TIMEOUT_SECONDS}
        extra: dict[str, Any] = {}
        if provider.private_key:
            client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"
            extra["client_auth_methods"] = [PrivateKeyJWT()]
        oauth.register(provider.name, client_id=provider.client_id,
                       client_secret=provider.private_key or provider.client_secret,
                       server_metadata_url=provider.metadata_url, client_kwargs=client_kwargs,
                       **extra)
    app.extensions[_OAUTH] = oauth
    app.config["CONTENT_SECURITY_POLICY"] = security.policy_with_form_targets(
        list(dict.fromkeys(origin(p.issuer) for p in providers)))


def origin(url: str) -> str:
    """https://idp.example.gov of https://idp.example.gov/path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def provider_named(name: str) -> Provider | None:
    return next((p for p in current_app.config.get("OIDC_PROVIDERS", ()) if p.name == name),
                None)


def _client(provider: Provider) -> Any:
    return current_app.extensions[_OAUTH].create_client(provider.name)


def _down(provider: Provider) -> SsoFailure:
    return SsoFailure(f"We could not reach {provider.label}. It may be down for a while. Try "
                      "again in a few minutes, or sign in another way.", 503, "provider down")


# What a form posted after the session ended may carry through the provider and back, in the
# session cookie (4 KB in all, with the sign-in's own state).
CARRIED_MAX_CHARACTERS = 2000


def can_carry(kept: list[tuple[str, str]]) -> bool:
    return sum(len(name) + len(value) for name, value in kept) <= CARRIED_MAX_CHARACTERS


def signs_in_with(user_id: int, provider: Provider) -> bool:
    """Whether the account has an identity at the provider."""
    from assessment.store.sso import issuers_of

    return provider.issuer.rstrip("/") in {issuer.rstrip("/") for issuer in issuers_of(user_id)}


def providers_of(user_id: int) -> list[Provider]:
    """The configured providers the account signs in with."""
    return [provider for provider in current_app.config.get("OIDC_PROVIDERS", ())
            if signs_in_with(user_id, provider)]


def begin(provider: Provider, redirect_uri: str, again: bool = False) -> Response:
    """Send the person to the provider to sign in; Authlib keeps state, nonce and the PKCE
    verifier in the session. again: the provider must ask them to sign in again, even with a
    session there (max_age=0, OpenID Connect Core 3.1.2.1), and say when they did (auth_time)."""
    forget_old_starts()
    params = {key: value for key, value in (("acr_values", provider.acr_values),
                                            ("prompt", provider.prompt)) if value}
    if again:
        params["max_age"] = "0"
    client = _client(provider)
    try:
        issuer = str(client.load_server_metadata().get("issuer", ""))
    except (requests.RequestException, ValueError) as error:
        raise _down(provider) from error
    if issuer.rstrip("/") != provider.issuer.rstrip("/"):  # OpenID Connect Discovery 4.3
        raise SsoFailure(f"We could not start signing in with {provider.label}: its settings "
                         "here do not match. Tell the person who runs this site.", 502,
                         f"the discovery document names issuer {issuer!r}"[:200])
    return client.authorize_redirect(redirect_uri, **params)


def forget_old_starts() -> None:
    """Keep the newest sign-in started (and one more, for a second tab): Authlib keeps each
    start in the session cookie for an hour, and a dozen would outgrow the cookie's 4 KB."""
    starts = sorted((key for key in session if key.startswith(_STARTED)),
                    key=lambda key: (session[key] or {}).get("exp", 0))
    for key in starts[:-(STARTS_KEPT - 1) or None]:
        session.pop(key)


def finish(provider: Provider) -> Person:
    """Check the provider's answer and fetch the ID token; who signed in, or SsoFailure."""
    client = _client(provider)
    try:
        # RFC 9207: a provider that names itself in its answer must name itself (a defence,
        # with each provider's own callback address, against mixing up two providers).
        said = request.args.get("iss")
        if said is not None and said != client.load_server_metadata().get("issuer"):
            raise SsoFailure(_untrusted(provider), 400, "iss in the answer did not match")
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SsoFailure(_untrusted(provider), 502, "no ID token")
        if "email" not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            info = client.userinfo(token=token)
            if info.get("sub") != claims["sub"]:  # OpenID Connect Core 5.3.2
                raise SsoFailure(_untrusted(provider), 502, "user info of someone else")
            claims |= {k: info[k] for k in ("email", "email_verified") if k in info}
    except MismatchingStateError as error:
        raise SsoFailure("This sign-in did not start here, or it started too long ago. Nothing "
                         "was changed. Start again from the sign-in page.", 400,
                         "state did not match") from error
    except OAuthError as error:
        raise _provider_said(provider, error) from error
    except JoseError as error:
        raise SsoFailure(_untrusted(provider), 502,
                         f"ID token refused: {type(error).__name__}") from error
    except requests.RequestException as error:
        raise _down(provider) from error
    except AuthlibBaseError as error:
        raise SsoFailure(_untrusted(provider), 502, f"refused: {error}"[:200]) from error
    verified = claims.get("email_verified") in (True, "true") or provider.trusts_email
    return Person(issuer=str(claims["iss"]), subject=str(claims["sub"]),
                  email=str(claims.get("email") or "").strip().lower(),
                  email_verified=verified, id_token=str(token.get("id_token", "")),
                  auth_time=_seconds(claims.get("auth_time")))


def _seconds(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _untrusted(provider: Provider) -> str:
    return (f"{provider.label} sent an answer we could not trust, so we did not sign you in. "
            "Nothing was changed. Try again. If it happens again, tell the person who runs "
            "this site.")


def _provider_said(provider: Provider, error: OAuthError) -> SsoFailure:
    if error.error == "access_denied":
        return SsoFailure(f"You stopped signing in at {provider.label}, so you are not signed "
                          "in. You can try again, or sign in another way.", 401,
                          "cancelled at the provider")
    if error.error == "invalid_grant":
        return SsoFailure("This sign-in was already used, or it expired. Nothing was changed. "
                          "Start again from the sign-in page.", 400,
                          "code already used or expired")
    return SsoFailure(f"{provider.label} could not sign you in. Try again in a few minutes, or "
                      "sign in another way.", 502, f"provider said {error.error}"[:200])


def logout_url(provider: Provider, come_back_to: str, id_token: str = "") -> str | None:
    """The provider's end-session address (RP-initiated logout) that sends the person back to
    come_back_to; None when the provider has none or cannot be reached."""
    client = _client(provider)
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
    except (requests.RequestException, ValueError):
        return None
    hint = id_token if provider.id_token_hint and id_token else None
    return str(client.create_logout_url(post_logout_redirect_uri=come_back_to,
                                        id_token_hint=hint, client_id=provider.client_id)["url"])
