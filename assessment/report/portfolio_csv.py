"""An organization's portfolio table as CSV: one row per service, a score and a level per
pillar, the overall, the latest finish and when the next assessment is due."""

from __future__ import annotations

import csv
import io

from assessment.report.actions_csv import _cell
from assessment.rules.portfolio import Cell, Portfolio


def portfolio_csv(portfolio: Portfolio) -> str:
    """The table in the order it was sorted, with a byte order mark for Excel. A pillar with
    "not enough answers" has an empty score and that level."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Service", "Office", "HISP", *(f"{name} {what}" for _, name in
                                                     portfolio.pillars
                                                     for what in ("score", "level")),
                     "Overall score", "Overall level", "Latest finished", "Next due",
                     "Overdue"])
    for row in portfolio.rows:
        writer.writerow([
            _cell(row.service), _cell(row.office), _cell(row.hisp_service or ""),
            *(part for pillar_id, _ in portfolio.pillars
              for part in _parts(row.cells.get(pillar_id))),
            *_parts(row.overall),
            row.finished_on.isoformat() if row.finished_on else "",
            row.next_due.isoformat() if row.next_due else "", "Yes" if row.overdue else "No"])
    return out.getvalue()


def _parts(cell: Cell | None) -> tuple[str, str]:
    if cell is None:
        return "", "No finished assessment"
    return (str(cell.score) if cell.score is not None else "",
            f"{cell.level}: {cell.level_name}" if cell.level else cell.level_name)
