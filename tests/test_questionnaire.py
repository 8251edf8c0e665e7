"""questions.yaml: the real file loads; a broken one is reported by file, place and problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from assessment import create_app
from assessment.rules import questionnaire_schema as schema
from assessment.rules.questionnaire import (
    RESOURCE_FORMATS,
    Questionnaire,
    QuestionnaireError,
)
from assessment.rules.questionnaire_file import load_questionnaire
from tests.conftest import QUESTIONS, QUESTIONS_2026

Mutation = Callable[[Any], None]
JOURNEY = ("pillars", 3, "practices", 2)  # customer-understanding.journey: 2 questions
Q0 = (*JOURNEY, "questions", 0)
LEVELS = (*Q0, "levels")
RESOURCE = (*JOURNEY, "resources", 0)  # historical (2015)
CURRENT = (*JOURNEY, "resources", 1)  # current
AT = "pillars[3].practices[2]"  # the place of JOURNEY in error messages


# --------------------------------------------------------------------------- the real file

def test_the_real_file_has_the_eight_pillars_in_toolkit_order(questionnaire: Questionnaire) -> None:
    assert [p.id for p in questionnaire.pillars] == [
        "strategy", "governance", "culture", "customer-understanding", "design", "measurement",
        "digital-services", "collaboration"]


def test_the_real_file_has_five_levels_and_level_3_is_strategic(
        questionnaire: Questionnaire) -> None:
    assert [level.number for level in questionnaire.levels] == [1, 2, 3, 4, 5]
    assert questionnaire.level(3).name == "Strategic"


def test_the_real_file_has_35_practices_including_reward_success(
        questionnaire: Questionnaire) -> None:
    practices = [pr for p in questionnaire.pillars for pr in p.practices]
    assert len(practices) == 35
    assert "Reward success" in [pr.name for pr in practices]


def test_every_practice_has_questions_with_5_levels_and_5_next_steps(
        questionnaire: Questionnaire) -> None:
    practices = [pr for p in questionnaire.pillars for pr in p.practices]
    assert [pr.id for pr in practices if not pr.questions] == []
    assert [q.id for pr in practices for q in pr.questions if len(q.levels) != 5] == []
    assert [pr.id for pr in practices if len(pr.next_steps) != 5] == []


def test_question_ids_are_unique(questionnaire: Questionnaire) -> None:
    ids = [q.id for *_, q in questionnaire.questions()]
    assert len(ids) == len(set(ids))


def test_the_real_file_has_at_least_100_well_formed_resources(
        questionnaire: Questionnaire) -> None:
    resources = [r for p in questionnaire.pillars for pr in p.practices for r in pr.resources]
    assert len(resources) >= 100
    assert [r.url for r in resources
            if not (r.url or "https://").startswith(("https://", "http://"))] == []
    assert [r.title for r in resources if r.url is None and not r.note] == []
    assert [r.format for r in resources if r.format not in RESOURCE_FORMATS] == []


def test_every_pillar_but_collaboration_maps_to_a_known_a11_function(
        questionnaire: Questionnaire) -> None:
    known = {f.id for f in questionnaire.a11_functions}
    crosswalk = {p.id: p.a11_function for p in questionnaire.pillars}
    assert crosswalk.pop("collaboration") is None
    assert [(pillar, f) for pillar, f in crosswalk.items() if f not in known] == []


# --------------------------------------------------------------------------- broken files

@pytest.fixture(scope="module")
def real_document() -> Any:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def setting(path: tuple[Any, ...], value: Any) -> Mutation:
    return lambda document: at(document, path[:-1]).__setitem__(path[-1], value)


def deleting(path: tuple[Any, ...]) -> Mutation:
    return lambda document: at(document, path[:-1]).__delitem__(path[-1])


def copying(source: tuple[Any, ...], target: tuple[Any, ...]) -> Mutation:
    return lambda document: setting(target, copy.deepcopy(at(document, source)))(document)


def swapping_levels_2_and_3(document: Any) -> None:
    levels = document["levels"]
    levels[1], levels[2] = levels[2], levels[1]


def test_the_real_file_written_back_by_the_test_helper_still_loads(
        tmp_path: Path, real_document: Any) -> None:
    """The broken-file cases below start from this, so each problem is the one they add."""
    assert load_questionnaire(write(tmp_path, real_document)).question_count == 46


def lines_of(node: Any) -> Any:
    """The parsed document with the line of each mapping and of each of its keys, as data."""
    if isinstance(node, dict):
        return (node.line, node.key_lines, {k: lines_of(v) for k, v in node.items()})
    if isinstance(node, list):
        return [lines_of(item) for item in node]
    return node


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_libyaml_reads_the_real_file_as_the_python_parser_does_lines_included() -> None:
    """The quick parser (libyaml) gives the same document and the same lines for errors."""
    text = QUESTIONS.read_text(encoding="utf-8")
    assert schema._FAST_LOADER is not None
    fast = yaml.load(text, Loader=schema._FAST_LOADER)  # noqa: S506 - a SafeLoader
    assert lines_of(fast) == lines_of(yaml.load(text, Loader=schema._Loader))  # noqa: S506
    assert lines_of(schema.parse_yaml(QUESTIONS, text)) == lines_of(fast)


URL_PROBLEM = "is not a full http(s) or mailto address"
NEEDS_PREFIX = "must be 'customer-understanding.{}' followed by lowercase words joined by hyphens"


@pytest.mark.parametrize(("mutation", "place", "problem"), [
    pytest.param(deleting((*Q0, "text")), f"{AT}.questions[0]",
                 "missing field 'text'", id="missing field"),
    pytest.param(setting((*Q0, "text"), " "), f"{AT}.questions[0].text",
                 "expected text, found empty text", id="blank text"),
    pytest.param(deleting(("title",)), "document", "missing field 'title'", id="missing title"),
    pytest.param(setting((*Q0, "colour"), "red"), f"{AT}.questions[0]",
                 "unknown field 'colour'", id="unknown field"),
    pytest.param(copying((*Q0, "id"), (*JOURNEY, "questions", 1, "id")),
                 f"{AT}.questions[1].id",
                 "duplicate id 'customer-understanding.journey.q1' "
                 f"(first used at {AT}.questions[0])", id="duplicate question id"),
    pytest.param(copying((*JOURNEY, "id"), ("pillars", 3, "practices", 3, "id")),
                 "pillars[3].practices[3].id",
                 f"duplicate id 'customer-understanding.journey' (first used at {AT})",
                 id="duplicate practice id"),
    pytest.param(setting(("pillars", 7, "id"), "strategy"), "pillars[7].id",
                 "duplicate id 'strategy' (first used at pillars[0])", id="duplicate pillar id"),
    pytest.param(deleting((*LEVELS, 4)), f"{AT}.questions[0].levels",
                 "expected 5 level statements, found 4", id="4 level statements"),
    pytest.param(setting((*LEVELS, 2), ""), f"{AT}.questions[0].levels[2]",
                 "expected text, found empty text", id="empty level statement"),
    pytest.param(deleting((*JOURNEY, "next_steps", 5)), f"{AT}.next_steps",
                 "expected next steps for each level 1 to 5, found keys 1, 2, 3, 4",
                 id="next steps missing level 5"),
    pytest.param(setting((*JOURNEY, "next_steps", 3), None),
                 f"{AT}.next_steps.3", "expected a list of 2 to 3 steps out of level 3, found "
                 "nothing", id="next steps for level 3 empty"),
    pytest.param(deleting((*JOURNEY, "next_steps", 2, 1)), f"{AT}.next_steps.2",
                 "expected a list of 2 to 3 steps out of level 2, found 1 steps",
                 id="one step out of level 2"),
    pytest.param(setting((*JOURNEY, "next_steps", 1, 0, "effort"), "soon"),
                 f"{AT}.next_steps.1[0].effort",
                 "unknown effort 'soon' (use one of: quick-win, longer)", id="unknown effort"),
    pytest.param(deleting((*JOURNEY, "next_steps", 4, 0, "owner")), f"{AT}.next_steps.4[0]",
                 "missing field 'owner'", id="step without an owner"),
    pytest.param(setting((*LEVELS, 3), "We have not mapped our customers' journey."),
                 f"{AT}.questions[0].levels[3]",
                 "each level needs its own statement; this one repeats an earlier level",
                 id="a level statement repeated"),
    pytest.param(deleting((*RESOURCE, "status")), f"{AT}.resources[0].status",
                 "expected a status, one of: current, renamed, archived, historical; found "
                 "nothing", id="resource without a status"),
    pytest.param(setting((*RESOURCE, "status"), "renamed"), f"{AT}.resources[0].new_name",
                 "expected text, found nothing", id="renamed without its new name"),
    pytest.param(setting((*CURRENT, "status"), "historical"), f"{AT}.resources[1].year",
                 "a historical resource needs its year, such as 2005; found nothing",
                 id="historical without its year"),
    pytest.param(setting((*CURRENT, "year"), 2015), f"{AT}.resources[1].year",
                 "year belongs only with status historical", id="a year on a current resource"),
    pytest.param(setting((*RESOURCE, "url"), "mailto:someone@gsa.gov"),
                 f"{AT}.resources[0].url", "a personal email address is not a resource",
                 id="an email address as a resource"),
    pytest.param(deleting((*RESOURCE, "url")), f"{AT}.resources[0].url",
                 "expected text, found nothing", id="a toolkit resource without its url"),
    pytest.param(setting((*Q0, "replaces"), "Journey Q1"), f"{AT}.questions[0].replaces",
                 "expected the id of an older question, found 'Journey Q1'",
                 id="replaces not an id"),
    pytest.param(setting(("format",), 3), "format", "expected format 1 or 2, found 3",
                 id="unknown format"),
    pytest.param(setting((*JOURNEY, "examples"), ["A service.", 7]), f"{AT}.examples[1]",
                 "expected text, found a number", id="an example that is not text"),
    pytest.param(setting((*RESOURCE, "url"), "not-a-url"), f"{AT}.resources[0].url",
                 f"'not-a-url' {URL_PROBLEM}", id="url without scheme"),
    pytest.param(setting((*RESOURCE, "url"), "ftp://x.org/a"),
                 f"{AT}.resources[0].url", f"'ftp://x.org/a' {URL_PROBLEM}",
                 id="ftp url"),
    pytest.param(setting((*RESOURCE, "url"), "https://"), f"{AT}.resources[0].url",
                 f"'https://' {URL_PROBLEM}", id="url without host"),
    pytest.param(setting((*RESOURCE, "url"), "mailto:nobody"),
                 f"{AT}.resources[0].url", f"'mailto:nobody' {URL_PROBLEM}",
                 id="mailto without address"),
    pytest.param(setting((*RESOURCE, "format"), "Pdf"), f"{AT}.resources[0].format",
                 "unknown format 'Pdf' (use one of: PDF, Word, Excel, PowerPoint, Video, Web page, "
                 "Email)", id="unknown resource format"),
    pytest.param(setting(("pillars", 3, "a11_function"), "marketing"), "pillars[3].a11_function",
                 "unknown A-11 function 'marketing' (use one of: culture-organization, "
                 "customer-understanding, governance-strategy, measurement, service-design, or "
                 "null)", id="unknown crosswalk function"),
    pytest.param(deleting(("levels", 4)), "levels", "expected 5 levels, found 4",
                 id="4 levels at the top"),
    pytest.param(swapping_levels_2_and_3, "levels[1].level", "expected level 2 here, found 3",
                 id="levels out of order"),
    pytest.param(setting(("pillars", 3, "practices"), []), "pillars[3].practices",
                 "the list is empty", id="empty practices list"),
    pytest.param(setting(("pillars", 3, "practices"), "none"), "pillars[3].practices",
                 "expected a list, found text 'none'", id="practices not a list"),
    pytest.param(setting((*JOURNEY, "weight"), -1), f"{AT}.weight",
                 "expected a positive number, found -1", id="negative weight"),
    pytest.param(setting((*JOURNEY, "weight"), 0), f"{AT}.weight",
                 "expected a positive number, found 0", id="zero weight"),
    pytest.param(setting((*JOURNEY, "id"), "journey"), f"{AT}.id",
                 f"id 'journey' {NEEDS_PREFIX.format('')}", id="practice id without pillar id"),
    pytest.param(setting((*Q0, "id"), "customer-understanding.personas.q9"),
                 f"{AT}.questions[0].id",
                 f"id 'customer-understanding.personas.q9' {NEEDS_PREFIX.format('journey.')}",
                 id="question id under another practice"),
    pytest.param(setting(("pillars", 3, "id"), "Customer Understanding"), "pillars[3].id",
                 "id 'Customer Understanding' must be lowercase words joined by hyphens",
                 id="pillar id not a slug"),
    pytest.param(setting(("date",), "someday"), "date",
                 "expected a real date like 2026-11-22, found 'someday'", id="not a date"),
    # These three once crashed the validator with a Python error.
    pytest.param(setting(("pillars", 3, "a11_function"), ["customer-understanding"]),
                 "pillars[3].a11_function", "unknown A-11 function", id="crosswalk as a list"),
    pytest.param(setting((*JOURNEY, "next_steps", "6"), "Keep going."),
                 f"{AT}.next_steps", "expected next steps for each level",
                 id="next steps with a quoted key"),
    pytest.param(setting((*JOURNEY, "weight"), float("inf")), f"{AT}.weight",
                 "expected a positive number", id="infinite weight"),
    pytest.param(setting(("levels", 0, "level"), True), "levels[0].level",
                 "expected level 1 here, found True", id="level given as true"),
    pytest.param(setting((*JOURNEY, "resources", 0, "url"), "http://."),
                 f"{AT}.resources[0].url", "is not a full http(s) or mailto address",
                 id="url with an empty host"),
    pytest.param(setting(("version",), "   "), "version", "expected a version",
                 id="blank version"),
    pytest.param(setting(("date",), "2026-11-22 10:00:00"), "date", "expected a real date",
                 id="date with a time"),
])
def test_a_broken_file_names_the_file_the_place_and_the_problem(
        tmp_path: Path, real_document: Any, mutation: Mutation, place: str, problem: str) -> None:
    document = copy.deepcopy(real_document)
    mutation(document)
    path = write(tmp_path, document)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert (caught.value.place, problem in caught.value.problem) == (place, True), caught.value
    assert str(caught.value).startswith(str(path))
    assert f": {place}: " in str(caught.value)


def edited(old: str, new: str) -> str:
    text = QUESTIONS.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


REWARD = "        name: Reward success\n"
REWARD_LINE = QUESTIONS.read_text(encoding="utf-8").splitlines().index(REWARD.rstrip("\n")) + 1


@pytest.mark.parametrize(("text", "line", "place", "problem"), [
    pytest.param(edited(REWARD, " " + REWARD), REWARD_LINE, "column 14",
                 "mapping values are not allowed here", id="bad indent"),
    pytest.param(edited(REWARD, "\tname: Reward success\n"), REWARD_LINE, "column 1",
                 "found character '\\t' that cannot start any token", id="tab indent"),
    pytest.param(edited(REWARD, '        name: "Reward success\n'), REWARD_LINE + 1, "column 19",
                 "expected <block end>", id="unclosed quote"),
    pytest.param(edited(REWARD, REWARD + "        name: Reward\n"), REWARD_LINE + 1, "column 9",
                 "duplicate key 'name'", id="duplicate key"),
    pytest.param("- strategy\n- culture\n", None, "document",
                 "expected a mapping of fields, found a list", id="a list not a mapping"),
    pytest.param("", None, "document", "expected a mapping of fields, found nothing",
                 id="empty file"),
])
def test_a_file_that_is_not_a_questionnaire_names_the_line(
        tmp_path: Path, text: str, line: int | None, place: str, problem: str) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    error = caught.value
    assert (error.line, error.place, problem in error.problem) == (line, place, True), error
    where = f"{path}, line {line}" if line else str(path)
    assert str(error).startswith(f"{where}: {place}: ")


def test_an_impossible_date_is_reported_on_its_line_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(edited("date: 2026-12-01\n", "date: 2026-13-22\n"), encoding="utf-8")
    line = QUESTIONS.read_text(encoding="utf-8").splitlines().index("date: 2026-12-01") + 1
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert (caught.value.line, str(caught.value).startswith(f"{path}, line {line}: ")) == (
        line, True)


def test_an_error_names_the_line_of_the_bad_field_not_its_block(tmp_path: Path) -> None:
    text = QUESTIONS.read_text(encoding="utf-8")
    lines = text.splitlines()
    levels_line = lines.index("levels:") + 1
    path = tmp_path / "questions.yaml"
    path.write_text(edited("  - level: 5\n", "  - level: 6\n"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    level_5_line = lines.index("  - level: 5") + 1
    assert (caught.value.place, caught.value.line) == ("levels[4].level", level_5_line)
    assert level_5_line > levels_line


def test_an_upper_case_email_address_is_a_good_resource_url_in_a_format_1_file(
        tmp_path: Path) -> None:
    document = yaml.safe_load(QUESTIONS_2026.read_text(encoding="utf-8"))
    setting((*JOURNEY, "resources", 0, "url"), "mailto:CX@GSA.GOV")(document)
    loaded = load_questionnaire(write(tmp_path, document))
    assert loaded.pillars[3].practices[2].resources[0].url == "mailto:CX@GSA.GOV"


def test_a_missing_file_says_it_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert str(caught.value) == f"{path}: cannot read the file (No such file or directory)"


# --------------------------------------------------------------------------- command and start-up

def broken(tmp_path: Path, real_document: Any) -> Path:
    document = copy.deepcopy(real_document)
    del document["pillars"][3]["practices"][2]["questions"][0]["levels"][4]
    return write(tmp_path, document)


def test_validate_questions_passes_a_good_file(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["validate-questions", str(QUESTIONS)])
    assert (result.exit_code, f"{QUESTIONS} is valid" in result.output) == (0, True), result.output
    assert "8 pillars, 35 practices, 46 questions" in result.output


def test_validate_questions_fails_a_broken_file_and_names_the_place(
        app: Flask, tmp_path: Path, real_document: Any) -> None:
    path = broken(tmp_path, real_document)
    result = app.test_cli_runner().invoke(args=["validate-questions", str(path)])
    assert result.exit_code != 0
    assert f"{AT}.questions[0].levels: expected 5 level statements, found 4" in (
        result.output)
    assert "is valid" not in result.output


def test_the_app_does_not_start_with_a_broken_file(tmp_path: Path, real_document: Any) -> None:
    path = broken(tmp_path, real_document)
    with pytest.raises(QuestionnaireError) as caught:
        create_app({"QUESTIONS_PATH": str(path), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "SECRET_KEY": "x", "TESTING": True})
    assert caught.value.place == f"{AT}.questions[0].levels"
