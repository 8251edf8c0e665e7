"""Read an export file: bytes from outside → a checked Document, or a TransferError that names
the place in the file and what is wrong, in plain words.

Pure: no Flask, no database. Checks here need only the file; checking.py checks it against the
questionnaire versions it was answered on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from assessment.rules.evidence import LINK_MAX_LENGTH, link_problem
from assessment.store.models import ACTION_STATUSES, CHOICE_LEVEL, CHOICE_NA, CHOICE_UNKNOWN, ROLES
from assessment.transfer.document import (
    ASSESSMENT,
    FORMAT,
    SCHEMA_VERSION,
    TEAM,
    ActionData,
    ActionStatusData,
    AgreedData,
    AnswerData,
    AssessmentData,
    Document,
    Member,
    QuestionnaireText,
    ResponseData,
    Target,
    TeamData,
)

T = TypeVar("T")
NAME_MAX, EMAIL_MAX, ID_MAX, VERSION_MAX, NOTE_MAX = 200, 254, 160, 40, 10_000
SOURCE_MAX = 2_000_000
INT_DIGITS_MAX = 100
STATUSES = ("draft", "finished")
CHOICES = (CHOICE_LEVEL, CHOICE_NA, CHOICE_UNKNOWN)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TARGET = re.compile(r"[1-5]\.\d")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_HASH = re.compile(r"[0-9a-f]{64}")


class TransferError(ValueError):
    """An export file we cannot import: where in the file, and what is wrong."""

    def __init__(self, place: str, problem: str):
        self.place, self.problem = place, problem
        super().__init__(f"{place}: {problem}" if place else problem)

    def explain(self) -> str:
        """The problem for people: where it is in the file, what is wrong, and that nothing
        was imported."""
        if not self.place:
            return f"{self.problem} Nothing was imported."
        return f"The file has a problem at {self.place}: {self.problem}. Nothing was imported."


def read_json(raw: bytes, max_bytes: int) -> Any:
    """The JSON data in the file's bytes: UTF-8 text (a byte order mark is fine), at most
    max_bytes long, with no key twice in one object."""
    if len(raw) > max_bytes:
        raise TransferError("", f"The file is larger than {max_bytes // (1024 * 1024)} MB, "
                                "the most we import at once.")
    if not raw.strip():
        raise TransferError("", "The file is empty.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TransferError("", f"The file is not UTF-8 text (byte {error.start + 1} is not "
                                "valid). Choose a JSON file this site exported.") from None
    try:
        data = json.loads(text, object_pairs_hook=_object_without_repeats,
                          parse_constant=_refuse_constant, parse_int=_short_int)
        # JSON may escape half of a surrogate pair ("\\ud800"): text that can be neither
        # stored nor shown in a page or message. Encoding the whole document finds any.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
    except UnicodeEncodeError:
        raise TransferError("", "The file has text that is not valid Unicode (half of a "
                                "surrogate pair). Choose a JSON file this site exported.") from None
    except json.JSONDecodeError as error:
        raise TransferError("", f"The file is not valid JSON: {error.msg.lower()} at line "
                                f"{error.lineno}, column {error.colno}.") from None
    except RecursionError:
        raise TransferError("", "The file is not an export from this site: "
                                "its data is nested too deeply.") from None


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise TransferError("", f"The file has the field “{key[:40]}” twice in one place.")
        data[key] = value
    return data


def _short_int(digits: str) -> int:
    """A whole number; Python refuses to read one of over 4,300 digits, and no field of an
    export needs more than a few."""
    if len(digits.lstrip("-")) > INT_DIGITS_MAX:
        raise TransferError("", f"The file has a number with more than {INT_DIGITS_MAX} digits, "
                                "which no field of an export holds.")
    return int(digits)


def _refuse_constant(name: str) -> Any:
    raise TransferError("", f"The file has {name}, which is not a number we accept.")


def parse_document(data: Any) -> Document:
    """Check every field of the file's data and build the Document."""
    top = _object(data, "", ("format", "schema_version", "exported_at", "kind", "team",
                              "questionnaires", "assessments"))
    if top["format"] != FORMAT:
        raise TransferError("format", f"expected “{FORMAT}”, found {describe(top['format'])}. "
                                      "This is not an export file from this site")
    if type(top["schema_version"]) is not int or top["schema_version"] != SCHEMA_VERSION:
        raise TransferError("schema_version", f"this site reads version {SCHEMA_VERSION}, "
                                              f"found {describe(top['schema_version'])}")
    kind = _one_of(top["kind"], "kind", (TEAM, ASSESSMENT))
    assessments = _list(top["assessments"], "assessments", _assessment)
    if kind == ASSESSMENT and len(assessments) != 1:
        raise TransferError("assessments", f"a file of kind “{ASSESSMENT}” holds exactly one "
                                           f"assessment, found {len(assessments)}")
    _last_assessments_in_file(assessments)
    questionnaires = _list(top["questionnaires"], "questionnaires", _questionnaire)
    _no_repeats([q.version for q in questionnaires], "questionnaires", "version",
                "the version")
    return Document(kind, _time(top["exported_at"], "exported_at"), _team(top["team"], kind),
                    questionnaires, assessments)


