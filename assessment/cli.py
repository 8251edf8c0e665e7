"""Command-line tools: thin commands over the same functions the pages use."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from assessment.demo import seed_demo_team
from assessment.extensions import db
from assessment.models import Team
from assessment.questionnaire import QuestionnaireError, load_questionnaire


def init_app(app: Flask) -> None:
    app.cli.add_command(validate_questions)
    app.cli.add_command(seed_demo)


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
    """Create a demo team with three finished assessments, a year apart (empty database only)."""
    if db.session.scalar(select(func.count()).select_from(Team)):
        raise click.ClickException("The database already has teams. "
                                   "seed-demo only runs on an empty database.")
    assessments = seed_demo_team(current_app.extensions["questionnaire"])
    db.session.commit()
    for assessment in assessments:
        click.echo(f"assessment {assessment.public_id}")
