"""The yearly cycle's rules (rules/yearly_cycle.py), as tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment.rules.yearly_cycle import action_is_due, name_key, next_assessment_due, trend

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("finished", "due"), [
    (dt.date(2026, 11, 12), dt.date(2027, 11, 12)),
    (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # no February 29 next year
    (dt.date(2027, 2, 28), dt.date(2028, 2, 28)),
])
def test_the_next_assessment_is_due_a_year_after_the_latest_finish(finished, due):
    assert next_assessment_due(finished) == due


@pytest.mark.parametrize(("due_date", "status", "due"), [
    (TODAY, "not_started", True),
    (TODAY + dt.timedelta(days=30), "in_progress", True),  # the 30th day is within
    (TODAY + dt.timedelta(days=31), "not_started", False),
    (TODAY - dt.timedelta(days=400), "in_progress", True),  # long overdue
    (TODAY - dt.timedelta(days=1), "done", False),  # done is never due
    (TODAY + dt.timedelta(days=3), "done", False),
    (None, "not_started", False),  # no date, nothing to be late for
])
def test_an_action_is_due_when_not_done_and_overdue_or_due_within_30_days(due_date, status, due):
    assert action_is_due(due_date, status, TODAY) is due


@pytest.mark.parametrize(("latest", "earlier", "words", "direction"), [
    ("3.2", "2.4", "Up 0.8", "up"),
    ("2.9", "3.0", "Down 0.1", "down"),
    ("3.0", "3.0", "No change", "same"),
])
def test_the_trend_is_the_change_in_the_displayed_overall_score(latest, earlier, words,
                                                                direction):
    change = trend(Decimal(latest), Decimal(earlier))
    assert change is not None
    assert (change.words, change.direction) == (words, direction)


@pytest.mark.parametrize(("latest", "earlier"), [(None, Decimal("2.0")),
                                                 (Decimal("2.0"), None), (None, None)])
def test_there_is_no_trend_without_two_scores(latest, earlier):
    assert trend(latest, earlier) is None


@pytest.mark.parametrize(("one", "other", "same"), [
    (("Department of State", "Consular Affairs", "Passports"),
     ("department of state", "CONSULAR AFFAIRS", "passports"), True),
    (("Department of State", "Consular Affairs", "Passports"),
     ("  Department  of State ", "Consular\tAffairs", "Passports\n"), True),
    (("Department of State", "Consular Affairs", "Passports"),
     ("Department of State", "Consular Affairs", "Passport cards"), False),
    (("Department of State", "Consular Affairs", "Passports"),
     ("Department of State", "Passports", "Consular Affairs"), False),  # fields stay apart
])
def test_two_teams_are_the_same_when_agency_office_and_service_match_ignoring_case_and_spaces(
        one, other, same):
    assert (name_key(*one) == name_key(*other)) is same
