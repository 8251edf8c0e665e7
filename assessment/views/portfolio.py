"""An organization's portfolio: its services side by side (page, one-page summary, PDF and
CSV), a shared weakness's next steps, and a team's latest plan as the organization sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug import Response

from assessment.extensions import db
from assessment.report.plan_data import find_practice
from assessment.report.portfolio_csv import portfolio_csv
from assessment.rules.portfolio import Portfolio, median_charts
from assessment.store import audit, stamps
from assessment.store.models import FINISHED, ORG_OWNER, ORG_VIEWER, Assessment, Organization
from assessment.store.portfolio import organization_portfolio
from assessment.views.common import current_questionnaire
from assessment.web.access import organization_or_404, organization_team_or_404
from assessment.web.fragments import Kept, cached_page

bp = Blueprint("portfolio", __name__)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


KEPT_PORTFOLIOS = 32  # per app process: a 200-service portfolio takes seconds to read


def read_portfolio(organization: Organization) -> Portfolio:
    """The portfolio, sorted as the link asked (?sort=<pillar id|service|overall>&dir=): kept
    between requests (the page, its summary, PDF and CSV, a shared weakness's page) until the
    organization's row changes (its revision moves with its teams, their assessments and
    actions, who joins or leaves, and its bureaus: migration 0015), or the day does."""
    questionnaire = current_questionnaire()
    sort, direction = request.args.get("sort", "service")[:80], request.args.get("dir", "asc")[:4]
    key = (organization.id, questionnaire.version, today(), stamps.row_values(organization),
           sort, direction)
    kept: Kept[Portfolio] = current_app.extensions.setdefault(
        "portfolios", Kept[Portfolio](KEPT_PORTFOLIOS))
    return kept.get_or_make(key, lambda: organization_portfolio(
        organization, questionnaire, today(), sort, direction))


@bp.get("/organizations/<int:organization_id>")
def portfolio(organization_id: int) -> str:
    organization, role = organization_or_404(organization_id, ORG_VIEWER)
    # Kept until the organization's row changes (its revision moves with its teams, their
    # assessments and actions) or the day does (what is overdue); the address (the sort) and
    # the reader are part of the key.
    key = ("portfolio", role, current_questionnaire().version, today(),
           stamps.row_values(organization))

    def render() -> str:
        data = read_portfolio(organization)
        return render_template("portfolio/portfolio.html", organization=organization,
                               role=role, owner=ORG_OWNER, portfolio=data,
                               charts=median_charts(data))

    return cached_page(key, render)


@bp.get("/organizations/<int:organization_id>/summary")
def summary(organization_id: int) -> str:
    """The one-page summary as a web page: the same data and partial as the PDF."""
    organization, _ = organization_or_404(organization_id, ORG_VIEWER)
    return render_template("portfolio/summary.html", organization=organization,
                           portfolio=read_portfolio(organization), on=today())


@bp.get("/organizations/<int:organization_id>/summary.pdf")
def summary_pdf(organization_id: int) -> Response:
    organization, _ = organization_or_404(organization_id, ORG_VIEWER)
    from assessment.report import pdf as report  # WeasyPrint loads on first use

    html = render_template("portfolio/summary_pdf.html", organization=organization,
                           portfolio=read_portfolio(organization), on=today())
    return download(organization, report.kept_pdf(html, _static_folder()),
                    "application/pdf", "portfolio-summary.pdf")


def _static_folder() -> str:
    return str(current_app.static_folder)


@bp.get("/organizations/<int:organization_id>/portfolio.csv")
def csv(organization_id: int) -> Response:
    organization, _ = organization_or_404(organization_id, ORG_VIEWER)
    return download(organization,
                    portfolio_csv(read_portfolio(organization)).encode("utf-8"),
                    "text/csv; charset=utf-8", "portfolio.csv")


def download(organization: Organization, body: bytes, mimetype: str, what: str) -> Response:
    from assessment.report import pdf as report

    name = report.download_name(organization.name, today(), what)
    audit.record_event("org_export", detail=f"organization {organization.id}: {name}")
    db.session.commit()
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/organizations/<int:organization_id>/practices/<practice_id>")
def practice(organization_id: int, practice_id: str) -> str:
    """A practice weak across services: which ones, its next steps and its resources."""
    organization, _ = organization_or_404(organization_id, ORG_VIEWER)
    questionnaire = current_questionnaire()
    found = find_practice(questionnaire, practice_id)
    if found is None:
        abort(404)
    data = read_portfolio(organization)
    weakness = next((w for w in data.weaknesses if w.practice_id == practice_id), None)
    return render_template("portfolio/practice.html", organization=organization,
                           pillar=found[0], practice=found[1], weakness=weakness,
                           levels=questionnaire.levels)


@bp.get("/organizations/<int:organization_id>/teams/<int:team_id>/plan.pdf")
def plan_pdf(organization_id: int, team_id: int) -> Response:
    """The team's latest finished plan; its answers and notes only if the team shares them."""
    organization, _ = organization_or_404(organization_id, ORG_VIEWER)
    link = organization_team_or_404(organization, team_id)
    assessment = db.session.scalar(
        db.select(Assessment).where(Assessment.team_id == team_id, Assessment.status == FINISHED)
        .order_by(Assessment.finished_at.desc(), Assessment.id.desc()).limit(1))
    if assessment is None:
        abort(404)
    from assessment.report import pdf as report

    plan = report.plan_context(assessment)
    if not link.shares_answers:
        plan = replace(plan, answers=(), knowledge_gaps=tuple(
            replace(gap, note="") for gap in plan.knowledge_gaps))
    pdf = report.kept_pdf(report.render_plan_html(plan), _static_folder())
    name = report.download_name(assessment.team.service, report.plan_date(assessment),
                                "improvement-plan.pdf")
    audit.record_event("export", team=assessment.team,
                       detail=f"organization {organization.id}: {name}")
    db.session.commit()
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
