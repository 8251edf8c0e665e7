"""The yearly cycle's rules: when the next assessment is due, which actions are due, how a
score moved, and when two teams have the same name.

Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

DUE_SOON_DAYS = 30  # an action due within this many days shows on "Your work"
DONE = "done"


def next_assessment_due(latest_finish: dt.date) -> dt.date:
    """A year after the latest finish, on the same day of the month. February 29 has no
    match in the next year, so it becomes February 28."""
    try:
        return latest_finish.replace(year=latest_finish.year + 1)
    except ValueError:  # February 29
        return latest_finish.replace(year=latest_finish.year + 1, day=28)


def action_is_due(due_date: dt.date | None, status: str, today: dt.date,
                  window_days: int = DUE_SOON_DAYS) -> bool:
    """An action needs attention when it is not done and its due date has passed or comes
    within the window. An undated or done action never does."""
    if due_date is None or status == DONE:
        return False
    return due_date <= today + dt.timedelta(days=window_days)


@dataclass(frozen=True)
class Trend:
    """How the overall score moved since the finished assessment before: +0.3, -0.1, 0.0."""

    change: Decimal

    @property
    def direction(self) -> str:
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def words(self) -> str:
        """"Up 0.3", "Down 0.1" or "No change"."""
        if self.change == 0:
            return "No change"
        return f"{'Up' if self.change > 0 else 'Down'} {abs(self.change)}"


def trend(latest: Decimal | None, earlier: Decimal | None) -> Trend | None:
    """The change between two displayed (rounded) overall scores; None when either has no
    score, so nothing is compared with nothing."""
    if latest is None or earlier is None:
        return None
    return Trend(latest - earlier)


def name_key(agency: str, office: str, service: str) -> tuple[str, str, str]:
    """What makes two teams the same team: agency, office and service, compared without
    regard to case or to spaces at the ends or repeated between words."""
    return tuple(" ".join(part.split()).casefold()  # type: ignore[return-value]
                 for part in (agency, office, service))
