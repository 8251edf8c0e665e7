"""A demo team (Passport Services) with three yearly assessments that show plausible progress:
the two older ones on questionnaire 2026.1, the latest on the current questionnaire."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assessment.rules.questionnaire import Questionnaire
from assessment.rules.questionnaire_file import earlier_questionnaire
from assessment.store import operations, teams
from assessment.store.models import Assessment
from assessment.store.operations import ActionDetails, SubmittedAnswer

# Typical level per pillar in each year: governance and measurement move first,
# collaboration and culture lag, as in most first CX programs.
YEARLY_LEVELS = {
    "strategy": (2, 3, 3),
    "governance": (2, 2, 4),
    "culture": (1, 2, 3),
    "customer-understanding": (2, 3, 4),
    "design": (2, 3, 3),
    "measurement": (1, 2, 3),
    "digital-services": (2, 3, 4),
    "collaboration": (1, 1, 2),
}
EARLIER_VERSION = "2026.1"  # the questionnaire the two older assessments were taken on
# Small, fixed variation from question to question, so practices differ within a pillar.
WOBBLE = (0, 1, -1, 0, 1, 0, -1)
FINISHED_ON = (dt.datetime(2024, 11, 14, 15, 30), dt.datetime(2025, 11, 13, 16, 0),
               dt.datetime(2026, 11, 12, 14, 45))
UNKNOWN_IN_YEAR: tuple[set[str], ...] = (
    {"measurement.service-levels.q1", "culture.employee-concerns.q1",
     "governance.laws-policies.q1"}, {"measurement.service-levels.q1"}, set())
NOT_APPLICABLE = {"digital-services.shared-services.q1"}
NOTES = {
    "governance.cco.q1": (
        "No CCO yet. The deputy director covers CX part time.",
        "A CX lead was named in March and reports to the deputy director.",
        "The CX lead now chairs a monthly CX board with budget authority.",
    ),
    "measurement.publish-progress.q1": (
        "We share survey results inside the office only.",
        "A quarterly dashboard goes to leadership.",
        "Our A-11 action plan and results are on performance.gov.",
    ),
}

# The latest year's plan: actions for its top priorities, at different stages.
DEMO_ACTIONS = (
    ("measurement.shared-services", ActionDetails(
        "Add Search.gov site search and the Digital Analytics Program to the passport pages",
        "Web manager, Office of Public Affairs", dt.date(2027, 3, 31), "in_progress")),
    ("measurement.shared-services", ActionDetails(
        "Ask the agency CX office which cleared survey tool to use for post-visit feedback",
        "CX lead", dt.date(2027, 1, 15), "not_started")),
    ("collaboration.share-story", ActionDetails(
        "Publish a one-page story of the appointment wait-time fix", "CX lead",
        dt.date(2027, 2, 28), "not_started")),
    ("culture.accountability", ActionDetails(
        "Add a customer service element to every acceptance agent's performance plan",
        "Human Resources, Consular Affairs", dt.date(2027, 10, 1), "not_started")),
    ("design.contact-center", ActionDetails(
        "Compare call wait times with the Contact Center Guidelines", "Contact center manager",
        dt.date(2026, 12, 19), "done")),
)


def seed_demo_team(questionnaire: Questionnaire) -> list[Assessment]:
    """Create the demo team and its three finished assessments; return them oldest first."""
    team = operations.create_team("Department of State", "Bureau of Consular Affairs",
                                  "Passport Services", is_demo=True)
    teams.set_hisp(team, "Passport Services")  # a designated HISP, from the profiles
    assessments = []
    earlier = earlier_questionnaire(EARLIER_VERSION) or questionnaire
    for year, finished_at in enumerate(FINISHED_ON):
        asked = questionnaire if year == len(FINISHED_ON) - 1 else earlier
        assessment = operations.start_assessment(asked, team)
        operations.save_answers(assessment.responses[0], _answers(asked, year))
        if year == 2:
            operations.set_targets(assessment, {"measurement": Decimal("3.5"),
                                                "collaboration": Decimal("2.5")},
                                   {"measurement": dt.date(2027, 9, 30),
                                    "collaboration": dt.date(2028, 3, 31)})
            for practice_id, details in DEMO_ACTIONS:
                operations.add_action(assessment, practice_id, details)
        operations.finish_assessment(assessment)
        assessment.started_at = finished_at - dt.timedelta(days=9)
        assessment.finished_at = assessment.updated_at = finished_at
        assessments.append(assessment)
    return assessments


def _answers(questionnaire: Questionnaire, year: int) -> dict[str, SubmittedAnswer]:
    answers = {}
    for index, (pillar, _, question) in enumerate(questionnaire.questions()):
        level = YEARLY_LEVELS.get(pillar.id, (2, 2, 3))[year] + WOBBLE[index % len(WOBBLE)]
        choice = str(min(5, max(1, level)))
        if question.id in UNKNOWN_IN_YEAR[year]:
            choice = "unknown"
        elif question.id in NOT_APPLICABLE:
            choice = "na"
        note = NOTES.get(question.id, ("", "", ""))[year]
        answers[question.id] = SubmittedAnswer(choice, note)
    return answers
