"""Random and malformed form data posted to every POST route: never a 5xx, and a refused
request (4xx) stores nothing."""

from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from tests.conftest import sign_in_as
from tests.test_authorization import routes, token_for

FIELDS = ["csrf_token", "action", "role", "open", "choice", "note", "email", "password",
          "next", "confirm", "title", "owner", "due_month", "due_day", "due_year", "status",
          "agency", "office", "service", "answer-strategy.big-picture.q1",
          "note-strategy.big-picture.q1", "target-strategy", "target-strategy-month",
          "target-strategy-day", "target-strategy-year", "keep-answer-x", "name", "file",
          "invite-role", "invite-email", "form_key", "credential", "code", "parent", "team",
          "shares", "link-strategy.big-picture.q1", "verdict-strategy.big-picture.q1",
          "comment-strategy.big-picture.q1", "reply"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "1", "3", "5", "6", "na", "unknown", "yes", "no", "owner", "viewer",
                     "3.0", "0", "-1", "99999999999", "continue", "later", "//evil.example",
                     "lead@state.gov", "\x00", "😀", "2027", "13", "done",
                     "k3y-made-by-our-page-0123456789", "validated", "challenged",
                     "https://www.state.gov/plan", "javascript:alert(1)"]),
    st.just("x" * 5000),
)
FORMS = st.lists(st.tuples(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), VALUES),
                 max_size=10)


def snapshot() -> dict[str, list]:
    """Every row of every table, to compare before and after a refused request."""
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables}


# Every POST route; test_every_post_route_is_fuzzed fails when one is added and not listed.
POST_ENDPOINTS = [
    "account.reset_password", "account.reset_request", "account.sign_in", "account.sign_out",
    "account.sign_up", "consensus.agree", "plan.add_action", "plan.edit_action",
    "plan.remove_action", "results.targets", "take.claim", "take.finish", "take.open_to_team",
    "take.pillar", "take.reopen", "take.start", "team.change_role", "team.invite", "team.join",
    "team.leave", "team.remove_member", "team.answer_invite",
    "team.start_assessment", "team.revoke_invite", "hisp.hisp_status",
    "api_tokens.tokens", "api_tokens.revoke", "transfer.import_file",
    "account.finish_sign_up", "account.sign_out_everywhere",
    "deleting.delete_assessment", "deleting.delete_team", "deleting.restore_assessment",
    "deleting.restore_action", "deleting.restore_team", "deleting.delete_account",
    "sso.start", "sso.confirm_link", "sso.confirm_start",
    "passkeys.passkeys", "passkeys.remove", "passkeys.recovery_codes",
    "passkeys.register_options", "passkeys.confirm_options", "passkeys.sign_in_options",
    "passkeys.sign_in", "passkeys.recovery_sign_in", "passkeys.confirm",
    "organizations.create", "organizations.add_person", "organizations.change_role",
    "organizations.remove_person", "organizations.invite", "organizations.withdraw_invite",
    "team_organizations.join",
    "team_organizations.leave", "team_organizations.sharing",
    "validation.review_answers", "validation.reply",
]


def post_rule(app, endpoint: str):
    return next(rule for rule, method in routes(app)
                if method == "POST" and rule.endpoint == endpoint)


def test_every_post_route_is_fuzzed(app):
    assert {rule.endpoint for rule, method in routes(app) if method == "POST"} == \
        set(POST_ENDPOINTS)


@pytest.fixture
def fuzz(app, world, owner_id):
    """Post one form to one POST route as the owner; return the status and whether the
    database changed."""
    client = world["clients"]["owner"]
    # The rows after one post are the rows before the next (nothing else writes meanwhile):
    # one snapshot per post, not two.
    last: dict[str, dict[str, list]] = {}

    def post(rule, form: list[tuple[str, str]], with_token: bool) -> tuple[int, bool]:
        sign_in_as(client, owner_id)  # a route may have signed out
        public_id = world["draft"] if rule.endpoint.startswith("take.") else world["finished"]
        values = world["values"] | {"public_id": public_id, "passkey_id": 1}
        with app.test_request_context():
            path = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        data = [(k, v) for k, v in form if k != "csrf_token"]
        if with_token:
            data.append(("csrf_token", token_for(client)))
        if "rows" not in last:
            with app.app_context():
                last["rows"] = snapshot()
        before = last["rows"]
        response = client.post(path, data=MultiDict(data))
        with app.app_context():
            db.session.remove()
            last["rows"] = snapshot()
        return response.status_code, last["rows"] != before

    return post


# 12 random forms a route a run (60 POST routes: 720 posts), each run new ones: Hypothesis
# keeps no database here, so every run of the suite tries forms no run tried before.
@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=FORMS, with_token=st.booleans())
def test_random_posts_never_crash_and_refused_ones_store_nothing(app, fuzz, endpoint, form,
                                                                 with_token):
    rule = post_rule(app, endpoint)
    status, changed = fuzz(rule, form, with_token)
    assert status < 500, (rule.endpoint, form)
    if status >= 400:
        assert not changed, (rule.endpoint, status, form)
