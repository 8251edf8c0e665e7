"""What changed between two questionnaire versions: the questions both ask, and those only one
asks, by pillar. Pure functions over the frozen questionnaires; no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.rules.comparison import version_differences
from assessment.rules.questionnaire import Questionnaire


@dataclass(frozen=True)
class QuestionsOfPillar:
    pillar: str
    questions: tuple[str, ...]  # question texts, in questionnaire order


@dataclass(frozen=True)
class VersionChanges:
    """Two assessments taken on different versions compare on the questions both ask."""

    before_version: str
    after_version: str
    shared: frozenset[str]  # ids of the questions both versions ask
    only_before: tuple[QuestionsOfPillar, ...]  # asked only by the earlier version
    only_after: tuple[QuestionsOfPillar, ...]  # asked only by the later version

    @property
    def only_before_count(self) -> int:
        return sum(len(group.questions) for group in self.only_before)

    @property
    def only_after_count(self) -> int:
        return sum(len(group.questions) for group in self.only_after)


def question_ids(questionnaire: Questionnaire) -> set[str]:
    return {question.id for *_, question in questionnaire.questions()}


def version_changes(before: Questionnaire, after: Questionnaire) -> VersionChanges | None:
    """None when both assessments were taken on the same version; else what differs."""
    if before.version == after.version:
        return None
    before_ids, after_ids = question_ids(before), question_ids(after)
    only_before, only_after = version_differences(before_ids, after_ids)
    return VersionChanges(before.version, after.version, frozenset(before_ids & after_ids),
                          by_pillar(before, set(only_before)), by_pillar(after, set(only_after)))


def by_pillar(questionnaire: Questionnaire, ids: set[str]) -> tuple[QuestionsOfPillar, ...]:
    """The questions with these ids, grouped by pillar, in the questionnaire's order."""
    groups: dict[str, list[str]] = {}
    for pillar, _, question in questionnaire.questions():
        if question.id in ids:
            groups.setdefault(pillar.name, []).append(question.text)
    return tuple(QuestionsOfPillar(name, tuple(texts)) for name, texts in groups.items())
