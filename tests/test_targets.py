"""Targets with dates: set per pillar, checked in plain language, shown on results and in the
plan, and carried over to the team's next assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.extensions import db
from assessment.store import operations
from assessment.store.models import Assessment, AuditEvent, PillarTarget
from tests.conftest import check_page, page_text

LATER = dt.date(2030, 3, 31)


def by_id(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


def stored(app, public_id: str) -> dict[str, tuple[Decimal, dt.date | None]]:
    with app.app_context():
        return {t.pillar_id: (t.target, t.target_date) for t in by_id(public_id).targets}


@pytest.fixture
def finished(make_assessment, questionnaire) -> str:
    return make_assessment({q.id: "2" for *_, q in questionnaire.questions()}, finished=True)


def form_data(questionnaire, token: str, **dates: tuple[str, str, str]) -> dict[str, str]:
    """Every pillar at 3.0, no dates; then the dates given (pillar id -> month, day, year)."""
    data = {"csrf_token": token} | {f"target-{p.id}": "3.0" for p in questionnaire.pillars}
    for pillar_id, (month, day, year) in dates.items():
        prefix = f"target-{pillar_id.replace('_', '-')}"
        data |= {f"{prefix}-month": month, f"{prefix}-day": day, f"{prefix}-year": year}
    return data


def test_a_target_date_is_saved_and_shown_on_the_results_page(app, client, csrf_token,
                                                              finished, questionnaire):
    url = f"/assessments/{finished}/targets"
    data = form_data(questionnaire, csrf_token(url), strategy=("3", "31", "2030"))
    data["target-strategy"] = "3.5"
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert stored(app, finished)["strategy"] == (Decimal("3.5"), LATER)
    assert stored(app, finished)["culture"] == (Decimal("3.0"), None)
    with app.app_context():  # and logged, in words, with what it was
        event = db.session.scalars(db.select(AuditEvent)).all()[-1]
        assert (event.action, event.email) == ("targets_set", "owner@state.gov")
        assert event.detail.endswith(": Strategy 3.5 by March 31, 2030 (was 3.0)")
        team_id = by_id(finished).team_id
    log = page_text(check_page(client.get(f"/teams/{team_id}/audit").data.decode()))
    assert "Changed the targets of the " in log and "Strategy 3.5 by March 31, 2030" in log
    page = check_page(client.get(f"/assessments/{finished}/results").data.decode())
    row = next(r for r in page.select("tbody tr") if r.th.get_text() == "Strategy")
    assert row.select("td")[2].get_text() == "3.5 by March 31, 2030"
    # The form shows the saved date again.
    form = check_page(client.get(url).data.decode())
    assert form.select_one("#target-strategy-month option[selected]")["value"] == "3"
    assert form.select_one("#target-strategy-day")["value"] == "31"
    assert form.select_one("#target-strategy-year")["value"] == "2030"


def test_saving_without_the_date_fields_clears_nothing_but_what_was_sent(
        app, client, csrf_token, finished, questionnaire):
    with app.app_context():
        operations.set_targets(by_id(finished), {"strategy": Decimal("4.0")},
                               {"strategy": LATER})
        db.session.commit()
    url = f"/assessments/{finished}/targets"
    response = client.post(url, data=form_data(questionnaire, csrf_token(url),
                                               strategy=("", "", "")))
    assert response.status_code == 302
    assert stored(app, finished)["strategy"] == (Decimal("3.0"), None)


@pytest.mark.parametrize(("parts", "message"), [
    (("2", "30", "2030"), "Enter a real target date for Strategy, for example"),
    (("3", "", "2030"), "Enter the month, day and year of the target date for Strategy"),
    (("3", "31", "30"), "Enter the year of the target date for Strategy with 4 digits"),
    (("3", "31", "2020"), "The target date for Strategy is in the past."),
    (("3", "31", "99999999999999999999"), "Enter the year of the target date for Strategy"),
], ids=["not a real date", "a part missing", "two-digit year", "in the past", "huge year"])
def test_a_bad_date_keeps_what_was_typed_and_saves_nothing(app, client, csrf_token, finished,
                                                           questionnaire, parts, message):
    url = f"/assessments/{finished}/targets"
    data = form_data(questionnaire, csrf_token(url), strategy=parts)
    data["target-culture"] = "4.5"  # valid, but nothing is saved while another field is wrong
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = check_page(response.data.decode())
    assert page.title.get_text().startswith("Error: Set your targets")
    assert page.select_one("#error-summary a")["href"] == "#target-strategy-month"
    assert page.select_one("#target-strategy-month-error").get_text().startswith(message)
    assert page.select_one("#target-strategy-day")["value"] == parts[1]
    assert page.select_one("#target-strategy-year")["value"] == parts[2]
    assert page.select_one("#target-culture option[selected]")["value"] == "4.5"
    assert stored(app, finished) == {}


def test_a_saved_date_that_has_passed_may_stay(app, client, csrf_token, finished,
                                               questionnaire):
    passed = dt.date(2021, 6, 30)
    with app.app_context():
        operations.set_targets(by_id(finished), {"strategy": Decimal("3.0")},
                               {"strategy": passed})
        db.session.commit()
    url = f"/assessments/{finished}/targets"
    data = form_data(questionnaire, csrf_token(url), strategy=("6", "30", "2021"))
    data["target-culture"] = "4.0"
    assert client.post(url, data=data).status_code == 302
    assert stored(app, finished)["strategy"] == (Decimal("3.0"), passed)
    assert stored(app, finished)["culture"] == (Decimal("4.0"), None)


@pytest.mark.parametrize(("field", "value"), [
    ("target-strategy-month", "13"), ("target-strategy-day", "1" * 30),
    ("target-astrology-month", "3"),
])
def test_a_tampered_date_is_refused(app, client, csrf_token, finished, questionnaire, field,
                                    value):
    url = f"/assessments/{finished}/targets"
    data = form_data(questionnaire, csrf_token(url)) | {field: value}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert stored(app, finished) == {}


def test_the_plan_prints_the_target_date_and_a_new_date_makes_a_new_plan(
        app, finished, questionnaire):
    from assessment.report import pdf as report

    with app.app_context(), app.test_request_context():
        operations.set_targets(by_id(finished), {"strategy": Decimal("3.5")},
                               {"strategy": LATER})
        db.session.commit()
        plan = report.plan_context(by_id(finished))
        strategy = next(p for p in plan.pillars if p.id == "strategy")
        assert (strategy.target, strategy.target_date) == (Decimal("3.5"), LATER)
        html = report.render_plan_html(plan)
        assert "by Mar 31, 2030</span>" in html  # all pillars
        assert "<td>March 31, 2030</td>" in html  # reassessment
        first_key = report.cache_key(html, app.static_folder)

        operations.set_targets(by_id(finished), {"strategy": Decimal("3.5")},
                               {"strategy": dt.date(2030, 6, 30)})
        db.session.commit()
        html = report.render_plan_html(report.plan_context(by_id(finished)))
        assert "June 30, 2030" in html
        assert report.cache_key(html, app.static_folder) != first_key


def test_a_new_assessment_starts_with_the_teams_latest_targets_and_dates(
        app, finished, questionnaire):
    with app.app_context():
        assessment = by_id(finished)
        operations.set_targets(assessment, {"strategy": Decimal("3.5"),
                                            "culture": Decimal("4.0")},
                               {"strategy": LATER, "culture": dt.date(2020, 1, 31)})
        db.session.commit()
        new = operations.start_assessment(questionnaire, assessment.team)
        db.session.commit()
        copied = {t.pillar_id: (t.target, t.target_date) for t in new.targets}
    # A date that has passed is left for the team to choose again.
    assert copied == {"strategy": (Decimal("3.5"), LATER), "culture": (Decimal("4.0"), None)}


def test_the_first_assessment_of_a_team_has_default_targets(app, client, finished):
    assert stored(app, finished) == {}
    page = check_page(client.get(f"/assessments/{finished}/results").data.decode())
    table = page.select_one("#pillar-table-caption").parent
    assert {row.select("td")[2].get_text() for row in table.select("tbody tr")} == {"3.0"}


PARTS = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "0", "1", "2", "12", "13", "29", "31", "2030", "2020", "9999", "99999999999999", "-1",
     " 3 ", "٣"]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=st.sampled_from(["", *map(str, range(1, 13))]), day=PARTS, year=PARTS)
def test_any_typed_date_is_saved_or_explained_never_a_server_error(
        app, client, csrf_token, finished, month, day, year):
    url = f"/assessments/{finished}/targets"
    questionnaire = app.extensions["questionnaire"]  # not a fixture: hypothesis prints those
    response = client.post(url, data=form_data(questionnaire, csrf_token(url),
                                               strategy=(month, day, year)))
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert stored(app, finished) == {}
    else:
        date = stored(app, finished)["strategy"][1]
        assert date is None or date >= dt.date.today()
        with app.app_context():  # back to no targets for the next example
            db.session.execute(db.delete(PillarTarget))
            db.session.commit()
