"""Several respondents: each member answers on their own; the team view shows the spread and
flags disagreement; scores use the agreed answer, else the lower median."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.store.models import CHOICE_LEVEL, MEMBER, Answer, Assessment, Response
from assessment.store.queries import my_answers
from assessment.store.read_model import scored_assessment
from tests.conftest import check_page, page_text, sign_in_as


@pytest.fixture
def team(app, client, make_user, make_assessment, join_team, questionnaire):
    """An open draft with no answers yet, its owner's client, and two members' clients."""
    public_id = make_assessment()
    clients = {"owner": client}
    for name in ("ana", "ben"):
        user = make_user(f"{name}@state.gov")
        join_team(public_id, user, MEMBER)
        clients[name] = sign_in_as(app.test_client(), user)
    with app.app_context():
        db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)) \
            .open_to_team = True
        db.session.commit()
    return public_id, clients


def token_of(client, url="/sign-in") -> str:
    return client.get(url).data.decode().split('name="csrf_token" value="')[-1].split('"')[0]


def answer_strategy(client, questionnaire, public_id, choice):
    url = f"/assessments/{public_id}/pillars/strategy"
    data = {"csrf_token": token_of(client, url), "action": "continue"}
    for question in questionnaire.pillar("strategy").questions:
        data[f"answer-{question.id}"] = choice
        data[f"note-{question.id}"] = ""
    return client.post(url, data=data)


def pillar_score(app, questionnaire, public_id, pillar_id="strategy"):
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        return next(p for p in scored_assessment(assessment).results.pillars
                    if p.pillar.id == pillar_id).score


def test_each_member_answers_on_their_own_and_nobody_overwrites_anyone(app, team,
                                                                       questionnaire):
    public_id, clients = team
    for name, choice in (("owner", "1"), ("ana", "4"), ("ben", "5")):
        assert answer_strategy(clients[name], questionnaire, public_id, choice).status_code == 302
    with app.app_context():
        responses = db.session.scalars(db.select(Response)).all()
        chosen = sorted({a.level for r in responses for a in r.answers if a.level})
        assert len(responses) == 3 and chosen == [1, 4, 5]
    # Each sees their own answers again, not someone else's.
    page = check_page(clients["ana"].get(f"/assessments/{public_id}/pillars/strategy")
                      .data.decode())
    first = questionnaire.pillar("strategy").questions[0].id
    assert page.find("input", attrs={"name": f"answer-{first}", "checked": True})["value"] == "4"


def test_the_team_view_shows_the_spread_and_flags_disagreement(app, team, questionnaire):
    public_id, clients = team
    for name, choice in (("owner", "1"), ("ana", "3"), ("ben", "4")):
        answer_strategy(clients[name], questionnaire, public_id, choice)
    page = check_page(clients["ben"].get(f"/assessments/{public_id}/team-answers").data.decode())
    text = page_text(page)
    assert "3 people answered." in text
    assert "Answers differ by 3 levels" in text
    assert "Level 1: Reactive: 1 person" in text
    assert "Team answer: Level 3: Strategic (the middle of the 3 levels given)" in text
    assert "Record the agreed answer" not in text  # members cannot


def test_scores_use_the_lower_median_then_the_agreed_answer(app, team, questionnaire,
                                                            csrf_token):
    public_id, clients = team
    answer_strategy(clients["ana"], questionnaire, public_id, "2")
    answer_strategy(clients["ben"], questionnaire, public_id, "5")
    assert str(pillar_score(app, questionnaire, public_id)) == "2.0"  # lower median of 2, 5
    url = f"/assessments/{public_id}/questions/{{}}/agree"
    for question in questionnaire.pillar("strategy").questions:
        path = url.format(question.id)
        response = clients["owner"].post(path, data={
            "csrf_token": csrf_token(path), "choice": "4", "note": "We agreed in the workshop."})
        assert response.status_code == 302
    assert str(pillar_score(app, questionnaire, public_id)) == "4.0"
    ana = clients["ana"]
    assert ana.post(url.format(questionnaire.pillar("strategy").questions[0].id),
                    data={"csrf_token": token_of(ana), "choice": "1"}).status_code == 403


def test_members_answer_only_once_the_owner_opens_the_assessment(app, team, questionnaire,
                                                                 csrf_token):
    public_id, clients = team
    with app.app_context():
        db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)) \
            .open_to_team = False
        db.session.commit()
    assert clients["ana"].get(f"/assessments/{public_id}/pillars/strategy").status_code == 403
    review = f"/assessments/{public_id}/review"
    response = clients["owner"].post(f"/assessments/{public_id}/open",
                                     data={"csrf_token": csrf_token(review), "open": "yes"})
    assert response.status_code == 302
    assert clients["ana"].get(f"/assessments/{public_id}/pillars/strategy").status_code == 200


def test_progress_shows_who_has_finished_and_results_say_how_many_answered(
        app, team, questionnaire, csrf_token):
    public_id, clients = team
    for pillar in questionnaire.pillars:
        url = f"/assessments/{public_id}/pillars/{pillar.id}"
        data = {"csrf_token": csrf_token(url), "action": "continue"}
        data |= {f"answer-{q.id}": "3" for q in pillar.questions}
        clients["owner"].post(url, data=data)
    answer_strategy(clients["ana"], questionnaire, public_id, "3")
    text = page_text(check_page(clients["owner"].get(f"/assessments/{public_id}/review")
                                .data.decode()))
    # Answering every question is not finishing: nobody has pressed Finish yet.
    assert f"owner@state.gov: answered all {questionnaire.question_count} questions" in text
    assert "finished" not in text.split("Your team")[1].split("See how")[0]
    assert f"ana@state.gov: answered 5 of {questionnaire.question_count} questions" in text
    clients["owner"].post(f"/assessments/{public_id}/finish",
                          data={"csrf_token": csrf_token(f"/assessments/{public_id}/review")})
    results = page_text(check_page(clients["owner"].get(f"/assessments/{public_id}/results")
                                   .data.decode()))
    assert "2 people answered." in results


def test_the_first_member_to_save_takes_over_answers_from_before_accounts(
        app, make_assessment, questionnaire, client, csrf_token, load_assessment):
    first = questionnaire.pillar("strategy").questions[0].id
    public_id = make_assessment({first: "2"})  # one response, with no user
    answer_strategy(client, questionnaire, public_id, "4")
    with app.app_context():
        responses = db.session.scalars(db.select(Response)).all()
        assert len(responses) == 1 and responses[0].user_id is not None
    assert load_assessment(public_id)["answers"][first][1] == 4


def test_two_members_saving_at_the_same_moment_both_keep_their_answers(app, team,
                                                                       questionnaire):
    import threading

    public_id, clients = team
    url = f"/assessments/{public_id}/pillars/strategy"
    posts = {}
    for name, choice in (("ana", "2"), ("ben", "5")):
        data = {"csrf_token": token_of(clients[name], url), "action": "continue"}
        posts[name] = data | {f"answer-{q.id}": choice
                              for q in questionnaire.pillar("strategy").questions}
    start, statuses = threading.Barrier(2), {}

    def save(name):
        start.wait()
        statuses[name] = clients[name].post(url, data=posts[name]).status_code

    threads = [threading.Thread(target=save, args=(name,)) for name in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == {"ana": 302, "ben": 302}
    with app.app_context():
        levels = sorted({a.level for r in db.session.scalars(db.select(Response))
                         for a in r.answers})
    assert levels == [2, 5]


def test_the_plan_says_how_many_people_answered(app, team, questionnaire, csrf_token):
    from tests.test_report import download, pdf_text

    public_id, clients = team
    answer_strategy(clients["ana"], questionnaire, public_id, "2")
    answer_strategy(clients["ben"], questionnaire, public_id, "4")
    review = f"/assessments/{public_id}/review"
    clients["owner"].post(f"/assessments/{public_id}/finish",
                          data={"csrf_token": csrf_token(review)})
    assert "2 people answered." in " ".join(pdf_text(download(clients["owner"], public_id))
                                             .split())


# Responses of one assessment, in the order they are stored: (whose, {question: level}).
# "me" is the signed-in user, "other" another member, None answers from before accounts.
@pytest.mark.parametrize(("responses", "expected"), [
    ([(None, {"q1": 2}), ("me", {"q1": 4, "q2": 5})], {"q1": 4, "q2": 5}),  # my own first
    ([(None, {"q1": 2}), ("other", {"q1": 3})], {"q1": 2}),  # else those from before accounts
    ([(None, {"q1": 2}), ("me", {})], {}),  # my own response, even with nothing in it yet
    ([("other", {"q1": 3})], {}),  # never another member's
    ([(None, {"q1": 1}), (None, {"q1": 5})], {"q1": 1}),  # the first of those from before
    ([], {}),
])
def test_my_answers_are_my_own_response_or_else_the_one_from_before_accounts(
        app, make_assessment, make_user, responses, expected):
    public_id = make_assessment()
    users = {"me": make_user("me@state.gov"), "other": make_user("other@state.gov"), None: None}
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        for response in assessment.responses:
            db.session.delete(response)
        db.session.flush()
        for whose, levels in responses:
            response = Response(assessment_id=assessment.id, user_id=users[whose])
            db.session.add(response)
            db.session.flush()
            db.session.add_all(Answer(response_id=response.id, question_id=q, choice=CHOICE_LEVEL,
                                      level=level) for q, level in levels.items())
            db.session.flush()
        db.session.commit()
        found = my_answers(assessment, users["me"])
        assert {q: row.level for q, row in found.items()} == expected


def test_with_one_respondent_the_team_view_does_not_speak_of_answers_that_differ(
        team, questionnaire):
    public_id, clients = team
    answer_strategy(clients["owner"], questionnaire, public_id, "2")
    text = page_text(check_page(clients["owner"].get(f"/assessments/{public_id}/team-answers")
                                .data.decode()))
    assert "1 person answered, so each of their answers is the team's answer." in text
    assert "differ" not in text.split("Who has answered")[0]
    assert "Team answer: Level 2: Tactical (the only answer)." in text
    assert "middle" not in text
    assert "Only where answers differ" not in text  # nothing can differ yet


def test_the_team_view_can_show_only_the_questions_where_answers_differ(team, questionnaire):
    public_id, clients = team
    answer_strategy(clients["owner"], questionnaire, public_id, "3")
    answer_strategy(clients["ana"], questionnaire, public_id, "3")
    # Ben agrees on the first question and differs on the others ("na" differs from a level).
    url = f"/assessments/{public_id}/pillars/strategy"
    questions = questionnaire.pillar("strategy").questions
    data = {"csrf_token": token_of(clients["ben"], url), "action": "continue"}
    data |= {f"answer-{q.id}": "3" if i == 0 else "na" for i, q in enumerate(questions)}
    assert clients["ben"].post(url, data=data).status_code == 302

    def shown(query):
        page = check_page(clients["ben"].get(f"/assessments/{public_id}/team-answers{query}")
                          .data.decode())
        return page, [li["id"][2:] for li in page.select("li.app-team-answer")]

    page, every = shown("")
    assert every == [q.id for *_, q in questionnaire.questions()]
    assert page.find("input", id="show-all").has_attr("checked")
    page, differing = shown("?show=differ")
    assert differing == [q.id for q in questions[1:]]
    assert page.find("input", id="show-differ").has_attr("checked")
    assert page_text(page.find(id="shown-count")) == \
        f"Showing the {len(questions) - 1} of {questionnaire.question_count} questions " \
        "where answers differ."
    assert [page_text(h) for h in page.select("h3.app-team-answers__pillar")] == ["Strategy"]
    assert shown("?show=nonsense")[1] == every  # anything else shows every question
