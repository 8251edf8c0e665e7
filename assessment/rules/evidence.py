"""Evidence behind an answer: an answer at level 4 or 5 asks for a note or a link, and a link
must be a web address. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from assessment.rules.questionnaire import Questionnaire

EVIDENCE_LEVELS = frozenset({4, 5})
LINK_MAX_LENGTH = 500


class EvidencedAnswer(Protocol):
    @property
    def level(self) -> int | None: ...
    @property
    def note(self) -> str: ...
    @property
    def link(self) -> str: ...


def needs_evidence(level: int | None, note: str, link: str) -> bool:
    """True for an answer at level 4 or 5 with neither a note nor a link."""
    return level in EVIDENCE_LEVELS and not note.strip() and not link.strip()


def link_problem(link: str) -> str | None:
    """What is wrong with a typed evidence link, in words; None when it is fine (or blank)."""
    link = link.strip()
    if not link:
        return None
    if len(link) > LINK_MAX_LENGTH:
        return f"Keep the link to {LINK_MAX_LENGTH} characters or fewer."
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or any(c.isspace() for c in link)):
        return "Enter a web address that starts with https:// or http://, " \
               "for example https://www.agency.gov/cx-plan."
    return None


@dataclass(frozen=True)
class MissingEvidence:
    """An answer at level 4 or 5 with no evidence: where it is, to link to it."""

    pillar_id: str
    pillar_name: str
    question_id: str
    number: int  # the question's number on its pillar's page
    text: str
    level: int


def missing_evidence(questionnaire: Questionnaire,
                     answers: Mapping[str, EvidencedAnswer]) -> list[MissingEvidence]:
    """The answers that need evidence, in questionnaire order."""
    missing = []
    for pillar in questionnaire.pillars:
        for number, question in enumerate(pillar.questions, start=1):
            answer = answers.get(question.id)
            if answer is not None and answer.level is not None and needs_evidence(
                    answer.level, answer.note, answer.link):
                missing.append(MissingEvidence(pillar.id, pillar.name, question.id, number,
                                               question.text, answer.level))
    return missing
