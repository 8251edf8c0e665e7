"""An organization's portfolio as the API gives it: plain JSON values from rules/portfolio.py
(the same data as the page, the summary, its PDF and the CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assessment.api.data import iso_date, number
from assessment.rules.portfolio import Cell, Portfolio, Row
from assessment.store.models import Organization


def score(cell: Cell | None) -> dict[str, Any]:
    if cell is None or cell.score is None:
        return {"score": None, "level": None, "level_name": None}
    return {"score": number(cell.score), "level": cell.level, "level_name": cell.level_name}


def service(portfolio: Portfolio, row: Row) -> dict[str, Any]:
    return {
        "team_id": row.team_id, "service": row.service, "office": row.office,
        "hisp_service": row.hisp_service, "latest_finished": iso_date(row.finished_on),
        "next_due": iso_date(row.next_due), "overdue": row.overdue,
        "overall": score(row.overall),
        "pillars": [{"id": pillar_id, "name": name, **score(row.cells.get(pillar_id)),
                     "below_target": bool(row.cells.get(pillar_id)
                                          and row.cells[pillar_id].below_target)}
                    for pillar_id, name in portfolio.pillars] if row.finished_on else [],
    }


def organization_portfolio(organization: Organization, portfolio: Portfolio,
                           on: dt.date) -> dict[str, Any]:
    return {
        "organization_id": organization.id, "name": organization.name,
        "date": on.isoformat(),
        "services": [service(portfolio, row) for row in portfolio.rows],
        "medians": [{"year": point.year, "services": point.services,
                     "pillars": [{"id": pillar_id, "median": number(point.medians.get(pillar_id))}
                                 for pillar_id, _ in portfolio.pillars]}
                    for point in portfolio.medians],
        "shared_weaknesses": [{"pillar_id": w.pillar_id, "practice_id": w.practice_id,
                               "practice_name": w.practice, "services": list(w.services)}
                              for w in portfolio.weaknesses],
        "overdue_actions": [{"service": a.service, "title": a.title, "practice_name": a.practice,
                             "owner": a.owner, "due_date": a.due_date.isoformat(),
                             "days_late": a.days_late} for a in portfolio.late_actions],
    }
