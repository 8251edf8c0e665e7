"""Hostile questionnaire files (alias bombs, keys that are lists, deep nesting, control
characters, huge numbers, huge files) are each refused as one short line that names the file,
the line and the problem: by the loader, by `flask validate-questions` and at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from assessment.rules.questionnaire import QuestionnaireError
from assessment.rules.questionnaire_file import MAX_BYTES, load_questionnaire
from tests import hostile_questionnaires as corpus
from tests.conftest import PROJECT_ROOT

CASES = [pytest.param(text, line, problem, id=name) for name, text, line, problem in corpus.CASES]
LONGEST_MESSAGE = 300  # characters, with the path of the temporary file


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_corpus_size_limit_is_the_loaders() -> None:
    assert corpus.MAX_BYTES == MAX_BYTES


@pytest.mark.parametrize(("text", "line", "problem"), CASES)
def test_a_hostile_questionnaire_is_refused_in_one_short_line(
        tmp_path: Path, text: str, line: int | None, problem: str) -> None:
    path = written(tmp_path, text)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    message = str(caught.value)
    assert problem in message, message[:500]
    assert caught.value.line == line, message[:500]
    where = f"{path}, line {line}: " if line else f"{path}: "
    assert message.startswith(where), message[:500]
    assert "\n" not in message and len(message) < LONGEST_MESSAGE, message[:500]


def test_the_same_corpus_is_refused_by_validate_questions(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    for name, text, line, _ in corpus.CASES:
        result = runner.invoke(args=["validate-questions", str(written(tmp_path, text))])
        assert result.exit_code == 1, (name, result.output[:500])
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, name
        assert f", line {line}: " in result.output if line else True, name


# A real bomb: 9 ** 9 items once expanded. Before anchors were refused, formatting it for the
# error message took minutes and gigabytes; now the refusal fits in a small address space.
RLIMIT_BYTES = 1536 * 1024 * 1024
LIMITS = f"""
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({RLIMIT_BYTES}, {RLIMIT_BYTES}))
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
"""


def run_limited(code: str, questions: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUESTIONS_PATH": str(questions), "SECRET_KEY": "x",
           "DATABASE_URL": "sqlite://"}
    return subprocess.run([sys.executable, "-c", LIMITS + code], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def real_bomb(tmp_path: Path) -> tuple[Path, int]:
    _, text, line, _ = corpus.bomb_cases(depth=9)[0]
    return written(tmp_path, text), line


def test_validate_questions_refuses_a_real_alias_bomb_quickly_in_little_memory(
        real_bomb: tuple[Path, int]) -> None:
    path, line = real_bomb
    result = run_limited("from flask.cli import main; sys.argv = ['flask', '--app', 'wsgi', "
                         f"'validate-questions', {str(path)!r}]; main()",
                         PROJECT_ROOT / "questions.yaml")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.startswith(f"Error: {path}, line {line}: column 8: "), \
        result.stderr[-2000:]
    assert result.stderr.count("\n") == 1 and "anchors" in result.stderr


def test_the_app_refuses_to_start_on_a_real_alias_bomb_in_one_line(
        real_bomb: tuple[Path, int]) -> None:
    path, line = real_bomb
    result = run_limited("import wsgi", path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr == (f"Cannot start: questions.yaml is not valid: {path}, line {line}: "
                             "column 8: anchors (&) and aliases (*) are not allowed in a "
                             "questionnaire; write each value out in full\n"), \
        result.stderr[-2000:]
