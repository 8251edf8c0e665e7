"""Pages about the tool: home, how scoring works, accessibility and privacy."""

from __future__ import annotations

from flask import Blueprint, render_template

from assessment.rules.scoring import DEFAULT_TARGET, PRIORITY_COUNT
from assessment.store.queries import demo_assessments
from assessment.views.common import current_questionnaire

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    return render_template("main/home.html", questionnaire=current_questionnaire(),
                           demos=demo_assessments())


@bp.get("/how-scoring-works")
def scoring() -> str:
    return render_template("main/scoring.html", questionnaire=current_questionnaire(),
                           default_target=DEFAULT_TARGET, priority_count=PRIORITY_COUNT)


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.get("/about")
def about() -> str:
    return render_template("main/about.html", questionnaire=current_questionnaire())


@bp.get("/privacy")
def privacy() -> str:
    return render_template("main/privacy.html")
