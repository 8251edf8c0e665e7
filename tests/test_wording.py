"""The words people see: the one date rule, the one score-change type and the answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment.rules.comparison import ScoreChange
from assessment.rules.wording import answer_words, assessment_date, date_text

STARTED = dt.datetime(2026, 1, 5, 9, 30)
FINISHED = dt.datetime(2026, 3, 3, 16, 0)


@pytest.mark.parametrize(("started", "finished", "by_finish", "words", "phrase"), [
    (STARTED, None, False, "Started January 5, 2026", "started January 5, 2026"),
    (STARTED, FINISHED, True, "Finished March 3, 2026", "finished March 3, 2026"),
], ids=["a draft never finished goes by its start",
        "a finished or reopened one goes by its latest finish"])
def test_an_assessment_is_dated_by_its_latest_finish_else_its_start(started, finished,
                                                                    by_finish, words, phrase):
    dated = assessment_date(started, finished)
    assert (dated.on, dated.by_finish, dated.words, dated.phrase) == \
        (finished or started, by_finish, words, phrase)


@pytest.mark.parametrize(("style", "text"), [
    ("long", "March 3, 2026"), ("short", "Mar 3, 2026"), ("month", "March 2026"),
    ("time", "2026-03-03 16:00:00"),
])
def test_a_date_reads_the_same_in_every_style_everywhere(style, text):
    assert date_text(FINISHED, style) == text


def test_a_plain_date_reads_like_a_time_of_that_day():
    assert date_text(dt.date(2027, 6, 30)) == "June 30, 2027"


@pytest.mark.parametrize(("before", "after", "words", "way", "arrow", "shown"), [
    ("2.4", "3.2", "Up 0.8", "Up", "▲", "+0.8"),
    ("3.2", "2.9", "Down 0.3", "Down", "▼", "−0.3"),
    ("3.0", "3.0", "No change", "", "=", "0.0"),
    (None, "2.0", "New score", "", "", ""),
    ("2.0", None, "No score now", "", "", ""),
    (None, None, "No score either time", "", "", ""),
], ids=["up", "down", "same", "new", "gone", "none"])
def test_a_change_between_two_scores_is_said_in_words(before, after, words, way, arrow, shown):
    change = ScoreChange("strategy", "Strategy", None if before is None else Decimal(before),
                         None if after is None else Decimal(after))
    assert (change.words, change.way, change.arrow, change.shown) == (words, way, arrow, shown)
    assert change.since_words == ""  # without the earlier score's date, no "from …"


@pytest.mark.parametrize(("choice", "level", "name", "missing", "words"), [
    ("level", 3, None, "Not answered", "Level 3"),
    ("level", 3, "Defined", "Not answered", "Level 3: Defined"),
    (4, None, "Managed", "Not answered", "Level 4: Managed"),
    ("na", None, None, "Not answered", "Not applicable"),
    ("unknown", None, None, "Not answered", "Don't know"),
    (None, None, None, "Not answered", "Not answered"),
    (None, None, None, "", ""),
], ids=["stored level", "stored level with name", "scoring level", "not applicable",
        "don't know", "not answered", "not answered, in a spreadsheet"])
def test_an_answer_in_words(choice, level, name, missing, words):
    assert answer_words(choice, level, name, missing=missing) == words