def _last_assessments_in_file(assessments: tuple[AssessmentData, ...]) -> None:
    """An action ends on an assessment of the file, never on one started before its own."""
    for a, assessment in enumerate(assessments):
        for i, action in enumerate(assessment.actions):
            last = action.last_assessment
            if last is not None and (last >= len(assessments)
                                     or assessments[last].started_at < assessment.started_at):
                raise TransferError(f"assessments[{a}].actions[{i}].last_assessment",
                                    f"expected the index of an assessment in the file started "
                                    f"no earlier than this one, found {last}")


def _team(value: Any, kind: str) -> TeamData:
    keys = ("agency", "office", "service") + (("created_at", "members") if kind == TEAM else ())
    data = _object(value, "team", keys, ("hisp_service",) if kind == TEAM else ())
    agency, office, service = (_text(data[k], f"team.{k}", NAME_MAX)
                               for k in ("agency", "office", "service"))
    if kind != TEAM:
        return TeamData(agency, office, service)
    members = _list(data["members"], "team.members", _member)
    _no_repeats([m.email for m in members], "team.members", "email", "the member")
    hisp_service = None if data.get("hisp_service") is None else \
        _text(data["hisp_service"], "team.hisp_service", NAME_MAX)
    return TeamData(agency, office, service, _time(data["created_at"], "team.created_at"),
                    members, hisp_service or None)


def _member(value: Any, place: str) -> Member:
    data = _object(value, place, ("email", "role", "joined_at"))
    return Member(_email(data["email"], f"{place}.email"),
                  _one_of(data["role"], f"{place}.role", tuple(ROLES)),
                  _time(data["joined_at"], f"{place}.joined_at"))


def _questionnaire(value: Any, place: str) -> QuestionnaireText:
    data = _object(value, place, ("version", "content_hash", "source"))
    content_hash = _text(data["content_hash"], f"{place}.content_hash", 64)
    if not _HASH.fullmatch(content_hash):
        raise TransferError(f"{place}.content_hash", "expected 64 hexadecimal characters "
                            f"(a SHA-256 hash), found {describe(content_hash)}")
    return QuestionnaireText(_text(data["version"], f"{place}.version", VERSION_MAX, empty=False),
                             content_hash, _text(data["source"], f"{place}.source", SOURCE_MAX))


def _assessment(value: Any, place: str) -> AssessmentData:
    data = _object(value, place, (
        "questionnaire_version", "status", "open_to_team", "started_at", "finished_at",
        "updated_at", "targets", "responses", "agreed_answers", "actions"), optional=("scores",))
    if type(data["open_to_team"]) is not bool:
        raise TransferError(f"{place}.open_to_team",
                            f"expected true or false, found {describe(data['open_to_team'])}")
    targets = _list(data["targets"], f"{place}.targets", _target)
    _no_repeats([t.pillar_id for t in targets], f"{place}.targets", "pillar_id",
                "a target for the pillar")
    responses = _list(data["responses"], f"{place}.responses", _response)
    _no_repeats([r.respondent for r in responses], f"{place}.responses", "respondent",
                "answers from", skip_none=True)
    agreed = _list(data["agreed_answers"], f"{place}.agreed_answers", _agreed)
    _no_repeats([a.question_id for a in agreed], f"{place}.agreed_answers", "question_id",
                "an agreed answer to")
    return AssessmentData(
        _text(data["questionnaire_version"], f"{place}.questionnaire_version", VERSION_MAX,
              empty=False),
        _one_of(data["status"], f"{place}.status", STATUSES), data["open_to_team"],
        _time(data["started_at"], f"{place}.started_at"),
        _optional(data["finished_at"], f"{place}.finished_at", _time),
        _time(data["updated_at"], f"{place}.updated_at"),
        targets, responses, agreed, _list(data["actions"], f"{place}.actions", _action))


