"""The read model: one scoring of an assessment that every page, file and API answer reads; the
date it goes by after finishing again; and the change time a cache can key on."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from assessment.extensions import db
from assessment.store import operations, read_model
from assessment.store.models import MEMBER, Assessment
from assessment.store.operations import SubmittedAnswer
from assessment.store.questionnaire_versions import move_to_questionnaire
from tests.conftest import check_page

ROOT = Path(__file__).resolve().parent.parent


def by_id(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


def answer(pillar, level: str) -> dict[str, SubmittedAnswer]:
    return {q.id: SubmittedAnswer(level) for q in pillar.questions}


@pytest.fixture
def reopened(app, make_assessment, make_user, owner_id, questionnaire) -> str:
    """A finished assessment with three respondents, an agreed answer and targets, reopened,
    changed and finished again."""
    strategy, culture = questionnaire.pillar("strategy"), questionnaire.pillar("culture")
    public_id = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                                finished=True)
    people = [make_user(f"r{n}@state.gov") for n in range(2)]
    with app.app_context():
        assessment = by_id(public_id)
        operations.response_for(assessment, owner_id)  # the owner's answers are theirs
        for user_id, level in zip(people, ("4", "5"), strict=True):
            operations.save_answers(operations.response_for(assessment, user_id),
                                    answer(strategy, level) | answer(culture, "na"))
        operations.agree_answer(assessment, culture.questions[0].id, "1", "We agreed", None)
        operations.set_targets(assessment, {"strategy": Decimal("4.5"), "culture": Decimal("2")},
                               {"strategy": dt.date(2030, 1, 31)})
        operations.reopen_assessment(assessment)
        operations.save_answers(assessment.responses[0],
                                {questionnaire.pillar("design").questions[0].id:
                                 SubmittedAnswer("unknown")})
        operations.finish_assessment(assessment)
        db.session.commit()
    return public_id


def test_every_output_reads_the_same_scores_of_one_assessment(app, client, reopened,
                                                               questionnaire):
    from assessment.report import pdf as report

    with app.app_context(), app.test_request_context():
        assessment = by_id(reopened)
        scored = read_model.scored_assessment(assessment)
        plan = report.plan_context(assessment)
    expected = {p.pillar.id: p.score for p in scored.results.pillars}
    assert scored.answers.respondents == 3
    assert expected["strategy"] == Decimal("4.0")  # the median of 2, 4 and 5
    assert scored.pillar("strategy").target == Decimal("4.5")
    # Results page: the pillar table.
    page = check_page(client.get(f"/assessments/{reopened}/results").data.decode())
    table = next(t for t in page.select("table")
                 if t.caption.get_text().startswith("Scores, levels and targets"))
    shown = {row.th.get_text(strip=True): row.td.get_text(strip=True)
             for row in table.select("tbody tr")}
    assert shown == {p.pillar.name: "Not enough answers" if p.score is None else str(p.score)
                     for p in scored.results.pillars}
    # The plan (HTML and PDF read the same plain data).
    assert {p.id: p.score for p in plan.pillars} == expected
    assert plan.overall == scored.results.score
    assert plan.respondents == 3
    # The API.
    api = client.get(f"/api/v1/assessments/{reopened}/scores").get_json()
    assert {p["id"]: p["score"] for p in api["pillars"]} == \
        {k: None if v is None else float(v) for k, v in expected.items()}
    assert api["overall"]["score"] == float(scored.results.score)
    # The export.
    exported = json.loads(client.get(f"/assessments/{reopened}/export.json").data)
    scores = exported["assessments"][0]["scores"]
    assert {p["pillar_id"]: p["score"] for p in scores["pillars"]} == \
        {k: None if v is None else str(v) for k, v in expected.items()}
    # The scores CSV.
    csv_text = client.get(f"/assessments/{reopened}/scores.csv").data.decode("utf-8-sig")
    pillar_rows = [line.split(",") for line in csv_text.splitlines() if ",Pillar," in line]
    assert {row[4]: row[6] for row in pillar_rows} == \
        {k: "Not enough answers" if v is None else str(v) for k, v in expected.items()}


def test_finishing_again_dates_the_assessment_by_its_latest_finish(app, make_assessment):
    public_id = make_assessment(finished=True)
    with app.app_context():
        assessment = by_id(public_id)
        first = dt.datetime(2026, 3, 3, 10, 0)
        assessment.finished_at = first
        db.session.commit()
        operations.reopen_assessment(assessment)
        db.session.commit()
        assert assessment.finished_at == first  # reopened: still dated by its finish
        assert assessment.dated.words == "Finished March 3, 2026"
        operations.finish_assessment(assessment)
        db.session.commit()
        assert assessment.finished_at > first
        assert read_model.scored_assessment(assessment).dated.on == assessment.finished_at


def test_a_reopened_assessment_says_it_was_finished_and_is_open_again(app, client,
                                                                      make_assessment):
    public_id = make_assessment(finished=True)
    with app.app_context():
        assessment = by_id(public_id)
        assessment.started_at = dt.datetime(2026, 2, 20, 9, 0)
        assessment.finished_at = dt.datetime(2026, 3, 3, 10, 0)
        operations.reopen_assessment(assessment)
        db.session.commit()
        team_id = assessment.team_id
    items = [" ".join(li.get_text().split()) for li in
             check_page(client.get(f"/teams/{team_id}").data.decode()).select("main li")]
    assert any(i.startswith("Assessment finished March 3, 2026: reopened, in progress · ")
               for i in items)
    history = check_page(client.get(f"/teams/{team_id}/history").data.decode())
    row = history.select_one("table.app-history tbody tr")
    assert row.th.contents[0].strip() == "Finished March 3, 2026"
    assert row.td.get_text(strip=True) == "Reopened: scores show when you finish it again."


CHANGES = {
    "answers saved": lambda a, q: operations.save_answers(
        a.responses[0], answer(q.pillar("strategy"), "4")),
    "agreed answer recorded": lambda a, q: operations.agree_answer(
        a, q.pillars[0].questions[0].id, "5", "", None),
    "agreed answer cleared": lambda a, q: operations.agree_answer(
        a, q.pillars[0].questions[0].id, None, "", None),
    "targets set": lambda a, q: operations.set_targets(a, {"strategy": Decimal("4.0")}),
    "target date set": lambda a, q: operations.set_targets(
        a, {"strategy": Decimal("3.0")}, {"strategy": dt.date(2031, 1, 1)}),
    "reopened": lambda a, q: operations.reopen_assessment(a),
    "finished": lambda a, q: operations.finish_assessment(a),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_that_scores_see_moves_the_cache_key(app, make_assessment,
                                                          questionnaire, change):
    public_id = make_assessment({q.id: "3" for *_, q in questionnaire.questions()},
                                finished=True)
    with app.app_context():
        assessment = by_id(public_id)
        operations.agree_answer(assessment, questionnaire.pillars[0].questions[0].id, "2", "",
                                None)
        assessment.updated_at = dt.datetime(2020, 1, 1)
        db.session.commit()
        before = read_model.scored_assessment(assessment).cache_key
        CHANGES[change](assessment, questionnaire)
        db.session.commit()
        after = read_model.scored_assessment(assessment).cache_key
    assert after[0] == before[0] and after[1] > before[1]


def test_moving_to_another_questionnaire_version_moves_the_cache_key(app, make_assessment,
                                                                     questionnaire):
    from dataclasses import replace

    public_id = make_assessment(finished=True)
    with app.app_context():
        assessment = by_id(public_id)
        before = read_model.scored_assessment(assessment).cache_key
        move_to_questionnaire(assessment, replace(questionnaire, version="2099.1", source=""))
        db.session.commit()
        after = (assessment.id, assessment.updated_at, assessment.questionnaire_version)
    assert after != before and after[2] == "2099.1"


def test_a_member_answering_moves_the_cache_key_too(app, make_assessment, make_user,
                                                    join_team, questionnaire):
    public_id = make_assessment(finished=False)
    member = make_user("m@state.gov")
    join_team(public_id, member, MEMBER)
    with app.app_context():
        assessment = by_id(public_id)
        assessment.updated_at = dt.datetime(2020, 1, 1)
        db.session.commit()
        operations.save_answers(operations.response_for(assessment, member),
                                answer(questionnaire.pillars[0], "5"))
        db.session.commit()
        assert assessment.updated_at > dt.datetime(2020, 1, 1)


def source_files(folder: str, suffix: str) -> list[Path]:
    return sorted((ROOT / folder).rglob(f"*{suffix}"))


def test_only_the_read_model_scores_assessments():
    callers = [path.relative_to(ROOT).as_posix() for path in source_files("assessment", ".py")
               if re.search(r"\bscore_assessment\(", path.read_text(encoding="utf-8"))]
    assert callers == ["assessment/rules/scoring.py", "assessment/store/read_model.py"]


def test_templates_format_dates_only_through_the_date_filter():
    offenders = [path.name for path in source_files("templates", ".html")
                 if "strftime" in path.read_text(encoding="utf-8")]
    assert offenders == []


def count_queries(run) -> tuple[object, list[str]]:
    """Run a function in the app context, returning its value and the SQL it sent."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    db.event.listen(db.engine, "before_cursor_execute", record)
    try:
        return run(), statements
    finally:
        db.event.remove(db.engine, "before_cursor_execute", record)


def test_scores_are_read_again_only_after_a_change(app, make_assessment, questionnaire):
    public_id = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                                finished=True)
    with app.app_context():
        assessment = by_id(public_id)
        first, cold = count_queries(lambda: read_model.scored_assessment(assessment))
        again, warm = count_queries(lambda: read_model.scored_assessment(assessment))
        operations.reopen_assessment(assessment)
        operations.save_answers(assessment.responses[0], answer(questionnaire.pillars[0], "5"))
        db.session.commit()
        changed = read_model.scored_assessment(by_id(public_id))
    answer_queries = [s for s in cold if " answer" in s]
    assert answer_queries and not [s for s in warm if " answer" in s]
    assert again.results == first.results
    strategy = questionnaire.pillars[0].id
    assert first.pillar(strategy).score == Decimal("2.0")
    assert changed.pillar(strategy).score == Decimal("5.0")


def test_two_apps_never_share_cached_scores(app, make_assessment):
    from assessment.store.read_model import scores_cache

    make_assessment(finished=True)
    with app.app_context():
        mine = scores_cache()
    other = type(app)("other")
    with other.app_context():
        assert scores_cache() is not mine
