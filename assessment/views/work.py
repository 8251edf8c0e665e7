"""Your work: the signed-in home. Your teams with their latest score and trend, drafts to
continue, actions due or overdue, and when each team's next assessment is due."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from assessment.rules.yearly_cycle import DUE_SOON_DAYS
from assessment.store import teams
from assessment.store.models import OWNER
from assessment.store.your_work import your_work
from assessment.web.review_access import reviews_for_an_organization

bp = Blueprint("work", __name__)


@bp.get("/your-work")
@login_required
def home() -> str:
    return render_template("work/your_work.html", work=your_work(current_user, today()),
                           invites=teams.invites_for(current_user), owner=OWNER,
                           due_soon_days=DUE_SOON_DAYS,
                           reviewer=reviews_for_an_organization())


def today() -> dt.date:
    """Today in UTC, the zone the app stores dates in."""
    return dt.datetime.now(dt.UTC).date()
