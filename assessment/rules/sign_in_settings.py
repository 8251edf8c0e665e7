"""The operator's sign-in settings, read from the environment into frozen values: the OpenID
Connect providers (docs/sign-in.md), and the email domains accounts may have.

Pure: no Flask, no network. A missing or contradictory setting stops start-up with the name of
the variable to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
DEFAULT_SCOPES = "openid email"
# Friendly names for well-known providers; an operator sets OIDC_<NAME>_LABEL for others.
KNOWN_LABELS = {"logingov": "Login.gov", "okta": "Okta", "entra": "Microsoft Entra ID"}


@dataclass(frozen=True)
class Provider:
    """One OpenID provider: where it is, who we are to it, and what we ask of it."""

    name: str  # in URLs and the environment: lower case letters, digits, _
    label: str  # on the button: "Sign in with Login.gov"
    issuer: str
    client_id: str
    client_secret: str = ""  # client_secret_basic, or...
    private_key: str = ""  # ...private_key_jwt (a PEM private key): what Login.gov uses
    scopes: str = DEFAULT_SCOPES
    acr_values: str = ""
    prompt: str = ""  # Login.gov asks for prompt=select_account
    # Send the ID token as id_token_hint when signing out at the provider (Okta and others need
    # it; Login.gov documents client_id alone).
    id_token_hint: bool = True
    # Count the email as confirmed even without email_verified (Entra ID sends no such claim;
    # set this only for a provider whose addresses its own administrators assign).
    trusts_email: bool = False

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class SettingError(ValueError):
    """A sign-in setting that cannot work, naming the variable."""


def providers_from(env: Mapping[str, str]) -> tuple[Provider, ...]:
    """The providers OIDC_PROVIDERS names (comma-separated), each from OIDC_<NAME>_* settings."""
    names = [n.strip().lower() for n in env.get("OIDC_PROVIDERS", "").split(",") if n.strip()]
    return tuple(_provider(name, env) for name in dict.fromkeys(names))


def _provider(name: str, env: Mapping[str, str]) -> Provider:
    if not _NAME.match(name):
        raise SettingError(f"OIDC_PROVIDERS: {name!r} is not a provider name; use lower case "
                           "letters, digits and _ (such as logingov)")
    prefix = f"OIDC_{name.upper()}_"

    def setting(key: str, default: str = "") -> str:
        return env.get(prefix + key, default).strip()

    issuer, client_id = setting("ISSUER"), setting("CLIENT_ID")
    for key, value in (("ISSUER", issuer), ("CLIENT_ID", client_id)):
        if not value:
            raise SettingError(f"{prefix}{key} is not set; provider {name!r} needs it")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SettingError(f"{prefix}ISSUER must be an https:// address")
    private_key = setting("PRIVATE_KEY")
    if not private_key and setting("PRIVATE_KEY_FILE"):
        private_key = Path(setting("PRIVATE_KEY_FILE")).read_text()
    client_secret = setting("CLIENT_SECRET")
    if bool(private_key) == bool(client_secret):
        raise SettingError(f"set one of {prefix}PRIVATE_KEY (or {prefix}PRIVATE_KEY_FILE) and "
                           f"{prefix}CLIENT_SECRET for provider {name!r}")
    scopes = setting("SCOPES", DEFAULT_SCOPES).replace(",", " ")
    if "openid" not in scopes.split():
        raise SettingError(f"{prefix}SCOPES must include openid")
    return Provider(name=name, label=setting("LABEL", KNOWN_LABELS.get(name, name.title())),
                    issuer=issuer, client_id=client_id, client_secret=client_secret,
                    private_key=private_key, scopes=" ".join(scopes.split()),
                    acr_values=setting("ACR_VALUES"), prompt=setting("PROMPT"),
                    id_token_hint=setting("ID_TOKEN_HINT", "1") != "0",
                    trusts_email=setting("TRUST_EMAIL") == "1")


def allowed_domains(text: str) -> tuple[str, ...]:
    """ALLOWED_EMAIL_DOMAINS, such as ".gov,.mil" or "state.gov": lower case, no blanks."""
    return tuple(d.strip().lower() for d in text.split(",") if d.strip())


def email_allowed(email: str, domains: tuple[str, ...]) -> bool:
    """True when no domains are set, or the address's domain is one of them: ".gov" allows any
    domain ending in .gov; "state.gov" allows state.gov and its subdomains (a.state.gov)."""
    if not domains:
        return True
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return False
    for allowed in domains:
        if allowed.startswith("."):
            if domain.endswith(allowed):
                return True
        elif domain == allowed or domain.endswith("." + allowed):
            return True
    return False


def domains_in_words(domains: tuple[str, ...]) -> str:
    """".gov or .mil", for messages."""
    return " or ".join(", ".join(domains).rsplit(", ", 1))
