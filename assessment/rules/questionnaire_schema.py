"""Checks questions.yaml field by field and builds the frozen Questionnaire.

Every problem is reported as a QuestionnaireError naming the file, the line, the place
inside the document (e.g. ``pillars[3].practices[2].questions[0].levels``) and the problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.composer import Composer

from assessment.rules.questionnaire import (
    EFFORTS,
    FORMATS,
    LEVEL_COUNT,
    RESOURCE_FORMATS,
    RESOURCE_STATUSES,
    A11Function,
    Level,
    Pillar,
    Practice,
    Question,
    Questionnaire,
    QuestionnaireError,
    Resource,
    Step,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?", re.IGNORECASE)


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


MAX_DEPTH = 40  # the real file nests 8 deep; YAML is composed recursively
NO_ANCHORS = ("anchors (&) and aliases (*) are not allowed in a questionnaire; write each value "
              "out in full")


class _Loader(yaml.SafeLoader):
    """Safe loader that records lines, refuses duplicate keys and leaves dates as text.

    It also refuses what a questionnaire never needs and an attacker would use: anchors and
    aliases (an "alias bomb" expands to billions of items when a message prints it), keys that
    are lists or mappings, nesting deeper than MAX_DEPTH, and values Python cannot build."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(None, None, NO_ANCHORS, event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"the data is nested more than {MAX_DEPTH} levels deep",
                event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except ValueError as error:  # e.g. !!timestamp 2026-13-45
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value ({_brief(str(error))})", node.start_mark
            ) from None


# Dates stay text so that a typo such as 2026-13-22 is reported like any other bad field.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
INT_DIGITS_MAX = 100


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(str(node.value)) > INT_DIGITS_MAX:
        raise yaml.constructor.ConstructorError(
            None, None, f"the number has too many digits (more than {INT_DIGITS_MAX})",
            node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | None):
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be text or a number, found {_kind(key)}",
                key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {_shown(key)}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


if yaml.__with_libyaml__:  # PyYAML built with libyaml: its C parser, a few times quicker
    from yaml._yaml import CParser

    class _FastLoader(CParser, _Loader):
        """_Loader with libyaml reading the text into events; our composer and constructors
        still build the document from them, so every check above holds."""

        check_node = Composer.check_node  # the Python composer, which calls our compose_node
        get_node = Composer.get_node
        get_single_node = Composer.get_single_node

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            Composer.__init__(self)
            self.depth = 0

    _FAST_LOADER: type[_Loader] | None = _FastLoader
else:
    _FAST_LOADER = None


