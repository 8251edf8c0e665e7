"""Command-line tools: thin commands over the same functions the pages use."""

from __future__ import annotations

import datetime as dt
import secrets

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from assessment.extensions import db
from assessment.rules.questionnaire import QuestionnaireError
from assessment.rules.questionnaire_file import load_questionnaire
from assessment.store import accounts, audit, database, deleting, form_keys, teams
from assessment.store.demo import seed_demo_team
from assessment.store.demo_department import seed_demo_department
from assessment.store.models import OWNER, Assessment, utcnow
from assessment.store.queries import demo_assessments
from assessment.store.soft_delete import DELETE_KEPT_DAYS

DEMO_OWNER_EMAIL = "demo-owner@example.gov"


def init_app(app: Flask) -> None:
    app.cli.add_command(validate_questions)
    app.cli.add_command(seed_demo)
    app.cli.add_command(plan)
    app.cli.add_command(create_user)
    app.cli.add_command(purge_deleted)
    app.cli.add_command(plan_worker)
    app.cli.add_command(remove_passkeys)
    from assessment.transfer.commands import COMMANDS  # export-team, import-json …
    for command in COMMANDS:
        app.cli.add_command(command)


@click.command("validate-questions")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def validate_questions(path: str | None) -> None:
    """Check questions.yaml (or PATH) and report the first problem found."""
    path = path or current_app.config["QUESTIONS_PATH"]
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    practices = sum(len(p.practices) for p in questionnaire.pillars)
    resources = sum(len(pr.resources) for p in questionnaire.pillars for pr in p.practices)
    click.echo(f"{path} is valid: version {questionnaire.version}, "
               f"{len(questionnaire.pillars)} pillars, {practices} practices, "
               f"{questionnaire.question_count} questions, {resources} resources.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo team (three finished assessments, a year apart) and its owner, and print
    their ids and a sign-in: `user EMAIL PASSWORD`. Run it again at any time, beside a running
    server too: it keeps the demo team and gives its owner a new password (signing them out
    elsewhere). Anyone may read the demo team's assessments; only its owner and the members
    they invite can change them."""
    database.note_writing()
    assessments = demo_assessments()
    if not assessments:
        assessments = seed_demo_team(current_app.extensions["questionnaire"])
    password = secrets.token_urlsafe(12)  # new each run
    owner = accounts.find_user(DEMO_OWNER_EMAIL)
    if owner is None:
        owner = accounts.create_user(DEMO_OWNER_EMAIL, password)
    else:
        accounts.set_password(owner, password)
    teams.add_member(assessments[0].team, owner, OWNER)
    # A made-up department of six services: its owner sees the portfolio.
    seed_demo_department(current_app.extensions["questionnaire"], owner)
    db.session.commit()
    for assessment in assessments:
        click.echo(f"assessment {assessment.public_id}")
    click.echo(f"user {owner.email} {password}")


@click.command("plan")
@click.argument("assessment_id")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF. Default: a file name with the service and date.")
@with_appcontext
def plan(assessment_id: str, output: str | None) -> None:
    """Write the improvement plan (PDF) of a finished assessment, by public or numeric id.

    An id that starts with "-" (older links may) goes after "--": flask plan -- -Qx4...
    """
    assessment = db.session.scalar(select(Assessment).where(Assessment.public_id == assessment_id))
    if assessment is None and assessment_id.isdigit():
        assessment = db.session.get(Assessment, int(assessment_id))
    if assessment is None:
        raise click.ClickException(f"There is no assessment with the id {assessment_id}.")
    if not assessment.is_finished:
        raise click.ClickException("This assessment is not finished yet. Finish it, "
                                   "then make its plan.")
    from assessment.report import pdf as report  # WeasyPrint loads only for this command

    # Scored on the questionnaire version it was taken on, as the results page does.
    pdf = report.plan_pdf(assessment)
    output = output or report.download_name(assessment.team.service,
                                            report.plan_date(assessment), "improvement-plan.pdf")
    with click.open_file(output, "wb") as file:
        file.write(pdf)
    click.echo(f"Wrote the improvement plan to {output} ({len(pdf) // 1024} KB).")


@click.command("create-user")
@click.argument("email")
@click.password_option(help="The password (asked for when not given).")
@with_appcontext
def create_user(email: str, password: str) -> None:
    """Create an account that can sign in with EMAIL and the password."""
    if len(password) < accounts.PASSWORD_MIN_LENGTH:
        raise click.ClickException(
            f"Use a password of at least {accounts.PASSWORD_MIN_LENGTH} characters.")
    try:
        user = accounts.create_user(email, password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created the account {user.email}.")


@click.command("remove-passkeys")
@click.argument("email")
@with_appcontext
def remove_passkeys(email: str) -> None:
    """Remove every passkey and recovery code of the account with EMAIL, and end its sessions:
    for someone who lost them all. They sign in with their password and add a new passkey."""
    from assessment.store import passkeys as passkey_store

    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    removed = passkey_store.passkeys_of(user)
    for passkey in removed:
        passkey_store.remove_passkey(passkey)
    accounts.end_every_session(user)
    audit.record_event("passkey_removed", user=user,
                       detail=f"command line: all {len(removed)} of them")
    db.session.commit()
    click.echo(f"Removed {len(removed)} passkeys of {user.email}, and its recovery codes.")


@click.command("purge-deleted")
@with_appcontext
def purge_deleted() -> None:
    """Remove for good the teams, assessments and actions deleted over 30 days ago, and
    one-time form keys over a week old. Safe to run at any time; schedule it daily (cron)."""
    counts = deleting.purge_deleted()
    keys = form_keys.forget_before(utcnow() - dt.timedelta(days=form_keys.KEPT_DAYS))
    if any(counts.values()):
        audit.record_event("deleted_purged", detail=", ".join(
            f"{count} {name}" for name, count in counts.items()))
    db.session.commit()
    click.echo(f"Removed {counts['teams']} teams, {counts['assessments']} assessments and "
               f"{counts['actions']} actions deleted over {DELETE_KEPT_DAYS} days ago, "
               f"and {keys} used form keys.")


@click.command("plan-worker")
@click.option("--burst", is_flag=True, help="Render the plans queued now, then stop.")
@with_appcontext
def plan_worker(burst: bool) -> None:
    """Render the plans of finished assessments as they are queued (REDIS_URL, PLAN_QUEUE), so
    their downloads come from the cache. Run one or more beside the app servers."""
    from assessment.report import render_queue

    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("Set REDIS_URL: without Redis, the app renders plans in a "
                                   "thread of its own and needs no worker.")
    import redis
    from rq import SimpleWorker

    # No socket timeout: the worker blocks on Redis while it waits for jobs.
    connection = redis.Redis.from_url(current_app.config["REDIS_URL"])
    plans = render_queue.job_queue(current_app, connection)
    # SimpleWorker renders in this process: fonts and templates stay loaded between plans.
    worker = SimpleWorker([plans], connection=connection)
    click.echo(f"Rendering plans queued on {plans.name!r}" + (" (until none are left)."
                                                             if burst else "."))
    worker.work(burst=burst, logging_level=current_app.config["LOG_LEVEL"])
