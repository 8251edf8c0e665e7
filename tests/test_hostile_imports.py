"""Hostile import files: huge numbers, dates at the ends of the calendar, and questionnaires in
the file that are alias bombs, deeply nested or otherwise broken. Each is refused with a clear
message by the import page and by `import-json`, and nothing is stored (on SQLite and, with
DATABASE_URL set, PostgreSQL)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import db
from assessment.transfer.checking import content_hash
from tests import hostile_questionnaires
from tests.conftest import OWNER_EMAIL
from tests.test_export_import import assert_refused, build_team, get_json
from tests.test_fuzzing import snapshot

Hostile = Callable[[dict], bytes]
_GOOD: dict[str, dict] = {}  # one good team export, made once: every case starts from it


@pytest.fixture
def good(app: Flask, client: FlaskClient, questionnaire) -> dict:
    """A good team export. The site it came from is emptied again, so that a refused import
    can be seen to store nothing at all."""
    if "team" not in _GOOD:
        with app.app_context():
            team_id = build_team(questionnaire)
        _GOOD["team"] = get_json(client, f"/teams/{team_id}/export.json")
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "user_account":
                    db.session.execute(table.delete())
            db.session.commit()
    return copy.deepcopy(_GOOD["team"])


def replacing(pattern: str, new: str) -> Hostile:
    """The good file's JSON text with the first match of pattern replaced."""
    def change(data: dict) -> bytes:
        text, count = re.subn(pattern, new, json.dumps(data), count=1)
        assert count == 1, pattern
        return text.encode()
    return change


def setting(path: tuple, value: str) -> Hostile:
    def change(data: dict) -> bytes:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(data).encode()
    return change


DIGITS = "9" * 5000
TOO_MANY_DIGITS = "The file has a number with more than 100 digits"
OUT_OF_RANGE = "is outside the range of dates and times we can store"
NOT_UNICODE = "The file has text that is not valid Unicode"

DATA_CASES = [
    ("a number of 5,000 digits as the schema version",
     replacing(r'"schema_version": 1', f'"schema_version": {DIGITS}'), TOO_MANY_DIGITS),
    ("a number of 5,000 digits as a level", replacing(r'"level": \d', f'"level": {DIGITS}'),
     TOO_MANY_DIGITS),
    ("a negative number of 5,000 digits in the scores an import ignores",
     replacing(r'"pillars_covered": \d+', f'"pillars_covered": -{DIGITS}'), TOO_MANY_DIGITS),
    ("the last moment of year 9999 with a negative offset",
     setting(("assessments", 0, "started_at"), "9999-12-31T23:59:59-05:00"),
     f"assessments[0].started_at: “9999-12-31T23:59:59-05:00” {OUT_OF_RANGE}"),
    ("the first moment of year 1 with a positive offset",
     setting(("exported_at",), "0001-01-01T00:00:00+05:00"),
     f"exported_at: “0001-01-01T00:00:00+05:00” {OUT_OF_RANGE}"),
    ("a member who joined before year 1",
     setting(("team", "members", 0, "joined_at"), "0001-01-01T04:59:59.999999+05:00"),
     f"team.members[0].joined_at: “0001-01-01T04:59:59.999999+05:00” {OUT_OF_RANGE}"),
    ("a script as an evidence link",
     setting(("assessments", 0, "responses", 0, "answers", 0, "evidence_link"),
             "javascript:alert(1)"),
     "assessments[0].responses[0].answers[0].evidence_link: Enter a web address that starts "
     "with https://"),
    # JSON may escape half of a surrogate pair; such text can be neither stored nor shown.
    ("half a surrogate pair as the whole file", lambda data: b'"\\ud800"', NOT_UNICODE),
    ("half a surrogate pair in the file's kind", setting(("kind",), "\ud800"), NOT_UNICODE),
    ("half a surrogate pair in a field name",
     lambda data: json.dumps(data).replace('"schema_version"', '"\\udc00x": 1, "schema_version"',
                                           1).encode(), NOT_UNICODE),
]


