"""Answers and scores as CSV, for teams that work in spreadsheets. Pure: scored assessments in,
text out. Like the actions CSV: a byte order mark (so Excel reads UTF-8), CRLF line ends,
dates as YYYY-MM-DD, and every text cell made safe from spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from assessment.report.actions_csv import _cell
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import Row, ScoredAssessment
from assessment.rules.wording import answer_words
from assessment.store.models import CHOICE_LEVEL

ANSWER_COLUMNS = ("Pillar", "Practice", "Question ID", "Question", "Team answer", "Level name",
                  "Agreed by the team", "Team note", "Evidence links")
SCORE_COLUMNS = ("Date", "Status", "Questionnaire version", "Area", "ID", "Name", "Score",
                 "Level", "Level name", "Target", "Target date")


def answers_csv(scored: ScoredAssessment, respondents: Sequence[tuple[str, dict[str, Row]]]
                ) -> str:
    """One row per question: the team's answer and note, then each respondent's answer.
    respondents: (label, {question id: their answer}) in the order to show them."""
    questionnaire, answers = scored.questionnaire, scored.answers
    rows = []
    for pillar, practice, question in questionnaire.questions():
        team = answers.rows.get(question.id)
        spread = answers.spreads.get(question.id)
        rows.append([
            pillar.name, practice.name, question.id, question.text,
            answer_text(team), level_name(questionnaire, team),
            "Yes" if spread is not None and spread.agreed is not None else "",
            team.note if team else "",
            team.link if team else "",
            *[answer_text(given.get(question.id)) for _, given in respondents],
        ])
    header = [*ANSWER_COLUMNS, *[f"Answer from {label}" for label, _ in respondents]]
    return _csv(header, rows)


def scores_csv(scored: Iterable[ScoredAssessment]) -> str:
    """One row per assessment and area: overall, each pillar, each practice; oldest first."""
    rows = []
    for item in scored:
        q, results = item.questionnaire, item.results
        first = [item.when.date().isoformat(), item.status.capitalize(),
                 item.questionnaire_version]
        rows.append([*first, "Overall", "", "Overall", *_score(q, results.score, results.level),
                     "", ""])
        for pillar in results.pillars:
            setting = item.targets.get(pillar.pillar.id)
            date = setting.target_date.isoformat() if setting and setting.target_date else ""
            rows.append([*first, "Pillar", pillar.pillar.id, pillar.pillar.name,
                         *_score(q, pillar.score, pillar.level), str(pillar.target), date])
            for practice in pillar.practices:
                rows.append([*first, "Practice", practice.practice.id, practice.practice.name,
                             *_score(q, practice.score, practice.level, "No levels given"),
                             "", ""])
    return _csv(SCORE_COLUMNS, rows)


def answer_text(row: Row | None) -> str:
    """A stored answer as the CSV writes it: "Level 3", "Not applicable", "Don't know" or
    nothing (the level's name has a column of its own)."""
    return "" if row is None else answer_words(row.choice, row.level, missing="")


def level_name(questionnaire: Questionnaire, row: Row | None) -> str:
    if row is None or row.choice != CHOICE_LEVEL or row.level is None:
        return ""
    return questionnaire.level(row.level).name


def _score(questionnaire: Questionnaire, score, level: int | None,
           missing: str = "Not enough answers") -> list[str]:
    if score is None:
        return [missing, "", ""]
    return [str(score), str(level), questionnaire.level(level).name if level else ""]


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()
