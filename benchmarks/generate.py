"""`make scale-data`: a government-wide database to measure against (issue 18, item 7).

Fills a fresh PostgreSQL database with 2,000 teams and 20,000 finished assessments with every
respondent's answers, agreed answers, targets and actions, people and their memberships, and
organizations: one department of 200 services and smaller ones. Rows go in by COPY, in the
shapes the app's own models and questionnaire give; scores are never stored (the app computes
them from the answers by its scoring rules), so they are consistent by construction. The same
seed always gives the same rows (one seeded generator; dates count back from --as-of), but for
the salt of the one password hash every account shares.

    .venv/bin/python benchmarks/generate.py --database-url postgresql+psycopg://…/cx_scale --replace

Everyone's password is benchmarks.serving.PASSWORD; the department's owner is OWNER_EMAIL.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from assessment.rules.hisp import PROFILE_NAMES  # noqa: E402
from assessment.rules.questionnaire import Questionnaire  # noqa: E402
from assessment.rules.questionnaire_file import load_questionnaire  # noqa: E402
from assessment.store.models import (  # noqa: E402
    ACTION_STATUSES,
    CHOICE_LEVEL,
    CHOICE_NA,
    CHOICE_UNKNOWN,
    DRAFT,
    FINISHED,
    MEMBER,
    ORG_OWNER,
    ORG_REVIEWER,
    ORG_VIEWER,
    OWNER,
    VIEWER,
)
from benchmarks.serving import PASSWORD, ROOT, migrate  # noqa: E402

OWNER_EMAIL = "cx-office@department.example.gov"  # owns the 200-service department
DEPARTMENT = "Department of Example Services"
BIG_ORG_SERVICES = 200
DAYS_BETWEEN = 91  # a team reassesses about every quarter
ASSESSMENT_COLUMNS = ("id", "public_id", "team_id", "questionnaire_version", "status",
                      "open_to_team", "started_at", "finished_at", "updated_at")


@dataclass
class Tables:
    """Rows to copy in, by table: column names and tuples in that order."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)

    def add(self, table: str, columns: tuple[str, ...], row: tuple[object, ...]) -> None:
        self.columns.setdefault(table, columns)
        self.rows.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))


@dataclass
class Team:
    id: int
    owner_id: int
    member_ids: list[int]
    maturity: float  # where the team starts, 1-5
    growth: float  # how much it gains per assessment
    pillar_bias: dict[str, float]
    assessment_ids: list[int] = field(default_factory=list)


def public_id(rng: random.Random) -> str:
    """128 random bits as the app writes them (models.new_public_id), from the seeded generator."""
    while (made := base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big"))
           .rstrip(b"=").decode()).startswith("-"):
        pass
    return made


def assessment_counts(rng: random.Random, teams: int, assessments: int) -> list[int]:
    """How many finished assessments each team has: between 1 and 19, summing exactly."""
    mean = assessments / teams
    counts = [max(1, min(19, round(rng.gauss(mean, mean / 3)))) for _ in range(teams)]
    while (gap := assessments - sum(counts)) != 0:
        index = rng.randrange(teams)
        if (gap > 0 and counts[index] < 19) or (gap < 0 and counts[index] > 1):
            counts[index] += 1 if gap > 0 else -1
    # The first team (the department office's own) has the longest history.
    top = counts.index(max(counts))
    counts[0], counts[top] = counts[top], counts[0]
    return counts


def level_answer(rng: random.Random, centre: float) -> tuple[str, int | None]:
    """One answer around a team's maturity: mostly a level, now and then N/A or Don't know."""
    roll = rng.random()
    if roll < 0.04:
        return CHOICE_NA, None
    if roll < 0.09:
        return CHOICE_UNKNOWN, None
    return CHOICE_LEVEL, max(1, min(5, round(centre + rng.gauss(0, 0.8))))


def build(questionnaire: Questionnaire, teams: int, assessments: int, seed: int,
          as_of: dt.datetime, password_hash: str) -> Tables:
    """Every row of the scale database, deterministically from the seed."""
    rng = random.Random(seed)
    tables = Tables()
    users = _people(tables, password_hash, as_of)
    built = _teams(tables, rng, questionnaire, teams, users, as_of)
    counts = assessment_counts(rng, teams, assessments)
    next_id = iter(range(1, 10**9))
    for team, count in zip(built, counts, strict=True):
        _team_assessments(tables, rng, questionnaire, team, count, as_of, next_id)
    _actions(tables, rng, questionnaire, built, as_of)
    _organizations(tables, rng, built, users, as_of)
    return tables


