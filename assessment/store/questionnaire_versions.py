"""Questionnaire versions: the text of every questions.yaml version an assessment started on,
kept in the database, so an older assessment is scored on the questions it was asked."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire, QuestionnaireError
from assessment.rules.questionnaire_file import earlier_questionnaire, questionnaire_from_text
from assessment.store.models import Assessment, QuestionnaireSnapshot

log = logging.getLogger(__name__)
_CACHE_KEY = "questionnaire_versions"
# INSERT ... ON CONFLICT DO NOTHING, in the dialects that have it.
# Each dialect's INSERT, which has on_conflict_do_nothing (the core INSERT does not).
INSERT_OR_SKIP: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert,
                                                 "sqlite": sqlite.insert}


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_questionnaire(questionnaire: Questionnaire) -> None:
    """Keep the questionnaire's text under its version, once. Many people may start an
    assessment at the same moment: the first insert wins and the others do nothing, rather
    than fail on the version's key. The caller commits."""
    if not questionnaire.source:
        return  # built in code (tests), not read from a file: nothing to keep
    digest = content_hash(questionnaire.source)
    stored = db.session.scalar(select(QuestionnaireSnapshot.content_hash).where(
        QuestionnaireSnapshot.version == questionnaire.version))
    if stored is None:
        row = {"version": questionnaire.version, "content_hash": digest,
               "source": questionnaire.source}
        insert = INSERT_OR_SKIP.get(db.session.get_bind().dialect.name)
        if insert is None:  # another database: a plain insert, as before
            db.session.add(QuestionnaireSnapshot(**row))
            db.session.flush()
        else:
            db.session.execute(insert(QuestionnaireSnapshot).values(**row)
                               .on_conflict_do_nothing(index_elements=["version"]))
    elif stored != digest:
        log.warning("questions.yaml changed without a new version number (%s); older "
                    "assessments keep the first text of that version", questionnaire.version)


def current_questionnaire() -> Questionnaire:
    return current_app.extensions["questionnaire"]


def questionnaires_for(versions: Iterable[str]) -> dict[str, Questionnaire]:
    """The questionnaire of each version: the current one, else its kept text (parsed once per
    process), else the copy shipped in assessment/questionnaires/. A version we hold no text
    for is scored on the current questionnaire, on the questions it shares with it."""
    current = current_questionnaire()
    cache: dict[str, Questionnaire] = current_app.extensions.setdefault(_CACHE_KEY, {})
    wanted = set(versions) - {current.version} - set(cache)
    if wanted:
        for snapshot in db.session.scalars(select(QuestionnaireSnapshot).where(
                QuestionnaireSnapshot.version.in_(sorted(wanted)))):
            try:
                cache[snapshot.version] = questionnaire_from_text(
                    f"questions.yaml version {snapshot.version} (kept in the database)",
                    snapshot.source)
            except QuestionnaireError:
                log.exception("kept questionnaire version %s does not load", snapshot.version)
        for version in wanted - set(cache):
            shipped = earlier_questionnaire(version)
            if shipped is not None:
                cache[version] = shipped
    return {v: current if v == current.version else cache.get(v, current) for v in set(versions)}


def questionnaire_for(version: str) -> Questionnaire:
    return questionnaires_for([version])[version]


def move_to_questionnaire(assessment: Assessment, questionnaire: Questionnaire) -> bool:
    """Answers are given on the current questionnaire: an assessment saved or finished now
    (a draft started on an older version, or one reopened) moves to it. Flushes; returns
    True when it moved. Answers to questions the new version dropped stay stored, unscored."""
    if assessment.questionnaire_version == questionnaire.version:
        return False
    record_questionnaire(questionnaire)
    assessment.questionnaire_version = questionnaire.version
    db.session.flush()
    return True
