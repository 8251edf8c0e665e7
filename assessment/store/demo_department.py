"""A made-up department for the demo: six services (two of them designated HISPs), each with
a few yearly finished assessments and some actions, so the portfolio shows something on a
fresh install. Stored with bulk inserts: `flask seed-demo` runs in tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.store import organizations
from assessment.store.models import (
    CHOICE_LEVEL,
    FINISHED,
    OWNER,
    Action,
    Answer,
    Assessment,
    Membership,
    Organization,
    OrganizationTeam,
    Response,
    Team,
    User,
)
from assessment.store.questionnaire_versions import record_questionnaire

DEPARTMENT = "Department of Example Services (demo)"
OFFICE = "Demo bureau"
# Service, HISP service (None: not a HISP), the years it finished an assessment, and its level
# per pillar in its first year (each later year adds one to the weakest pillars). Measurement
# and collaboration lag almost everywhere: the portfolio's shared weaknesses.
SERVICES: tuple[tuple[str, str | None, tuple[int, ...], dict[str, int]], ...] = (
    ("Disaster assistance", "Disaster assistance", (2024, 2025, 2026),
     {"strategy": 3, "governance": 3, "culture": 2, "measurement": 2, "collaboration": 1}),
    ("Benefit claims", "Benefit claims", (2024, 2025, 2026),
     {"strategy": 2, "governance": 3, "design": 3, "measurement": 1, "collaboration": 2}),
    ("Small business loans", None, (2025, 2026),
     {"strategy": 3, "customer-understanding": 3, "measurement": 2, "collaboration": 1}),
    ("Park reservations", None, (2024, 2025),
     {"digital-services": 4, "design": 4, "measurement": 2, "collaboration": 2}),
    ("Licensing", None, (2024, 2025, 2026),
     {"strategy": 2, "culture": 1, "measurement": 1, "collaboration": 1}),
    ("Contact center", None, (2025, 2026),
     {"customer-understanding": 4, "design": 3, "measurement": 3, "collaboration": 2}),
)
DEFAULT_LEVEL = 3
WOBBLE = (0, 1, 0, 1, 0, -1, 1)  # fixed variation from question to question


def demo_department() -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.is_demo.is_(True)))


def seed_demo_department(questionnaire: Questionnaire, owner: User) -> Organization:
    """The demo department, owned by the demo owner; made once, then kept."""
    existing = demo_department()
    if existing is not None:
        return existing
    record_questionnaire(questionnaire)
    organization = organizations.create_organization(DEPARTMENT, owner)
    organization.is_demo = True
    questions = [(pillar.id, q.id) for pillar, _, q in questionnaire.questions()]
    practice = questionnaire.pillars[-1].practices[0].id
    # Every row is built first and flushed in three steps: each flush costs a few ms.
    finished: list[tuple[Assessment, dict[str, int], int]] = []
    for number, (service, hisp, years, levels) in enumerate(SERVICES):
        team = Team(agency=DEPARTMENT, office=OFFICE, service=service, is_hisp=hisp is not None,
                    hisp_service=hisp)
        db.session.add_all([team, Membership(team=team, user=owner, role=OWNER),
                            OrganizationTeam(organization=organization, team=team,
                                             accepted_by_id=owner.id)])
        for year_index, year in enumerate(years):
            assessment = Assessment(
                team=team, questionnaire_version=questionnaire.version, status=FINISHED,
                started_at=dt.datetime(year, 10, 1 + number),
                finished_at=dt.datetime(year, 10, 10 + number),
                updated_at=dt.datetime(year, 10, 10 + number))
            assessment.responses.append(Response(user_id=owner.id))
            db.session.add(assessment)
            finished.append((assessment, levels, year_index))
    db.session.flush()
    latest = {a.team_id: a for a, _, _ in finished}  # each service's last, by finish order
    db.session.add_all(Action(
        team_id=a.team_id, assessment_id=a.id, practice_id=practice,
        title="Share one success story a quarter", owner="CX lead",
        due_date=dt.date(a.finished_at.year + 1, 3, 31), status="not_started",
        created_by_id=owner.id) for a in latest.values() if a.finished_at is not None)
    db.session.execute(insert(Answer), [
        {"response_id": assessment.responses[0].id, "question_id": question_id,
         "choice": CHOICE_LEVEL, "level": _level(levels, pillar_id, year_index, index),
         "note": ""}
        for assessment, levels, year_index in finished
        for index, (pillar_id, question_id) in enumerate(questions)])
    return organization


def _level(levels: dict[str, int], pillar_id: str, year_index: int, index: int) -> int:
    """The first year's level for the pillar, one up in the third year for pillars below 3."""
    base = levels.get(pillar_id, DEFAULT_LEVEL)
    grown = base + (year_index // 2 if base < DEFAULT_LEVEL else 0)
    return min(5, max(1, grown + WOBBLE[index % len(WOBBLE)]))
