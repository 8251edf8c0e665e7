"""The pages that show other teams' scores (the peer spreads on results, the HISP-only spreads,
the history page) issue as many SQL queries with 12 other teams as with 2 (issue 18, item 7):
nothing is loaded one team at a time. Counted twice: with everything the app keeps between
requests forgotten (the first request after a finish elsewhere, or a new worker), and kept."""

from __future__ import annotations

from assessment.extensions import db
from assessment.store.models import Team
from assessment.web.fragments import KEPT_FRAGMENTS, KEPT_PAGES, FragmentCache
from tests.test_bounded_queries import build_team, counting_queries

PAGES = {
    "results with peer spreads": lambda team: f"/assessments/{team.public_ids[-1]}/results",
    "results with HISP peers": lambda team: f"/assessments/{team.public_ids[-1]}/results"
                                            "?peers=hisp",
    "history": lambda team: f"/teams/{team.team_id}/history",
}


def forget_kept(app) -> None:
    """Drop every page, fragment and score this app process keeps between requests."""
    app.extensions["pages"] = FragmentCache(KEPT_PAGES)
    app.extensions["scored_fragments"] = FragmentCache(KEPT_FRAGMENTS)
    app.extensions.pop("peer_scores", None)
    app.extensions.pop("scores_cache", None)


def query_counts(app, client, team) -> tuple[dict[str, tuple[int, int]], str]:
    """Per page: statements with nothing kept, then with everything kept; and the last page."""
    counts, body = {}, ""
    for page, path in PAGES.items():
        assert client.get(path(team)).status_code == 200  # kept questionnaire versions
        forget_kept(app)
        with counting_queries(app) as cold:
            assert client.get(path(team)).status_code == 200
        with counting_queries(app) as warm:
            body = client.get(path(team)).get_data(as_text=True)
        counts[page] = (len(cold), len(warm))
    return counts, body


def add_other_teams(questionnaire, owner: int, first: int, count: int) -> None:
    for n in range(first, first + count):
        other = build_team(questionnaire, owner, 2, 1, f"Other service {n}")
        db.session.get(Team, other.team_id).is_hisp = True
    db.session.commit()


def test_peer_spread_and_history_queries_do_not_grow_with_other_teams(
        app, client, questionnaire, owner_id, make_user):
    stranger = make_user("other.owner@state.gov")
    with app.app_context():
        ours = build_team(questionnaire, owner_id, 2, 1, "Passport card")
        db.session.get(Team, ours.team_id).is_hisp = True
        add_other_teams(questionnaire, stranger, 0, 2)
    few, _ = query_counts(app, client, ours)
    with app.app_context():
        add_other_teams(questionnaire, stranger, 2, 10)
    many, history = query_counts(app, client, ours)
    assert "middle half" in history, "with 12 other teams the history shows their spread"
    print(f"(nothing kept, kept) queries: {many}")
    assert few == many, f"(nothing kept, kept) queries with 2 other teams {few}, with 12 {many}"