def _people(tables: Tables, password_hash: str, as_of: dt.datetime) -> Iterator[int]:
    """Accounts are made as teams need them; the department's office comes first (id 1-3)."""
    columns = ("id", "email", "password_hash", "created_at")
    start = as_of - dt.timedelta(days=5 * 365)

    def made() -> Iterator[int]:
        for number in range(1, 10**9):
            email = {1: OWNER_EMAIL, 2: "reviewer@department.example.gov",
                     3: "viewer@department.example.gov"}.get(
                number, f"person{number}@scale.example.gov")
            tables.add("user_account", columns, (number, email, password_hash, start))
            yield number

    return made()


def _teams(tables: Tables, rng: random.Random, questionnaire: Questionnaire, count: int,
           users: Iterator[int], as_of: dt.datetime) -> list[Team]:
    """Teams with an owner and up to three members; the first BIG_ORG_SERVICES are the
    department's services, about one in twelve a designated HISP."""
    for _ in range(3):
        next(users)  # the department's office
    columns = ("id", "agency", "office", "service", "is_demo", "created_at", "is_hisp",
               "hisp_service")
    membership = ("team_id", "user_id", "role", "created_at")
    built = []
    for team_id in range(1, count + 1):
        in_department = team_id <= BIG_ORG_SERVICES
        agency = DEPARTMENT if in_department else f"Example Agency {team_id % 60 + 1}"
        is_hisp = rng.random() < 0.08
        created = as_of - dt.timedelta(days=6 * 365)
        tables.add("team", columns, (
            team_id, agency, f"Bureau {team_id % 12 + 1}", f"Service {team_id}", False, created,
            is_hisp, rng.choice(PROFILE_NAMES) if is_hisp else None))
        owner = next(users)
        members = [next(users) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
        tables.add("membership", membership, (team_id, owner, OWNER, created))
        if team_id == 1:  # the department's owner also owns a team: one sign-in sees it all
            tables.add("membership", membership, (team_id, 1, OWNER, created))
        for member in members:
            tables.add("membership", membership,
                       (team_id, member, rng.choice((MEMBER, MEMBER, VIEWER)), created))
        built.append(Team(team_id, owner, members, rng.uniform(1.3, 3.6), rng.uniform(0, 0.1),
                          {p.id: rng.gauss(0, 0.5) for p in questionnaire.pillars}))
    return built


def _team_assessments(tables: Tables, rng: random.Random, questionnaire: Questionnaire,
                      team: Team, count: int, as_of: dt.datetime, ids: Iterator[int]) -> None:
    """A team's finished assessments, a quarter apart up to about now, with every
    respondent's answers; one team in ten also has a draft under way."""
    # Finished within 20 days of starting: the latest start is at least 21 days before as_of.
    last = as_of - dt.timedelta(days=rng.randrange(21, 221))
    for number in range(count):
        started = last - dt.timedelta(days=DAYS_BETWEEN * (count - 1 - number),
                                      minutes=rng.randrange(600))
        finished = started + dt.timedelta(days=rng.randrange(1, 20), minutes=rng.randrange(600))
        centre = team.maturity + team.growth * number
        _assessment(tables, rng, questionnaire, team, next(ids), (started, finished), centre)
    if rng.random() < 0.1:
        _assessment(tables, rng, questionnaire, team, next(ids), (as_of, None),
                    team.maturity + team.growth * count, pillars=2)


def _assessment(tables: Tables, rng: random.Random, questionnaire: Questionnaire, team: Team,
                assessment_id: int, dates: tuple[dt.datetime, dt.datetime | None],
                centre: float, pillars: int | None = None) -> None:
    started, finished = dates
    people = [team.owner_id, *[m for m in team.member_ids if rng.random() < 0.7]]
    open_to_team = len(people) > 1 and rng.random() < 0.5
    respondents = people if open_to_team else people[:1]
    changed = finished or started
    tables.add("assessment", ASSESSMENT_COLUMNS, (
        assessment_id, public_id(rng), team.id, questionnaire.version,
        FINISHED if finished else DRAFT, open_to_team, started, finished, changed))
    team.assessment_ids.append(assessment_id)
    asked = [(p, q) for p in questionnaire.pillars[:pillars] for q in p.questions]
    answer_columns = ("response_id", "question_id", "choice", "level", "note", "updated_at")
    chosen: dict[str, list[int]] = {}
    for person in respondents:
        response_id = tables.count("response") + 1
        tables.add("response", ("id", "assessment_id", "user_id", "created_at", "updated_at"),
                   (response_id, assessment_id, person, started, changed))
        for pillar, question in asked:
            choice, level = level_answer(rng, centre + team.pillar_bias[pillar.id])
            note = f"Seen in our {pillar.name.lower()} work." if rng.random() < 0.1 else ""
            tables.add("answer", answer_columns,
                       (response_id, question.id, choice, level, note, changed))
            if level is not None:
                chosen.setdefault(question.id, []).append(level)
    if finished and len(respondents) > 1:
        _agreed_answers(tables, rng, team, assessment_id, chosen, changed)
    if rng.random() < 0.3:
        for pillar in rng.sample(questionnaire.pillars, 2):
            tables.add("pillar_target", ("assessment_id", "pillar_id", "target", "target_date"),
                       (assessment_id, pillar.id, rng.choice(("3.5", "4.0")),
                        (changed + dt.timedelta(days=365)).date()))


def _agreed_answers(tables: Tables, rng: random.Random, team: Team, assessment_id: int,
                    chosen: dict[str, list[int]], changed: dt.datetime) -> None:
    """Where respondents disagreed, the owner records an agreed answer now and then."""
    columns = ("assessment_id", "question_id", "choice", "level", "note", "decided_by_id",
               "updated_at")
    for question_id, levels in chosen.items():
        if max(levels) - min(levels) >= 2 and rng.random() < 0.5:
            agreed = sorted(levels)[(len(levels) - 1) // 2]
            tables.add("agreed_answer", columns, (assessment_id, question_id, CHOICE_LEVEL,
                                                  agreed, "Agreed at our review.",
                                                  team.owner_id, changed))


def _actions(tables: Tables, rng: random.Random, questionnaire: Questionnaire,
             teams: list[Team], as_of: dt.datetime) -> None:
    """Two to six actions per team on its later assessments; some done, some overdue."""
    practices = [practice.id for pillar in questionnaire.pillars for practice in pillar.practices]
    columns = ("id", "team_id", "assessment_id", "last_assessment_id", "practice_id", "title",
               "owner", "due_date", "status", "created_by_id", "created_at", "updated_at")
    finished_ids = {row[0] for row in tables.rows["assessment"] if row[4] == FINISHED}
    for team in teams:
        done_on = [a for a in team.assessment_ids if a in finished_ids]
        for _ in range(rng.randrange(2, 7)):
            index = rng.randrange(max(0, len(done_on) - 3), len(done_on))
            status = rng.choice(list(ACTION_STATUSES))
            last = done_on[min(index + 1, len(done_on) - 1)] if status == "done" else None
            action_id = tables.count("action") + 1
            due = (as_of + dt.timedelta(days=rng.randrange(-120, 240))).date()
            tables.add("action", columns, (
                action_id, team.id, done_on[index], last, rng.choice(practices),
                f"Improve practice {action_id}", "CX lead", due, status, team.owner_id,
                as_of - dt.timedelta(days=200), as_of - dt.timedelta(days=30)))
            tables.add("action_status_change", ("action_id", "status", "changed_at",
                                                "changed_by_id"),
                       (action_id, status, as_of - dt.timedelta(days=30), team.owner_id))


def _organizations(tables: Tables, rng: random.Random, teams: list[Team], users: Iterator[int],
                   as_of: dt.datetime) -> None:
    """The department (1: the first BIG_ORG_SERVICES teams, its office being users 1-3) and
    one smaller organization per 100 other teams, of 5 to 60 teams each; some teams join none."""
    columns = ("id", "name", "parent_id", "requires_evidence", "is_demo", "created_at")
    member = ("organization_id", "user_id", "role", "created_at")
    joined = ("organization_id", "team_id", "shares_answers", "joined_at", "accepted_by_id")
    created = as_of - dt.timedelta(days=400)
    tables.add("organization", columns, (1, DEPARTMENT, None, False, False, created))
    for user_id, role in ((1, ORG_OWNER), (2, ORG_REVIEWER), (3, ORG_VIEWER)):
        tables.add("organization_member", member, (1, user_id, role, created))
    for team in teams[:BIG_ORG_SERVICES]:
        tables.add("organization_team", joined,
                   (1, team.id, rng.random() < 0.2, created, team.owner_id))
    rest = teams[BIG_ORG_SERVICES:]
    for org_id in range(2, 2 + len(rest) // 100):
        tables.add("organization", columns,
                   (org_id, f"Example Agency {org_id}", None, rng.random() < 0.3, False, created))
        tables.add("organization_member", member, (org_id, next(users), ORG_OWNER, created))
        for team in rng.sample(rest, rng.randrange(5, 61)):
            tables.add("organization_team", joined,
                       (org_id, team.id, False, created, team.owner_id))


def copy_in(database_url: str, tables: Tables) -> None:
    """COPY every table in one transaction, parents first, then move the id sequences past
    the ids written."""
    order = ["user_account", "team", "membership", "assessment", "response", "answer",
             "agreed_answer", "pillar_target", "action", "action_status_change",
             "organization", "organization_member", "organization_team"]
    engine = create_engine(database_url)
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        with connection.cursor() as cursor:
            for table in order:
                if table not in tables.rows:
                    continue
                names = ", ".join(tables.columns[table])
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in tables.rows[table]:
                        copy.write_row(row)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
        connection.commit()
        connection.autocommit = True  # VACUUM runs outside a transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        raw.close()
        engine.dispose()


def fresh(database_url: str, replace: bool) -> None:
    """Create the database (dropping it first with --replace) and migrate it; refuse to add
    to one that already has teams."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("generate.py writes with PostgreSQL's COPY: give a postgresql URL")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": url.database})
        if exists and replace:
            connection.exec_driver_sql(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        if not exists or replace:
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    migrate(database_url)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if connection.scalar(text("SELECT count(*) FROM team")):
            raise SystemExit(f"{url.database} already has teams: pass --replace to start again")
        # The questionnaire's text, as the app keeps it when an assessment starts on it.
        questionnaire = load_questionnaire(ROOT / "questions.yaml")
        connection.execute(text(
            "INSERT INTO questionnaire_snapshot (version, content_hash, source, recorded_at) "
            "VALUES (:version, :hash, :source, now())"),
            {"version": questionnaire.version, "source": questionnaire.source,
             "hash": content_hash(questionnaire.source)})
        connection.commit()
    engine.dispose()


def content_hash(source: str) -> str:
    from assessment.store.questionnaire_versions import content_hash as app_hash

    return app_hash(source)


def summary(tables: Tables) -> Iterable[str]:
    for table, rows in tables.rows.items():
        yield f"{table}: {len(rows):,}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--teams", type=int, default=2000)
    parser.add_argument("--assessments", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--as-of", default="2026-12-01", help="the day dates count back from")
    parser.add_argument("--replace", action="store_true",
                        help="drop and recreate the database if it exists")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    if args.teams < BIG_ORG_SERVICES or args.assessments < args.teams:
        parser.error(f"at least {BIG_ORG_SERVICES} teams and one assessment per team")
    started = time.monotonic()
    fresh(args.database_url, args.replace)
    migrated = time.monotonic()
    questionnaire = load_questionnaire(ROOT / "questions.yaml")
    # One hash for everyone: scrypt takes a good part of a second each.
    tables = build(questionnaire, args.teams, args.assessments, args.seed,
                   dt.datetime.fromisoformat(args.as_of),
                   generate_password_hash(PASSWORD, method="scrypt"))
    built = time.monotonic()
    copy_in(args.database_url, tables)
    done = time.monotonic()
    print("\n".join(summary(tables)))
    print(f"Database made and migrated in {migrated - started:.1f} s, rows built in "
          f"{built - migrated:.1f} s, copied in (with VACUUM ANALYZE) in {done - built:.1f} s; "
          f"{done - started:.1f} s in all.\nSign in as {OWNER_EMAIL} (owner of the "
          f"{BIG_ORG_SERVICES}-service department, organization 1) with the benchmark password.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
