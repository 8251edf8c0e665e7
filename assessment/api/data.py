"""What the read-only API answers, as plain data: teams, assessments, scores and history.

Pure functions over teams and scored assessments (store/read_model.py); no Flask and no
database. Scores are JSON
numbers with one decimal, rounded half up as on the pages (2.95 shows as 3.0); times are
ISO 8601 in UTC ("2026-09-30T14:05:00Z"), dates "2027-09-30".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import ScoredAssessment
from assessment.rules.scoring import PillarScore, PracticeScore, WeakPractice
from assessment.store.models import Team

API = "/api/v1"
PER_PAGE_DEFAULT, PER_PAGE_MAX = 50, 100


def iso_datetime(value: dt.datetime | None) -> str | None:
    """A stored UTC time (kept without a zone) as ISO 8601 with a Z."""
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def number(value: Decimal | None) -> float | None:
    """A one-decimal score as a JSON number (2.3, never "2.3")."""
    return None if value is None else float(value)


def level_name(questionnaire: Questionnaire, level: int | None) -> str | None:
    return None if level is None else questionnaire.level(level).name


def team_links(team: Team) -> dict[str, str]:
    base = f"{API}/teams/{team.id}"
    return {"self": base, "assessments": f"{base}/assessments", "history": f"{base}/history",
            "page": f"/teams/{team.id}"}


def team_summary(team: Team, role: str | None) -> dict[str, Any]:
    """A team, and the caller's role in it (None: reading the demo team without a role)."""
    return {"id": team.id, "agency": team.agency, "office": team.office,
            "service": team.service, "is_demo": team.is_demo,
            "hisp_service": team.hisp_service if team.is_hisp else None, "your_role": role,
            "links": team_links(team)}


def overall(scored: ScoredAssessment) -> dict[str, Any]:
    results = scored.results
    return {"score": number(results.score), "level": results.level,
            "level_name": level_name(scored.questionnaire, results.level),
            "pillars_covered": results.pillars_covered, "pillars_total": len(results.pillars)}


def practice_score(scored: ScoredAssessment, practice: PracticeScore) -> dict[str, Any]:
    return {"id": practice.practice.id, "name": practice.practice.name,
            "score": number(practice.score), "level": practice.level,
            "level_name": level_name(scored.questionnaire, practice.level)}


def pillar_score(scored: ScoredAssessment, pillar: PillarScore,
                 practices: bool = True) -> dict[str, Any]:
    """A pillar's score, level and target (with its date), and its practices' scores."""
    setting = scored.targets.get(pillar.pillar.id)
    data: dict[str, Any] = {
            "id": pillar.pillar.id, "name": pillar.pillar.name, "score": number(pillar.score),
            "level": pillar.level, "level_name": level_name(scored.questionnaire, pillar.level),
            "enough_answers": pillar.enough_answers, "target": number(pillar.target),
            "target_date": iso_date(setting.target_date if setting else None),
            "meets_target": pillar.meets_target}
    if practices:
        data["practices"] = [practice_score(scored, p) for p in pillar.practices]
    return data


def assessment_links(public_id: str, team_id: int) -> dict[str, str]:
    base = f"{API}/assessments/{public_id}"
    return {"self": base, "scores": f"{base}/scores", "team": f"{API}/teams/{team_id}",
            "page": f"/assessments/{public_id}/results"}


def assessment_summary(scored: ScoredAssessment) -> dict[str, Any]:
    """One line of a team's list: what it is, when, and its overall score."""
    a = scored
    return {"id": a.public_id, "team_id": a.team_id, "status": a.status,
            "questionnaire_version": a.questionnaire_version,
            "started_at": iso_datetime(a.started_at), "finished_at": iso_datetime(a.finished_at),
            "overall": overall(scored), "links": assessment_links(a.public_id, a.team_id)}


def assessment_scores(scored: ScoredAssessment) -> dict[str, Any]:
    """Only the scores: overall, per pillar (with targets) and per practice."""
    return {"id": scored.public_id,
            "questionnaire_version": scored.questionnaire_version,
            "overall": overall(scored),
            "pillars": [pillar_score(scored, p) for p in scored.results.pillars]}


def weak_practice(weak: WeakPractice) -> dict[str, Any]:
    return {"pillar_id": weak.pillar.id, "practice_id": weak.practice.practice.id,
            "practice_name": weak.practice.practice.name, "score": number(weak.practice.score),
            "target": number(weak.target), "gap": number(weak.gap), "next_step": weak.next_step}


def assessment_detail(scored: ScoredAssessment) -> dict[str, Any]:
    """Everything the results page shows, as data: scores, targets, weak practices, gaps."""
    results = scored.results
    return assessment_summary(scored) | {
        "respondents": scored.answers.respondents,
        "unanswered_questions": results.unanswered,
        "pillars": [pillar_score(scored, p) for p in results.pillars],
        "weak_practices": [weak_practice(w) for w in results.weak_practices],
        "knowledge_gaps": [{"pillar_id": pillar.id, "practice_id": practice.id,
                            "question_id": question.id, "question": question.text}
                           for pillar, practice, question in results.knowledge_gaps],
    }


def history_entry(scored: ScoredAssessment) -> dict[str, Any]:
    """One assessment in a team's history: overall and per-pillar scores and targets."""
    a = scored
    return {"id": a.public_id, "status": a.status, "date": iso_datetime(scored.when),
            "started_at": iso_datetime(a.started_at), "finished_at": iso_datetime(a.finished_at),
            "questionnaire_version": a.questionnaire_version, "overall": overall(scored),
            "pillars": [pillar_score(scored, p, practices=False) for p in scored.results.pillars],
            "links": assessment_links(a.public_id, a.team_id)}


@dataclass(frozen=True)
class Page:
    """One page of a long list: which page, how long, and how many in all."""

    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page

    def slice(self, items: Sequence) -> list:
        return list(items[self.start:self.start + self.per_page])


def parse_page(page: str | None, per_page: str | None) -> Page | str:
    """The page asked for in ?page= and ?per_page=, or why they cannot be used (total 0)."""
    try:
        number = int(page) if page not in (None, "") else 1
        size = int(per_page) if per_page not in (None, "") else PER_PAGE_DEFAULT
    except ValueError:
        return "page and per_page must be whole numbers."
    if number < 1 or not 1 <= size <= PER_PAGE_MAX:
        return f"page must be 1 or more, and per_page from 1 to {PER_PAGE_MAX}."
    return Page(number, size, 0)


def pagination(page: Page, path: str) -> dict[str, Any]:
    """Where this page sits, with links to the next and previous pages (None at the ends)."""
    def link(number: int) -> str:
        return f"{path}?page={number}&per_page={page.per_page}"

    return {"page": page.number, "per_page": page.per_page, "total": page.total,
            "pages": page.pages,
            "next": link(page.number + 1) if page.number < page.pages else None,
            "previous": link(min(page.number - 1, page.pages)) if page.number > 1 else None}
