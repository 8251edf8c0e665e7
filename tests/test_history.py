"""The team history page: every assessment with change arrows, a trend per pillar with
its data table and target, other teams' spread, and the rules behind them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from assessment.extensions import db
from assessment.rules.comparison import ScoreChange
from assessment.rules.history_rows import (
    OVERALL,
    Score,
    Snapshot,
    current_target,
    history_rows,
    previous_finished,
    trend,
)
from assessment.rules.peers import Spread, box_plot
from assessment.rules.wording import Dated
from assessment.store import operations, teams
from assessment.store.models import OWNER, VIEWER, Assessment, PillarTarget, Team, User
from assessment.store.operations import SubmittedAnswer
from tests.conftest import check_page, page_text

FINISHED_ON = (dt.datetime(2024, 11, 14, 15, 0), dt.datetime(2025, 11, 13, 15, 0),
               dt.datetime(2026, 11, 12, 15, 0))
# Level per pillar in each year; pillars not named answer the default.
YEARS = (
    {"default": 2},
    {"default": 3, "strategy": 2},
    {"default": 3, "governance": 4, "culture": 2},
)
# Overall: 2.0, then (2 + 3*7)/8 = 2.875 -> 2.9, then (4 + 2 + 3*6)/8 = 3.0.
OVERALL_SCORES = ("2.0", "2.9", "3.0")


def store_team(questionnaire, owner_id: int | None, years=YEARS, draft: bool = True,
               service: str = "Passport Services") -> int:
    """A team with one finished assessment per year given (and a later draft); returns its id."""
    team = operations.create_team("Department of State", "Bureau of Consular Affairs", service)
    if owner_id is not None:
        teams.add_member(team, db.session.get(User, owner_id), OWNER)
    for levels, finished_at in zip(years, FINISHED_ON, strict=False):
        assessment = operations.start_assessment(questionnaire, team)
        operations.save_answers(assessment.responses[0], {
            q.id: SubmittedAnswer(str(levels.get(p.id, levels["default"])))
            for p, _, q in questionnaire.questions()})
        operations.finish_assessment(assessment)
        assessment.started_at = finished_at - dt.timedelta(days=7)
        assessment.finished_at = finished_at
    if years:
        assessment.targets.append(PillarTarget(pillar_id="governance", target=D("3.5"),
                                               target_date=dt.date(2027, 6, 30)))
    if draft:
        later = operations.start_assessment(questionnaire, team)
        operations.save_answers(later.responses[0], {
            q.id: SubmittedAnswer("5") for *_, q in questionnaire.questions()})
        later.started_at = dt.datetime(2026, 11, 20, 9, 0)
    db.session.commit()
    return team.id


@pytest.fixture
def team_id(app, questionnaire, owner_id) -> int:
    with app.app_context():
        return store_team(questionnaire, owner_id)


def history_page(client, team_id: int):
    response = client.get(f"/teams/{team_id}/history")
    assert response.status_code == 200
    return check_page(response.get_data(as_text=True))


def cell_text(cell) -> str:
    return " ".join(cell.get_text(" ").split())


def test_every_assessment_is_a_row_newest_first_with_arrows_in_words(client, team_id,
                                                                     questionnaire):
    page = history_page(client, team_id)
    assert page.h1.get_text() == "Passport Services: your scores over time"
    table = page.select_one("table.app-history")
    headers = [cell_text(th) for th in table.select("thead th")]
    assert headers == ["Date", "Overall", *[p.name for p in questionnaire.pillars]]
    rows = table.select("tbody tr")
    dates = [r.th.contents[0].strip() for r in rows]
    assert dates == ["Started November 20, 2026", "Finished November 12, 2026",
                     "Finished November 13, 2025", "Finished November 14, 2024"]
    draft, latest, middle, first = ([cell_text(td) for td in r.select("td")] for r in rows)
    # A draft shows no scores: they could still change.
    assert draft == ["In progress: scores show when you finish."]
    assert "5.0" not in " ".join(draft)
    column = {name: i for i, name in enumerate(headers[1:])}  # after the date
    # Each row's date leads to its results and, from the second finished one, to a comparison.
    assert [cell_text(r.th.select_one(".app-history__links")).split(" ")[0] for r in rows] == \
        ["Review", "Results", "Results", "Results"]
    assert [bool(r.th.find("a", href=lambda h: "/compare?" in h)) for r in rows] == \
        [False, True, True, False]
    assert latest[column["Overall"]] == "3.0 ▲ +0.1 , up 0.1 from November 2025"
    assert latest[column["Governance"]] == "4.0 ▲ +1.0 , up 1.0 from November 2025"
    assert latest[column["Culture"]] == "2.0 ▼ −1.0 , down 1.0 from November 2025"
    assert middle[column["Strategy"]] == "2.0 = 0.0 , no change from November 2024"
    assert middle[column["Overall"]] == "2.9 ▲ +0.9 , up 0.9 from November 2024"
    assert first[column["Overall"]] == "2.0"  # the first finished one has nothing to compare
    # The arrow is decoration; its meaning is in the visually hidden words.
    arrow = rows[1].select_one(".app-change")
    assert arrow["aria-hidden"] == "true" and arrow.find_next_sibling(class_="usa-sr-only")
    links = [a["href"] for a in table.select("a")]
    assert links[0].endswith("/review") and links[1].endswith("/results")
    # A phone scrolls the wide table, not the page: a labelled, focusable region.
    region = page.select_one(".usa-table-container--scrollable")
    assert region["tabindex"] == "0" and region["role"] == "region"


def test_each_pillar_has_a_trend_chart_and_a_table_of_the_same_numbers(client, team_id,
                                                                        questionnaire):
    page = history_page(client, team_id)
    names = ["Overall", *[p.name for p in questionnaire.pillars]]
    figures = page.select("figure.app-trend")
    assert [f.select_one(".app-trend__name").get_text() for f in figures] == names
    expected = {"Overall": OVERALL_SCORES, "Strategy": ("2.0", "2.0", "3.0"),
                "Governance": ("2.0", "3.0", "4.0"), "Culture": ("2.0", "3.0", "2.0")}
    for figure in figures:
        name = figure.select_one(".app-trend__name").get_text()
        svg = figure.svg
        assert svg["role"] == "img"
        assert page.find(id=svg["aria-labelledby"].split()[0]).get_text().startswith(name)
        assert len(svg.select("circle")) == 3  # finished assessments only, not the draft
        drawn = tuple(t.get_text() for t in svg.select("text[font-weight=bold]"))
        table = figure.find_next_sibling("table")
        listed = tuple(cell_text(r.select("td")[0]) for r in table.select("tbody tr"))
        assert [cell_text(r.th) for r in table.select("tbody tr")] == \
            ["Nov 14, 2024", "Nov 13, 2025", "Nov 12, 2026"]
        assert drawn == listed  # the chart and its table hold the same numbers
        if name in expected:
            assert listed == expected[name]
    governance = next(f for f in figures if f.select_one(".app-trend__name").get_text()
                      == "Governance")
    assert "Target 3.5 by June 30, 2027" in cell_text(governance.figcaption)
    assert governance.svg.select("line[stroke-dasharray]")  # the target line
    rows = governance.find_next_sibling("table").select("tbody tr")
    assert cell_text(rows[-1]) == "Nov 12, 2026 4.0 4: Foundational 3.5"
    overall = figures[0]
    assert not overall.svg.select("line[stroke-dasharray]")  # no overall target


def test_a_team_without_a_finished_assessment_sees_what_to_do(app, client, questionnaire,
                                                                owner_id):
    with app.app_context():
        only_draft = store_team(questionnaire, owner_id, years=())
        nothing = store_team(questionnaire, owner_id, years=(), draft=False)
    page = history_page(client, only_draft)
    text = page_text(page)
    assert "No scores yet" in text and "Continue the assessment you started" in text
    assert page.select("table.app-history tbody tr") and not page.select("figure")
    assert "How other teams score" not in text
    page = history_page(client, nothing)
    assert "Start an assessment from your team page" in page_text(page)
    assert not page.select("table")


def other_teams(app, questionnaire, count: int) -> None:
    """Other teams, each with one finished assessment: levels 1 to 5 in turn."""
    with app.app_context():
        for i in range(count):
            store_team(questionnaire, None, years=({"default": i % 5 + 1},), draft=False,
                       service=f"Hidden team {i}")


def test_other_teams_spread_shows_with_five_teams_and_names_none(app, client, team_id,
                                                                 questionnaire):
    other_teams(app, questionnaire, 5)
    page = history_page(client, team_id)
    table = page.select_one("table.app-peers")
    strategy = next(r for r in table.select("tbody tr") if r.th.get_text() == "Strategy")
    assert [cell_text(td) for td in strategy.select("td")][:7] == \
        ["3.0", "In the middle half", "1.0", "2.0 to 4.0", "3.0", "5.0", "5"]
    assert strategy.svg["role"] == "img"
    assert "latest finished assessment of every other team using this app" in page_text(page)
    assert "Hidden team" not in page.get_text()


def test_other_teams_spread_is_withheld_with_four_teams_and_says_why(app, client, team_id,
                                                                     questionnaire):
    other_teams(app, questionnaire, 4)
    page = history_page(client, team_id)
    assert not page.select("table.app-peers")
    assert "show once at least 5 other teams have finished an assessment" in page_text(page)
    assert "Hidden team" not in page.get_text()


def test_the_demo_team_never_shows_other_teams_scores(app, client, team_id, questionnaire):
    other_teams(app, questionnaire, 5)
    with app.app_context():
        db.session.get(Team, team_id).is_demo = True
        db.session.commit()
    page = history_page(client, team_id)
    assert not page.select("table.app-peers")
    assert "This is a demo team, so we do not compare it with other teams" in page_text(page)


def test_a_viewer_can_read_it_and_another_team_cannot(app, client, team_id, make_user):
    viewer, outsider = make_user("v@state.gov"), make_user("x@irs.gov")
    with app.app_context():
        team = operations.create_team("Treasury", "IRS", "Taxpayer services")
        teams.add_member(team, db.session.get(User, outsider), OWNER)
        teams.add_member(db.session.get(Team, team_id), db.session.get(User, viewer), VIEWER)
        db.session.commit()
    from tests.conftest import sign_in_as
    assert history_page(sign_in_as(app.test_client(), viewer), team_id).h1
    assert sign_in_as(app.test_client(), outsider).get(f"/teams/{team_id}/history") \
        .status_code == 404


def test_the_team_page_links_to_the_history(client, team_id):
    page = check_page(client.get(f"/teams/{team_id}").get_data(as_text=True))
    assert page.find("a", href=f"/teams/{team_id}/history")


# The rules, table-driven.

def snap(key: str, day: int, finished: bool = True, targets=None, **scores: str | None):
    return Snapshot(key, Dated(dt.datetime(2025, 1, day), finished), finished,
                    {name: Score(None if s is None else D(s), None, "", D("3.0"))
                     for name, s in scores.items()}, targets or {})


def change(before: str | None, after: str | None, since: dt.date | None) -> ScoreChange:
    return ScoreChange(OVERALL, "", None if before is None else D(before),
                       None if after is None else D(after), since)


@pytest.mark.parametrize(("change", "arrow", "shown", "words"), [
    (change("2.5", "3.1", dt.date(2025, 11, 3)), "▲", "+0.6", "up 0.6 from November 2025"),
    (change("3.5", "2.0", dt.date(2024, 6, 1)), "▼", "−1.5", "down 1.5 from June 2024"),
    (change("2.0", "2.0", dt.date(2024, 6, 1)), "=", "0.0", "no change from June 2024"),
    (change(None, "2.0", dt.date(2024, 6, 1)), "", "",
     "no score in June 2024 to compare with"),
    (change(None, "2.0", None), "", "", ""),  # the first finished assessment
    (change("2.0", None, dt.date(2024, 6, 1)), "", "", ""),  # no score now
], ids=["up", "down", "same", "no-score-before", "first", "no-score-now"])
def test_a_change_is_an_arrow_a_number_and_words(change, arrow, shown, words):
    assert (change.arrow, change.shown, change.since_words) == (arrow, shown, words)


@pytest.mark.parametrize(("finished", "expected"), [
    ([True, True, True], [None, "a", "b"]),
    ([True, False, True], [None, "a", "a"]),  # a draft is never compared with
    ([False, True], [None, None]),
    ([], []),
])
def test_each_assessment_compares_with_the_previous_finished_one(finished, expected):
    snapshots = [snap("abcd"[i], i + 1, done) for i, done in enumerate(finished)]
    assert [p and p.public_id for p in previous_finished(snapshots)] == expected


def test_rows_are_newest_first_and_drafts_have_no_scores():
    snapshots = [snap("a", 1, overall="2.0"), snap("b", 2, False, overall="4.0"),
                 snap("c", 3, overall="2.5")]
    rows = history_rows(snapshots, [OVERALL])
    assert [r.public_id for r in rows] == ["c", "b", "a"]
    assert rows[0].changes[OVERALL] == change("2.0", "2.5", dt.date(2025, 1, 1))
    assert rows[0].changes[OVERALL].direction == "up"
    assert rows[0].previous == "a"
    assert rows[1].changes == {} and rows[1].previous is None
    assert rows[2].changes[OVERALL] == change(None, "2.0", None)
    assert rows[2].changes[OVERALL].direction == "new"


@pytest.mark.parametrize(("targets", "expected"), [
    ([{}, {}], (D("3.0"), None)),  # never set: the default
    ([{"strategy": (D("4.0"), dt.date(2026, 1, 1))}, {}], (D("4.0"), dt.date(2026, 1, 1))),
    ([{"strategy": (D("4.0"), None)}, {"strategy": (D("3.5"), dt.date(2027, 6, 30))}],
     (D("3.5"), dt.date(2027, 6, 30))),  # the latest one set wins
    ([{}, {"culture": (D("4.5"), None)}], (D("3.0"), None)),  # another pillar's target
])
def test_the_current_target_is_the_latest_one_set(targets, expected):
    snapshots = [snap(str(i), i + 1, targets=t) for i, t in enumerate(targets)]
    assert current_target(snapshots, "strategy", D("3.0")) == expected


def test_a_trend_has_finished_assessments_only_in_time_order():
    snapshots = [snap("a", 1, strategy="2.0", overall="2.0"),
                 snap("b", 2, False, strategy="5.0", overall="5.0"),
                 snap("c", 3, strategy=None, overall="2.5"),
                 snap("d", 4, targets={"strategy": (D("3.5"), None)})]  # a pillar not asked
    strategy = trend(snapshots, "strategy", "Strategy", D("3.0"))
    assert strategy.series == [(dt.date(2025, 1, 1), D("2.0")), (dt.date(2025, 1, 3), None),
                               (dt.date(2025, 1, 4), None)]
    assert (strategy.target, strategy.target_date) == (D("3.5"), None)
    overall = trend(snapshots, OVERALL, "Overall", D("3.0"))
    assert [score for _, score in overall.series] == [D("2.0"), D("2.5"), None]
    assert overall.target is None


@pytest.mark.parametrize(("own", "own_x"), [(D("2.5"), 120.0), (None, None), (D("5.0"), 230.0)])
def test_a_box_plot_places_the_spread_and_your_score_on_a_0_to_5_scale(own, own_x):
    box = box_plot(Spread(6, D("0.0"), D("1.0"), D("2.5"), D("4.0"), D("5.0")), own)
    assert (box.minimum, box.lower_quartile, box.median, box.upper_quartile, box.maximum) == \
        (10.0, 54.0, 120.0, 186.0, 230.0)
    assert box.own == own_x


def latest_finished(team_id: int) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(
        Assessment.team_id == team_id, Assessment.status == "finished")
        .order_by(Assessment.finished_at.desc()))


def test_the_kept_table_and_trends_change_as_soon_as_a_score_or_target_does(app, client,
                                                                            team_id):
    """The table and trend charts are kept between requests (web/fragments.py): a new target
    and a reopened assessment show on the very next page."""
    before = history_page(client, team_id).get_text(" ")
    with app.app_context():
        newest = db.session.scalar(db.select(Assessment).where(Assessment.team_id == team_id)
                                   .order_by(Assessment.started_at.desc()))
        operations.set_targets(newest, {"governance": D("4.5")})
        db.session.commit()
    targeted = history_page(client, team_id).get_text(" ")
    with app.app_context():
        operations.reopen_assessment(latest_finished(team_id))
        db.session.commit()
    reopened = history_page(client, team_id).get_text(" ")
    assert "Target 4.5" in targeted and "Target 4.5" not in before
    assert "Reopened: scores show when you finish it again." in reopened
    assert "Reopened: scores show when you finish it again." not in targeted
