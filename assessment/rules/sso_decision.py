"""What a single sign-on does, given who the provider says the person is and what accounts we
have. Pure: no Flask, no database; the view asks it, then does what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    SIGN_IN = "sign in"  # the identity is known: sign its account in
    CREATE = "create"  # a new person: make an account for the identity
    CONFIRM_LINK = "confirm link"  # a password account has the email: its password links it
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str = ""  # for REFUSE: what to tell the person
    status: int = 200


DOMAIN_REFUSED = ("This site is open to accounts with an email address that ends in {domains}. "
                  "Your sign-in service gave us {email}, so we did not sign you in.")
NO_EMAIL = ("Your sign-in service did not give us a confirmed email address, so we cannot "
            "make an account for you. Ask the person who runs this site for help.")
NOT_CONFIRMED = ("An account already uses {email}. Your sign-in service did not confirm that "
                 "this address is yours, so we did not sign you in.")
NO_PASSWORD = ("An account already uses {email}. Before you can sign in to it with single "
               "sign-on, reset its password and sign in with it once.")


def decide(*, identity_known: bool, email: str, email_verified: bool, email_allowed: bool,
           account_with_email: bool, account_has_password: bool,
           domains_words: str) -> Decision:
    """The rules, in order:
    1. A known identity (issuer + subject) signs in while its email is in an allowed domain
       (the operator may narrow the domains after the account was made).
    2. A new identity needs a confirmed email, in an allowed domain.
    3. When an account already has that email, the identity is linked only after the account's
       password confirms it (so a provider that reuses an address cannot take an account).
    4. Otherwise a new account is made.
    """
    if identity_known:
        if not email_allowed:
            return Decision(Outcome.REFUSE,
                            DOMAIN_REFUSED.format(domains=domains_words, email=email), 403)
        return Decision(Outcome.SIGN_IN)
    if not email or not email_verified:
        if email and account_with_email:
            return Decision(Outcome.REFUSE, NOT_CONFIRMED.format(email=email), 403)
        return Decision(Outcome.REFUSE, NO_EMAIL, 403)
    if not email_allowed:
        return Decision(Outcome.REFUSE,
                        DOMAIN_REFUSED.format(domains=domains_words, email=email), 403)
    if account_with_email:
        if not account_has_password:
            return Decision(Outcome.REFUSE, NO_PASSWORD.format(email=email), 403)
        return Decision(Outcome.CONFIRM_LINK)
    return Decision(Outcome.CREATE)
