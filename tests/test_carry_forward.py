"""Actions belong to the team and the practice: an open action shows on the team's next
assessments (results, plan, CSV) with its status history; a done action stays on the
assessments up to the one it was done on; export and import keep that shape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.report import pdf as report
from assessment.store import accounts, deleting, operations, read_model
from assessment.store.models import Action, Assessment
from assessment.transfer import exporting, importing
from tests.conftest import check_page, page_text

PASSWORD = "correct horse battery staple"
IMPORTERS = (f"importer{n}@state.gov" for n in itertools.count())

MEASUREMENT_WEAK = "2"


def form(client, url: str, **data: str) -> dict[str, str]:
    """The form's hidden fields (security token, one-time key) and the given values."""
    page = BeautifulSoup(client.get(url).data, "html.parser")
    hidden = {i["name"]: i["value"] for i in page.select("form[method=post] input[type=hidden]")}
    return hidden | data


def action_data(title: str, status: str = "not_started") -> dict[str, str]:
    return {"title": title, "owner": "CX lead", "due_month": "3", "due_day": "31",
            "due_year": "2028", "status": status}


@pytest.fixture
def year_one(app, client, make_assessment, questionnaire):
    """A finished assessment, started a year ago, weak in measurement; its public id."""
    answers = {q.id: MEASUREMENT_WEAK if p.id == "measurement" else "3"
               for p, _, q in questionnaire.questions()}
    public_id = make_assessment(answers, finished=True)
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        year_ago = assessment.started_at - dt.timedelta(days=365)
        assessment.started_at, assessment.finished_at = year_ago, year_ago
        db.session.commit()
    return public_id


def add(client, public_id: str, practice_id: str, title: str, status: str = "not_started"):
    url = f"/assessments/{public_id}/practices/{practice_id}/actions/new"
    response = client.post(url, data=form(client, url, **action_data(title, status)))
    assert response.status_code == 302
    return response


def action_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Action.id).filter_by(title=title))


def next_year(app, client, public_id: str, questionnaire) -> str:
    """Start the team's next assessment from its team page, and finish it (same answers)."""
    with app.app_context():
        team_id = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)).team_id
    url = f"/teams/{team_id}"
    response = client.post(f"/teams/{team_id}/assessments", data=form(client, url))
    assert response.status_code == 302
    new_id = response.location.split("/")[2]
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=new_id))
        operations.save_answers(assessment.responses[0], {
            q.id: operations.SubmittedAnswer(MEASUREMENT_WEAK if p.id == "measurement" else "3")
            for p, _, q in questionnaire.questions()})
        operations.finish_assessment(assessment)
        db.session.commit()
    return new_id


def shown(app, public_id: str) -> list[str]:
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        titles = [a.title for a in read_model.assessment_actions(assessment)]
        assert [a.title for a in assessment.actions] == titles  # the same rule, read-only
        return titles


def csv_rows(client, public_id: str) -> list[list[str]]:
    text = client.get(f"/assessments/{public_id}/actions.csv").data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_open_action_shows_on_the_next_assessment_and_a_done_one_stays_behind(
        app, client, year_one, questionnaire):
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Publish survey results", "in_progress")
    add(client, year_one, practice, "Name a CX lead", "done")
    year_two = next_year(app, client, year_one, questionnaire)
    assert shown(app, year_one) == ["Publish survey results", "Name a CX lead"]
    assert shown(app, year_two) == ["Publish survey results"]
    page = page_text(check_page(client.get(f"/assessments/{year_two}/results").data.decode()))
    assert "Publish survey results" in page and "Carried over from the assessment" in page
    assert "Name a CX lead" not in page
    rows = csv_rows(client, year_two)
    assert [r[3] for r in rows[1:]] == ["Publish survey results"]
    assert rows[1][7].startswith("In progress on ") and rows[1][7].endswith(" by owner@state.gov")
    with app.app_context():
        plan = report.plan_context(db.session.scalar(
            db.select(Assessment).filter_by(public_id=year_two)))
    assert [a.title for a in plan.actions] == ["Publish survey results"]
    assert [s.status for s in plan.actions[0].history] == ["In progress"]


