"""Email: sent through SMTP when MAIL_SERVER is set, otherwise written to the log. Sending says
how it went, so a page claims "we emailed" only when a mail server took the message."""

from __future__ import annotations

import enum
import smtplib
from email.message import EmailMessage

from flask import Flask, current_app

NOT_SET_UP = "Email is not set up on this server. The link is in the server log."


def init_app(app: Flask) -> None:
    """Pages that send mail say where it goes when there is no mail server."""
    app.jinja_env.globals["mail_is_set_up"] = is_set_up


def is_set_up() -> bool:
    """Whether mail goes out through a mail server (MAIL_SERVER); if not, to the log."""
    return bool(current_app.config.get("MAIL_SERVER"))


class Delivery(enum.Enum):
    """What became of one email."""

    SENT = "sent"  # a mail server accepted it
    NO_SERVER = "no mail server"  # MAIL_SERVER is not set: the message went to the log only
    FAILED = "failed"  # the mail server refused it or could not be reached (logged)


def send_email(to: str, subject: str, body: str) -> Delivery:
    config = current_app.config
    if not is_set_up():
        current_app.logger.info("Email not sent (MAIL_SERVER is not set) to %s: %s\n%s",
                                to, subject, body)
        return Delivery.NO_SERVER
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send an email: %s", subject)
        return Delivery.FAILED
    return Delivery.SENT
