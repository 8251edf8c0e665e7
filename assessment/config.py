"""Configuration: safe defaults first, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assessment.rules.sign_in_settings import allowed_domains, providers_from

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_config(instance_path: str) -> dict[str, object]:
    """Return the app's settings, read from the environment where set."""
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{Path(instance_path) / 'assessment.sqlite3'}"
    # Some hosts hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "QUESTIONS_PATH": os.environ.get("QUESTIONS_PATH", str(PROJECT_ROOT / "questions.yaml")),
        # A pillar page posts a few kilobytes; 128 KB leaves room for a long note on every question.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 128 * 1024)),
        "MAX_FORM_PARTS": 400,
        # An import file may be larger: a team of 50 assessments × 10 respondents is about 5 MB.
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("CSRF_TIME_LIMIT", 4 * 3600)),
        # Shown in the footer identifier when a deploying agency sets them.
        "SITE_AGENCY_NAME": os.environ.get("SITE_AGENCY_NAME", ""),
        "SITE_AGENCY_URL": os.environ.get("SITE_AGENCY_URL", ""),
        # The time zone the audit log shows times in (named beside each time); with JavaScript
        # the browser shows them in its own zone instead.
        "TIME_ZONE": _time_zone(os.environ.get("TIME_ZONE", "America/New_York")),
        # A database that does not answer: give up on connecting after this many seconds, and on
        # one statement after this many, both well within gunicorn's 30-second worker timeout.
        "DATABASE_CONNECT_TIMEOUT": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 5)),
        "DATABASE_STATEMENT_TIMEOUT": int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", 15)),
        # A pooled connection idle for longer than this many seconds is checked before use.
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(
            os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", 1.0)),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Signed-in sessions end after 30 idle minutes, and 12 hours after signing in.
        "SESSION_IDLE_SECONDS": int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60)),
        "SESSION_ABSOLUTE_SECONDS": int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 3600)),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 3600)),
        # The cookie is sent again only when the session changes (the idle clock moves once a
        # minute), not on every reply: signing it is a good part of a page's cost.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Sign-in throttling: shared through Redis when REDIS_URL is set (several workers).
        # While Redis is unreachable each server counts in its own memory (with a warning in
        # the log), and goes back to Redis once it answers again.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": False,
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute"),
        # Single sign-on (docs/sign-in.md): none unless OIDC_PROVIDERS names some.
        "OIDC_PROVIDERS": providers_from(os.environ),
        # "off" when everyone signs in by single sign-on: no new password accounts.
        "PASSWORD_SIGN_UP": os.environ.get("PASSWORD_SIGN_UP", "on").strip().lower() != "off",
        # Such as ".gov,.mil": new password accounts and every single sign-on need such an email.
        "ALLOWED_EMAIL_DOMAINS": allowed_domains(os.environ.get("ALLOWED_EMAIL_DOMAINS", "")),
        # Password reset links go by SMTP when MAIL_SERVER is set; otherwise to the log.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "cx-assessment@localhost"),
        # Rendered improvement plans, kept between requests; oldest go past the size limit.
        "PLAN_CACHE_DIR": os.environ.get("PLAN_CACHE_DIR",
                                         str(Path(instance_path) / "plan-cache")),
        "PLAN_CACHE_MAX_BYTES": int(os.environ.get("PLAN_CACHE_MAX_BYTES", 50 * 1024 * 1024)),
        # With REDIS_URL, app servers share state (the plan cache) through Redis.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "PLAN_CACHE_TTL_SECONDS": int(os.environ.get("PLAN_CACHE_TTL_SECONDS", 30 * 24 * 3600)),
        # Finishing an assessment queues its plan's render (an RQ job on PLAN_QUEUE with
        # REDIS_URL, run by `flask plan-worker`; else a thread in the app process), so the
        # download comes from the cache. A download finding its plan queued or being rendered
        # waits up to PLAN_WAIT_SECONDS, then renders it; a claim on a render lapses after
        # PLAN_CLAIM_SECONDS (a worker that died).
        "PLAN_RENDER_AHEAD": os.environ.get("PLAN_RENDER_AHEAD", "1") == "1",
        "PLAN_QUEUE": os.environ.get("PLAN_QUEUE", "plans"),
        "PLAN_WAIT_SECONDS": float(os.environ.get("PLAN_WAIT_SECONDS", 10)),
        "PLAN_CLAIM_SECONDS": int(os.environ.get("PLAN_CLAIM_SECONDS", 120)),
        # Passkeys: the site's domain and origin as browsers see them (docs/sign-in.md,
        # Passkeys); unset, each request's own host, which suits `make run` on localhost.
        "WEBAUTHN_RP_ID": os.environ.get("WEBAUTHN_RP_ID", ""),
        "WEBAUTHN_ORIGIN": os.environ.get("WEBAUTHN_ORIGIN", ""),
        # Everyone signs in with a passkey (or single sign-on): password-only accounts are led
        # to add a passkey and can do nothing else until they do.
        "REQUIRE_PHISHING_RESISTANT": os.environ.get("REQUIRE_PHISHING_RESISTANT", "0") == "1",
    }


def _time_zone(name: str) -> str:
    """An IANA time zone name, checked at start-up so a typo stops the app with a clear word."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"TIME_ZONE: {name!r} is not a time zone name; use one such as "
                         "America/New_York or UTC") from error
    return name


def _instance_secret(instance_path: str) -> str:
    """A per-install secret kept in instance/, so no secret lives in the repository."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
