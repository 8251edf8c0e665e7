"""The audit log: sign-ins, answers, finishing, reopening, roles and exports, for owners."""

from __future__ import annotations

from assessment.extensions import db
from assessment.store.models import MEMBER, Assessment, AuditEvent
from tests.conftest import PASSWORD, check_page, page_text, sign_in_as


def events(app):
    with app.app_context():
        return [(e.action, e.outcome, e.email, e.address, e.detail) for e in
                db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_ins_are_logged_with_the_outcome_and_address(app, anonymous, make_user):
    make_user("ana@state.gov")
    token = anonymous.get("/sign-in").data.decode().split('name="csrf_token" value="')[1]
    token = token.split('"')[0]
    for password in ("wrong password!", PASSWORD):
        anonymous.post("/sign-in", data={"csrf_token": token, "email": "ana@state.gov",
                                         "password": password, "next": ""},
                       environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert events(app) == [("sign_in", "failure", "ana@state.gov", "203.0.113.9", ""),
                           ("sign_in", "success", "ana@state.gov", "203.0.113.9", "")]


def test_answers_finishing_reopening_roles_and_exports_are_logged(
        app, client, csrf_token, make_assessment, make_user, join_team, questionnaire):
    public_id = make_assessment()
    url = f"/assessments/{public_id}/pillars/strategy"
    client.post(url, data={"csrf_token": csrf_token(url), "action": "continue",
                           **{f"answer-{q.id}": "3" for q in questionnaire.pillars[0].questions}})
    review = f"/assessments/{public_id}/review"
    client.post(f"/assessments/{public_id}/finish", data={"csrf_token": csrf_token(review)})
    client.get(f"/assessments/{public_id}/actions.csv")
    client.post(f"/assessments/{public_id}/reopen", data={"csrf_token": csrf_token(review)})
    ana = make_user("ana@state.gov")
    join_team(public_id, ana, MEMBER)
    with app.app_context():
        team = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)).team
        membership = next(m for m in team.memberships if m.user_id == ana)
        team_id, membership_id = team.id, membership.id
    client.post(f"/teams/{team_id}/members/{membership_id}/role",
                data={"csrf_token": csrf_token(f"/teams/{team_id}"), "role": "viewer"})
    logged = [(action, outcome, email) for action, outcome, email, *_ in events(app)]
    assert logged == [("answers_saved", "success", "owner@state.gov"),
                      ("assessment_finished", "success", "owner@state.gov"),
                      ("export", "success", "owner@state.gov"),
                      ("assessment_reopened", "success", "owner@state.gov"),
                      ("role_changed", "success", "owner@state.gov")]
    assert events(app)[-1][-1] == "ana@state.gov: member to viewer"

    page = check_page(client.get(f"/teams/{team_id}/audit").data.decode())
    text = page_text(page)
    assert "Changed the role of ana@state.gov from member to viewer" in text
    with app.app_context():
        month = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id)) \
            .dated.on.strftime("%B %Y")
    assert f"Finished the {month} assessment" in text
    assert f"Reopened the {month} assessment" in text
    assert f"Saved answers to Strategy in the {month} assessment" in text
    assert "Downloaded" in text and "assessment 1" not in text.lower()
    when = page.find("time", class_="app-local-time")
    assert when["datetime"].endswith("Z") and when.get_text().split()[-1] in ("EST", "EDT")
    assert sign_in_as(app.test_client(), ana).get(f"/teams/{team_id}/audit").status_code == 403


def test_signing_out_is_logged_as_the_person_who_signed_out(app, client, csrf_token):
    client.post("/sign-out", data={"csrf_token": csrf_token("/")})
    assert [e[:3] for e in events(app)][-1] == ("sign_out", "success", "owner@state.gov")
