"""A checked export Document → new rows: a new team (or an assessment in a team you own),
invites for its members, assessments, answers, agreed answers, targets and actions, and the
questionnaire versions they were answered on. Everything is checked first; the caller commits
once, or rolls back on a TransferError, so a bad file stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.store import starting, teams
from assessment.store.accounts import UNUSABLE_PASSWORD_HASH
from assessment.store.models import (
    DONE,
    OWNER,
    Action,
    ActionStatusChange,
    AgreedAnswer,
    Answer,
    Assessment,
    Membership,
    PillarTarget,
    QuestionnaireSnapshot,
    Response,
    Team,
    User,
)
from assessment.store.questionnaire_versions import current_questionnaire, questionnaire_for
from assessment.transfer.checking import check_against, content_hash, questionnaire_in_file
from assessment.transfer.document import TEAM, AssessmentData, Document, Member
from assessment.transfer.parsing import TransferError, parse_document, read_json

MAX_BYTES = 20 * 1024 * 1024  # a team with 50 assessments of 10 respondents is about 5 MB


def read_export(raw: bytes, max_bytes: int = MAX_BYTES) -> Document:
    """The bytes of an uploaded file as a checked Document (TransferError when it is not)."""
    return parse_document(read_json(raw, max_bytes))


class SameTeamError(TransferError):
    """A team file names a team the importer already has: we add to it, never copy it."""

    def __init__(self, team: Team, owner: bool) -> None:
        then = ("To add the file's assessments to it, choose it as the team to add the file "
                "to, then import the file again." if owner else
                "Only its owners can add a file to it: ask one of them to import the file.")
        super().__init__("", f"You already have the team for {team.service} ({team.office}, "
                             f"{team.agency}), so we did not make a second team of that name. "
                             f"{then}")
        self.team = team


def import_document(document: Document, importer: User, team: Team | None = None,
                    new_versions: bool = False) -> Team:
    """Store the document: a team file makes a new team, a one-assessment file adds to team.
    Returns the team. Raises TransferError, having stored nothing, when the file does not fit
    this site; the caller rolls back on error and commits on success. A team file whose
    agency, office and service match a team the importer is in raises SameTeamError: choose
    that team, and merge_document adds to it.

    Questionnaire versions are shared by every team, so only new_versions=True (the command
    line, for administrators) may add a version this site does not have yet."""
    if document.kind == TEAM and team is not None:
        raise TransferError("kind", "this is a team file: it makes a new team, so do not "
                                    "choose a team to add it to")
    if document.kind != TEAM and team is None:
        raise TransferError("kind", "this file holds one assessment: choose the team to add "
                                    "it to")
    users = _check_and_keep(document, new_versions)
    if team is None:
        _refuse_a_second_team(document, importer)
        team = _new_team(document, importer)
    made = [_assessment(assessment, team, users) for assessment in document.assessments]
    db.session.add_all(made)
    db.session.flush()
    for data, assessment in zip(document.assessments, made, strict=True):
        _add_actions(data, assessment, made, users)
    db.session.flush()
    return team


def merge_document(document: Document, importer: User, team: Team,
                   new_versions: bool = False) -> int:
    """Add a team file's assessments to a team the importer owns, instead of making a copy;
    returns how many were added. An assessment the team already has (the same start and
    questionnaire version: this file imported before, or exported from this team) is not
    added twice. Members the file lists who are not in the team get an invite."""
    if document.kind != TEAM:
        raise TransferError("kind", "this file holds one assessment, not a team")
    users = _check_and_keep(document, new_versions)
    have = {(row.started_at, row.questionnaire_version): row for row in db.session.scalars(
        select(Assessment).where(Assessment.team_id == team.id))}
    # Each of the file's assessments as a row of the team: the one it has, or a new one.
    made = [have.get((a.started_at, a.questionnaire_version)) or _assessment(a, team, users)
            for a in document.assessments]
    added = [(data, row) for data, row in zip(document.assessments, made, strict=True)
             if (data.started_at, data.questionnaire_version) not in have]
    db.session.add_all(row for _, row in added)
    db.session.flush()
    for data, row in added:  # the actions of the assessments it adds, where they end
        _add_actions(data, row, made, users)
    members = {m.user.email.lower() for m in team.memberships}
    for member in invited(document, importer):
        if member.email not in members:
            teams.invite_email(team, member.email, member.role, importer)
    db.session.flush()
    return len(added)


def _refuse_a_second_team(document: Document, importer: User) -> None:
    """Hold the importer's row until the request commits (two imports at once wait for each
    other), then refuse a team file naming a team the importer is in."""
    data = document.team
    db.session.execute(select(User.id).where(User.id == importer.id).with_for_update())
    same = starting.team_named(importer, data.agency, data.office, data.service)
    if same is not None:
        membership = teams.membership_of(same, importer)
        raise SameTeamError(same, membership is not None and membership.role == OWNER)


def _check_and_keep(document: Document, new_versions: bool) -> dict[str, User]:
    """Check the file against the questionnaires it uses, keep the versions it brings, and
    return the accounts of everyone whose answers it holds."""
    questionnaires = questionnaires_for_import(document, new_versions)
    check_against(document, questionnaires)
    _keep_questionnaires(document)
    return users_by_email(_emails(document))


def questionnaires_for_import(document: Document,
                              new_versions: bool = False) -> dict[str, Questionnaire]:
    """Each questionnaire version the file uses: from the file, or one this site has. A version
    this site has with other questions is refused, so no assessment changes meaning; so is a
    version this site does not have, unless new_versions."""
    found: dict[str, Questionnaire] = {}
    kept = {k.version: k.content_hash for k in db.session.scalars(
        select(QuestionnaireSnapshot).where(QuestionnaireSnapshot.version.in_(
            {q.version for q in document.questionnaires}
            | {a.questionnaire_version for a in document.assessments})))}
    current = current_questionnaire()
    if current.source:  # the questions this site asks now are what its current version means
        kept[current.version] = content_hash(current.source)
    for index, text in enumerate(document.questionnaires):
        place = f"questionnaires[{index}]"
        if text.version in kept and kept[text.version] != text.content_hash:
            raise TransferError(place, f"this site already has questionnaire version "
                                       f"“{text.version}” with different questions, so we "
                                       "cannot import assessments answered on this one")
        if text.version not in kept and text.version != current.version and not new_versions:
            raise TransferError(place, f"this site does not have questionnaire version "
                                       f"“{text.version}”. Only the site's administrators can "
                                       "add a version: ask them to import the file")
        found[text.version] = questionnaire_in_file(text, place)
    for version in {a.questionnaire_version for a in document.assessments} - set(found):
        if version in kept or version == current.version:
            found[version] = questionnaire_for(version)
    return found


def _keep_questionnaires(document: Document) -> None:
    for text in document.questionnaires:
        if db.session.get(QuestionnaireSnapshot, text.version) is None:
            db.session.add(QuestionnaireSnapshot(version=text.version,
                                                 content_hash=text.content_hash,
                                                 source=text.source))


def _emails(document: Document) -> set[str]:
    """Everyone whose answers or decisions the file holds. Members are not among them: they
    get an invite for their email, and an account only when they make one."""
    emails: set[str] = set()
    for assessment in document.assessments:
        emails |= {r.respondent for r in assessment.responses if r.respondent}
        emails |= {a.decided_by for a in assessment.agreed_answers if a.decided_by}
        emails |= {h.changed_by for a in assessment.actions for h in a.history or ()
                   if h.changed_by}
    return emails


def users_by_email(emails: Iterable[str]) -> dict[str, User]:
    """The account of each email address, made for those that have none: an account made
    here has no password that works until its owner uses "reset your password"."""
    wanted = sorted(set(emails))
    users = {u.email.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(wanted)))} if wanted else {}
    for email in wanted:
        if email not in users:
            users[email] = User(email=email, password_hash=UNUSABLE_PASSWORD_HASH)
            db.session.add(users[email])
    db.session.flush()
    return users


def invited(document: Document, importer: User) -> tuple[Member, ...]:
    """The members a team file lists, other than the importer: each gets an invite."""
    return tuple(m for m in document.team.members or () if m.email != importer.email.lower())


def invited_text(count: int) -> str:
    """What the import result says about the invites it made."""
    if not count:
        return ""
    people = "1 other person the file lists as a member" if count == 1 else \
        f"{count} other people the file lists as members"
    return f"We invited the {people}. They join only if they accept, on “Your teams” once " \
           "they sign in with that email address."


def _new_team(document: Document, importer: User) -> Team:
    """The team, owned by the importer. Nobody else becomes a member without their consent:
    everyone else the file lists gets an invite for their email, with the role it gives."""
    data = document.team
    team = Team(agency=data.agency, office=data.office, service=data.service,
                created_at=data.created_at, is_hisp=data.hisp_service is not None,
                hisp_service=data.hisp_service)
    db.session.add(team)
    team.memberships.append(Membership(user=importer, role=OWNER))
    db.session.flush()
    for member in invited(document, importer):
        teams.invite_email(team, member.email, member.role, importer)
    return team


def _assessment(data: AssessmentData, team: Team, users: dict[str, User]) -> Assessment:
    assessment = Assessment(
        team=team, questionnaire_version=data.questionnaire_version, status=data.status,
        open_to_team=data.open_to_team, started_at=data.started_at,
        finished_at=data.finished_at, updated_at=data.updated_at)
    assessment.targets = [PillarTarget(pillar_id=t.pillar_id, target=t.target,
                                       target_date=t.target_date) for t in data.targets]
    assessment.responses = [Response(
        user=users[r.respondent] if r.respondent else None, created_at=r.created_at,
        updated_at=r.updated_at,
        answers=[Answer(question_id=a.question_id, choice=a.choice, level=a.level, note=a.note,
                        evidence_link=a.evidence_link, updated_at=r.updated_at)
                 for a in r.answers],
    ) for r in data.responses]
    assessment.agreed_answers = [AgreedAnswer(
        question_id=a.question_id, choice=a.choice, level=a.level, note=a.note,
        decided_by_id=users[a.decided_by].id if a.decided_by else None,
        updated_at=a.updated_at) for a in data.agreed_answers]
    return assessment


def _add_actions(data: AssessmentData, assessment: Assessment, made: list[Assessment],
                 users: dict[str, User]) -> None:
    """The actions added on one assessment. A file from before actions carried forward says
    neither where an action ends nor its history: as when this site moved to carrying them,
    a done action, or one on an assessment the file follows with a later one, ends on its
    own assessment, and its history starts with its status at its last change."""
    later = any((a.started_at, i) > (assessment.started_at, made.index(assessment))
                for i, a in enumerate(made))
    for a in data.actions:
        action = Action(practice_id=a.practice_id, title=a.title, owner=a.owner,
                        due_date=a.due_date, status=a.status, created_at=a.created_at,
                        updated_at=a.updated_at, team_id=assessment.team_id)
        if a.history is None:
            action.last_assessment_id = assessment.id if a.status == DONE or later else None
            action.status_changes.append(ActionStatusChange(status=a.status,
                                                            changed_at=a.updated_at))
        else:
            action.last_assessment_id = None if a.last_assessment is None \
                else made[a.last_assessment].id
            action.status_changes.extend(
                ActionStatusChange(status=h.status, changed_at=h.changed_at,
                                   changed_by_id=users[h.changed_by].id if h.changed_by else None)
                for h in a.history)
        assessment.added_actions.append(action)