def _target(value: Any, place: str) -> Target:
    data = _object(value, place, ("pillar_id", "target", "target_date"))
    target = data["target"]
    if not isinstance(target, str) or not _TARGET.fullmatch(target) or \
            not Decimal("1.0") <= Decimal(target) <= Decimal("5.0"):
        raise TransferError(f"{place}.target", "expected a level from “1.0” to “5.0” with one "
                                               f"decimal, as text, found {describe(target)}")
    return Target(_text(data["pillar_id"], f"{place}.pillar_id", ID_MAX, empty=False),
                  Decimal(target), _optional(data["target_date"], f"{place}.target_date", _date))


def _response(value: Any, place: str) -> ResponseData:
    data = _object(value, place, ("respondent", "created_at", "updated_at", "answers"))
    answers = _list(data["answers"], f"{place}.answers", _answer)
    _no_repeats([a.question_id for a in answers], f"{place}.answers", "question_id",
                "an answer to")
    return ResponseData(_optional(data["respondent"], f"{place}.respondent", _email),
                        _time(data["created_at"], f"{place}.created_at"),
                        _time(data["updated_at"], f"{place}.updated_at"), answers)


def _answer(value: Any, place: str) -> AnswerData:
    data = _object(value, place, ("question_id", "choice", "level", "note"),
                   optional=("evidence_link",))
    choice = _optional(data["choice"], f"{place}.choice",
                       lambda v, p: _one_of(v, p, CHOICES))
    return AnswerData(_text(data["question_id"], f"{place}.question_id", ID_MAX, empty=False),
                      choice, _level(choice, data["level"], f"{place}.level"),
                      _text(data["note"], f"{place}.note", NOTE_MAX),
                      _evidence_link(data.get("evidence_link", ""), f"{place}.evidence_link"))


def _evidence_link(value: Any, place: str) -> str:
    """A web address, as the pillar form takes it (rules/evidence.py)."""
    link = _text(value, place, LINK_MAX_LENGTH)
    if (problem := link_problem(link)) is not None:
        raise TransferError(place, problem)
    return link.strip()


def _agreed(value: Any, place: str) -> AgreedData:
    data = _object(value, place, ("question_id", "choice", "level", "note", "decided_by",
                                  "updated_at"))
    choice = _one_of(data["choice"], f"{place}.choice", CHOICES)
    return AgreedData(_text(data["question_id"], f"{place}.question_id", ID_MAX, empty=False),
                      choice, _level(choice, data["level"], f"{place}.level"),
                      _text(data["note"], f"{place}.note", NOTE_MAX),
                      _optional(data["decided_by"], f"{place}.decided_by", _email),
                      _time(data["updated_at"], f"{place}.updated_at"))


def _action(value: Any, place: str) -> ActionData:
    """An action; files from before actions carried forward have no last_assessment and no
    history (both or neither)."""
    data = _object(value, place, ("practice_id", "title", "owner", "due_date", "status",
                                  "created_at", "updated_at"),
                   optional=("last_assessment", "history"))
    if ("history" in data) != ("last_assessment" in data):
        raise TransferError(place, "expected both “last_assessment” and “history”, or neither")
    last = data.get("last_assessment")
    if last is not None and (type(last) is not int or last < 0):
        raise TransferError(f"{place}.last_assessment",
                            f"expected the index of an assessment or null, found {describe(last)}")
    history = _list(data["history"], f"{place}.history", _status_change) \
        if "history" in data else None
    return ActionData(_text(data["practice_id"], f"{place}.practice_id", ID_MAX, empty=False),
                      _text(data["title"], f"{place}.title", NAME_MAX, empty=False),
                      _text(data["owner"], f"{place}.owner", NAME_MAX),
                      _optional(data["due_date"], f"{place}.due_date", _date),
                      _one_of(data["status"], f"{place}.status", tuple(ACTION_STATUSES)),
                      _time(data["created_at"], f"{place}.created_at"),
                      _time(data["updated_at"], f"{place}.updated_at"),
                      last, history)


