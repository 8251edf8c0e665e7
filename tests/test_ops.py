"""Operations: health check, request ids and structured logs."""

from __future__ import annotations

import json
import logging

from assessment import create_app
from assessment.web.log import JsonFormatter


def test_the_health_check_says_ok_when_the_database_answers(client, questionnaire):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok",
                             "questionnaire": questionnaire.version}


def test_the_health_check_fails_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_response_carries_a_request_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first and second and first != second
    given = client.get("/", headers={"X-Request-ID": "lb-1234"}).headers["X-Request-ID"]
    assert given == "lb-1234"


def test_app_logs_are_one_json_object_per_line_with_the_request_id(app):
    record = logging.LogRecord("assessment", logging.WARNING, __file__, 1, "Saved %s", ("x",),
                               None)
    with app.test_request_context("/start", headers={"X-Request-ID": "req-7"}):
        app.preprocess_request()
        line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "Saved x" and entry["level"] == "WARNING"
    assert (entry["request_id"], entry["path"]) == ("req-7", "/start")
