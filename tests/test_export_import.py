"""Export and import: a team or one assessment as JSON, round trips that lose
nothing, bad files that import nothing, CSV downloads, and the command-line tools."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, select

from assessment.extensions import db
from assessment.store import accounts, operations, teams
from assessment.store.models import (
    MEMBER,
    OWNER,
    VIEWER,
    Action,
    AgreedAnswer,
    Assessment,
    AuditEvent,
    Invite,
    Membership,
    PillarTarget,
    Response,
    Team,
    User,
)
from assessment.store.operations import ActionDetails, SubmittedAnswer
from assessment.transfer import parsing
from assessment.transfer.checking import content_hash
from assessment.transfer.document import to_data
from tests.conftest import (
    FAST_HASH,
    OWNER_EMAIL,
    PROJECT_ROOT,
    MigratedDatabase,
    check_page,
    make_test_app,
    page_text,
    sign_in_as,
)
from tests.test_fuzzing import snapshot

SCHEMA = json.loads((PROJECT_ROOT / "docs" / "export-schema.json").read_text())


def at(day: str, micro: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(microsecond=micro)


def build_team(questionnaire, service: str = "Passport Services") -> int:
    """A team with an owner, a member and a viewer, and three assessments: a finished one with
    two respondents, notes, agreed answers, targets with dates and actions; a later one with
    answers from before accounts; and a reopened draft. Returns the team id."""
    owner = db.session.scalar(select(User).filter_by(email=OWNER_EMAIL))
    member = User(email="m@state.gov", password_hash=FAST_HASH)
    viewer = User(email="v@state.gov", password_hash=FAST_HASH)
    db.session.add_all([member, viewer])
    team = operations.create_team("Department of State", "Bureau of Consular Affairs", service)
    for user, role in ((owner, OWNER), (member, MEMBER), (viewer, VIEWER)):
        teams.add_member(team, user, role)
    questions = [q for *_, q in questionnaire.questions()]
    first = operations.start_assessment(questionnaire, team)
    first.open_to_team = True
    mine = operations.response_for(first, owner.id)
    theirs = operations.response_for(first, member.id)
    operations.save_answers(mine, {q.id: SubmittedAnswer(str(1 + i % 5), "")
                                   for i, q in enumerate(questions)}
                            | {questions[0].id: SubmittedAnswer("na", "Not our service"),
                               questions[1].id: SubmittedAnswer("unknown", "Ask the CX lead"),
                               questions[2].id: SubmittedAnswer(None, "=cmd|' /C calc'!A0")})
    operations.save_answers(theirs, {q.id: SubmittedAnswer("4", "Ünïcode ✓ note")
                                     for q in questions[:10]}
                            | {questions[5].id: SubmittedAnswer(
                                "5", "", "https://www.state.gov/cx-strategy")})
    operations.agree_answer(first, questions[3].id, "2", "We agreed in the workshop", owner.id)
    operations.agree_answer(first, questions[4].id, "na", "", member.id)
    operations.set_targets(first, {"strategy": Decimal("3.5"), "governance": Decimal("4.0")})
    operations.finish_assessment(first)
    practice = questionnaire.pillars[0].practices[0].id
    operations.add_action(first, practice, ActionDetails("Brief the team", "CX lead",
                                                         dt.date(2027, 1, 1), "in_progress"))
    operations.add_action(first, practice, ActionDetails("Map the journey", "", None,
                                                         "not_started"))
    second = operations.start_assessment(questionnaire, team)
    operations.save_answers(second.responses[0], {q.id: SubmittedAnswer("3") for q in questions})
    operations.finish_assessment(second)
    third = operations.start_assessment(questionnaire, team)
    operations.finish_assessment(third)
    operations.reopen_assessment(third)
    db.session.flush()
    # Dates a year apart, some with microseconds, so ordering and precision are both tested.
    for assessment, year in ((first, 2024), (second, 2025), (third, 2026)):
        assessment.started_at = at(f"{year}-01-10T09:00:00", 123456)
        assessment.finished_at = at(f"{year}-02-01T10:30:00")
        for response in assessment.responses:
            response.created_at = at(f"{year}-01-10T09:05:00", response.id)
    for target in first.targets:
        target.target_date = dt.date(2025, 6, 30) if target.pillar_id == "strategy" else None
    db.session.commit()
    return team.id


@pytest.fixture
def team_id(app, questionnaire, owner_id) -> int:
    with app.app_context():
        return build_team(questionnaire)


@pytest.fixture
def other_app(tmp_path: Path, migrated: MigratedDatabase):
    """A second site with its own empty database, and the same owner account."""
    from flask_migrate import upgrade

    if migrated.sqlite_file is not None:
        shutil.copyfile(migrated.sqlite_file, tmp_path / "other.sqlite3")
    second = make_test_app(f"sqlite:///{tmp_path / 'other.sqlite3'}",
                           PLAN_CACHE_DIR=str(tmp_path / "other-cache"))
    with second.app_context():
        if migrated.sqlite_file is None:  # on PostgreSQL runs the second site is still SQLite
            upgrade()
        db.session.add(User(email=OWNER_EMAIL, password_hash=FAST_HASH))
        db.session.commit()
    yield second
    with second.app_context():
        db.engine.dispose()


def owner_client(app):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email=OWNER_EMAIL))
    return sign_in_as(app.test_client(), user_id)


def csrf_for(client) -> str:
    page = BeautifulSoup(client.get("/teams/import").data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def upload(client, body: bytes, team: str = "", name: str = "export.json"):
    return client.post("/teams/import", data={
        "csrf_token": csrf_for(client), "team": team, "file": (io.BytesIO(body), name),
    }, content_type="multipart/form-data")


def get_json(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    return data


def without_time(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "exported_at"}


def without_members(data: dict) -> dict:
    """The file but its time and its members: an import invites the members, so the team it
    makes has only the importer until they accept."""
    data = without_time(data)
    return data | {"team": {k: v for k, v in data["team"].items() if k != "members"}}


def members_and_invites(application) -> tuple[dict[str, str], dict[str, str]]:
    with application.app_context():
        return ({m.user.email: m.role for m in db.session.scalars(select(Membership))},
                {i.email: i.role for i in db.session.scalars(select(Invite))})


TEAM_INVITES = {"m@state.gov": MEMBER, "v@state.gov": VIEWER}


def test_a_team_round_trips_through_an_empty_site_unchanged(app, client, team_id, other_app):
    first = get_json(client, f"/teams/{team_id}/export.json")
    assert len(first["assessments"]) == 3
    other = owner_client(other_app)
    response = upload(other, json.dumps(first).encode())
    assert response.status_code == 302, page_text(BeautifulSoup(response.data, "html.parser"))
    new_team = int(response.location.rstrip("/").split("/")[-1])
    again = get_json(other, f"/teams/{new_team}/export.json")
    assert without_members(again) == without_members(first)
    assert members_and_invites(other_app) == ({OWNER_EMAIL: OWNER}, TEAM_INVITES)
    assert "You imported 3 assessments" in page_text(check_page(other.get(response.location).data))


def test_the_export_holds_everything_and_no_ids_or_secrets(client, team_id):
    data = get_json(client, f"/teams/{team_id}/export.json")
    text = json.dumps(data)
    assert data["team"]["members"] == [
        {"email": "m@state.gov", "role": "member", "joined_at": data["team"]["members"][0]
         ["joined_at"]},
        {"email": OWNER_EMAIL, "role": "owner", "joined_at": data["team"]["members"][1]
         ["joined_at"]},
        {"email": "v@state.gov", "role": "viewer", "joined_at": data["team"]["members"][2]
         ["joined_at"]}]
    first, second, third = data["assessments"]
    assert first["started_at"] == "2024-01-10T09:00:00.123456Z"
    assert [r["respondent"] for r in first["responses"]] == [OWNER_EMAIL, "m@state.gov"]
    assert second["responses"][0]["respondent"] is None  # answers from before accounts
    assert (third["status"], third["finished_at"]) == ("draft", "2026-02-01T10:30:00Z")
    assert first["targets"] == [
        {"pillar_id": "strategy", "target": "3.5", "target_date": "2025-06-30"},
        {"pillar_id": "governance", "target": "4.0", "target_date": None}]
    evidenced = first["responses"][1]["answers"]
    assert evidenced[5]["evidence_link"] == "https://www.state.gov/cx-strategy"
    assert "evidence_link" not in evidenced[4]  # only where one was given
    assert {a["choice"] for a in first["agreed_answers"]} == {"level", "na"}
    assert first["agreed_answers"][1]["decided_by"] == "m@state.gov"
    assert [a["title"] for a in first["actions"]] == ["Brief the team", "Map the journey"]
    assert first["scores"]["pillars"][0]["target"] == "3.5"
    assert {"choice": None, "level": None} == {k: v for k, v in first["responses"][0]["answers"]
                                               [2].items() if k in ("choice", "level")}
    for secret in ("password", "public_id", "token", '"id"', FAST_HASH):
        assert secret not in text


def test_one_assessment_round_trips_into_a_team_you_own(app, client, team_id, other_app):
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(team_id=team_id)
                                      .order_by(Assessment.started_at))
    first = get_json(client, f"/assessments/{public_id}/export.json")
    assert first["kind"] == "assessment" and "members" not in first["team"]
    with other_app.app_context():
        team = operations.create_team(**first["team"])
        teams.add_member(team, db.session.scalar(select(User)), OWNER)
        db.session.commit()
        target = team.id
    other = owner_client(other_app)
    response = upload(other, json.dumps(first).encode(), team=str(target))
    assert response.status_code == 302 and response.location.endswith(f"/teams/{target}")
    with other_app.app_context():
        new_id = db.session.scalar(select(Assessment.public_id))
        # Respondents without an account here get one that no password opens.
        member = accounts.find_user("m@state.gov")
        assert member.password_hash == accounts.UNUSABLE_PASSWORD_HASH
        assert db.session.scalar(select(Membership).filter_by(user_id=member.id)) is None
    assert without_time(get_json(other, f"/assessments/{new_id}/export.json")) == \
        without_time(first)


def test_an_assessment_file_added_to_another_team_keeps_its_answers(app, client, team_id,
                                                                      questionnaire):
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(team_id=team_id)
                                      .order_by(Assessment.started_at))
        target = db.session.get(Team, build_other_team(questionnaire)).id
    first = get_json(client, f"/assessments/{public_id}/export.json")
    assert upload(client, json.dumps(first).encode(), team=str(target)).status_code == 302
    with app.app_context():
        copied = db.session.scalar(select(Assessment.public_id).filter_by(team_id=target)
                                   .order_by(Assessment.id.desc()))
    again = get_json(client, f"/assessments/{copied}/export.json")
    assert again["assessments"] == first["assessments"]
    assert again["team"]["service"] == "Taxpayer services"


def build_other_team(questionnaire) -> int:
    team = operations.create_team("Treasury", "IRS", "Taxpayer services")
    teams.add_member(team, db.session.scalar(select(User).filter_by(email=OWNER_EMAIL)), OWNER)
    db.session.commit()
    return team.id


def test_the_importer_owns_a_team_whose_file_does_not_list_them(app, client, team_id,
                                                                 other_app):
    data = get_json(client, f"/teams/{team_id}/export.json")
    data["team"]["members"] = [m for m in data["team"]["members"] if m["email"] != OWNER_EMAIL]
    other = owner_client(other_app)
    assert upload(other, json.dumps(data).encode()).status_code == 302
    assert members_and_invites(other_app) == ({OWNER_EMAIL: OWNER}, TEAM_INVITES)
    with other_app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="import"))
        assert event.email == OWNER_EMAIL and "3 assessments" in event.detail


def test_an_imported_account_signs_in_only_after_a_password_reset(app, client, team_id,
                                                                  other_app):
    data = get_json(client, f"/teams/{team_id}/export.json")
    assert upload(owner_client(other_app), json.dumps(data).encode()).status_code == 302
    with other_app.app_context():
        for password in ("", "!unusable", "unusable", accounts.UNUSABLE_PASSWORD_HASH):
            assert accounts.check_sign_in("m@state.gov", password).user is None
        member = accounts.find_user("m@state.gov")
        token = accounts.start_password_reset(member, "test-secret")
        assert accounts.user_for_reset_token(token, "test-secret") is member
        accounts.set_password(member, "a new long password")
        assert accounts.check_sign_in("m@state.gov", "a new long password").user is member


def mutate(change):
    """A bad-file case: a change to a good team export."""
    return change


def set_in(path: tuple, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def add_unknown_source(data):
    data["questionnaires"][0]["source"] += "\n# changed\n"


def change_questions_keep_hash(data):
    source = data["questionnaires"][0]["source"].replace("Strategy", "Strategie", 1)
    data["questionnaires"][0].update(source=source, content_hash=content_hash(source))


def repeat_first_answer(data):
    answers = data["assessments"][0]["responses"][0]["answers"]
    answers.append(dict(answers[0]))


def bad_last_action(data):
    data["assessments"][-1]["actions"] = [dict(data["assessments"][0]["actions"][0],
                                               practice_id="no-such-practice")]


BAD_DOCUMENTS = [
    ("wrong format", set_in(("format",), "spreadsheet"), "format: expected"),
    ("newer schema", set_in(("schema_version",), 2), "schema_version: this site reads version 1"),
    ("text for a flag", set_in(("assessments", 0, "open_to_team"), "yes"),
     "assessments[0].open_to_team: expected true or false, found “yes”"),
    ("level out of range", set_in(("assessments", 0, "responses", 0, "answers", 5, "level"), 7),
     "assessments[0].responses[0].answers[5].level: expected a whole number from 1 to 5, "
     "found 7"),
    ("level with not applicable",
     set_in(("assessments", 0, "responses", 0, "answers", 0, "level"), 3),
     "answers[0].level: expected null when the choice is “na”, found 3"),
    ("unknown choice", set_in(("assessments", 0, "agreed_answers", 0, "choice"), "maybe"),
     "agreed_answers[0].choice: expected one of"),
    ("unknown question",
     set_in(("assessments", 1, "responses", 0, "answers", 3, "question_id"), "strategy.nope"),
     "assessments[1].responses[0].answers[3].question_id: questionnaire version"),
    ("unknown pillar", set_in(("assessments", 0, "targets", 0, "pillar_id"), "astrology"),
     "has no pillar “astrology”"),
    ("answer twice", repeat_first_answer, "twice"),
    ("not a real date", set_in(("assessments", 0, "targets", 0, "target_date"), "2027-02-30"),
     "targets[0].target_date: “2027-02-30” is not a real date"),
    ("not a time", set_in(("assessments", 2, "started_at"), "yesterday"),
     "assessments[2].started_at: expected a date and time"),
    ("target with two decimals", set_in(("assessments", 0, "targets", 0, "target"), "3.25"),
     "targets[0].target: expected a level"),
    ("target as a number", set_in(("assessments", 0, "targets", 0, "target"), 3.5),
     "targets[0].target: expected a level"),
    ("unknown field", set_in(("team", "is_demo"), True), "team: unknown field “is_demo”"),
    ("missing field", lambda d: d["assessments"][0].pop("status"),
     "assessments[0]: missing the field “status”"),
    ("changed questionnaire text", add_unknown_source, "does not match the text"),
    ("other questions, same version", change_questions_keep_hash,
     "already has questionnaire version"),
    ("questionnaire version nobody has",
     set_in(("assessments", 0, "questionnaire_version"), "1999.1"),
     "“1999.1” is not in the file"),
    ("bad email", set_in(("team", "members", 0, "email"), "not an email"),
     "team.members[0].email: expected an email address"),
    ("member twice", lambda d: d["team"]["members"].append(dict(d["team"]["members"][0])),
     "team.members[3].email: the file has the member"),
    ("null character", set_in(("assessments", 0, "actions", 0, "title"), "a\x00b"),
     "null character"),
    ("lone surrogate", set_in(("assessments", 0, "actions", 0, "owner"), "\ud800"),
     "not valid Unicode"),
    ("a problem in the last assessment only", bad_last_action,
     "assessments[2].actions[0].practice_id"),
    ("two assessments in an assessment file", set_in(("kind",), "assessment"),
     "assessments: a file of kind “assessment” holds exactly one assessment, found 3"),
    ("a list, not an object", lambda d: d.clear(), "missing the field"),
]

BAD_BYTES = [
    ("not JSON", b"{not json", "not valid JSON"),
    ("not UTF-8", b'{"format": "\xff\xfe"}', "not UTF-8"),
    ("empty", b"  ", "The file is empty"),
    ("a list", b"[]", "not an export from this site"),
    ("NaN", b'{"format": NaN}', "NaN"),
    ("duplicate key", b'{"format": 1, "format": 2}', "twice in one place"),
    ("deeply nested", b"[" * 200_000, "nested too deeply"),
]


@pytest.mark.parametrize("name, change, message", BAD_DOCUMENTS,
                         ids=[case[0] for case in BAD_DOCUMENTS])
def test_a_bad_file_imports_nothing_and_says_where_the_problem_is(
        app, client, team_id, name, change, message):
    good = get_json(client, f"/teams/{team_id}/export.json")
    data = copy.deepcopy(good)
    change(data)
    assert_refused(app, client, json.dumps(data).encode(), message)


@pytest.mark.parametrize("name, body, message", BAD_BYTES, ids=[case[0] for case in BAD_BYTES])
def test_a_file_that_is_not_an_export_imports_nothing(app, client, team_id, name, body,
                                                      message):
    assert_refused(app, client, body, message)


def assert_refused(app, client, body: bytes, message: str, status: int = 400) -> None:
    token = csrf_for(client)
    with app.app_context():
        before = snapshot()
    response = client.post("/teams/import", data={
        "csrf_token": token, "team": "", "file": (io.BytesIO(body), "export.json")},
        content_type="multipart/form-data")
    assert response.status_code == status
    page = check_page(response.data)
    assert page.title.get_text().startswith("Error: Import")
    assert message in page_text(page), page.select_one("#error-summary").get_text()
    assert page.select_one("#error-summary a")["href"] == "#file"
    with app.app_context():
        db.session.remove()
        assert snapshot() == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(app, client, team_id):
    app.config["IMPORT_MAX_BYTES"] = 1024
    assert_refused(app, client, b" " * 2000, "larger than 0 MB")
    assert_refused(app, client, b" " * 200_000, "larger than 0 MB", status=413)


def test_a_team_file_larger_than_the_usual_form_limit_imports(app, client, team_id, other_app):
    body = json.dumps(get_json(client, f"/teams/{team_id}/export.json"), indent=8).encode()
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(owner_client(other_app), body).status_code == 302


def test_an_assessment_file_needs_a_team_you_own(app, client, team_id, make_user,
                                                 questionnaire):
    outsider = make_user("x@irs.gov")
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(team_id=team_id))
        theirs = operations.create_team("Treasury", "IRS", "Refunds")
        teams.add_member(theirs, db.session.get(User, outsider), OWNER)
        db.session.commit()
        theirs_id = theirs.id
    body = client.get(f"/assessments/{public_id}/export.json").data
    with app.app_context():
        before = snapshot()
    response = upload(client, body)
    assert response.status_code == 400
    assert "Choose the team to add it to" in page_text(check_page(response.data))
    assert upload(client, body, team=str(theirs_id)).status_code == 400
    assert upload(client, body, team="abc").status_code == 400
    with app.app_context():
        db.session.remove()
        assert snapshot() == before


def test_the_import_page_offers_only_teams_you_own(app, client, team_id, make_user,
                                                   join_team):
    with app.app_context():
        other = operations.create_team("Treasury", "IRS", "Refunds")
        teams.add_member(other, db.session.scalar(select(User).filter_by(email=OWNER_EMAIL)),
                         VIEWER)
        db.session.commit()
    page = check_page(client.get("/teams/import").data)
    options = [o.get_text() for o in page.select("select#team option")]
    assert options == ["None: make a new team", "Passport Services, Bureau of Consular Affairs"]
    assert page.select_one("main form")["enctype"] == "multipart/form-data"
    assert page.select_one("input[type=file]#file")["name"] == "file"


def test_posting_without_a_file_asks_for_one(app, client):
    response = client.post("/teams/import", data={"csrf_token": csrf_for(client)})
    assert response.status_code == 200
    assert "Choose a file to import." in page_text(check_page(response.data))


def test_an_import_without_the_security_token_is_refused(app, client, team_id):
    body = client.get(f"/teams/{team_id}/export.json").data
    with app.app_context():
        before = snapshot()
    response = client.post("/teams/import", data={"file": (io.BytesIO(body), "t.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        db.session.remove()
        assert snapshot() == before


def count_queries(app, client, path: str) -> int:
    statements = []

    def record(*_args) -> None:
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_a_team_export_takes_the_same_number_of_queries_however_big_the_team(
        app, client, team_id, questionnaire, make_user):
    paths = [f"/teams/{team_id}/export.json", f"/teams/{team_id}/scores.csv"]
    small = [count_queries(app, client, p) for p in paths]
    with app.app_context():
        team = db.session.get(Team, team_id)
        for n in range(4):
            assessment = operations.start_assessment(questionnaire, team)
            for r in range(3):
                user = User(email=f"r{n}{r}@state.gov", password_hash=FAST_HASH)
                db.session.add(user)
                db.session.flush()
                operations.save_answers(operations.response_for(assessment, user.id), {
                    q.id: SubmittedAnswer("2", "note") for *_, q in questionnaire.questions()})
            operations.agree_answer(assessment, questionnaire.pillars[0].questions[0].id,
                                    "3", "", None)
            operations.add_action(assessment, questionnaire.pillars[0].practices[0].id,
                                  ActionDetails("Do it", "", None, "done"))
        db.session.commit()
    assert [count_queries(app, client, p) for p in paths] == small


def test_answers_csv_has_a_row_per_question_and_is_safe_in_a_spreadsheet(app, client, team_id,
                                                                          questionnaire):
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(team_id=team_id)
                                      .order_by(Assessment.started_at))
    response = client.get(f"/assessments/{public_id}/answers.csv")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="passport-services-2024-02-01-answers.csv"'
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffPillar,Practice,Question ID,Question,Team answer,Level name,")
    lines = text.splitlines()
    assert lines[0].endswith(f"Answer from {OWNER_EMAIL},Answer from m@state.gov")
    assert len(lines) == 1 + questionnaire.question_count
    assert "'=cmd|' /C calc'!A0" in text  # a note that would run as a formula
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    first = questionnaire.pillars[0].questions[0]
    assert rows[1][2:] == [first.id, first.text, "Level 4", "Foundational", "",
                           "Not our service / Ünïcode ✓ note", "", "Not applicable", "Level 4"]
    assert rows[6][rows[0].index("Evidence links")] == "https://www.state.gov/cx-strategy"
    agreed = dict(zip(rows[0], rows[4], strict=True))
    assert (agreed["Team answer"], agreed["Agreed by the team"], agreed["Team note"]) == \
        ("Level 2", "Yes", "We agreed in the workshop")


def test_scores_csv_has_a_row_per_area_for_each_assessment(app, client, team_id,
                                                            questionnaire):
    areas = 1 + len(questionnaire.pillars) + sum(len(p.practices) for p in questionnaire.pillars)
    team = client.get(f"/teams/{team_id}/scores.csv")
    assert team.headers["Content-Disposition"].startswith('attachment; filename="passport-'
                                                          'services-')
    lines = team.data.decode("utf-8").splitlines()
    assert lines[0] == ("\ufeffDate,Status,Questionnaire version,Area,ID,Name,Score,Level,"
                        "Level name,Target,Target date")
    assert len(lines) == 1 + 3 * areas
    strategy = next(line for line in lines if ",Pillar,strategy," in line)
    assert strategy.startswith("2024-02-01,Finished,") and strategy.endswith(",3.5,2025-06-30")
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(team_id=team_id)
                                      .order_by(Assessment.started_at.desc()))
    one = client.get(f"/assessments/{public_id}/scores.csv").data.decode("utf-8").splitlines()
    assert len(one) == 1 + areas and one[1].startswith("2026-02-01,Draft,")


def test_downloads_are_attachments_that_are_not_cached_and_are_logged(app, client, team_id):
    response = client.get(f"/teams/{team_id}/export.json")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith('-team.json"')
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="export"))
        assert event.team_id == team_id and event.detail.endswith("-team.json")


def test_the_team_page_links_to_export_and_import(client, team_id):
    page = check_page(client.get(f"/teams/{team_id}").data)
    links = {a.get_text(): a["href"] for a in page.select("main a")}
    assert links["download the team as JSON"] == f"/teams/{team_id}/export.json"
    assert links["download all scores as CSV"] == f"/teams/{team_id}/scores.csv"
    assert links["import a JSON file"] == "/teams/import"


def test_the_results_page_links_to_each_download_of_the_assessment(app, client, team_id):
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id).filter_by(
            team_id=team_id, status="finished").order_by(Assessment.id).limit(1))
    page = check_page(client.get(f"/assessments/{public_id}/results").data)
    links = {a.get_text(): a["href"] for a in page.select("main a")}
    for text, name, kind in (("answers (CSV)", "answers.csv", "text/csv"),
                             ("scores (CSV)", "scores.csv", "text/csv"),
                             ("everything as JSON", "export.json", "application/json")):
        assert links[text] == f"/assessments/{public_id}/{name}"
        response = client.get(links[text])
        assert response.status_code == 200 and response.mimetype == kind


def test_the_command_line_exports_and_imports_the_same_file(app, team_id, other_app,
                                                            tmp_path):
    out = tmp_path / "team.json"
    result = app.test_cli_runner().invoke(args=["export-team", str(team_id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    runner = other_app.test_cli_runner()
    result = runner.invoke(args=["import-json", str(out), "--owner", OWNER_EMAIL])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.json"
    assert runner.invoke(args=["export-team", "1", "-o", str(again)]).exit_code == 0
    assert without_members(json.loads(again.read_text())) == without_members(json.loads(
        out.read_text()))
    with app.app_context():
        public_id = db.session.scalar(select(Assessment.public_id))
    one = tmp_path / "one.json"
    assert app.test_cli_runner().invoke(
        args=["export-assessment", "-o", str(one), "--", public_id]).exit_code == 0
    no_team = runner.invoke(args=["import-json", str(one), "--owner", OWNER_EMAIL])
    assert no_team.exit_code == 1 and "choose the team to add it to" in no_team.output
    into = runner.invoke(args=["import-json", str(one), "--owner", OWNER_EMAIL, "--team", "1"])
    assert into.exit_code == 0, into.output


def test_the_command_line_refuses_a_bad_file_with_the_same_message(app, other_app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cx-assessment-export"}')
    with other_app.app_context():
        before = snapshot()
    result = other_app.test_cli_runner().invoke(args=["import-json", str(bad), "--owner",
                                                      OWNER_EMAIL])
    assert result.exit_code == 1
    assert "The file is missing the field “schema_version”. Nothing was imported." in \
        result.output
    unknown = other_app.test_cli_runner().invoke(args=["import-json", str(bad), "--owner",
                                                       "nobody@state.gov"])
    assert unknown.exit_code == 1 and "no account" in unknown.output
    with other_app.app_context():
        db.session.remove()
        assert snapshot() == before


def test_rows_restored_match_the_rows_exported(app, client, team_id, other_app):
    """Beyond the file: the rows an import makes are the rows the export came from."""
    data = get_json(client, f"/teams/{team_id}/export.json")
    upload(owner_client(other_app), json.dumps(data).encode())

    def rows(application):
        with application.app_context():
            return {
                "targets": sorted([(t.pillar_id, t.target, t.target_date)
                                   for t in db.session.scalars(select(PillarTarget))], key=repr),
                "agreed": sorted([(a.question_id, a.choice, a.level, a.note)
                                  for a in db.session.scalars(select(AgreedAnswer))], key=repr),
                "actions": sorted([(a.title, a.owner, a.due_date, a.status, a.created_at)
                                   for a in db.session.scalars(select(Action))], key=repr),
                "responses": sorted([(r.created_at, r.updated_at, len(r.answers))
                                     for r in db.session.scalars(select(Response))], key=repr),
            }

    assert rows(other_app) == rows(app)


def test_a_parsed_file_writes_back_the_same_data(client, team_id):
    data = get_json(client, f"/teams/{team_id}/export.json")
    document = parsing.parse_document(data)
    written = to_data(document, [a["scores"] for a in data["assessments"]])
    assert written == data


@pytest.mark.parametrize("value, expected", [
    ("2026-01-01T05:00:00+05:00", dt.datetime(2026, 1, 1, 0, 0)),
    ("2026-01-01T00:00:00Z", dt.datetime(2026, 1, 1, 0, 0)),
    ("2026-01-01T00:00:00.5", dt.datetime(2026, 1, 1, 0, 0, 0, 500000)),
])
def test_times_with_an_offset_are_read_as_utc(value, expected):
    assert parsing._time(value, "at") == expected


@pytest.mark.parametrize("value, message", [
    ("2026-1-1T00:00:00Z", "expected a date and time"),
    ("2026-02-30T00:00:00Z", "is not a real date and time"),
    (20260101, "found 20260101"),
    (None, "found null"),
])
def test_bad_times_name_the_place_and_the_value(value, message):
    with pytest.raises(parsing.TransferError) as error:
        parsing._time(value, "assessments[0].started_at")
    assert str(error.value).startswith("assessments[0].started_at: ")
    assert message in str(error.value)


def as_older_version(data: dict, version: str = "2025.1") -> dict:
    """The file as if its assessments were answered on a version this site does not have."""
    text = data["questionnaires"][0]
    current = text["version"]
    source = text["source"].replace(f'version: "{current}"', f'version: "{version}"', 1)
    assert source != text["source"]
    text.update(version=version, source=source, content_hash=content_hash(source))
    for assessment in data["assessments"]:
        assessment["questionnaire_version"] = version
    return data


def test_only_the_command_line_adds_a_questionnaire_version(app, client, team_id, other_app,
                                                            tmp_path):
    data = as_older_version(get_json(client, f"/teams/{team_id}/export.json"))
    assert_refused(app, client, json.dumps(data).encode(),
                   "questionnaires[0]: this site does not have questionnaire version “2025.1”")
    path = tmp_path / "older.json"
    path.write_text(json.dumps(data))
    runner = other_app.test_cli_runner()
    result = runner.invoke(args=["import-json", str(path), "--owner", OWNER_EMAIL])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.json"
    assert runner.invoke(args=["export-team", "1", "-o", str(again)]).exit_code == 0
    exported = json.loads(again.read_text())
    assert without_members(exported) == without_members(data)
    assert [a["questionnaire_version"] for a in exported["assessments"]] == ["2025.1"] * 3
    # Now the site has it, a page import of the same file works: added to the team the
    # command made (the owner has it, so no second team of that name), nothing twice.
    assert upload(owner_client(other_app), json.dumps(data).encode(),
                  team="1").status_code == 302
    assert runner.invoke(args=["export-team", "1", "-o", str(again)]).exit_code == 0
    assert len(json.loads(again.read_text())["assessments"]) == 3


@pytest.mark.parametrize("roles, expected", [
    ({OWNER_EMAIL: VIEWER, "m@state.gov": VIEWER}, {"m@state.gov": VIEWER}),
    ({OWNER_EMAIL: MEMBER, "m@state.gov": OWNER}, {"m@state.gov": OWNER}),
    ({"m@state.gov": MEMBER}, {"m@state.gov": MEMBER}),
])
def test_the_importer_owns_the_new_team_and_the_others_are_invited_with_their_roles(
        app, client, team_id, other_app, roles, expected):
    data = get_json(client, f"/teams/{team_id}/export.json")
    joined = data["team"]["members"][0]["joined_at"]
    data["team"]["members"] = [{"email": e, "role": r, "joined_at": joined}
                               for e, r in roles.items()]
    assert upload(owner_client(other_app), json.dumps(data).encode()).status_code == 302
    assert members_and_invites(other_app) == ({OWNER_EMAIL: OWNER}, expected)


def test_an_empty_form_without_a_token_is_refused_not_a_crash(app, client):
    response = client.post("/teams/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "imported nothing" in page_text(check_page(response.data))


@pytest.mark.parametrize("name", ["\\", "\r", "\n"])
def test_a_field_whose_name_werkzeug_cannot_read_is_refused(app, client, name):
    response = client.post("/teams/import", data={"csrf_token": csrf_for(client), name: "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "a field without a name" in page_text(check_page(response.data))


def test_a_hisp_team_keeps_its_service_through_export_and_import(app, client, team_id,
                                                                 other_app):
    with app.app_context():
        teams.set_hisp(db.session.get(Team, team_id), "Individual Taxpayer Services")
        db.session.commit()
    first = get_json(client, f"/teams/{team_id}/export.json")
    assert first["team"]["hisp_service"] == "Individual Taxpayer Services"
    response = upload(owner_client(other_app), json.dumps(first).encode())
    new_team = int(response.location.rstrip("/").split("/")[-1])
    with other_app.app_context():
        team = db.session.get(Team, new_team)
        assert (team.is_hisp, team.hisp_service) == (True, "Individual Taxpayer Services")
