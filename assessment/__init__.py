"""CX maturity self-assessment: the application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from assessment.config import PROJECT_ROOT, load_config
from assessment.extensions import csrf, db, limiter, migrate
from assessment.rules.questionnaire_file import load_questionnaire
from assessment.store import database, soft_delete  # noqa: F401 (deleted rows stay hidden)
from assessment.web import (
    access,
    auth,
    log,
    mail,
    once,
    phishing_resistant,
    routing,
    security,
    sso,
    wording,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, questionnaire, extensions, pages, error pages and commands."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    # Validate questions.yaml once; a broken file stops start-up here.
    app.extensions["questionnaire"] = load_questionnaire(app.config["QUESTIONS_PATH"])

    register_extensions(app)
    routing.init_app(app)
    wording.init_app(app)
    mail.init_app(app)
    register_blueprints(app)
    register_handlers(app)
    register_commands(app)
    skip_idle_limit_check(app)
    return app


def register_extensions(app: Flask) -> None:
    log.init_app(app)
    database.init_app(app)
    db.init_app(app)
    with app.app_context():
        database.ping_idle_connections(db.engine, float(app.config.get(
            "DATABASE_PING_AFTER_IDLE_SECONDS", database.PING_AFTER_IDLE_SECONDS)))
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    security.init_form_guard(app)
    csrf.init_app(app)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        # An unreachable Redis must not hold a sign-in for long: the limiter then counts in
        # memory until Redis answers again.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1,
                                                            "socket_timeout": 1})
    limiter.init_app(app)
    auth.init_app(app)
    phishing_resistant.init_app(app)
    access.init_app(app)
    once.init_app(app)
    sso.init_app(app)


def skip_idle_limit_check(app: Flask) -> None:
    """Flask-Limiter checks default, application and blueprint limits before every request.
    We set none: each sign-in view carries its own limit, which its decorator checks. Skip
    that check while no such limit exists; on every page it cost as much as a query."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits:
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def register_blueprints(app: Flask) -> None:
    from assessment.api import views as api
    from assessment.views import (
        account,
        api_tokens,
        compare,
        consensus,
        deleting,
        hisp,
        history,
        main,
        ops,
        organizations,
        passkeys,
        plan,
        plan_page,
        portfolio,
        results,
        sso,
        take,
        team,
        team_organizations,
        transfer,
        validation,
        work,
    )

    # Each area of the site is one blueprint (see README, "What is where").
    for area in (ops, main, account, team, hisp, take, results, plan, plan_page, consensus, history,
                 compare, transfer, api, api_tokens, work, deleting, sso, passkeys, organizations,
                 team_organizations, portfolio, validation):
        app.register_blueprint(area.bp)


def register_handlers(app: Flask) -> None:
    from assessment.views import errors
    from assessment.web import fragments

    fragments.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from assessment import cli

    cli.init_app(app)
