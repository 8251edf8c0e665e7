"""An export file against the questionnaire versions its assessments were answered on: every
pillar, practice and question it names must be in that version. Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from assessment.rules.questionnaire import Questionnaire, QuestionnaireError
from assessment.rules.questionnaire_file import questionnaire_from_text
from assessment.transfer.document import Document, QuestionnaireText
from assessment.transfer.parsing import TransferError


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def questionnaire_in_file(kept: QuestionnaireText, place: str) -> Questionnaire:
    """The questionnaire a file carries, when its text matches its hash and version."""
    if content_hash(kept.source) != kept.content_hash:
        raise TransferError(f"{place}.content_hash", "does not match the text in source, so "
                                                     "the file was changed after it was exported")
    try:
        questionnaire = questionnaire_from_text(f"{place}.source", kept.source)
    except QuestionnaireError as error:
        raise TransferError(f"{place}.source", f"the questionnaire does not load ({error})") \
            from None
    if questionnaire.version != kept.version:
        raise TransferError(f"{place}.version", f"says “{kept.version}”, but the questionnaire "
                                                f"in source is version “{questionnaire.version}”")
    return questionnaire


def check_against(document: Document, questionnaires: Mapping[str, Questionnaire]) -> None:
    """Every assessment names only pillars, practices and questions of its questionnaire."""
    for index, assessment in enumerate(document.assessments):
        place = f"assessments[{index}]"
        questionnaire = questionnaires.get(assessment.questionnaire_version)
        if questionnaire is None:
            raise TransferError(f"{place}.questionnaire_version",
                                f"the questionnaire version “{assessment.questionnaire_version}”"
                                " is not in the file, and this site does not have it")
        practices = {p.id for pillar in questionnaire.pillars for p in pillar.practices}
        version = f"questionnaire version “{questionnaire.version}”"
        for i, target in enumerate(assessment.targets):
            if not questionnaire.has_pillar(target.pillar_id):
                raise TransferError(f"{place}.targets[{i}].pillar_id",
                                    f"{version} has no pillar “{target.pillar_id}”")
        for r, response in enumerate(assessment.responses):
            for i, answer in enumerate(response.answers):
                if not questionnaire.has_question(answer.question_id):
                    raise TransferError(f"{place}.responses[{r}].answers[{i}].question_id",
                                        f"{version} has no question “{answer.question_id}”")
        for i, agreed in enumerate(assessment.agreed_answers):
            if not questionnaire.has_question(agreed.question_id):
                raise TransferError(f"{place}.agreed_answers[{i}].question_id",
                                    f"{version} has no question “{agreed.question_id}”")
        for i, action in enumerate(assessment.actions):
            if action.practice_id not in practices:
                raise TransferError(f"{place}.actions[{i}].practice_id",
                                    f"{version} has no practice “{action.practice_id}”")
