"""Exports for teams that keep their work in other tools: the action plan as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from assessment.report.plan_data import ActionRow

ACTION_COLUMNS = ("Priority", "Pillar", "Practice", "Action", "Owner", "Due date", "Status",
                  "Status history")
# A cell starting with one of these runs as a formula in Excel and other spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def actions_csv(rows: Iterable[ActionRow]) -> str:
    """The action plan as CSV: a header row, then one row per action, in plan order.

    Starts with a byte order mark, so Excel reads the text as UTF-8. Due dates are
    YYYY-MM-DD, so they sort and import cleanly. The last column is the status history:
    "Not started on 2026-01-05 by lead@state.gov; In progress on 2026-03-01 by …".
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACTION_COLUMNS)
    for row in rows:
        writer.writerow([
            row.priority or "", row.pillar, row.practice, _cell(row.title), _cell(row.owner),
            row.due_date.isoformat() if row.due_date else "", row.status,
            _cell("; ".join(step.text for step in row.history)),
        ])
    return out.getvalue()


def _cell(text: str) -> str:
    """Team-written text, made safe to open in a spreadsheet."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
