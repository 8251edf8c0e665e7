"""The plan of a finished assessment, from the read model: what both the PDF (report/pdf.py) and
the web page (views/plan_page.py) show. Kept apart from pdf.py so the web page never loads
WeasyPrint."""

from __future__ import annotations

from dataclasses import replace

from assessment.report.plan_data import Plan, Team, build_plan
from assessment.report.validation_data import plan_validation
from assessment.store import reviews
from assessment.store.models import Assessment
from assessment.store.read_model import assessment_actions, with_earlier


def plan_context(assessment: Assessment) -> Plan:
    """Everything the plan prints about a finished assessment, as plain values: the read
    model's scores of it and of the team's finished assessment before it."""
    team = assessment.team
    scored, earlier = with_earlier(assessment)
    plan = build_plan(
        scored.questionnaire, scored.results, Team(team.agency, team.office, team.service,
                                                  team.hisp_service if team.is_hisp else None),
        scored.dated.on.date(), scored.questionnaire_version, scored.answers.rows,
        assessment_actions(assessment), earlier=earlier, target_dates=scored.target_dates)
    verdicts = reviews.verdicts_of([assessment.id])[assessment.id]
    return replace(plan, respondents=scored.answers.respondents,
                   validation=plan_validation(scored.questionnaire, scored.given, verdicts))
