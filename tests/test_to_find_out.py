"""A pillar with "not enough answers" gives no weak practices: the results page and the plan
list its practices under "Things to find out", and none of them is a priority."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import db
from assessment.report.pdf import plan_context, render_plan_html
from assessment.rules.questionnaire import Questionnaire
from assessment.store.models import Assessment
from tests.conftest import check_page, page_text


@pytest.fixture
def strategy_unknown(make_assessment, questionnaire: Questionnaire) -> str:
    """Every answer level 1, but Strategy: one question at level 1, the rest "Don't know"."""
    strategy = questionnaire.pillar("strategy").questions
    answers = {q.id: "1" for *_, q in questionnaire.questions()}
    answers |= {q.id: "unknown" for q in strategy[1:]}
    return make_assessment(answers, finished=True)


def test_the_results_page_lists_the_practices_of_a_pillar_without_a_score_to_find_out(
        client: FlaskClient, strategy_unknown: str, questionnaire: Questionnaire) -> None:
    page = check_page(client.get(f"/assessments/{strategy_unknown}/results").data)
    strategy = questionnaire.pillar("strategy")
    weak = [h.get_text(" ", strip=True) for h in page.select(".app-weak__title")]
    assert not any(p.name in title for p in strategy.practices for title in weak)
    assert len(weak) == sum(len(p.practices) for p in questionnaire.pillars) - len(
        strategy.practices)
    listed = " ".join(page.select_one("#not-enough-answers").find_next("ul").get_text().split())
    assert listed == f"{strategy.name}: " + ", ".join(p.name for p in strategy.practices)


def test_the_plan_lists_them_to_find_out_and_never_as_priorities(
        app: Flask, strategy_unknown: str, questionnaire: Questionnaire) -> None:
    with app.test_request_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=strategy_unknown))
        page = BeautifulSoup(render_plan_html(plan_context(assessment)),
                             "html.parser")
    strategy = questionnaire.pillar("strategy")
    priorities = page_text(page.select_one("#priorities"))
    assert not any(p.name in priorities for p in strategy.practices)
    gaps = page.select_one("#knowledge-gaps")
    assert "1 pillar has “Not enough answers”" in page_text(gaps)
    row = gaps.find("caption", string="Practices in pillars with “Not enough answers”") \
        .find_parent("table").select_one("tbody tr")
    assert row.th.get_text() == strategy.name
    assert row.td.get_text() == ", ".join(p.name for p in strategy.practices)
    pillar = page_text(page.select_one("#pillar-strategy"))
    assert "Not enough answers for a score." in pillar
    row = page.select_one("#scores").find("th", string=strategy.name).find_parent("tr")
    assert "Cannot tell: see “Things to find out”" in page_text(row)