def _status_change(value: Any, place: str) -> ActionStatusData:
    data = _object(value, place, ("status", "changed_at", "changed_by"))
    return ActionStatusData(_one_of(data["status"], f"{place}.status", tuple(ACTION_STATUSES)),
                            _time(data["changed_at"], f"{place}.changed_at"),
                            _optional(data["changed_by"], f"{place}.changed_by", _email))


def _level(choice: str | None, value: Any, place: str) -> int | None:
    """A level 1–5 with the choice "level"; null with any other choice."""
    if choice == CHOICE_LEVEL:
        if type(value) is not int or not 1 <= value <= 5:
            raise TransferError(place, f"expected a whole number from 1 to 5, found "
                                       f"{describe(value)}")
        return value
    if value is not None:
        shown = "null" if choice is None else f"“{choice}”"
        raise TransferError(place, f"expected null when the choice is {shown}, found "
                                   f"{describe(value)}")
    return None


# Field checkers: each takes the value and its place, and returns it checked or raises.

def describe(value: Any) -> str:
    """A value from the file as an error message shows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"“{value[:40]}…”" if len(value) > 40 else f"“{value}”"
    if isinstance(value, int | float):
        return str(value)[:40]
    return "a list" if isinstance(value, list) else "an object"


def _object(value: Any, place: str, keys: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    where = place or "the file"
    if not isinstance(value, dict):
        raise TransferError(place, f"expected an object, found {describe(value)}") if place \
            else TransferError("", f"The file is not an export from this site: {where} holds "
                                   f"{describe(value)}, not an object.")
    for key in value:
        if key not in keys and key not in optional:
            raise TransferError(place, f"unknown field “{key[:40]}”") if place else \
                TransferError("", f"The file has a field we do not know: “{key[:40]}”.")
    for key in keys:
        if key not in value:
            raise TransferError(place, f"missing the field “{key}”") if place else \
                TransferError("", f"The file is missing the field “{key}”.")
    return value


def _list(value: Any, place: str, item: Callable[[Any, str], T]) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise TransferError(place, f"expected a list, found {describe(value)}")
    return tuple(item(v, f"{place}[{i}]") for i, v in enumerate(value))


def _optional(value: Any, place: str, check: Callable[[Any, str], T]) -> T | None:
    return None if value is None else check(value, place)


def _text(value: Any, place: str, max_length: int, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise TransferError(place, f"expected text, found {describe(value)}")
    if not empty and not value.strip():
        raise TransferError(place, "expected text, found an empty value")
    if len(value) > max_length:
        raise TransferError(place, f"expected at most {max_length} characters, "
                                   f"found {len(value)}")
    if "\x00" in value:
        raise TransferError(place, "found a null character, which we cannot store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TransferError(place, "found a character that is not valid Unicode") from None
    return value


def _one_of(value: Any, place: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed or not isinstance(value, str):
        names = ", ".join(f"“{a}”" for a in allowed)
        raise TransferError(place, f"expected one of {names}, found {describe(value)}")
    return value


def _email(value: Any, place: str) -> str:
    email = _text(value, place, EMAIL_MAX).strip().lower()
    if not _EMAIL.fullmatch(email):
        raise TransferError(place, f"expected an email address, found {describe(value)}")
    return email


def _time(value: Any, place: str) -> dt.datetime:
    """An ISO 8601 date and time; with an offset it is turned into UTC, without one it is UTC."""
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise TransferError(place, "expected a date and time such as "
                                   f"“2026-11-22T15:04:05Z”, found {describe(value)}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise TransferError(place, f"{describe(value)} is not a real date and time") from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:  # e.g. 9999-12-31T23:59:59-05:00 is in the year 10000 in UTC
            raise TransferError(place, f"{describe(value)} is outside the range of dates and "
                                       "times we can store") from None
    return moment


def _date(value: Any, place: str) -> dt.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise TransferError(place, f"expected a date such as “2027-06-30”, found "
                                   f"{describe(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TransferError(place, f"{describe(value)} is not a real date") from None


def _no_repeats(values: list[Any], place: str, field: str, what: str,
                skip_none: bool = False) -> None:
    seen: dict[Any, int] = {}
    for index, value in enumerate(values):
        if value is None and skip_none:
            continue
        if value in seen:
            raise TransferError(f"{place}[{index}].{field}",
                                f"the file has {what} “{value}” twice (also at "
                                f"{place}[{seen[value]}])")
        seen[value] = index
