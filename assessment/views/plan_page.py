"""The improvement plan as a web page: the same plan data and the same parts as the PDF
(templates/report/_body.html) in the site's frame, printable from the browser."""

from __future__ import annotations

from flask import Blueprint, render_template

from assessment.report.plan_source import plan_context
from assessment.store.models import VIEWER
from assessment.views.plan import finished_assessment_or_redirect

bp = Blueprint("plan_page", __name__)


@bp.get("/assessments/<public_id>/plan")
def plan_page(public_id: str) -> str:
    assessment = finished_assessment_or_redirect(
        public_id, "Finish the assessment to see your improvement plan.", VIEWER)
    return render_template("plan/page.html", assessment=assessment,
                           plan=plan_context(assessment), on_web=True)
