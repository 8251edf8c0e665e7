"""An organization's portfolio issues as many SQL queries for 12 teams (with more assessments,
respondents and actions) as for 2: nothing is loaded one team at a time (issue 18, item 7)."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.store import organizations
from assessment.store.models import OrganizationTeam, User
from tests.conftest import sign_in_as
from tests.test_bounded_queries import add_due_actions, build_team, queries_for

PAGES = {
    "portfolio": "/organizations/{}",
    "sorted": "/organizations/{}?sort=strategy&dir=desc",
    "summary": "/organizations/{}/summary",
    "csv": "/organizations/{}/portfolio.csv",
    "api": "/api/v1/organizations/{}/portfolio",
}


@pytest.fixture
def two_and_twelve(app, questionnaire, make_user):
    """An organization of 2 small teams and one of 12 larger teams with actions; one owner."""
    cx = make_user("cx@state.gov")
    with app.app_context():
        ids = []
        for teams, assessments, respondents in ((2, 1, 1), (12, 2, 2)):
            organization = organizations.create_organization(f"{teams} teams",
                                                             db.session.get(User, cx))
            for n in range(teams):
                built = build_team(questionnaire, cx, assessments, respondents,
                                   f"Service {teams}-{n}")
                if teams > 2:
                    add_due_actions(questionnaire, built.team_id, 1)
                db.session.add(OrganizationTeam(organization_id=organization.id,
                                                team_id=built.team_id))
            db.session.commit()
            ids.append(organization.id)
    return sign_in_as(app.test_client(), cx), ids


def test_portfolio_queries_do_not_grow_with_teams(app, two_and_twelve):
    """One set-up for every page: building 14 teams is the slow part."""
    client, (few, many) = two_and_twelve
    for page, path in PAGES.items():
        counts = [queries_for(app, client, path.format(i)) for i in (few, many)]
        assert counts[0] == counts[1], \
            f"{page}: {counts[0]} queries for 2 teams, {counts[1]} for 12"
        print(f"{page}: {counts[0]} queries for 2 teams and for 12")

