"""Two assessments side by side, and what the results page shows over time: the peer spread,
links to compare, and scores on the questionnaire version an assessment was taken on."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from assessment.extensions import db
from assessment.rules.questionnaire_file import load_questionnaire
from assessment.store import operations, questionnaire_versions
from assessment.store.models import VIEWER, Assessment, QuestionnaireSnapshot
from tests.conftest import QUESTIONS_2026, check_page, page_text, sign_in_as

OLD = "2025.1"
KEPT, RENAMED = "strategy.big-picture.q1", "strategy.big-picture.q0"
OLD_TEXT = "How well did your team know the laws that shaped CX for your service?"
YEARS = (dt.datetime(2024, 11, 14, 15, 30), dt.datetime(2025, 11, 13, 16, 0),
         dt.datetime(2026, 11, 12, 14, 45), dt.datetime(2026, 11, 20, 9, 0))


def by_id(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


@pytest.fixture
def team_of(app, make_assessment):
    """Builder: assessments (answers, finished) in one team, a year apart, oldest first;
    returns the team id and their public ids."""

    def build(*specs: tuple[dict[str, str], bool]) -> tuple[int, list[str]]:
        ids = [make_assessment(answers, finished=finished) for answers, finished in specs]
        with app.app_context():
            team_id = by_id(ids[0]).team_id
            for public_id, when in zip(ids, YEARS[:len(ids)], strict=True):
                assessment = by_id(public_id)
                assessment.team_id = team_id
                assessment.started_at = when - dt.timedelta(days=9)
                assessment.finished_at = when if assessment.is_finished else None
            db.session.commit()
        return team_id, ids

    return build


def everything(questionnaire, level: str) -> dict[str, str]:
    return {q.id: level for *_, q in questionnaire.questions()}


def compare_page(client, team_id: int, expect: int = 200, **args):
    response = client.get(f"/teams/{team_id}/compare", query_string=args)
    assert response.status_code == expect, response.status_code
    return check_page(response.data.decode())


def row_of(page, caption_start: str, name: str) -> list[str]:
    table = next(t for t in page.select("table")
                 if t.caption.get_text(" ", strip=True).startswith(caption_start))
    row = next(r for r in table.select("tbody tr") if r.th.get_text(strip=True) == name)
    return [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.select("th, td")]


@pytest.fixture
def two_years(app, team_of, questionnaire):
    """2024: every answer 2. 2025: Strategy 4 (target 3.5 by a date), one Culture answer
    "Don't know", one Design answer "Not applicable"."""
    culture, design = (questionnaire.pillar(p).questions[0].id for p in ("culture", "design"))
    later = everything(questionnaire, "2") | {q.id: "4" for q in
                                              questionnaire.pillar("strategy").questions}
    later |= {culture: "unknown", design: "na"}
    team_id, ids = team_of((everything(questionnaire, "2"), True), (later, True))
    with app.app_context():
        operations.set_targets(by_id(ids[1]), {"strategy": Decimal("3.5")},
                               {"strategy": dt.date(2027, 3, 31)})
        db.session.commit()
    return team_id, ids


def test_without_a_choice_the_two_latest_finished_assessments_are_compared(
        client, team_of, questionnaire):
    team_id, ids = team_of((everything(questionnaire, "1"), True),
                           (everything(questionnaire, "2"), True),
                           (everything(questionnaire, "4"), True),
                           ({}, False))
    page = compare_page(client, team_id)
    assert page.select_one("#before option[selected]")["value"] == ids[1]
    assert page.select_one("#after option[selected]")["value"] == ids[2]
    assert "Earlier: Finished November 13, 2025 2.0" in page_text(page)
    assert "Later: Finished November 12, 2026 4.0" in page_text(page)
    labels = [o.get_text() for o in page.select("#before option")]
    assert labels[0].endswith("(in progress)") and labels[-1] == "Finished November 14, 2024"


def test_scores_changes_and_targets_are_shown_per_pillar_with_arrows_in_words(
        client, two_years, questionnaire):
    team_id, ids = two_years
    page = compare_page(client, team_id, before=ids[0], after=ids[1])
    assert row_of(page, "Scores, changes and targets", "Strategy") == [
        "Strategy", "2.0", "4.0", "▲ Up +2.0", "3.0: not met", "3.5 by March 31, 2027: met"]
    assert row_of(page, "Scores, changes and targets", "Governance") == [
        "Governance", "2.0", "2.0", "No change", "3.0: not met", "3.0: not met"]
    up = page.select_one(".app-compare-overall .app-delta--up")
    assert up.select_one("[aria-hidden=true]").get_text() == "▲"
    assert up.select_one(".usa-sr-only").get_text().strip() == "Up"
    practice = questionnaire.pillar("strategy").practices[0]
    assert row_of(page, "Strategy", practice.name) == [practice.name, "2.0", "4.0", "▲ Up +2.0"]


def test_a_fall_reads_as_down_with_a_minus_sign(client, team_of, questionnaire):
    team_id, ids = team_of((everything(questionnaire, "3"), True),
                           (everything(questionnaire, "2"), True))
    page = compare_page(client, team_id)
    down = page.select_one(".app-compare-overall .app-delta--down")
    assert down.select_one(".usa-sr-only").get_text().strip() == "Down"
    assert "−1.0" in down.get_text()


def test_changed_answers_are_listed_by_pillar_with_their_level_statements(
        client, two_years, questionnaire):
    team_id, ids = two_years
    page = compare_page(client, team_id, before=ids[0], after=ids[1])
    strategy = questionnaire.pillar("strategy").questions
    expected = len(strategy) + 2
    assert page.select_one("#answers").get_text() == f"Answers that changed ({expected})"
    first = row_of(page, "Strategy: ", strategy[0].text)
    assert first == [strategy[0].text,
                     f"Level 2: {questionnaire.level(2).name} {strategy[0].levels[1]}",
                     f"Level 4: {questionnaire.level(4).name} {strategy[0].levels[3]}"]
    culture = questionnaire.pillar("culture").questions[0]
    assert row_of(page, "Culture: 1 answer", culture.text)[2] == "Don't know"
    design = questionnaire.pillar("design").questions[0]
    assert row_of(page, "Design: 1 answer", design.text)[2] == "Not applicable"


def test_an_answer_taken_away_reads_not_answered(client, team_of, questionnaire):
    question = questionnaire.pillars[0].questions[0]
    team_id, _ = team_of((everything(questionnaire, "3"), True),
                         ({k: v for k, v in everything(questionnaire, "3").items()
                           if k != question.id}, True))
    page = compare_page(client, team_id)
    assert row_of(page, "Strategy: 1 answer", question.text)[2] == "Not answered"


def test_a_later_assessment_chosen_as_earlier_is_swapped_and_said(client, two_years):
    team_id, ids = two_years
    page = compare_page(client, team_id, before=ids[1], after=ids[0])
    assert "so we swapped them" in page_text(page)
    assert page.select_one("#before option[selected]")["value"] == ids[0]
    assert row_of(page, "Scores, changes and targets", "Strategy")[1:4] == \
        ["2.0", "4.0", "▲ Up +2.0"]


def without_tokens(html: bytes) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html.decode())


def test_another_teams_assessment_reads_exactly_like_an_unknown_one(
        client, two_years, make_assessment, make_user, questionnaire):
    team_id, ids = two_years
    theirs = make_assessment(everything(questionnaire, "5"), finished=True,
                             service="Taxpayer services", owner=make_user("x@irs.gov"))
    unknown = client.get(f"/teams/{team_id}/compare",
                         query_string={"before": "no-such-assessment", "after": ids[1]})
    other = client.get(f"/teams/{team_id}/compare",
                       query_string={"before": theirs, "after": ids[1]})
    assert unknown.status_code == other.status_code == 400
    assert without_tokens(unknown.data) == without_tokens(other.data)
    page = check_page(other.data.decode())
    assert page.title.get_text().startswith("Error: Compare two assessments")
    summary = page.select_one("#error-summary a")
    assert summary["href"] == "#before"
    assert summary.get_text() == "We cannot find that earlier assessment. " \
                                 "Choose one from the list."
    assert page.select_one("#before-error").get_text() == summary.get_text()
    assert "5.0" not in page_text(page) and "Taxpayer" not in page_text(page)


@pytest.mark.parametrize(("args", "field", "message"), [
    ({"before": "SAME", "after": "SAME"}, "after", "Choose two different assessments."),
    ({"before": "FIRST"}, "after", "Choose the later assessment."),
    ({"before": "", "after": "FIRST"}, "before", "Choose the earlier assessment."),
], ids=["same twice", "no later", "empty earlier"])
def test_a_bad_choice_shows_the_form_again_with_a_plain_error(client, two_years, args, field,
                                                              message):
    team_id, ids = two_years
    args = {k: ids[1] if v == "SAME" else ids[0] if v == "FIRST" else v for k, v in args.items()}
    page = compare_page(client, team_id, 400, **args)
    assert page.select_one(f"#{field}-error").get_text().startswith(message)
    assert page.select_one(f"#{field}")["aria-describedby"] == f"{field}-error"
    assert page.select_one("#answers") is None


def test_with_fewer_than_two_finished_assessments_the_page_says_so(client, team_of,
                                                                   questionnaire):
    team_id, _ = team_of((everything(questionnaire, "2"), True), ({}, False))
    page = compare_page(client, team_id)
    assert "Your team has one finished assessment" in page_text(page)
    assert page.select_one("#answers") is None
    alone, _ = team_of((everything(questionnaire, "2"), True))
    assert "You can compare once your team has two assessments" in \
        page_text(compare_page(client, alone))


def test_a_viewer_may_compare_and_another_team_may_not(app, client, two_years, make_user,
                                                       join_team, anonymous):
    team_id, ids = two_years
    viewer = make_user("v@state.gov")
    join_team(ids[0], viewer, VIEWER)
    assert sign_in_as(app.test_client(), viewer).get(f"/teams/{team_id}/compare").status_code \
        == 200
    outsider = sign_in_as(app.test_client(), make_user("x@irs.gov"))
    assert outsider.get(f"/teams/{team_id}/compare").status_code == 404
    assert anonymous.get(f"/teams/{team_id}/compare").status_code == 302


def keep_older_version(questionnaire) -> None:
    """questions.yaml as it was: another version, where one question had another id and text."""
    current = next(q for *_, q in questionnaire.questions() if q.id == KEPT)
    text = questionnaire.source.replace('version: "2027.1"', f'version: "{OLD}"', 1)
    text = text.replace(f"id: {KEPT}", f"id: {RENAMED}", 1).replace(current.text, OLD_TEXT, 1)
    db.session.add(QuestionnaireSnapshot(version=OLD, source=text,
                                         content_hash=questionnaire_versions.content_hash(text)))


def test_different_questionnaire_versions_compare_on_the_questions_both_ask(
        app, client, team_of, questionnaire):
    earlier = everything(questionnaire, "2") | {RENAMED: "5"}
    later = everything(questionnaire, "2") | {KEPT: "5"}
    team_id, ids = team_of((earlier, True), (later, True))
    with app.app_context():
        keep_older_version(questionnaire)
        by_id(ids[0]).questionnaire_version = OLD
        db.session.commit()
    page = compare_page(client, team_id)
    note = page.select_one(".app-compare-versions")
    text = page_text(note)
    shared = questionnaire.question_count - 1
    assert f"version {OLD}" in text and f"version {questionnaire.version}" in text
    assert f"They share {shared} questions" in text
    assert "may differ from each assessment's own results page" in text
    current_text = next(q for *_, q in questionnaire.questions() if q.id == KEPT).text
    assert f"Only the earlier questionnaire asked (1) Strategy {OLD_TEXT}" in text
    assert f"Only the later questionnaire asks (1) Strategy {current_text}" in text
    # Neither 5 is shared, so Strategy did not move here, though each results page says more.
    assert row_of(page, "Scores, changes and targets", "Strategy")[1:4] == \
        ["2.0", "2.0", "No change"]
    assert "Answers that changed (0)" in page_text(page)
    results = check_page(client.get(f"/assessments/{ids[1]}/results").data.decode())
    assert row_of(results, "Scores, levels and targets", "Strategy")[1] != "2.0"


def test_the_results_and_plan_score_an_older_assessment_on_its_own_version(
        app, client, make_assessment, questionnaire, monkeypatch, tmp_path):
    from assessment.report import pdf as report

    public_id = make_assessment(everything(questionnaire, "2") | {KEPT: "5"}, finished=True)
    with app.app_context():
        keep_older_version(questionnaire)
        by_id(public_id).questionnaire_version = OLD
        db.session.commit()
    # The old version does not ask KEPT (the current one would score Strategy above 2.0).
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    assert row_of(page, "Scores, levels and targets", "Strategy")[1] == "2.0"
    assert f"Questionnaire version {OLD}" in page_text(page)
    monkeypatch.setattr(report, "render_pdf", lambda html, folder: b"%PDF-1.7 test")
    assert client.get(f"/assessments/{public_id}/plan.pdf").data == b"%PDF-1.7 test"
    result = app.test_cli_runner().invoke(args=["plan", public_id,
                                                "--output", str(tmp_path / "plan.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.pdf").read_bytes() == b"%PDF-1.7 test"
    with app.app_context(), app.test_request_context():  # what both of them printed
        plan = report.plan_context(by_id(public_id))
    assert next(p.score for p in plan.pillars if p.id == "strategy") == Decimal("2.0")


def test_the_results_page_links_to_the_side_by_side_page(client, two_years):
    team_id, ids = two_years
    page = check_page(client.get(f"/assessments/{ids[1]}/results").data.decode())
    link = page.find("a", string="Compare with another assessment")
    assert link["href"] == f"/teams/{team_id}/compare?before={ids[0]}&after={ids[1]}"
    first = check_page(client.get(f"/assessments/{ids[0]}/results").data.decode())
    assert first.find("a", string="Compare with another assessment")["href"] == link["href"]


def test_a_single_assessment_has_no_compare_link(client, make_assessment, questionnaire):
    public_id = make_assessment(everything(questionnaire, "2"), finished=True)
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    assert page.find("a", string="Compare with another assessment") is None


@pytest.mark.parametrize("others", [4, 5])
def test_the_results_page_shows_other_teams_spread_only_from_five_teams(
        client, make_assessment, make_user, questionnaire, others):
    ours = make_assessment(everything(questionnaire, "1"), finished=True)
    for n in range(others):
        make_assessment(everything(questionnaire, str(n + 1)), finished=True,
                        service=f"Secret service {n}", owner=make_user(f"o{n}@irs.gov"))
    page = check_page(client.get(f"/assessments/{ours}/results").data.decode())
    text = page_text(page)
    assert "Secret service" not in text
    if others == 4:
        assert "show once at least 5 other teams have finished an assessment" in text
        assert page.select_one(".app-peers") is None
    else:
        assert row_of(page, "Your score beside other teams", "Culture")[:8] == \
            ["Culture", "1.0", "Below the middle half", "1.0", "2.0 to 4.0", "3.0", "5.0", "5"]


def test_the_team_page_dates_each_assessment_as_the_history_does(client, team_of,
                                                                   questionnaire):
    # Finished ones by the day they were finished (as on the history and compare pages).
    team_id, _ = team_of((everything(questionnaire, "2"), True), ({}, False))
    items = [" ".join(li.get_text().split()) for li in
             check_page(client.get(f"/teams/{team_id}").data.decode()).select("main li")]
    # Each is followed, for owners, by its Delete link.
    assert any(i.startswith("Assessment finished November 14, 2024 · Delete") for i in items)
    assert any(i.startswith("Assessment started November 4, 2025: in progress · Delete")
               for i in items)


def test_a_2026_assessment_still_shows_scores_and_compares_against_a_2027_one(
        app, client, team_of, questionnaire):
    """2026.1 is read from assessment/questionnaires/ when the database keeps no copy of it."""
    old = load_questionnaire(QUESTIONS_2026)
    team_id, ids = team_of((everything(old, "2"), True), (everything(questionnaire, "3"), True))
    with app.app_context():
        by_id(ids[0]).questionnaire_version = old.version
        db.session.query(QuestionnaireSnapshot).delete()
        db.session.commit()
    response = client.get(f"/assessments/{ids[0]}/results")
    assert response.status_code == 200
    results = check_page(response.data.decode())
    text = page_text(results)
    assert "mailto:" not in response.data.decode()  # no personal address, even from 2026.1
    big_picture = old.pillar("strategy").practices[0]
    weak = results.find(id=f"practice-{big_picture.id}")
    assert big_picture.next_step(2) in weak.get_text(" ", strip=True)
    assert "Overall" in text and "2.0" in text

    page = compare_page(client, team_id)
    note = page_text(page.select_one(".app-compare-versions"))
    assert f"version {old.version}" in note and f"version {questionnaire.version}" in note
    replaced = [q for *_, q in questionnaire.questions() if q.replaces]
    assert f"Questions that replace earlier ones ({len(replaced)})" in note
    for question in replaced:
        assert f"“{question.text}” replaces “{old_text(old, question.replaces)}”" in note
    assert row_of(page, "Scores, changes and targets", "Strategy")[1:3] == ["2.0", "3.0"]
    history = page_text(check_page(client.get(f"/teams/{team_id}/history").data.decode()))
    assert f"used questionnaire versions {old.version} and {questionnaire.version}" in history


def old_text(old, question_id) -> str:
    return next(q.text for *_, q in old.questions() if q.id == question_id)
