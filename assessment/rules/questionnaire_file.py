"""Reading questions.yaml (or a kept copy of its text) into the frozen Questionnaire: the size
limit, the decoding, then the checks of rules/questionnaire_schema.py."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from assessment.rules import questionnaire_schema as schema
from assessment.rules.questionnaire import Questionnaire, QuestionnaireError

# Earlier versions that ship with the app, one file per version (e.g. 2026.1.yaml), for
# assessments taken on them where the database keeps no copy (docs/content.md).
EARLIER_VERSIONS = Path(__file__).resolve().parent.parent / "questionnaires"
MAX_BYTES = 1_000_000  # the real file is under 100 KB; parsing time grows with the size


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read, parse and validate questions.yaml; raise QuestionnaireError on any problem."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise QuestionnaireError(path, "", too_large())
        text = raw.decode("utf-8")
    except OSError as error:
        raise QuestionnaireError(path, "", f"cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise QuestionnaireError(path, "", "the file is not UTF-8 text") from None
    return questionnaire_from_text(path, text)


# Parsing is slow (the real file takes a tenth of a second or more) and the result is frozen, so
# the same text is parsed once: a test suite builds an app per test, and each import of an
# exported file carries the questionnaire text again. A text with an error is never cached.
@lru_cache(maxsize=16)
def questionnaire_from_text(path: str | Path, text: str) -> Questionnaire:
    """Parse and validate questionnaire text; path names where it came from in errors."""
    path = Path(path)
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise QuestionnaireError(path, "", too_large())
    return replace(schema.build(path, schema.parse_yaml(path, text)), source=text)


def too_large() -> str:
    return (f"the file is larger than {MAX_BYTES // 1_000_000} MB, the most a questionnaire "
            "may be")


def earlier_questionnaire(version: str) -> Questionnaire | None:
    """An earlier version shipped in assessment/questionnaires/, or None when there is none."""
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.-]{0,40}", version):
        return None  # a version is never a path
    path = EARLIER_VERSIONS / f"{version}.yaml"
    return load_questionnaire(path) if path.is_file() else None
