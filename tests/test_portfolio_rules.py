"""The portfolio's rules (rules/portfolio.py), table-driven: medians, sorting, shared
weaknesses, overdue services and overdue actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment.rules.portfolio import (
    FinishedScores,
    OpenAction,
    Service,
    build_portfolio,
    median,
    median_charts,
)
from assessment.rules.scoring import score_assessment

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("values", "expected"), [
    ([], None),
    (["3.0"], "3.0"),
    (["1.0", "4.0", "2.0"], "2.0"),
    (["1.0", "2.0"], "1.5"),
    (["2.1", "2.2"], "2.2"),  # 2.15 rounds half up
    (["5.0", "1.0", "1.0", "5.0"], "3.0"),
])
def test_the_median_is_the_middle_score_rounded_half_up(values, expected):
    got = median([Decimal(v) for v in values])
    assert got == (None if expected is None else Decimal(expected))


def service(questionnaire, team_id: int, name: str, finishes: list[tuple[dt.date, str, str]],
            hisp: str | None = None) -> Service:
    """A service whose assessments answer strategy at one level and the rest at another."""
    def scored(strategy: str, rest: str):
        return score_assessment(questionnaire, {
            q.id: int(strategy if pillar.id == "strategy" else rest)
            for pillar, _, q in questionnaire.questions()})
    return Service(team_id, name, "Office", "Agency", hisp, tuple(
        FinishedScores(f"p{team_id}-{i}", on, scored(s, r))
        for i, (on, s, r) in enumerate(finishes)))


@pytest.fixture
def services(questionnaire):
    return [
        service(questionnaire, 1, "Passports", [(dt.date(2025, 3, 1), "1", "3"),
                                                (dt.date(2026, 3, 1), "2", "4")], "Passports"),
        service(questionnaire, 2, "Aid", [(dt.date(2025, 6, 1), "2", "2")]),  # due 2026-06-01
        service(questionnaire, 3, "Visas", [(dt.date(2026, 5, 1), "4", "5")]),
        service(questionnaire, 4, "New service", []),
    ]


@pytest.mark.parametrize(("sort", "direction", "order"), [
    ("service", "asc", ["Aid", "New service", "Passports", "Visas"]),
    ("service", "desc", ["Visas", "Passports", "New service", "Aid"]),
    ("strategy", "asc", ["Aid", "Passports", "Visas", "New service"]),
    ("strategy", "desc", ["Visas", "Aid", "Passports", "New service"]),  # ties by name
    ("overall", "desc", ["Visas", "Passports", "Aid", "New service"]),
    ("nonsense", "sideways", ["Aid", "New service", "Passports", "Visas"]),
])
def test_rows_sort_by_a_column_with_unscored_services_last(questionnaire, services, sort,
                                                           direction, order):
    portfolio = build_portfolio(questionnaire, services, [], TODAY, sort, direction)
    assert [r.service for r in portfolio.rows] == order


def test_a_cell_gives_the_score_and_its_level_in_words(questionnaire, services):
    rows = {r.service: r for r in build_portfolio(questionnaire, services, [], TODAY).rows}
    cell = rows["Passports"].cells["strategy"]
    assert (cell.score, cell.level_name, cell.below_target) == (Decimal("2.0"), "Tactical",
                                                                True)
    assert rows["Passports"].hisp_service == "Passports"
    assert rows["New service"].cells == {} and rows["New service"].overall is None


def test_services_are_overdue_a_year_after_their_latest_finish_or_never_finished(
        questionnaire, services):
    portfolio = build_portfolio(questionnaire, services, [], TODAY)
    assert [r.service for r in portfolio.overdue] == ["Aid", "New service"]


def test_the_median_per_pillar_counts_each_services_latest_finish_of_the_year(
        questionnaire, services):
    medians = build_portfolio(questionnaire, services, [], TODAY).medians
    assert [(m.year, m.services) for m in medians] == [(2025, 2), (2026, 2)]
    assert medians[0].medians["strategy"] == Decimal("1.5")  # 1 and 2
    assert medians[1].medians["strategy"] == Decimal("3.0")  # 2 and 4
    charts = median_charts(build_portfolio(questionnaire, services, [], TODAY))
    assert [p.label for p in charts[0].chart.points] == ["2025", "2026"]


def test_shared_weaknesses_are_practices_below_target_in_more_than_one_service(
        questionnaire, services):
    weaknesses = build_portfolio(questionnaire, services, [], TODAY).weaknesses
    strategy = questionnaire.pillars[0]
    # Strategy is below 3 in Passports (2) and Aid (2); every other pillar only in Aid.
    assert [w.practice_id for w in weaknesses] == [p.id for p in strategy.practices]
    assert weaknesses[0].services == ("Aid", "Passports")


def test_overdue_actions_are_late_and_not_done_most_days_late_first(questionnaire, services):
    practice = questionnaire.pillars[0].practices[0]
    actions = [
        OpenAction(1, "Late", practice.id, "CX lead", dt.date(2026, 11, 1), "in_progress"),
        OpenAction(2, "Later", practice.id, "", dt.date(2026, 10, 1), "not_started"),
        OpenAction(2, "Due today", practice.id, "", TODAY, "not_started"),
        OpenAction(3, "Undated", practice.id, "", None, "not_started"),
        OpenAction(3, "Done", practice.id, "", dt.date(2026, 1, 1), "done"),
        OpenAction(99, "Another organization's", practice.id, "", dt.date(2026, 1, 1),
                   "not_started"),
    ]
    late = build_portfolio(questionnaire, services, actions, TODAY).late_actions
    assert [(a.title, a.service, a.days_late, a.practice) for a in late] == [
        ("Later", "Aid", 61, practice.name), ("Late", "Passports", 30, practice.name)]
