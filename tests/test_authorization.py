"""Every route in the URL map, as anonymous, viewer, member, owner and a member of another team.

No cross-team read or write anywhere: another team's member gets 404 on every page, form and
download of a team, a member whose role is too low gets 403, and a signed-out user is asked
to sign in. A new route fails test_every_route_has_an_expected_access until it is listed here.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from assessment.extensions import db
from assessment.store.models import MEMBER, OWNER, VIEWER, Membership

PUBLIC, SIGNED_IN, CLAIM = "public", "signed in", "claim"
# Single sign-on routes of a provider: these apps have none, so 404 for everyone
# (tests/test_sso.py covers them with a real provider).
SSO = "single sign-on"
# Only an owner or reviewer of an organization the team belongs to: in the world, team A's
# owner and member are its organization's owner and reviewer (tests/test_validation.py has more).
ORG_REVIEWER = "organization reviewer"
RANK = {VIEWER: 1, MEMBER: 2, OWNER: 3}
# The least a user needs for each endpoint. CLAIM: only for teams from before accounts.
ACCESS = {
    "static": PUBLIC, "ops.healthz": PUBLIC,
    "main.home": PUBLIC, "main.scoring": PUBLIC, "main.accessibility": PUBLIC,
    "main.privacy": PUBLIC, "main.about": PUBLIC,
    "account.sign_in": PUBLIC, "account.sign_up": PUBLIC, "account.sign_out": PUBLIC,
    "account.reset_request": PUBLIC, "account.reset_password": PUBLIC,
    "account.finish_sign_up": PUBLIC, "account.account": SIGNED_IN,
    "account.sign_out_everywhere": SIGNED_IN,
    "take.start": SIGNED_IN, "team.index": SIGNED_IN, "team.join": SIGNED_IN,
    "team.answer_invite": SIGNED_IN, "work.home": SIGNED_IN,
    "team.invite_page": PUBLIC, "team.revoke_invite": OWNER,
    "take.claim": CLAIM,
    "take.resume": VIEWER, "take.saved": VIEWER, "take.review": VIEWER,
    "take.pillar": MEMBER, "take.finish": OWNER, "take.reopen": OWNER,
    "results.results": VIEWER, "results.targets": OWNER,
    "plan.plan_pdf": VIEWER, "plan.actions_csv": VIEWER, "plan_page.plan_page": VIEWER,
    # Members change and remove only the actions they added; the world's action was added by
    # no one, so only owners may (tests/test_demo_and_actions.py covers a member's own).
    "plan.add_action": MEMBER, "plan.edit_action": OWNER, "plan.remove_action": OWNER,
    "team.team": VIEWER, "team.invite": OWNER, "team.change_role": OWNER,
    "team.remove_member": OWNER, "team.leave": VIEWER,
    "team.start_assessment": OWNER, "hisp.hisp_status": OWNER,
    "take.open_to_team": OWNER, "team.audit_log": OWNER,
    "consensus.team_view": VIEWER, "consensus.agree": OWNER,
    # history and trends
    "history.team_history": VIEWER,
    # side by side
    "compare.compare": VIEWER,
    # export and import
    "transfer.assessment_json": VIEWER, "transfer.answers_csv": VIEWER,
    "transfer.assessment_scores_csv": VIEWER, "transfer.team_json": VIEWER,
    "transfer.team_scores_csv": VIEWER, "transfer.import_file": SIGNED_IN,
    # read-only API and API tokens
    "api.openapi": PUBLIC, "api.teams": SIGNED_IN, "api.team": VIEWER,
    "api.team_assessment_list": VIEWER, "api.history": VIEWER, "api.assessment": VIEWER,
    "api.scores": VIEWER, "api_tokens.tokens": SIGNED_IN, "api_tokens.revoke": SIGNED_IN,
    # deleting and restoring (their posts are tested in tests/test_deleting.py)
    "deleting.delete_assessment": OWNER, "deleting.delete_team": OWNER,
    "deleting.restore_assessment": OWNER, "deleting.restore_action": OWNER,
    "deleting.recently_deleted_teams": SIGNED_IN, "deleting.restore_team": SIGNED_IN,
    "deleting.delete_account": SIGNED_IN,
    # single sign-on (tests/test_sso.py)
    "sso.start": SSO, "sso.callback": SSO, "sso.confirm_start": SSO, "sso.confirm_link": PUBLIC,
    # passkeys (their posts are tested in tests/test_passkeys.py)
    "passkeys.passkeys": SIGNED_IN, "passkeys.remove": SIGNED_IN,
    "passkeys.recovery_codes": SIGNED_IN, "passkeys.register_options": SIGNED_IN,
    "passkeys.confirm_options": SIGNED_IN, "passkeys.sign_in_options": PUBLIC,
    "passkeys.sign_in": PUBLIC, "passkeys.recovery_sign_in": PUBLIC,
    "passkeys.needed": SIGNED_IN, "passkeys.confirm": SIGNED_IN,
    # organizations: team A is in one whose owner, reviewer and viewer are team A's owner,
    # member and viewer, so an organization role reads by the same rank (viewer < reviewer
    # < owner); leave and sharing are the team owner's.
    "organizations.index": SIGNED_IN, "organizations.create": SIGNED_IN,
    "organizations.people": OWNER, "organizations.audit_log": OWNER,
    "organizations.add_person": OWNER,
    "organizations.change_role": OWNER, "organizations.remove_person": OWNER,
    "organizations.invite": OWNER, "organizations.withdraw_invite": OWNER,
    "team_organizations.invite_page": PUBLIC,
    "team_organizations.join": SIGNED_IN, "team_organizations.leave": OWNER,
    "team_organizations.sharing": OWNER,
    "portfolio.portfolio": VIEWER, "portfolio.summary": VIEWER, "portfolio.summary_pdf": VIEWER,
    "portfolio.csv": VIEWER, "portfolio.practice": VIEWER, "portfolio.plan_pdf": VIEWER,
    "api.portfolio": VIEWER,
    # independent validation; a reply without a challenge goes back to the results
    "validation.to_review": SIGNED_IN, "validation.review_answers": ORG_REVIEWER,
    "validation.reply": MEMBER,
}
# Posts that would delete team A, its assessment or an account, or restore what is not
# deleted (404 for everyone): tests/test_deleting.py covers who may.
DELETING_POSTS = {"deleting.delete_assessment", "deleting.delete_team",
                  "deleting.restore_assessment", "deleting.restore_action",
                  "deleting.restore_team", "deleting.delete_account"}
PERSONAS = ("anonymous", VIEWER, MEMBER, OWNER, "other team")


def routes(app):
    """Every (rule, method) of the app but HEAD and OPTIONS."""
    return [(rule, method) for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]


def test_every_route_has_an_expected_access(app):
    missing = {rule.endpoint for rule, _ in routes(app)} - set(ACCESS)
    assert not missing, f"say who may use these routes in ACCESS: {sorted(missing)}"


def token_for(client) -> str:
    page = BeautifulSoup(client.get("/sign-in").data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def expected(access: str, persona: str) -> str:
    """'ok', 'sign in', 'not found' or 'forbidden'."""
    if access == SSO:
        return "not found"
    if access == PUBLIC:
        return "ok"
    if persona == "anonymous":
        return "sign in"
    if access == SIGNED_IN:
        return "ok"
    if access == ORG_REVIEWER:  # team A's owner and member own and review its organization
        return "ok" if persona in (OWNER, MEMBER) else "not found"
    if access == CLAIM or persona == "other team":
        return "not found"
    return "ok" if RANK[persona] >= RANK[access] else "forbidden"


def outcome(response) -> str:
    assert response.status_code < 500, response.status_code
    if response.status_code == 404:
        return "not found"
    if response.status_code == 401 and response.headers.get("WWW-Authenticate", "").startswith(
            "Bearer"):
        return "sign in"  # the API asks a signed-out caller to authenticate
    if response.status_code in (401, 403):
        return "forbidden"
    if response.status_code == 302 and response.location.startswith("/sign-in"):
        return "sign in"
    if response.status_code == 200 and b"<h1>Sign in</h1>" in response.data:
        return "sign in"  # a form posted signed out: the sign-in page keeps what was chosen
    return "ok"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.usefixtures("fake_renders")  # who gets the plan, not what it says
def test_each_route_answers_each_kind_of_user_as_expected(app, world, persona):
    client = world["clients"][persona]
    token = token_for(client)
    results, wrong = {}, []
    for rule, method in routes(app):
        access = ACCESS[rule.endpoint]
        public_id = world["draft"] if rule.endpoint.startswith("take.") else world["finished"]
        values = world["values"] | {"public_id": public_id, "passkey_id": 1}
        with app.test_request_context():
            path = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        if (rule.endpoint, method) in (("account.sign_out", "POST"), ("team.join", "POST"),
                                       ("team.leave", "POST"), ("api_tokens.revoke", "POST"),
                                       ("account.sign_out_everywhere", "POST"),
                                       ("passkeys.remove", "POST"),
                                       ("team_organizations.join", "POST"),
                                       ("team_organizations.leave", "POST")):
            continue  # would sign out, join or leave team A (or its organization), or revoke
            # the owner's API token or passkey (404 for everyone else); tests of their own
            # cover them
        if method == "POST" and rule.endpoint in DELETING_POSTS:
            continue
        response = client.open(path, method=method, data={"csrf_token": token})
        got, want = outcome(response), expected(access, persona)
        response.close()
        if access == PUBLIC and got == "sign in":
            got = "ok"  # the sign-in page itself
        results[(method, path)] = got
        if got != want:
            wrong.append(f"{method} {path} ({rule.endpoint}): {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_another_teams_member_changes_nothing_anywhere(app, world, load_assessment):
    before = {i: load_assessment(world[i]) for i in ("draft", "finished")}
    client = world["clients"]["other team"]
    token = token_for(client)
    for rule, method in routes(app):
        if method != "POST" or ACCESS[rule.endpoint] not in RANK:
            continue
        for key in ("draft", "finished"):
            values = world["values"] | {"public_id": world[key], "passkey_id": 1}
            with app.test_request_context():
                path = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            assert client.post(path, data={"csrf_token": token, "role": OWNER}).status_code == 404
    assert {i: load_assessment(world[i]) for i in ("draft", "finished")} == before
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 5


@pytest.mark.usefixtures("fake_renders")  # who gets the plan, not what it says
def test_the_demo_team_is_readable_by_anyone_but_changed_only_by_its_members(
        app, anonymous, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    latest = result.output.splitlines()[2].split()[-1]
    for path in (f"/assessments/{latest}/results", f"/assessments/{latest}/plan.pdf",
                 f"/assessments/{latest}/review"):
        assert anonymous.get(path).status_code == 200, path
        assert client.get(path).status_code == 200, path
    assert anonymous.get(f"/assessments/{latest}/targets").location.startswith("/sign-in")
    assert client.get(f"/assessments/{latest}/targets").status_code == 404


def test_a_viewer_reads_results_without_buttons_that_would_refuse_them(world):
    viewer = world["clients"][VIEWER]
    page = viewer.get(f"/assessments/{world['finished']}/results").data.decode()
    assert "Download your improvement plan" in page
    for refused in ("Add an action", "Change your targets", "Reopen to change answers",
                    "/edit", "/remove"):
        assert refused not in page, refused
    review = viewer.get(f"/assessments/{world['draft']}/review").data.decode()
    assert "Finish and see results" not in review and "Open to the whole team" not in review
