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
class Replacement:
    """A later question that replaces an earlier one (questions.yaml `replaces:`): its meaning
    changed, so the two answers are not compared."""

    pillar: str
    before: str  # the earlier question's text
    after: str  # the later question's text


@dataclass(frozen=True)
class VersionChanges:
    """Two assessments taken on different versions compare on the questions both ask."""

    before_version: str
    after_version: str
    shared: frozenset[str]  # ids of the questions both versions ask
    only_before: tuple[QuestionsOfPillar, ...]  # asked only by the earlier version
    only_after: tuple[QuestionsOfPillar, ...]  # asked only by the later version
    replaced: tuple[Replacement, ...] = ()  # left out of only_before and only_after

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
    replaced = replacements(before, after, set(only_before), set(only_after))
    old_ids = {old for old, _ in replaced}
    new_ids = {new for _, new in replaced}
    return VersionChanges(before.version, after.version, frozenset(before_ids & after_ids),
                          by_pillar(before, set(only_before) - old_ids),
                          by_pillar(after, set(only_after) - new_ids),
                          tuple(_replacement(before, after, old, new) for old, new in replaced))


def replacements(before: Questionnaire, after: Questionnaire, only_before: set[str],
                 only_after: set[str]) -> list[tuple[str, str]]:
    """(earlier id, later id) of each later question that says it replaces an earlier one."""
    return [(question.replaces, question.id) for *_, question in after.questions()
            if question.id in only_after and question.replaces in only_before]


def _replacement(before: Questionnaire, after: Questionnaire, old: str, new: str) -> Replacement:
    texts = {q.id: (p.name, q.text) for p, _, q in before.questions() if q.id == old}
    texts |= {q.id: (p.name, q.text) for p, _, q in after.questions() if q.id == new}
    return Replacement(texts[new][0], texts[old][1], texts[new][1])


def by_pillar(questionnaire: Questionnaire, ids: set[str]) -> tuple[QuestionsOfPillar, ...]:
    """The questions with these ids, grouped by pillar, in the questionnaire's order."""
    groups: dict[str, list[str]] = {}
    for pillar, _, question in questionnaire.questions():
        if question.id in ids:
            groups.setdefault(pillar.name, []).append(question.text)
    return tuple(QuestionsOfPillar(name, tuple(texts)) for name, texts in groups.items())
