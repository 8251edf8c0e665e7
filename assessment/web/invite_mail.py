"""Invites by email: the message that carries an invite link, and what a page says about how
sending went (it claims "we emailed" only when a mail server accepted the message)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from assessment.rules.wording import date_text
from assessment.store import teams
from assessment.store.models import ROLES, Invite, Team, User
from assessment.web import mail
from assessment.web.mail import Delivery


def link_for(token: str) -> str:
    """The full address of an invite link."""
    return url_for("team.invite_page", token=token, _external=True)


def send_invite(invite: Invite, email: str, link: str, inviter: User | None) -> Delivery:
    """Email the invite link to the person it is for."""
    team = invite.team
    who = inviter.email if inviter is not None else "An owner of the team"
    return mail.send_email(
        email, f"Join the {team.service} team",
        f"{who} invited you to join the team for {team.service} ({team.office}, "
        f"{team.agency}) as a {ROLES[invite.role].lower()} in the CX maturity "
        f"self-assessment.\n\nOpen this link to join. It works once, until "
        f"{date_text(invite.expires_at.date())}:\n{link}\n\nNo account yet? Create one from "
        "that page with this email address, and you join the team once you are signed in."
        "\n\nIf you did not expect this, you can ignore this email.")


def email_new_invites(team: Team, emails: Iterable[str], inviter: User) -> list[Delivery]:
    """Email each address its newest waiting invite to the team (the one an import just
    made), as a fresh link."""
    newest: dict[str, Invite] = {}
    for invite in teams.invites_of_team(team):
        if invite.email and teams.why_invite_fails(invite) is None:
            if invite.email not in newest or invite.id > newest[invite.email].id:
                newest[invite.email] = invite
    return [send_invite(newest[email], email, link_for(teams.new_link(newest[email])), inviter)
            for email in (e.lower() for e in emails) if email in newest]


def deliveries_text(deliveries: list[Delivery]) -> str:
    """One sentence on how emailing several invites went."""
    if not deliveries:
        return ""
    if Delivery.NO_SERVER in deliveries:
        return ("No email was sent: this site has no mail server set up. Tell them to sign in "
                "with that email address, or send them an invite link from the team page.")
    failed = deliveries.count(Delivery.FAILED)
    if failed:
        return (f"We could not email {failed} of them. Tell them yourself, or send them an "
                "invite link from the team page.")
    return "We emailed each of them a link to join." if len(deliveries) > 1 else \
        "We emailed them a link to join."
