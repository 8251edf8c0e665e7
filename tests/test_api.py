"""The read-only JSON API: what each endpoint says, who may read it, and how it refuses."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from assessment.api import data as api_data
from assessment.api.openapi import document
from assessment.extensions import db
from assessment.store import api_tokens, operations
from assessment.store.models import MEMBER, VIEWER, ApiToken, Assessment, Team, User
from assessment.store.read_model import scored_team

YEARS = (2024, 2025, 2026)


@pytest.mark.parametrize("value, text", [
    (dt.datetime(2026, 9, 30, 14, 5, 7, 123456), "2026-09-30T14:05:07Z"),
    (dt.datetime(2026, 1, 2), "2026-01-02T00:00:00Z"),
    (None, None),
])
def test_times_are_iso_8601_in_utc(value, text):
    assert api_data.iso_datetime(value) == text


@pytest.mark.parametrize("value, expected", [
    (Decimal("3.0"), 3.0), (Decimal("2.3"), 2.3), (Decimal("0.5"), 0.5), (None, None),
])
def test_scores_are_json_numbers(value, expected):
    assert api_data.number(value) == expected
    assert value is None or str(api_data.number(value)) == str(value)


@pytest.mark.parametrize("page, per_page, expected", [
    (None, None, (1, 50)), ("", "", (1, 50)), ("3", "10", (3, 10)), ("1", "100", (1, 100)),
    ("0", None, "page must be 1"), (None, "101", "per_page from 1 to 100"),
    ("-1", None, "page must be 1"), ("x", None, "whole numbers"), (None, "2.5", "whole numbers"),
])
def test_the_page_asked_for_is_checked(page, per_page, expected):
    parsed = api_data.parse_page(page, per_page)
    if isinstance(expected, tuple):
        assert (parsed.number, parsed.per_page) == expected
    else:
        assert expected in parsed


@pytest.mark.parametrize("number, total, pages, next_page, previous", [
    (1, 0, 1, None, None), (1, 5, 3, 2, None), (2, 5, 3, 3, 1), (3, 5, 3, None, 2),
    (9, 5, 3, None, 3),
])
def test_pagination_links_to_the_next_and_previous_pages(number, total, pages, next_page,
                                                          previous):
    info = api_data.pagination(api_data.Page(number, 2, total), "/x")
    assert info["pages"] == pages
    assert info["next"] == (next_page and f"/x?page={next_page}&per_page=2")
    assert info["previous"] == (previous and f"/x?page={previous}&per_page=2")


def make_token(app, user_id: int, *, days: int | None = None, name: str = "script") -> str:
    with app.app_context():
        _, secret = api_tokens.make_token(db.session.get(User, user_id), name, days)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def team3(app, make_assessment, questionnaire):
    """A team with three finished assessments a year apart (all 2s, all 3s, all 4s but one
    "don't know"), the latest with a target and a target date for the first pillar."""
    questions = [q for *_, q in questionnaire.questions()]
    ids = [make_assessment({q.id: str(level) for q in questions}
                           | ({questions[0].id: "unknown"} if level == 4 else {}),
                           finished=True) for level in (2, 3, 4)]
    strategy = questionnaire.pillars[0].id
    with app.app_context():
        rows = [db.session.scalar(select(Assessment).filter_by(public_id=i)) for i in ids]
        emptied = [row.team for row in rows[1:]]
        for year, row in zip(YEARS, rows, strict=True):
            row.team_id = rows[0].team_id
            row.started_at = dt.datetime(year, 3, 1, 9, 30)
            row.finished_at = dt.datetime(year, 3, 8, 16, 0)
        operations.set_targets(rows[2], {strategy: Decimal("4.5")},
                               {strategy: dt.date(2027, 9, 30)})
        db.session.flush()
        for team in emptied:
            db.session.delete(team)
        db.session.commit()
        return {"team_id": rows[0].team_id, "ids": ids, "strategy": strategy}


def num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def scored(app, team_id: int):
    with app.app_context():
        return scored_team(db.session.get(Team, team_id))


def test_teams_lists_the_callers_teams_and_roles(client, team3, make_assessment):
    make_assessment(service="Visa services")
    response = client.get("/api/v1/teams")
    assert response.status_code == 200 and response.mimetype == "application/json"
    teams = response.json["teams"]
    assert [t["service"] for t in teams] == ["Passport Services", "Visa services"]
    first = teams[0]
    assert first["id"] == team3["team_id"] and first["your_role"] == "owner"
    assert first["agency"] == "Department of State" and first["is_demo"] is False
    assert first["links"] == {"self": f"/api/v1/teams/{first['id']}",
                              "assessments": f"/api/v1/teams/{first['id']}/assessments",
                              "history": f"/api/v1/teams/{first['id']}/history",
                              "page": f"/teams/{first['id']}"}


def test_a_team_lists_its_assessments_with_overall_scores(app, client, team3):
    body = client.get(f"/api/v1/teams/{team3['team_id']}").json
    assert body["your_role"] == "owner"
    summaries = body["assessments"]
    assert [a["id"] for a in summaries] == team3["ids"]
    assert [a["overall"]["score"] for a in summaries] == [2.0, 3.0, 4.0]
    assert [a["overall"]["level_name"] for a in summaries] == ["Tactical", "Strategic",
                                                               "Foundational"]
    assert summaries[0]["started_at"] == "2024-03-01T09:30:00Z"
    assert summaries[0]["finished_at"] == "2024-03-08T16:00:00Z"
    assert {a["status"] for a in summaries} == {"finished"}
    assert client.get(f"/api/v1/teams/{team3['team_id']}/assessments").json["assessments"] \
        == summaries


def test_history_has_every_pillar_score_and_target_oldest_first(app, client, team3):
    body = client.get(f"/api/v1/teams/{team3['team_id']}/history").json
    entries = body["assessments"]
    assert [e["date"][:4] for e in entries] == ["2024", "2025", "2026"]
    for entry, expected in zip(entries, scored(app, team3["team_id"]), strict=True):
        assert entry["overall"]["score"] == float(expected.results.score)
        assert [(p["id"], p["score"], p["target"], p["meets_target"]) for p in entry["pillars"]] \
            == [(p.pillar.id, float(p.score), float(p.target), p.meets_target)
                for p in expected.results.pillars]
        assert "practices" not in entry["pillars"][0]
    latest = entries[2]["pillars"][0]
    assert (latest["id"], latest["target"], latest["target_date"]) == \
        (team3["strategy"], 4.5, "2027-09-30")
    assert latest["meets_target"] is False
    assert entries[0]["pillars"][0]["target_date"] is None
    assert body["pagination"] == {"page": 1, "per_page": 50, "total": 3, "pages": 1,
                                  "next": None, "previous": None}


def test_an_assessment_has_every_score_level_target_and_weak_practice(app, client, team3,
                                                                      questionnaire):
    latest = team3["ids"][2]
    body = client.get(f"/api/v1/assessments/{latest}").json
    expected = scored(app, team3["team_id"])[2].results
    assert body["overall"] == {"score": 4.0, "level": 4, "level_name": "Foundational",
                               "pillars_covered": 8, "pillars_total": 8}
    for pillar, want in zip(body["pillars"], expected.pillars, strict=True):
        assert (pillar["score"], pillar["level"]) == (float(want.score), want.level)
        assert [(p["id"], p["score"], p["level"]) for p in pillar["practices"]] == \
            [(p.practice.id, num(p.score), p.level) for p in want.practices]
    # Only Strategy's target (4.5) is above the 4s: its practices are the weak ones.
    assert [w["practice_id"] for w in body["weak_practices"]] == \
        [w.practice.practice.id for w in expected.weak_practices]
    assert {w["pillar_id"] for w in body["weak_practices"]} == {team3["strategy"]}
    assert body["weak_practices"][0]["gap"] == float(expected.weak_practices[0].gap)
    first_question = questionnaire.pillars[0].questions[0]
    assert body["knowledge_gaps"] == [{"pillar_id": team3["strategy"],
                                       "practice_id": questionnaire.pillars[0].practices[0].id,
                                       "question_id": first_question.id,
                                       "question": first_question.text}]
    assert body["pillars"][0]["practices"][0]["score"] is None  # its one question: don't know
    assert body["respondents"] == 1 and body["status"] == "finished"
    assert body["links"]["page"] == f"/assessments/{latest}/results"


def test_scores_are_just_the_scores(client, team3):
    body = client.get(f"/api/v1/assessments/{team3['ids'][0]}/scores").json
    assert set(body) == {"id", "questionnaire_version", "overall", "pillars"}
    assert body["overall"]["score"] == 2.0
    assert {p["score"] for p in body["pillars"]} == {2.0}
    assert body["pillars"][0]["practices"][0]["level_name"] == "Tactical"


def test_every_link_in_the_answers_leads_somewhere(client, team3):
    body = client.get("/api/v1/teams").json
    links = [*body["teams"][0]["links"].values()]
    detail = client.get(body["teams"][0]["links"]["self"]).json
    links += detail["assessments"][0]["links"].values()
    for link in links:
        assert client.get(link).status_code == 200, link


def test_long_lists_come_in_pages(client, team3):
    path = f"/api/v1/teams/{team3['team_id']}/history"
    first = client.get(f"{path}?per_page=2").json
    assert [a["id"] for a in first["assessments"]] == team3["ids"][:2]
    assert first["pagination"]["next"] == f"{path}?page=2&per_page=2"
    second = client.get(first["pagination"]["next"]).json
    assert [a["id"] for a in second["assessments"]] == team3["ids"][2:]
    assert second["pagination"]["next"] is None
    assert second["pagination"]["previous"] == f"{path}?page=1&per_page=2"
    assert client.get(f"{path}?page=9").json["assessments"] == []


@pytest.mark.parametrize("query", ["page=0", "per_page=101", "per_page=0", "page=two",
                                   "per_page=1.5"])
def test_a_bad_page_is_a_json_400(client, team3, query):
    response = client.get(f"/api/v1/teams/{team3['team_id']}/assessments?{query}")
    assert response.status_code == 400
    assert "per_page" in response.json["error"]["message"]


def test_a_bearer_token_reads_as_its_owner(app, anonymous, team3, owner_id):
    secret = make_token(app, owner_id)
    response = anonymous.get("/api/v1/teams", headers=bearer(secret))
    assert response.status_code == 200
    assert [t["id"] for t in response.json["teams"]] == [team3["team_id"]]
    assert "Set-Cookie" not in response.headers
    assert anonymous.get(f"/api/v1/assessments/{team3['ids'][0]}",
                         headers=bearer(secret)).status_code == 200


def test_a_token_never_signs_anyone_in_to_the_pages(app, anonymous, team3, owner_id):
    secret = make_token(app, owner_id)
    response = anonymous.get(f"/teams/{team3['team_id']}", headers=bearer(secret))
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    assert anonymous.get("/api/v1/teams").status_code == 401  # no session was left behind


def test_last_use_is_written_at_most_once_a_minute(app, anonymous, owner_id, monkeypatch):
    secret = make_token(app, owner_id)
    now = dt.datetime(2026, 5, 1, 12, 0, 0)
    monkeypatch.setattr(api_tokens, "utcnow", lambda: now)

    def last_used():
        with app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at))

    anonymous.get("/api/v1/teams", headers=bearer(secret))
    assert last_used() == now
    now += dt.timedelta(seconds=59)
    anonymous.get("/api/v1/teams", headers=bearer(secret))
    assert last_used() == dt.datetime(2026, 5, 1, 12, 0, 0)
    now += dt.timedelta(seconds=1)
    anonymous.get("/api/v1/teams", headers=bearer(secret))
    assert last_used() == now


def _revoked(app, secret):
    with app.app_context():
        api_tokens.revoke_token(api_tokens.find_token(secret))
        db.session.commit()


def _expired(app, secret):
    with app.app_context():
        api_tokens.find_token(secret).expires_at = dt.datetime(2020, 1, 1)
        db.session.commit()


@pytest.mark.parametrize("spoil, header", [
    (_revoked, None), (_expired, None),
    (None, "Bearer cxa_not-a-real-token"), (None, "Bearer "), (None, "Basic dXNlcjpwYXNz"),
    (None, "Bearer " + "x" * 5000), (None, "garbage"),
])
def test_a_token_that_does_not_work_is_a_401(app, anonymous, client, owner_id, team3, spoil,
                                             header):
    secret = make_token(app, owner_id)
    if spoil:
        spoil(app, secret)
    headers = {"Authorization": header} if header else bearer(secret)
    for caller in (anonymous, client):  # a session does not rescue a bad token
        response = caller.get(f"/api/v1/teams/{team3['team_id']}", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "token" in response.json["error"]["message"]


def test_signed_out_callers_are_asked_to_authenticate_in_json(anonymous, team3):
    for path in ("/api/v1/teams", f"/api/v1/teams/{team3['team_id']}",
                 f"/api/v1/teams/{team3['team_id']}/history", "/api/v1/teams/999999",
                 f"/api/v1/assessments/{team3['ids'][0]}/scores"):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json == {"error": {"status": 401, "message": response.json["error"][
            "message"]}}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Set-Cookie" not in response.headers  # not even a flashed message


def test_another_team_is_not_found_with_a_session_or_a_token(app, world, make_user):
    outsider = world["clients"]["other team"]
    with app.app_context():
        outsider_id = db.session.scalar(select(User.id).filter_by(email="x@irs.gov"))
    secret = make_token(app, outsider_id)
    team_id = world["values"]["team_id"]
    for path in (f"/api/v1/teams/{team_id}", f"/api/v1/teams/{team_id}/history",
                 f"/api/v1/teams/{team_id}/assessments", f"/api/v1/assessments/"
                 f"{world['finished']}", f"/api/v1/assessments/{world['finished']}/scores"):
        assert outsider.get(path).status_code == 404, path
        response = app.test_client().get(path, headers=bearer(secret))
        assert response.status_code == 404, path
        assert response.json["error"]["status"] == 404


@pytest.mark.parametrize("role", [VIEWER, MEMBER])
def test_viewers_and_members_read_their_team(app, world, role):
    caller = world["clients"][role]
    team_id = world["values"]["team_id"]
    body = caller.get(f"/api/v1/teams/{team_id}").json
    assert body["your_role"] == role
    assert caller.get(f"/api/v1/assessments/{world['finished']}").status_code == 200
    assert [t["id"] for t in caller.get("/api/v1/teams").json["teams"]] == [team_id]


def test_the_demo_team_is_readable_by_anyone(app, anonymous, client, team3):
    with app.app_context():
        team = db.session.get(Team, team3["team_id"])
        team.is_demo = True
        team.memberships.clear()
        db.session.commit()
    body = anonymous.get(f"/api/v1/teams/{team3['team_id']}").json
    assert body["is_demo"] is True and body["your_role"] is None
    assert [a["id"] for a in body["assessments"]] == team3["ids"]
    assert anonymous.get(f"/api/v1/assessments/{team3['ids'][2]}").json["overall"]["score"] \
        == 4.0
    assert client.get(f"/api/v1/teams/{team3['team_id']}/history").status_code == 200
    assert anonymous.get("/api/v1/teams").status_code == 401


def test_errors_are_json_and_pages_stay_html(client, anonymous):
    for path in ("/api/v1/nothing-here", "/api/v2/teams", "/api/v1/assessments/no-such-id",
                 "/api/v1/assessments/not%20an%20id/scores", "/api/v1/teams/0",
                 "/api/v1/teams/99999999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/json", path
        assert response.json["error"]["status"] == 404
    response = client.post("/api/v1/teams")
    assert response.status_code == 405 and response.json["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]
    assert anonymous.delete("/api/v1/openapi.json").status_code == 405
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_answers_are_never_cached_and_keep_the_security_headers(client, team3):
    for path in ("/api/v1/teams", "/api/v1/openapi.json", "/api/v1/teams/0"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def count_queries(app, call) -> int:
    with app.app_context():
        engine = db.engine
    statements = []

    def note(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(statements)


def test_queries_do_not_grow_with_assessments_or_respondents(app, client, team3,
                                                             make_assessment, make_user,
                                                             join_team, questionnaire):
    paths = [f"/api/v1/teams/{team3['team_id']}", f"/api/v1/teams/{team3['team_id']}/history",
             f"/api/v1/teams/{team3['team_id']}/assessments",
             f"/api/v1/assessments/{team3['ids'][0]}", "/api/v1/teams"]
    for path in paths:
        client.get(path)  # questionnaire versions are read once per process

    def cold(path: str) -> int:
        """Queries of a request whose scores are not cached yet (the most it can take)."""
        app.extensions.pop("scores_cache", None)
        return count_queries(app, lambda: client.get(path))

    before = {path: cold(path) for path in paths}
    answers = {q.id: "3" for *_, q in questionnaire.questions()}
    more = [make_assessment(answers, finished=True) for _ in range(4)]
    with app.app_context():
        for public_id in more:
            row = db.session.scalar(select(Assessment).filter_by(public_id=public_id))
            row.team_id = team3["team_id"]
            row.open_to_team = True
        first = db.session.scalar(select(Assessment).filter_by(public_id=team3["ids"][0]))
        first.open_to_team = True
        db.session.commit()
    users = [make_user(f"member{n}@state.gov") for n in range(3)]
    with app.app_context():
        first = db.session.scalar(select(Assessment).filter_by(public_id=team3["ids"][0]))
        for user in users:
            operations.save_answers(operations.response_for(first, user), {
                q.id: operations.SubmittedAnswer("5") for q in questionnaire.pillars[0].questions})
        db.session.commit()
    after = {path: cold(path) for path in paths}
    assert after == before
    assert len(client.get(paths[1]).json["assessments"]) == 7
    assert client.get(paths[3]).json["respondents"] == 3


def test_the_openapi_document_describes_every_api_route_and_nothing_else(app, anonymous):
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json == document()
    routes = {(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), rule.endpoint[4:])
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    described = {(path, item["get"]["operationId"]) for path, item in document()["paths"].items()}
    assert routes == described
    assert set(document()["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}
    for path, item in document()["paths"].items():
        codes = set(item["get"]["responses"])
        assert "200" in codes
        if path != "/api/v1/openapi.json":
            assert "401" in codes, path


def test_an_unexpected_error_is_a_json_500_without_details(client, team3, monkeypatch):
    def broken(*_args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("assessment.api.data.team_summary", broken)
    response = client.get("/api/v1/teams")
    assert response.status_code == 500
    assert response.json["error"]["status"] == 500
    assert "secret" not in response.get_data(as_text=True)
