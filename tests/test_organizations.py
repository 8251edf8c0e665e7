"""Organizations through the test client: an owner makes one, invites two teams, both join,
the portfolio shows them (scores, shared weaknesses), a third team stays invisible, and a team
that leaves disappears. People changes keep an owner, and every step is in the audit log."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from assessment.extensions import db
from assessment.store import api_tokens, operations
from assessment.store import organizations as orgs
from assessment.store.demo_department import DEPARTMENT
from assessment.store.models import (
    ORG_VIEWER,
    Assessment,
    AuditEvent,
    Organization,
    OrganizationInvite,
    OrganizationTeam,
    Team,
    User,
)
from tests.conftest import check_page, page_text, sign_in_as
from tests.test_authorization import token_for


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": token_for(client)} | (data or {}))


def answers(questionnaire, strategy: str, rest: str) -> dict[str, str]:
    return {q.id: strategy if pillar.id == "strategy" else rest
            for pillar, _, q in questionnaire.questions()}


@pytest.fixture
def organization(app, make_user):
    """An organization made through its page by cx@dhs.gov; returns (client, id)."""
    cx = sign_in_as(app.test_client(), make_user("cx@dhs.gov"))
    response = post(cx, "/organizations", {"name": "Department of Homeland Security",
                                           "parent": ""})
    assert response.status_code == 302
    organization_id = int(re.search(r"/organizations/(\d+)", response.location).group(1))
    return cx, organization_id


def invite_link(cx, organization_id: int) -> str:
    page = post(cx, f"/organizations/{organization_id}/invites").get_data(as_text=True)
    return re.search(r"/organization-invites/[\w-]+", page).group(0)


def join(client, link: str, service: str) -> None:
    page = BeautifulSoup(client.get(link).data, "html.parser")
    label = page.find("label", string=re.compile(service))
    assert label is not None, page_text(page)
    team_id = page.find("input", id=label["for"])["value"]
    assert post(client, link, {"team": team_id}).status_code == 302


def test_an_owner_invites_two_teams_and_the_portfolio_shows_them(
        app, client, make_user, make_assessment, questionnaire, organization):
    cx, organization_id = organization
    make_assessment(answers(questionnaire, "2", "4"), finished=True, service="Disaster aid")
    other = make_user("lead@tsa.dhs.gov")
    make_assessment(answers(questionnaire, "1", "3"), finished=True, service="Screening",
                    owner=other)
    make_assessment(answers(questionnaire, "5", "5"), finished=True, service="Hidden service",
                    owner=other)
    join(client, invite_link(cx, organization_id), "Disaster aid")
    join(sign_in_as(app.test_client(), other), invite_link(cx, organization_id), "Screening")

    page = BeautifulSoup(cx.get(f"/organizations/{organization_id}").data, "html.parser")
    rows = {r.th.get_text(" ", strip=True).split(" Bureau")[0]: [c.get_text(" ", strip=True)
                                                                 for c in r.find_all("td")]
            for r in page.find("table", class_="app-portfolio").tbody.find_all("tr")}
    assert set(rows) == {"Disaster aid", "Screening"}
    assert rows["Disaster aid"][0].startswith("2.0 Tactical")
    assert rows["Screening"][0].startswith("1.0 Reactive")
    assert rows["Screening"][1].startswith("3.0 Strategic")
    weaknesses = page_text(page.find("h2", id="shared-weaknesses").find_next("ol"))
    strategy = questionnaire.pillars[0]
    for practice in strategy.practices:
        assert practice.name in weaknesses
    assert questionnaire.pillars[1].practices[0].name not in weaknesses
    assert "Hidden service" not in page_text(page)

    with app.app_context():
        hidden = db.session.scalar(db.select(Team).filter_by(service="Hidden service"))
        screening = db.session.scalar(db.select(Team).filter_by(service="Screening"))
    assert cx.get(f"/organizations/{organization_id}/teams/{hidden.id}/plan.pdf"
                  ).status_code == 404

    leaving = sign_in_as(app.test_client(), other)
    assert post(leaving, f"/teams/{screening.id}/organizations/{organization_id}/leave"
                ).status_code == 302
    page = page_text(BeautifulSoup(cx.get(f"/organizations/{organization_id}").data,
                                   "html.parser"))
    assert "Screening" not in page and "Disaster aid" in page
    with app.app_context():
        actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    for logged in ("org_created", "org_invite_created", "org_joined", "org_left"):
        assert logged in actions


def test_an_invite_link_works_once(app, client, make_assessment, organization):
    cx, organization_id = organization
    make_assessment(service="Disaster aid")
    make_assessment(service="Flood insurance")
    link = invite_link(cx, organization_id)
    join(client, link, "Disaster aid")
    assert client.get(link).status_code == 410
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OrganizationTeam)) == 1


def test_an_owner_sees_open_invite_links_and_withdraws_one(app, client, make_user,
                                                           make_assessment, organization):
    cx, organization_id = organization
    make_assessment(service="Disaster aid")
    first, second = invite_link(cx, organization_id), invite_link(cx, organization_id)
    people = f"/organizations/{organization_id}/people"
    page = check_page(cx.get(people).data)
    rows = page.find("table", class_="app-invites").tbody.find_all("tr")
    assert len(rows) == 2 and "cx@dhs.gov" in rows[0].get_text()
    withdraw = rows[0].find("form")["action"]
    with app.app_context():
        withdrawn_id = int(withdraw.split("/")[-2])
        withdrawn_hash = db.session.get(OrganizationInvite, withdrawn_id).token_hash
    link = first if withdrawn_hash == orgs._hash(first.split("/")[-1]) else second

    # Only an owner withdraws, and only this organization's links.
    viewer = make_user("viewer@dhs.gov")
    with app.app_context():
        orgs.add_person(db.session.get(Organization, organization_id), "viewer@dhs.gov",
                        ORG_VIEWER)
        db.session.commit()
    assert post(sign_in_as(app.test_client(), viewer), withdraw).status_code == 403
    assert post(cx, f"/organizations/{organization_id}/invites/{withdrawn_id + 99}/withdraw"
                ).status_code == 302

    response = post(cx, withdraw)
    assert response.status_code == 302 and response.location.endswith("#invites")
    assert "You withdrew the invite link" in page_text(check_page(cx.get(people).data))
    gone = client.get(link)
    assert gone.status_code == 410 and "withdrawn" in page_text(check_page(gone.data))
    assert len(check_page(cx.get(people).data).find(
        "table", class_="app-invites").tbody.find_all("tr")) == 1
    assert "already used or withdrawn" in page_text(check_page(
        cx.get(post(cx, withdraw).location).data))
    with app.app_context():
        actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert actions.count("org_invite_withdrawn") == 1


def test_the_last_owner_cannot_leave_or_be_made_a_viewer(app, make_user, organization):
    cx, organization_id = organization
    with app.app_context():
        person = db.session.get(Organization, organization_id).members[0]
    post(cx, f"/organizations/{organization_id}/people/{person.id}/role", {"role": "viewer"})
    post(cx, f"/organizations/{organization_id}/people/{person.id}/remove")
    with app.app_context():
        assert db.session.get(Organization, organization_id).members[0].role == "owner"


def test_an_owner_adds_an_account_and_an_unknown_address_is_explained(
        app, make_user, organization):
    cx, organization_id = organization
    make_user("reviewer@dhs.gov")
    assert post(cx, f"/organizations/{organization_id}/people",
                {"email": "reviewer@dhs.gov", "role": "reviewer"}).status_code == 302
    refused = post(cx, f"/organizations/{organization_id}/people",
                   {"email": "nobody@dhs.gov", "role": "viewer"})
    assert refused.status_code == 400
    assert "No account uses nobody@dhs.gov" in refused.get_data(as_text=True)
    with app.app_context():
        roles = {m.user.email: m.role
                 for m in db.session.get(Organization, organization_id).members}
    assert roles == {"cx@dhs.gov": "owner", "reviewer@dhs.gov": "reviewer"}


def test_a_team_owner_chooses_to_share_answers(app, client, make_assessment, organization):
    cx, organization_id = organization
    make_assessment(service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    with app.app_context():
        link = db.session.scalar(db.select(OrganizationTeam))
        assert link.shares_answers is False
        team_id = link.team_id
    assert post(client, f"/teams/{team_id}/organizations/{organization_id}/sharing",
                {"shares": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(OrganizationTeam)).shares_answers is True
        assert db.session.scalar(db.select(AuditEvent).filter_by(
            action="org_sharing_changed")).team_id == team_id


def test_a_personal_api_token_of_someone_in_the_organization_reads_its_portfolio(
        app, client, make_user, make_assessment, questionnaire, organization):
    cx, organization_id = organization
    make_assessment(answers(questionnaire, "2", "4"), finished=True, service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    outsider = make_user("x@irs.gov")
    with app.app_context():
        tokens = {who: api_tokens.make_token(db.session.get(User, user_id), "script", None)[1]
                  for who, user_id in (("cx", db.session.scalar(db.select(User.id).filter_by(
                      email="cx@dhs.gov"))), ("outsider", outsider))}
        db.session.commit()
    path = f"/api/v1/organizations/{organization_id}/portfolio"
    reader = app.test_client()
    body = reader.get(path, headers={"Authorization": f"Bearer {tokens['cx']}"}).get_json()
    assert [s["service"] for s in body["services"]] == ["Disaster aid"]
    assert body["services"][0]["pillars"][0]["score"] == 2.0
    assert reader.get(path, headers={"Authorization": f"Bearer {tokens['outsider']}"}
                      ).status_code == 404
    assert reader.get(path).status_code == 401


def test_seed_demo_adds_a_department_whose_portfolio_shows_six_services(app, anonymous):
    output = app.test_cli_runner().invoke(args=["seed-demo"]).stdout.strip().splitlines()
    _, email, password = output[-1].split()
    with app.app_context():
        organization = db.session.scalar(db.select(Organization).filter_by(is_demo=True))
        owner = db.session.scalar(db.select(User).filter_by(email=email))
    page = BeautifulSoup(sign_in_as(app.test_client(), owner.id).get(
        f"/organizations/{organization.id}").data, "html.parser")
    table = page.find("table", class_="app-portfolio")
    assert len(table.tbody.find_all("tr")) == 6
    assert len(table.find_all(class_="app-portfolio__hisp")) == 2
    assert page.find("h2", id="shared-weaknesses").find_next("ol").find_all("li")
    assert "Park reservations" in page_text(page.find("h2", id="overdue").find_next("ul"))
    assert password


def test_the_summary_pdf_is_one_tagged_landscape_page_of_the_demo_department(app):
    """One real render (about a second): the other PDF tests fake WeasyPrint."""
    output = app.test_cli_runner().invoke(args=["seed-demo"]).stdout.strip().splitlines()
    with app.app_context():
        organization = db.session.scalar(db.select(Organization).filter_by(is_demo=True))
        owner = db.session.scalar(db.select(User).filter_by(email=output[-1].split()[1]))
    response = sign_in_as(app.test_client(), owner.id).get(
        f"/organizations/{organization.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    assert reader.metadata.title.startswith(DEPARTMENT)
    text = reader.pages[0].extract_text()
    for service in ("Disaster assistance", "Contact center", "Shared weaknesses"):
        assert service in text


@pytest.mark.usefixtures("fake_renders")
def test_the_organizations_copy_of_a_plan_leaves_out_answers_and_notes_unless_shared(
        app, client, make_assessment, questionnaire, organization, fake_renders):
    cx, organization_id = organization
    public_id = make_assessment(answers(questionnaire, "2", "4"), finished=True,
                                service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        first = assessment.responses[0].answers[0]
        first.note = "Our secret evidence"
        db.session.commit()
        team_id = assessment.team_id
    path = f"/organizations/{organization_id}/teams/{team_id}/plan.pdf"
    assert cx.get(path).status_code == 200
    assert "Our secret evidence" not in fake_renders[-1]
    assert "keeps its answers and notes to itself" in fake_renders[-1]
    post(client, f"/teams/{team_id}/organizations/{organization_id}/sharing", {"shares": "yes"})
    assert cx.get(path).status_code == 200
    assert "Our secret evidence" in fake_renders[-1]


@pytest.mark.usefixtures("fake_renders")
def test_a_departments_portfolio_includes_its_bureaus_teams(
        app, client, make_assessment, questionnaire, organization):
    cx, department_id = organization
    response = post(cx, "/organizations", {"name": "Bureau of Aid", "parent": str(department_id)})
    bureau_id = int(re.search(r"/organizations/(\d+)", response.location).group(1))
    make_assessment(answers(questionnaire, "2", "4"), finished=True, service="Disaster aid")
    join(client, invite_link(cx, bureau_id), "Disaster aid")
    with app.app_context():
        assert db.session.get(Organization, bureau_id).parent_id == department_id
        team_id = db.session.scalar(db.select(Team.id).filter_by(service="Disaster aid"))
    for organization_id in (department_id, bureau_id):
        page = page_text(BeautifulSoup(cx.get(f"/organizations/{organization_id}").data,
                                       "html.parser"))
        assert "Disaster aid" in page
    assert cx.get(f"/organizations/{department_id}/teams/{team_id}/plan.pdf").status_code == 200


def test_the_organizations_audit_log_shows_its_people_and_teams_to_owners(
        app, client, make_user, make_assessment, organization):
    cx, organization_id = organization
    viewer_id = make_user("viewer@dhs.gov")
    post(cx, f"/organizations/{organization_id}/people",
         {"email": "viewer@dhs.gov", "role": "viewer"})
    make_assessment(service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    log = page_text(BeautifulSoup(cx.get(f"/organizations/{organization_id}/audit").data,
                                  "html.parser"))
    for said in ("Made an organization: Department of Homeland Security",
                 "Added someone to an organization: viewer@dhs.gov as viewer",
                 "Made an invite link for a team to join an organization",
                 "Joined an organization: Department of Homeland Security; team Disaster aid"):
        assert said in log, said
    viewer = sign_in_as(app.test_client(), viewer_id)
    assert viewer.get(f"/organizations/{organization_id}/audit").status_code == 403


def test_what_a_team_member_does_in_an_organization_stays_out_of_the_teams_log(
        app, client, owner_id, make_assessment):
    public_id = make_assessment(service="Disaster aid")
    made = post(client, "/organizations", {"name": "Department of Secrets", "parent": ""})
    client.get(made.location)  # shows, and so clears, the message that it was made
    with app.app_context():
        team_id = db.session.scalar(db.select(Assessment.team_id).filter_by(
            public_id=public_id))
    log = client.get(f"/teams/{team_id}/audit").get_data(as_text=True)
    assert "Department of Secrets" not in log


def test_a_kept_portfolio_page_shows_each_change_of_its_teams_at_once(
        app, client, make_assessment, questionnaire, organization):
    """The portfolio page is kept between views (web/fragments.cached_page); a new finished
    assessment, a team becoming a HISP and an overdue action each show on the next view."""
    import datetime as dt

    from assessment.store import operations
    from assessment.store.models import Action
    from assessment.store.operations import SubmittedAnswer

    cx, organization_id = organization
    make_assessment(answers(questionnaire, "2", "4"), finished=True, service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    url = f"/organizations/{organization_id}"

    def strategy_cell() -> str:
        page = BeautifulSoup(cx.get(url).data, "html.parser")
        row = page.find("table", class_="app-portfolio").tbody.find("tr")
        return row.find_all("td")[0].get_text(" ", strip=True)

    assert strategy_cell().startswith("2.0")
    assert cx.get(url).data == cx.get(url).data  # kept: the same page twice
    with app.app_context():
        team = db.session.scalar(db.select(Team).filter_by(service="Disaster aid"))
        again = operations.start_assessment(questionnaire, team)
        operations.save_answers(again.responses[0], {
            q.id: SubmittedAnswer("4") for *_, q in questionnaire.questions()})
        operations.finish_assessment(again)
        db.session.commit()
        again_id = again.id
    assert strategy_cell().startswith("4.0")

    with app.app_context():
        team = db.session.scalar(db.select(Team).filter_by(service="Disaster aid"))
        team.is_hisp, team.hisp_service = True, "FEMA disaster assistance"
        db.session.add(Action(team_id=team.id, assessment_id=again_id,
                              last_assessment_id=again_id, practice_id=questionnaire.pillars[0]
                              .practices[0].id, title="Publish the survey results",
                              owner="CX lead", due_date=dt.date(2020, 1, 1)))
        db.session.commit()
    shown = page_text(BeautifulSoup(cx.get(url).data, "html.parser"))
    assert "Publish the survey results" in shown and "HISP" in shown


def test_the_summary_csv_and_pdf_are_kept_until_a_team_changes(
        app, client, make_assessment, questionnaire, organization, fake_renders, monkeypatch):
    """A 200-service portfolio takes seconds to read and its PDF to render: the summary page,
    its PDF and CSV and the shared-weakness pages read it once until something it shows
    changes."""
    from assessment.views import portfolio as portfolio_views

    reads: list[int] = []
    real = portfolio_views.organization_portfolio

    def counting(*args, **kwargs):
        reads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(portfolio_views, "organization_portfolio", counting)
    cx, organization_id = organization
    make_assessment(answers(questionnaire, "2", "4"), finished=True, service="Disaster aid")
    join(client, invite_link(cx, organization_id), "Disaster aid")
    base = f"/organizations/{organization_id}"
    practice = questionnaire.pillars[0].practices[0].id
    for path in ("/summary", "/summary.pdf", "/portfolio.csv", f"/practices/{practice}") * 2:
        assert cx.get(base + path).status_code == 200
    assert len(reads) == 1 and len(fake_renders) == 1
    csv_before = cx.get(base + "/portfolio.csv").data

    with app.app_context():
        team = db.session.scalar(db.select(Team).filter_by(service="Disaster aid"))
        again = operations.start_assessment(questionnaire, team)
        operations.save_answers(again.responses[0], {
            q.id: operations.SubmittedAnswer("4") for *_, q in questionnaire.questions()})
        operations.finish_assessment(again)
        db.session.commit()
    assert cx.get(base + "/summary.pdf").status_code == 200
    assert len(reads) == 2 and len(fake_renders) == 2
    assert cx.get(base + "/portfolio.csv").data != csv_before
