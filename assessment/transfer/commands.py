"""Command-line export and import: thin commands over the same functions the pages use."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from assessment.extensions import db
from assessment.store import accounts, audit, teams
from assessment.store.models import OWNER, Assessment, Team
from assessment.transfer import exporting, importing
from assessment.transfer.document import TEAM
from assessment.transfer.parsing import TransferError

OUTPUT_HELP = "Where to write the file ('-' for the screen). Default: a name with the service " \
              "and the date."


@click.command("export-team")
@click.argument("team_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), help=OUTPUT_HELP)
@with_appcontext
def export_team(team_id: int, output: str | None) -> None:
    """Write a team, its members and all its assessments as JSON (docs/export-format.md)."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise click.ClickException(f"There is no team with the id {team_id}.")
    _write(exporting.team_export(team), team, dt.datetime.now(dt.UTC).date(), "team.json",
           output)


@click.command("export-assessment")
@click.argument("public_id")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), help=OUTPUT_HELP)
@with_appcontext
def export_assessment(public_id: str, output: str | None) -> None:
    """Write one assessment, by its public id, as JSON (docs/export-format.md)."""
    assessment = db.session.scalar(select(Assessment).where(Assessment.public_id == public_id))
    if assessment is None:
        raise click.ClickException(f"There is no assessment with the id {public_id}.")
    date = assessment.dated.on.date()
    _write(exporting.assessment_export(assessment), assessment.team, date, "assessment.json",
           output)


@click.command("import-json")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", "owner_email", required=True,
              help="The email of the account that imports: the new team's owner.")
@click.option("--team", "team_id", type=int,
              help="The team to add the file to (OWNER must own it): needed for a file with one "
                   "assessment; for a team file, instead of making a new team.")
@with_appcontext
def import_json(path: str, owner_email: str, team_id: int | None) -> None:
    """Import a JSON export: a team file makes a new team (or, with --team, is added to that
    team; a team of the same name the owner already has is refused); a one-assessment file
    needs --team.
    A bad file imports nothing; the command says where the problem is and exits with 1."""
    owner = accounts.find_user(owner_email)
    if owner is None:
        raise click.ClickException(f"There is no account with the email {owner_email}. "
                                   "Make it first with create-user.")
    team = None
    if team_id is not None:
        team = db.session.get(Team, team_id)
        membership = teams.membership_of(team, owner) if team is not None else None
        if membership is None or membership.role != OWNER:
            raise click.ClickException(f"{owner.email} does not own a team with the id "
                                       f"{team_id}.")
    limit = current_app.config.get("IMPORT_MAX_BYTES", importing.MAX_BYTES)
    with open(path, "rb") as file:
        raw = file.read(limit + 1)
    try:
        document = importing.read_export(raw, limit)
        if document.kind == TEAM and team is not None:
            importing.merge_document(document, owner, team, new_versions=True)
            imported = team
        else:
            imported = importing.import_document(document, owner, team, new_versions=True)
    except TransferError as error:
        db.session.rollback()
        raise click.ClickException(error.explain()) from None
    audit.record_event("import", team=imported, user=owner, detail=f"command line: {path}"[:500])
    db.session.commit()
    invites = importing.invited_text(len(importing.invited(document, owner)))
    click.echo(f"Imported {path} into the team {imported.service} (team id {imported.id}). "
               f"{invites}".rstrip())


def _write(data: dict, team: Team, date: dt.date, what: str, output: str | None) -> None:
    from assessment.report.pdf import download_name  # WeasyPrint loads only when needed

    output = output or download_name(team.service, date, what)
    with click.open_file(output, "w", encoding="utf-8") as file:
        file.write(exporting.json_text(data))
    audit.record_event("export", team=team, detail=f"command line: {output}"[:500])
    db.session.commit()
    if output != "-":
        click.echo(f"Wrote {output}.")


COMMANDS = (export_team, export_assessment, import_json)