def with_questionnaire(text: str, version: str = "2025.1") -> Hostile:
    """The good file, answered on a questionnaire version this site does not have, whose text
    is the hostile one: only the command line loads such a version."""
    source = text.replace('version: "2027.1"', f'version: "{version}"', 1)

    def change(data: dict) -> bytes:
        data["questionnaires"][0].update(version=version, source=source,
                                         content_hash=content_hash(source))
        for assessment in data["assessments"]:
            assessment["questionnaire_version"] = version
        return json.dumps(data).encode()
    return change


# The broken questionnaires, carried in the file. The NUL byte and the changed version line
# are refused before the questionnaire is read, so they are left out here.
SOURCE_CASES = [
    (f"questionnaire: {name}", with_questionnaire(text), problem)
    for name, text, _, problem in hostile_questionnaires.CASES
    if '"2027.1"' in text and "\x00" not in text
]
assert len(SOURCE_CASES) == len(hostile_questionnaires.CASES) - 2


def cases(items: list) -> list:
    return [pytest.param(change, message, id=name) for name, change, message in items]


@pytest.mark.parametrize(("change", "message"), cases(DATA_CASES))
def test_the_import_page_refuses_a_hostile_file_and_stores_nothing(
        app: Flask, client: FlaskClient, good: dict, change: Hostile, message: str) -> None:
    assert_refused(app, client, change(good), message)


def refused_by_import_json(app: Flask, path: Path, data: bytes, message: str) -> list[str]:
    """What is wrong with how import-json refused the file: nothing when it said the message
    in one line and stored nothing."""
    path.write_bytes(data)
    with app.app_context():
        before = snapshot()
    result = app.test_cli_runner().invoke(args=["import-json", str(path), "--owner",
                                                OWNER_EMAIL])
    output = result.output
    problems = [problem for problem, wrong in (
        ("did not exit with 1", (result.exit_code, type(result.exception)) != (1, SystemExit)),
        (f"did not say {message!r}", message not in output),
        ("did not say it in one short line", not output.startswith("Error: ")
         or output.count("\n") != 1 or len(output) > 400),
        ("did not say nothing was imported", not output.rstrip().endswith("Nothing was imported.")),
    ) if wrong]
    with app.app_context():
        db.session.remove()
        if snapshot() != before:
            problems.append("stored something")
    return problems + ([output[:300]] if problems else [])


@pytest.mark.parametrize(("change", "message"), cases(DATA_CASES))
def test_import_json_refuses_a_hostile_file_in_one_line_and_stores_nothing(
        app: Flask, good: dict, tmp_path: Path, change: Hostile, message: str) -> None:
    assert refused_by_import_json(app, tmp_path / "hostile.json", change(good), message) == []


def test_import_json_refuses_each_broken_questionnaire_a_file_carries(
        app: Flask, good: dict, tmp_path: Path) -> None:
    """One test for the whole corpus, so that it needs one database, not one per case."""
    wrong = {name: problems for name, change, message in SOURCE_CASES
             if (problems := refused_by_import_json(app, tmp_path / "hostile.json",
                                                    change(copy.deepcopy(good)), message))}
    assert wrong == {}


def test_the_good_file_the_cases_start_from_imports(app: Flask, good: dict,
                                                    tmp_path: Path) -> None:
    """So each refusal above is the hostile change's doing, not a problem of the file."""
    for number, change in enumerate((lambda data: json.dumps(data).encode(),
                                     with_questionnaire(hostile_questionnaires.REAL))):
        data = copy.deepcopy(good)
        data["team"]["service"] += f" {number}"  # one owner never gets two teams of one name
        path = tmp_path / "good.json"
        path.write_bytes(change(data))
        result = app.test_cli_runner().invoke(args=["import-json", str(path), "--owner",
                                                    OWNER_EMAIL])
        assert result.exit_code == 0, result.output