def parse_yaml(path: Path, text: str) -> Any:
    """Parse YAML text; a syntax error names the line and column."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:  # PyYAML would name a character position, not a line
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise QuestionnaireError(path, f"column {column}", "the file has a character that YAML "
                                 f"does not allow (U+{ord(bad.group()):04X})", line)
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a SafeLoader
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass  # read again below, so the message is the same with or without libyaml
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = mark.line + 1 if mark else None
        place = f"column {mark.column + 1}" if mark else "YAML"
        raise QuestionnaireError(path, place, error.problem or error.context or "invalid YAML",
                                 at) from None
    except yaml.YAMLError as error:
        raise QuestionnaireError(path, "YAML syntax", _brief(str(error))) from None
    except (ValueError, TypeError, RecursionError) as error:  # a value built after the fact
        raise QuestionnaireError(path, "YAML", f"cannot read a value ({_brief(str(error))})") \
            from None


class _Checker:
    """Walks the parsed document, keeping the file and line for error messages."""

    def __init__(self, path: Path, file_format: int = 1):
        self.path = path
        self.format = file_format
        self.seen_ids: dict[str, dict[str, str]] = {}  # namespace -> id -> first place

    def fail(self, place: str, problem: str, node: Any = None,
             key: Any = None) -> QuestionnaireError:
        """An error at a place; the line is the key's line when known, else the mapping's."""
        line = getattr(node, "line", None)
        if key is not None and isinstance(node, _Mapping):
            line = node.key_lines.get(key, line)
        return QuestionnaireError(self.path, place, problem, line)

    def mapping(self, value: Any, place: str, required: set[str],
                optional: frozenset[str] | set[str] = frozenset(), parent: Any = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(place, f"expected a mapping of fields, found {_kind(value)}", parent)
        missing = sorted(required - value.keys())
        if missing:
            raise self.fail(place, f"missing field {missing[0]!r}", value)
        unknown = sorted(value.keys() - required - optional, key=str)
        if unknown:  # named on its own line, which may be far from the mapping's first
            raise self.fail(place, f"unknown field {_shown(str(unknown[0]))}", value, unknown[0])
        return value

    def optional_text(self, parent: dict, key: Any, place: str) -> str | None:
        return None if parent.get(key) is None else self.text(parent, key, place)

    def text(self, parent: dict, key: Any, place: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(place, key), f"expected text, found {_kind(value)}", parent, key)
        return value.strip()

    def sequence(self, parent: dict, key: str, place: str, allow_empty: bool = False) -> list:
        value = parent.get(key)
        if not isinstance(value, list):
            raise self.fail(_join(place, key), f"expected a list, found {_kind(value)}",
                            parent, key)
        if not value and not allow_empty:
            raise self.fail(_join(place, key), "the list is empty", parent, key)
        return value

    def unique_id(self, parent: dict, place: str, prefix: str = "",
                  namespace: str = "content") -> str:
        value = self.text(parent, "id", place)
        local = value.removeprefix(prefix + ".") if prefix else value
        if (prefix and not value.startswith(prefix + ".")) or not SLUG.match(local):
            expected = f"'{prefix}.' followed by " if prefix else ""
            raise self.fail(f"{place}.id", f"id {_shown(value)} must be {expected}lowercase words "
                                           "joined by hyphens", parent, "id")
        seen = self.seen_ids.setdefault(namespace, {})
        if value in seen:
            raise self.fail(f"{place}.id", f"duplicate id {_shown(value)} (first used at "
                                           f"{seen[value]})", parent, "id")
        seen[value] = place
        return value


def build(path: Path, document: Any) -> Questionnaire:
    """Validate the parsed document and return the frozen Questionnaire."""
    check = _Checker(path)
    root = check.mapping(document, "document",
                         {"version", "date", "title", "levels", "a11_functions", "pillars"},
                         {"format"})
    check.format = _format(check, root)
    version = root["version"]
    if isinstance(version, bool) or not isinstance(version, str | int | float) \
            or not str(version).strip():
        raise check.fail("version", 'expected a version such as "2026.1"', root, "version")
    levels = _levels(check, root)
    functions = _a11_functions(check, root)
    function_ids = {f.id for f in functions}
    pillars = tuple(
        _pillar(check, item, f"pillars[{i}]", function_ids)
        for i, item in enumerate(check.sequence(root, "pillars", "document"))
    )
    return Questionnaire(version=str(version), date=_date(check, root),
                         title=check.text(root, "title", "document"),
                         levels=levels, a11_functions=functions, pillars=pillars,
                         format=check.format)


def _format(check: _Checker, root: dict) -> int:
    value = root.get("format", 1)
    if isinstance(value, bool) or value not in FORMATS:
        raise check.fail("format", f"expected format 1 or 2, found {_shown(value)}", root,
                         "format")
    return int(value)


def _date(check: _Checker, root: dict) -> dt.date:
    value = root["date"]
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise check.fail("date", f"expected a real date like 2026-11-22, found {_shown(value)}",
                         root, "date") from None


def _levels(check: _Checker, root: dict) -> tuple[Level, ...]:
    items = check.sequence(root, "levels", "document")
    if len(items) != LEVEL_COUNT:
        raise check.fail("levels", f"expected {LEVEL_COUNT} levels, found {len(items)}", root,
                         "levels")
    levels = []
    for i, item in enumerate(items):
        place = f"levels[{i}]"
        check.mapping(item, place, {"level", "name", "description"}, parent=root)
        if isinstance(item["level"], bool) or item["level"] != i + 1:
            raise check.fail(f"{place}.level",
                             f"expected level {i + 1} here, found {_shown(item['level'])}", item,
                             "level")
        levels.append(Level(i + 1, check.text(item, "name", place),
                            check.text(item, "description", place)))
    return tuple(levels)


def _a11_functions(check: _Checker, root: dict) -> tuple[A11Function, ...]:
    functions = []
    for i, item in enumerate(check.sequence(root, "a11_functions", "document")):
        place = f"a11_functions[{i}]"
        check.mapping(item, place, {"id", "name"}, parent=root)
        functions.append(A11Function(check.unique_id(item, place, namespace="a11"),
                                     check.text(item, "name", place)))
    return tuple(functions)


def _pillar(check: _Checker, item: Any, place: str, function_ids: set[str]) -> Pillar:
    check.mapping(item, place, {"id", "name", "purpose", "a11_function", "practices"})
    pillar_id = check.unique_id(item, place)
    function = item["a11_function"]
    if function is not None and (not isinstance(function, str) or function not in function_ids):
        known = ", ".join(sorted(function_ids))
        raise check.fail(f"{place}.a11_function",
                         f"unknown A-11 function {_shown(function)} (use one of: {known}, or null)",
                         item, "a11_function")
    practices = tuple(
        _practice(check, p, f"{place}.practices[{j}]", pillar_id)
        for j, p in enumerate(check.sequence(item, "practices", place))
    )
    return Pillar(pillar_id, check.text(item, "name", place), check.text(item, "purpose", place),
                  function, practices)


def _practice(check: _Checker, item: Any, place: str, pillar_id: str) -> Practice:
    check.mapping(item, place, {"id", "name", "summary", "questions", "next_steps", "resources"},
                  {"weight", "examples"})
    practice_id = check.unique_id(item, place, prefix=pillar_id)
    questions = tuple(
        _question(check, q, f"{place}.questions[{k}]", practice_id)
        for k, q in enumerate(check.sequence(item, "questions", place))
    )
    resources = tuple(
        _resource(check, r, f"{place}.resources[{k}]")
        for k, r in enumerate(check.sequence(item, "resources", place, allow_empty=True))
    )
    steps = _next_steps(check, item, place)
    return Practice(practice_id, check.text(item, "name", place),
                    check.text(item, "summary", place), questions,
                    tuple(" ".join(step.text for step in level) for level in steps),
                    resources, _weight(check, item, place), steps, _examples(check, item, place))


def _examples(check: _Checker, item: dict, place: str) -> tuple[str, ...]:
    """Services to learn from, each one text; none when the field is left out."""
    if "examples" not in item:
        return ()
    examples = check.sequence(item, "examples", place)
    for k, example in enumerate(examples):
        if not isinstance(example, str) or not example.strip():
            raise check.fail(f"{place}.examples[{k}]", f"expected text, found {_kind(example)}",
                             item, "examples")
    return tuple(example.strip() for example in examples)


def _weight(check: _Checker, item: dict, place: str) -> Fraction:
    weight = item.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) \
            or not math.isfinite(weight) or weight <= 0:
        raise check.fail(f"{place}.weight", f"expected a positive number, found {_shown(weight)}",
                         item, "weight")
    return Fraction(str(weight))


def _next_steps(check: _Checker, item: dict, place: str) -> tuple[tuple[Step, ...], ...]:
    steps = item["next_steps"]
    wanted = set(range(1, LEVEL_COUNT + 1))
    if not isinstance(steps, dict) or set(steps) != wanted:
        found = _brief(", ".join(sorted(map(_shown, steps)))) if isinstance(steps, dict) \
            else _kind(steps)
        raise check.fail(f"{place}.next_steps",
                         f"expected next steps for each level 1 to {LEVEL_COUNT}, "
                         f"found keys {found}", item, "next_steps")
    if check.format == 1:
        return tuple((Step(check.text(steps, n, f"{place}.next_steps")),) for n in sorted(wanted))
    return tuple(_level_steps(check, steps, n, f"{place}.next_steps") for n in sorted(wanted))


STEPS_PER_LEVEL = (2, 3)  # below the top level: two or three steps
TOP_LEVEL_STEPS = (1, 3)  # at the top level: one to three ways to keep it up


def _level_steps(check: _Checker, steps: dict, level: int, place: str) -> tuple[Step, ...]:
    items = steps[level]
    fewest, most = TOP_LEVEL_STEPS if level == LEVEL_COUNT else STEPS_PER_LEVEL
    if not isinstance(items, list) or not fewest <= len(items) <= most:
        found = f"{len(items)} steps" if isinstance(items, list) else _kind(items)
        raise check.fail(f"{place}.{level}", f"expected a list of {fewest} to {most} steps "
                                             f"out of level {level}, found {found}", steps, level)
    built = []
    for k, step in enumerate(items):
        at = f"{place}.{level}[{k}]"
        check.mapping(step, at, {"do", "effort", "owner"}, parent=steps)
        effort = step["effort"]
        if effort not in EFFORTS:
            raise check.fail(f"{at}.effort", f"unknown effort {_shown(effort)} (use one of: "
                                             f"{', '.join(EFFORTS)})", step, "effort")
        built.append(Step(check.text(step, "do", at), effort, check.text(step, "owner", at)))
    return tuple(built)


def _question(check: _Checker, item: Any, place: str, practice_id: str) -> Question:
    check.mapping(item, place, {"id", "text", "levels"}, {"help", "replaces"})
    question_id = check.unique_id(item, place, prefix=practice_id)
    levels = check.sequence(item, "levels", place)
    if len(levels) != LEVEL_COUNT:
        raise check.fail(f"{place}.levels",
                         f"expected {LEVEL_COUNT} level statements, found {len(levels)}",
                         item, "levels")
    statements = []
    for n, statement in enumerate(levels):
        if not isinstance(statement, str) or not statement.strip():
            raise check.fail(f"{place}.levels[{n}]",
                             f"expected text, found {_kind(statement)}", item, "levels")
        statements.append(statement.strip())
    if check.format >= 2:
        repeated = next((n for n in range(1, LEVEL_COUNT)
                         if statements[n].casefold() in {s.casefold() for s in statements[:n]}),
                        None)
        if repeated is not None:
            raise check.fail(f"{place}.levels[{repeated}]", "each level needs its own "
                             "statement; this one repeats an earlier level", item, "levels")
    replaces = check.optional_text(item, "replaces", place)
    if replaces is not None and (replaces == question_id or not all(
            SLUG.match(part) for part in replaces.split("."))):
        raise check.fail(f"{place}.replaces", f"expected the id of an older question, found "
                         f"{_shown(replaces)}", item, "replaces")
    return Question(question_id, check.text(item, "text", place), tuple(statements),
                    check.optional_text(item, "help", place), replaces)


RESOURCE_FIELDS = frozenset({"size", "status", "new_name", "year", "note", "origin"})
ORIGINS = ("toolkit", "beyond-toolkit")


def _resource(check: _Checker, item: Any, place: str) -> Resource:
    check.mapping(item, place, {"title", "publisher", "format"}, RESOURCE_FIELDS | {"url"})
    origin = item.get("origin", "toolkit")
    if origin not in ORIGINS:
        raise check.fail(f"{place}.origin", f"unknown origin {_shown(origin)} (use one of: "
                                            f"{', '.join(ORIGINS)})", item, "origin")
    url = _resource_url(check, item, place, origin)
    fmt = check.text(item, "format", place)
    if fmt not in RESOURCE_FORMATS:
        raise check.fail(f"{place}.format",
                         f"unknown format {_shown(fmt)} (use one of: "
                         f"{', '.join(RESOURCE_FORMATS)})", item, "format")
    status, new_name, year = _status(check, item, place)
    return Resource(check.text(item, "title", place), url,
                    check.text(item, "publisher", place), fmt,
                    check.optional_text(item, "size", place), status, new_name, year,
                    check.optional_text(item, "note", place), origin == "beyond-toolkit")


def _resource_url(check: _Checker, item: dict, place: str, origin: str) -> str | None:
    if item.get("url") is None and (origin == "beyond-toolkit" or item.get("note")):
        return None  # no address in the sources (or none to show): listed with its note
    url = check.text(item, "url", place)
    if not _is_good_url(url):
        raise check.fail(f"{place}.url", f"{_shown(url)} is not a full http(s) or mailto address",
                         item, "url")
    if check.format >= 2 and url.lower().startswith("mailto:"):
        raise check.fail(f"{place}.url", "a personal email address is not a resource; link to "
                         "the team's page or leave the address out", item, "url")
    return url


def _status(check: _Checker, item: dict, place: str) -> tuple[str | None, str | None, int | None]:
    """The resource's status, with the new name of a renamed one and the year of a historical
    one. Format 1 files may leave the status out."""
    if item.get("status") is None and check.format == 1:
        return None, None, None
    status = item.get("status")
    if status not in RESOURCE_STATUSES:
        raise check.fail(f"{place}.status", f"expected a status, one of: "
                         f"{', '.join(RESOURCE_STATUSES)}; found {_kind(status)}", item,
                         "status" if "status" in item else None)
    new_name = check.text(item, "new_name", place) if status == "renamed" else None
    year = item.get("year")
    if status == "historical":
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise check.fail(f"{place}.year", f"a historical resource needs its year, such as "
                             f"2005; found {_kind(year)}", item, "year" if "year" in item else None)
    for key, allowed in (("new_name", status == "renamed"), ("year", status == "historical")):
        if key in item and not allowed:
            raise check.fail(f"{place}.{key}", f"{key} belongs only with status "
                             f"{'renamed' if key == 'new_name' else 'historical'}", item, key)
    return status, new_name, year if status == "historical" else None


def _is_good_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "mailto":
        return re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", parts.path, re.IGNORECASE) is not None
    return parts.scheme in {"http", "https"} and HOST.fullmatch(parts.netloc) is not None \
        and " " not in url


def _join(place: str, key: object) -> str:
    return str(key) if place == "document" else f"{place}.{key}"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "empty text" if not value.strip() else f"text {_shown(value)}"
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"),
                       (int | float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


SHOWN_MAX = 40


def _shown(value: Any) -> str:
    """A value as a message quotes it: text and numbers cut short, lists and mappings named."""
    if isinstance(value, list | dict):
        return _kind(value)
    if isinstance(value, str) and len(value) > SHOWN_MAX:
        return repr(value[:SHOWN_MAX]) + "…"
    return _brief(repr(value))


def _brief(text: str) -> str:
    return text if len(text) <= SHOWN_MAX * 2 else text[:SHOWN_MAX * 2] + "…"
