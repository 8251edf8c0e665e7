"""Command-line tools: seed-demo and plan."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from assessment.cli import DEMO_OWNER_EMAIL
from assessment.extensions import db
from assessment.store import accounts
from assessment.store.models import Assessment, Team
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


def test_seed_demo_runs_again_keeping_the_team_and_printing_a_fresh_sign_in(app, anonymous):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    again = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    *first_ids, first_user = first.stdout.strip().splitlines()
    *again_ids, again_user = again.stdout.strip().splitlines()
    assert again_ids == first_ids  # the same demo team, not a second one
    assert first_user.split()[:2] == again_user.split()[:2] == ["user", DEMO_OWNER_EMAIL]
    old_password, new_password = first_user.split()[2], again_user.split()[2]
    assert old_password != new_password
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Team)
                                 .filter_by(is_demo=True)) == 1
        owner = accounts.find_user(DEMO_OWNER_EMAIL)
        assert owner is not None
        assert accounts.check_sign_in(DEMO_OWNER_EMAIL, old_password).user is None
        assert accounts.check_sign_in(DEMO_OWNER_EMAIL, new_password).user is not None


def test_seed_demo_adds_the_demo_team_beside_other_teams(app, make_assessment):
    make_assessment(service="Taxpayer services")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 4


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
