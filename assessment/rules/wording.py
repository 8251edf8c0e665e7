"""The words people see for answers and dates, in one place: pages, the PDF, CSV files and
templates (through the `date` filter and the `answer_words` global) all read them from here.

Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from assessment.rules.scoring import DONT_KNOW, NOT_APPLICABLE

# The two answers that are not a level, as every page, file and form names them.
ANSWER_WORDS = {NOT_APPLICABLE: "Not applicable", DONT_KNOW: "Don't know"}
NOT_ANSWERED = "Not answered"



@dataclass(frozen=True)
class LinkedSentence:
    """A sentence with one link in it: the web page links the words, the PDF prints the URL."""

    before: str
    link_text: str
    url: str
    after: str


# What a practice with no Toolkit resource offers instead, on the results page and in the plan.
# The CX Community of Practice is linked from the Toolkit itself (seeds/cx-toolkit.md).
NO_RESOURCE = LinkedSentence(
    "The CX Toolkit lists no resource for this practice. Start with the next step above, and "
    "ask the", "CX Community of Practice", "https://digital.gov/communities/customer-experience/",
    "how other agencies did it.")

DateStyle = Literal["long", "short", "month", "time"]


def date_text(value: dt.date, style: DateStyle = "long") -> str:
    """A date as people read it: long "March 3, 2026", short "Mar 3, 2026", month
    "March 2026", or time "2026-03-03 14:05:00" (for logs, where seconds matter)."""
    if style == "time":
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if style == "month":
        return f"{value:%B} {value.year}"
    month = f"{value:%b}" if style == "short" else f"{value:%B}"
    return f"{month} {value.day}, {value.year}"


def level_words(level: int, name: str | None = None) -> str:
    """A level answer: "Level 3", or with its name "Level 3: Defined"."""
    return f"Level {level}" + (f": {name}" if name else "")


def answer_words(choice: str | int | None, level: int | None = None,
                 level_name: str | None = None, missing: str = NOT_ANSWERED) -> str:
    """An answer in words. `choice` is a stored choice ("level", "na", "unknown", None) with
    its level, or a scoring answer (a level number, "na", "unknown")."""
    if isinstance(choice, int) and not isinstance(choice, bool):
        level = choice
    elif choice in ANSWER_WORDS:
        return ANSWER_WORDS[choice]
    if level is None:
        return missing
    return level_words(level, level_name)


@dataclass(frozen=True)
class Dated:
    """The date an assessment goes by. A finished or reopened one is dated by its latest
    finish; a draft never finished, by its start. The words always say which."""

    on: dt.datetime
    by_finish: bool

    @property
    def words(self) -> str:
        """For the start of a sentence or a label: "Finished March 3, 2026"."""
        return f"{'Finished' if self.by_finish else 'Started'} {date_text(self.on)}"

    @property
    def phrase(self) -> str:
        """For the middle of a sentence: "finished March 3, 2026"."""
        return f"{'finished' if self.by_finish else 'started'} {date_text(self.on)}"


def assessment_date(started_at: dt.datetime, finished_at: dt.datetime | None) -> Dated:
    """The one date rule. `finished_at` is the latest finish; reopening keeps it."""
    if finished_at is not None:
        return Dated(finished_at, True)
    return Dated(started_at, False)
