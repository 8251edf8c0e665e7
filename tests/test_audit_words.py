"""The audit log in words (rules/audit_words.py): assessments named by their date, never an
internal number; who, when nobody was signed in; times in a named zone; target changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assessment.rules.audit_words import (
    COMMAND_LINE,
    DELETED_ASSESSMENT,
    NOT_SIGNED_IN,
    assessment_names,
    event_words,
    local_time,
    target_changes,
    who_words,
)
from assessment.rules.wording import Dated
from assessment.store.audit import ACTIONS

NOV = Dated(dt.datetime(2026, 11, 3, 15, 0), True)
NAMES = {5: "the November 2026 assessment"}


@pytest.mark.parametrize(("action", "detail", "words"), [
    ("assessment_finished", "assessment 5", "Finished the November 2026 assessment"),
    ("assessment_reopened", "assessment 5", "Reopened the November 2026 assessment"),
    ("assessment_opened", "assessment 5: open",
     "Opened the November 2026 assessment to every member of the team"),
    ("assessment_opened", "assessment 5: closed",
     "Let only owners answer the November 2026 assessment"),
    ("answers_saved", "Strategy, assessment 5",
     "Saved answers to Strategy in the November 2026 assessment"),
    ("targets_set", "assessment 5: Strategy 3.5 (was 3.0)",
     "Changed the targets of the November 2026 assessment: Strategy 3.5 (was 3.0)"),
    ("assessment_finished", "assessment 9", f"Finished {DELETED_ASSESSMENT}"),
    ("role_changed", "ana@state.gov: member to viewer",
     "Changed the role of ana@state.gov from member to viewer"),
    ("export", "plan.pdf", "Downloaded: plan.pdf"),
    ("sign_in", "", "Signed in"),
    ("sign_in", "by single sign-on with Login.gov", "Signed in by single sign-on with Login.gov"),
    ("sign_in", "single sign-on with Okta: state did not match",
     "Signed in: single sign-on with Okta: state did not match"),
    ("sso_linked", "Login.gov", "Linked sign-in with Login.gov to the account"),
    ("sign_out", "", "Signed out"),
    ("something_new", "assessment 5", "Something new: the November 2026 assessment"),
])
def test_events_read_as_sentences_without_internal_numbers(action, detail, words):
    assert event_words(action, detail, ACTIONS, NAMES) == words


def test_assessments_go_by_their_month_or_by_their_day_when_two_share_a_month():
    names = assessment_names([
        (1, NOV), (2, Dated(dt.datetime(2026, 11, 20), False)),
        (3, Dated(dt.datetime(2025, 10, 1), True))])
    assert names == {1: "the November 3, 2026 assessment",
                     2: "the November 20, 2026 assessment",
                     3: "the October 2025 assessment"}


@pytest.mark.parametrize(("email", "detail", "who"), [
    ("ana@state.gov", "", "ana@state.gov"), ("", "command line: team.json", COMMAND_LINE),
    ("", "", NOT_SIGNED_IN),
])
def test_who_is_never_called_signed_out(email, detail, who):
    assert who_words(email, detail) == who
    assert who != "Signed out"


@pytest.mark.parametrize(("zone", "words"), [
    ("America/New_York", "Dec 1, 2026, 3:26:46 AM EST"),
    ("America/Los_Angeles", "Dec 1, 2026, 12:26:46 AM PST"),
    ("UTC", "Dec 1, 2026, 8:26:46 AM UTC"),
    ("Pacific/Honolulu", "Nov 30, 2026, 10:26:46 PM HST"),
])
def test_a_time_is_shown_in_a_named_zone(zone, words):
    shown = local_time(dt.datetime(2026, 12, 1, 8, 26, 46), ZoneInfo(zone))
    assert (shown.words, shown.iso_utc) == (words, "2026-12-01T08:26:46Z")


def test_summer_time_names_its_own_zone():
    assert local_time(dt.datetime(2026, 7, 1, 16, 0), ZoneInfo("America/New_York")).words \
        == "Jul 1, 2026, 12:00:00 PM EDT"


@pytest.mark.parametrize(("rows", "detail"), [
    ([("Strategy", Decimal("3.0"), None, Decimal("3.5"), None)], "Strategy 3.5 (was 3.0)"),
    ([("Design", Decimal("3.0"), None, Decimal("3.0"), dt.date(2027, 6, 30))],
     "Design 3.0 by June 30, 2027 (was 3.0)"),
    ([("Strategy", Decimal("3.0"), None, Decimal("3.0"), None)], "no change"),
])
def test_a_targets_event_says_what_changed_and_what_it_was(rows, detail):
    assert target_changes(rows) == detail
