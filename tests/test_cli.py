"""Command-line tools: seed-demo and plan."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from assessment.extensions import db
from assessment.store.models import Assessment
from assessment.store.read_model import scored_assessment


def test_seed_demo_creates_three_finished_assessments_a_year_apart(app, questionnaire):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    *lines, user_line = result.output.strip().splitlines()
    assert len(lines) == 3
    ids = [re.fullmatch(r"assessment ([\w-]+)", line).group(1) for line in lines]
    assert re.fullmatch(r"user demo-owner@example\.gov \S{12,}", user_line), user_line
    with app.app_context():
        assessments = [db.session.scalar(db.select(Assessment).filter_by(public_id=i)) for i in ids]
        assert {a.team_id for a in assessments} == {assessments[0].team_id}
        team = assessments[0].team
        assert (team.service, team.office) == ("Passport Services", "Bureau of Consular Affairs")
        assert all(a.is_finished for a in assessments)
        years = [a.finished_at.year for a in assessments]
        assert years == [years[0], years[0] + 1, years[0] + 2]
        overall = [scored_assessment(a).results.score for a in assessments]
        assert overall[0] < overall[1] < overall[2], overall
        first_year = scored_assessment(assessments[0]).results
        assert first_year.knowledge_gaps, "the first year should have things to find out"


def test_seed_demo_refuses_a_database_that_has_data(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert "only runs on an empty database" in again.output


def test_the_home_page_links_to_the_demo_results(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    page = client.get("/").data.decode()
    links = re.findall(r'href="(/assessments/[\w-]+/results)"', page)
    assert len(links) == 3
    assert client.get(links[-1]).status_code == 200


def test_plan_writes_the_improvement_plan_of_an_assessment_by_public_or_numeric_id(
        app, tmp_path):
    runner = app.test_cli_runner()
    latest = runner.invoke(args=["seed-demo"]).output.splitlines()[2].split()[-1]
    with app.app_context():
        numeric = db.session.scalar(db.select(Assessment).filter_by(public_id=latest)).id
    for given in (latest, str(numeric)):
        output = tmp_path / f"plan-{given}.pdf"
        result = runner.invoke(args=["plan", given, "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert f"Wrote the improvement plan to {output}" in result.output
        pdf = PdfReader(output)
        assert pdf.metadata.title == "CX improvement plan: Passport Services"
        assert len(pdf.pages) > 10


@pytest.mark.parametrize(("finished", "message"), [
    (None, "There is no assessment with the id"),
    (False, "This assessment is not finished yet."),
])
def test_plan_explains_why_it_cannot_make_a_plan(app, make_assessment, tmp_path, finished,
                                                 message):
    given = "no-such-id" if finished is None else make_assessment({}, finished=finished)
    output = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(args=["plan", given, "--output", str(output)])
    assert result.exit_code != 0
    assert message in result.output
    assert not output.exists()


def test_plan_takes_an_id_that_starts_with_a_dash_after_two_dashes(app, make_assessment,
                                                                     tmp_path):
    public_id = make_assessment({})
    with app.app_context():
        db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)).public_id = \
            "-older-link-id"
        db.session.commit()
    output = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(
        args=["plan", "--output", str(output), "--", "-older-link-id"])
    # Found (it is only not finished): the id was not read as an option.
    assert "This assessment is not finished yet." in result.output, result.output