def test_an_action_done_on_a_later_assessment_stays_there_and_leaves_the_one_after(
        app, client, year_one, questionnaire):
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Publish survey results")
    year_two = next_year(app, client, year_one, questionnaire)
    edit = f"/assessments/{year_two}/actions/{action_id(app, 'Publish survey results')}/edit"
    assert client.post(edit, data=form(client, edit, **action_data(
        "Publish survey results", "done"))).status_code == 302
    year_three = next_year(app, client, year_two, questionnaire)
    assert shown(app, year_one) == shown(app, year_two) == ["Publish survey results"]
    assert shown(app, year_three) == []
    history = page_text(check_page(client.get(f"/assessments/{year_two}/results").data.decode()))
    assert "Status history" in history and "Done: " in history and "Not started: " in history
    rows = csv_rows(client, year_two)
    assert rows[1][6] == "Done"
    assert [step.split(" on ")[0] for step in rows[1][7].split("; ")] == ["Not started", "Done"]


def test_an_action_marked_open_again_carries_forward_again(app, client, year_one,
                                                          questionnaire):
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Publish survey results", "done")
    edit = f"/assessments/{year_one}/actions/{action_id(app, 'Publish survey results')}/edit"
    client.post(edit, data=form(client, edit, **action_data("Publish survey results",
                                                            "in_progress")))
    year_two = next_year(app, client, year_one, questionnaire)
    assert shown(app, year_two) == ["Publish survey results"]


def test_a_deleted_action_shows_on_no_assessment(app, client, year_one, questionnaire):
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Publish survey results")
    year_two = next_year(app, client, year_one, questionnaire)
    with app.app_context():
        deleting.delete_action(db.session.get(Action, action_id(app, "Publish survey results")),
                               None)
        db.session.commit()
    assert shown(app, year_one) == shown(app, year_two) == []


def test_export_and_import_keep_where_actions_end_and_their_history(app, client, year_one,
                                                                    questionnaire, owner_id):
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Carried")
    add(client, year_one, practice, "Done first year", "done")
    year_two = next_year(app, client, year_one, questionnaire)
    with app.app_context():
        first = db.session.scalar(db.select(Assessment).filter_by(public_id=year_one))
        data = exporting.team_export(first.team)
        actions = data["assessments"][0]["actions"]
        assert [(a["title"], a["last_assessment"]) for a in actions] == \
            [("Carried", None), ("Done first year", 0)]
        assert actions[0]["history"][0]["changed_by"] == "owner@state.gov"
        # Someone outside the team imports it (the team's own owner would be asked to add
        # the file to the team they have).
        team = importing.import_document(importing.read_export(json.dumps(data).encode()),
                                         accounts.create_user(next(IMPORTERS), PASSWORD))
        db.session.commit()
        copies = read_model.team_assessments(team)
        assert [[a.title for a in read_model.assessment_actions(c)] for c in copies] == \
            [["Carried", "Done first year"], ["Carried"]]
        assert [c.status for c in read_model.assessment_actions(copies[1])[0].status_changes] \
            == ["not_started"]
    assert year_two


def test_an_export_from_before_carrying_forward_still_imports(app, client, year_one,
                                                              questionnaire):
    """Older files have no last_assessment or history: an open action on the latest
    assessment carries forward; one on an earlier assessment stays where it was."""
    practice = questionnaire.pillar("measurement").practices[0].id
    add(client, year_one, practice, "Old and open")
    year_two = next_year(app, client, year_one, questionnaire)
    add(client, year_two, practice, "Latest and open")
    with app.app_context():
        first = db.session.scalar(db.select(Assessment).filter_by(public_id=year_one))
        data = exporting.team_export(first.team)
        for assessment in data["assessments"]:
            for action in assessment["actions"]:
                del action["last_assessment"], action["history"]
        # Someone outside the team imports it (the team's own owner would be asked to add
        # the file to the team they have).
        team = importing.import_document(importing.read_export(json.dumps(data).encode()),
                                         accounts.create_user(next(IMPORTERS), PASSWORD))
        db.session.commit()
        copies = read_model.team_assessments(team)
        assert [[a.title for a in read_model.assessment_actions(c)] for c in copies] == \
            [["Old and open"], ["Latest and open"]]
        later = operations.start_assessment(questionnaire, team)
        assert [a.title for a in read_model.assessment_actions(later)] == ["Latest and open"]
