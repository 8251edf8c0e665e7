"""Every page the app has, in the states a user sees, for the page-by-page browser checks.

Pages come from an explicit list (so states such as "start with errors" or the error pages are
covered) plus, for safety, every other GET route of the app: a page added later is checked
without anyone remembering to list it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, url_for
from flask.testing import FlaskClient
from playwright.sync_api import Page, Response

from assessment.rules.questionnaire import Questionnaire

# Arguments we can fill in for routes nobody listed: an assessment, a pillar, a practice, an action,
# and the team of the assessment.
KNOWN_ARGUMENTS = {"public_id", "pillar_id", "practice_id", "action_id", "team_id"}


@dataclass(frozen=True)
class SitePage:
    """One page in one state: how to get there and the status it must answer with."""

    name: str
    endpoint: str
    path: str
    status: int = 200
    # For pages shown after a form post (validation errors, a 400): what to do after loading path.
    then: Callable[[Page], Response | None] | None = None
    needs_javascript: bool = False  # a state only scripts make (the banner opened)
    signed_out: bool = False  # seen by a visitor who is not signed in

    def open(self, page: Page) -> Response:
        """Load the page in the browser, check its status, and return the response."""
        if self.signed_out:
            cookies = page.context.cookies()
            page.context.clear_cookies()
            response = page.goto(self.path)
            page.context.add_cookies(cookies)  # the next page is seen signed in again
        else:
            response = page.goto(self.path)
        if self.then is not None:
            response = self.then(page)
        assert response is not None, self.name
        assert response.status == self.status, f"{self.name}: {self.path} -> {response.status}"
        return response


def submit_empty_start_form(page: Page) -> Response | None:
    with page.expect_navigation() as navigation:
        page.locator("#new-team button[type=submit]").click()
    return navigation.value


def submit_a_team_you_have(page: Page) -> Response | None:
    """Type the name of one of your teams, in other case and spacing: the page refuses it and
    links to the team."""
    page.fill("#agency", "department of state")
    page.fill("#office", " Bureau of  Consular Affairs")
    page.fill("#service", "PASSPORT SERVICES")
    return submit_empty_start_form(page)


def submit_tampered_start_form(page: Page) -> Response | None:
    """Add a field our page never sends, as a tampered post would; the app answers 400."""
    page.evaluate("""() => {
        const field = document.createElement('input');
        field.type = 'hidden'; field.name = 'is_admin'; field.value = '1';
        document.querySelector('#new-team').append(field);
    }""")
    return submit_empty_start_form(page)


def submit_pillar_without_token(page: Page) -> Response | None:
    """Drop the CSRF token, as a forged cross-site post would; the app answers 400."""
    page.evaluate("() => document.querySelector('main input[name=csrf_token]').remove()")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save and continue").click()
    return navigation.value


def submit_a_note_too_long(page: Page) -> Response | None:
    """Type a note over its limit in a browser that ignores maxlength; the page explains."""
    note = page.locator("main textarea").first
    limit = int(note.get_attribute("maxlength") or 0)
    assert limit, "the note box has no maxlength"
    note.evaluate("box => box.removeAttribute('maxlength')")
    note.fill("x" * (limit + 1))
    return submit_main_form(page)


def make_api_token(page: Page, name: str = "Quarterly dashboard") -> Response | None:
    """Make an API token (an empty name shows the form's errors)."""
    page.get_by_label("Name", exact=True).fill(name)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Make a token").click()
    return navigation.value


def import_bad_file(page: Page) -> Response | None:
    """Choose a file that is not JSON on the import page and import it (the app answers 400)."""
    page.set_input_files("#file", files=[{"name": "team.json", "mimeType": "application/json",
                                          "buffer": b"{not json"}])
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Import the file").click()
    return navigation.value


def submit_empty_sign_in(page: Page) -> Response | None:
    """Press "Sign in" with no email or password (not a single sign-on button above it)."""
    with page.expect_navigation() as navigation:
        page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    return navigation.value


def submit_main_form(page: Page) -> Response | None:
    """Press the first submit button of the page's form as it is (empty, for a new form)."""
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").first.click()
    return navigation.value


def make_invite_link(page: Page) -> Response | None:
    """Make an invite link for an email address on the team page (no mail server: the page
    says no email was sent, and shows the link with its copy button)."""
    page.get_by_label("Their email address (optional)").fill("new.person@state.gov")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Make an invite link").click()
    return navigation.value


def open_official_banner(page: Page) -> Response | None:
    """The 'Here's how you know' banner, opened (USWDS JavaScript shows its content)."""
    response = page.reload()
    page.get_by_role("button", name="Here’s how you know").click()
    page.locator("#gov-banner").wait_for(state="visible")
    return response


def site_pages(app: Flask, questionnaire: Questionnaire, draft: str, finished: str,
               finished_all_met: str, reset_path: str) -> list[SitePage]:
    """The explicit pages and states, then any other GET route of the app."""
    a = f"/assessments/{draft}"
    f = f"/assessments/{finished}"
    pages = [
        SitePage("home", "main.home", "/"),
        SitePage("home, official banner open", "main.home", "/", then=open_official_banner,
                 needs_javascript=True),
        SitePage("how scoring works", "main.scoring", "/how-scoring-works"),
        SitePage("accessibility statement", "main.accessibility", "/accessibility"),
        SitePage("privacy", "main.privacy", "/privacy"),
        SitePage("about", "main.about", "/about"),
        SitePage("sign in", "account.sign_in", "/sign-in"),
        SitePage("sign in, with errors", "account.sign_in", "/sign-in",
                 then=submit_empty_sign_in),
        SitePage("create an account", "account.sign_up", "/sign-up"),
        SitePage("create an account, with errors", "account.sign_up", "/sign-up",
                 then=submit_main_form),
        SitePage("reset your password", "account.reset_request", "/reset-password"),
        SitePage("choose a new password", "account.reset_password", reset_path),
        SitePage("start", "take.start", "/start"),
        SitePage("start, with errors", "take.start", "/start", then=submit_empty_start_form),
        SitePage("start, a team you have refused", "take.start", "/start",
                 then=submit_a_team_you_have),
        SitePage("your work", "work.home", "/your-work"),
        SitePage("private link (resumes)", "take.resume", a),
        *[SitePage(f"pillar {p.id}", "take.pillar", f"{a}/pillars/{p.id}")
          for p in questionnaire.pillars],
        SitePage("pillar, a note too long", "take.pillar", f"{a}/pillars/strategy",
                 then=submit_a_note_too_long),
        SitePage("saved for later", "take.saved", f"{a}/saved"),
        SitePage("review, draft", "take.review", f"{a}/review"),
        SitePage("review, finished", "take.review", f"{f}/review"),
        SitePage("results, weak practices and don't-knows", "results.results", f"{f}/results"),
        SitePage("results, a pillar without a score, all targets met", "results.results",
                 f"/assessments/{finished_all_met}/results"),
        SitePage("targets", "results.targets", f"{f}/targets"),
        SitePage("improvement plan, web page", "plan_page.plan_page", f"{f}/plan"),
        SitePage("API tokens", "api_tokens.tokens", "/account/api-tokens"),
        SitePage("API tokens, a new token shown once", "api_tokens.tokens",
                 "/account/api-tokens", then=make_api_token),
        SitePage("API tokens, with errors", "api_tokens.tokens", "/account/api-tokens",
                 then=lambda page: make_api_token(page, "")),
        SitePage("import", "transfer.import_file", "/teams/import"),
        SitePage("import, no file chosen", "transfer.import_file", "/teams/import",
                 then=submit_main_form),
        SitePage("import, a bad file", "transfer.import_file", "/teams/import", 400,
                 then=import_bad_file),
        SitePage("error 404, unknown page", "", "/no-such-page", 404),
        SitePage("error 404, unknown assessment", "results.results",
                 "/assessments/not-a-real-link/results", 404),
        SitePage("error 405, wrong method", "take.finish", f"{a}/finish", 405),
        SitePage("error 400, tampered form", "take.start", "/start", 400,
                 then=submit_tampered_start_form),
        SitePage("error 400, missing security token", "take.pillar", f"{a}/pillars/strategy",
                 400, then=submit_pillar_without_token),
    ]
    pages += compare_pages(app, questionnaire, finished)  # side by side and targets
    if "plan.add_action" in get_endpoints(app):  # the improvement plan's actions
        practice = questionnaire.pillars[0].practices[0].id
        path = f"{f}/practices/{practice}/actions/new"
        pages += [SitePage("add an action", "plan.add_action", path),
                  SitePage("add an action, with errors", "plan.add_action", path,
                           then=submit_main_form)]
    pages += deleting_pages(app, finished)
    pages += passkey_pages()
    return pages


def sso_pages(app: Flask) -> list[SitePage]:
    """Single sign-on: a sign-in that failed (its state did not match), confirming an account
    with its password before linking it, and password sign-up turned off."""

    def with_pending_link(page: Page) -> Response | None:
        """A browser sent here by the provider for an email a password account has."""
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = {"name": app.config["SESSION_COOKIE_NAME"], "url": page.url,
                  "value": serializer.dumps({"sso_link": {
                      "provider": "test", "issuer": "http://127.0.0.1", "subject": "someone",
                      "email": "owner@state.gov"}})}
        kept = page.context.cookies()
        page.context.clear_cookies()
        page.context.add_cookies([cookie])
        response = page.goto("/sign-in/link-sso")
        page.context.clear_cookies()
        page.context.add_cookies(kept)  # type: ignore[arg-type]
        return response

    def with_sign_up_off(page: Page) -> Response | None:
        app.config["PASSWORD_SIGN_UP"] = False
        try:
            return page.reload()
        finally:
            app.config["PASSWORD_SIGN_UP"] = True

    return [SitePage("single sign-on failed", "sso.callback",
                     "/sign-in/sso/test/callback?code=made-up&state=made-up", 400,
                     signed_out=True),
            SitePage("link single sign-on to your account", "sso.confirm_link", "/",
                     then=with_pending_link),
            SitePage("create an account, turned off", "account.sign_up", "/sign-up", 403,
                     signed_out=True, then=with_sign_up_off)]
def submit_passkey_without_name(page: Page) -> Response | None:
    """Post the add-a-passkey form with no name (as pressing Enter in the empty box does)."""
    with page.expect_navigation() as navigation:
        page.evaluate("() => document.querySelector('form[data-passkey=register]').submit()")
    return navigation.value


def passkey_pages() -> list[SitePage]:
    """Passkeys on the account, and signing in with a recovery code in place of one."""
    return [SitePage("passkeys", "passkeys.passkeys", "/account/passkeys"),
            SitePage("passkeys, a name missing", "passkeys.passkeys", "/account/passkeys",
                     then=submit_passkey_without_name),
            SitePage("sign in with a recovery code", "passkeys.recovery_sign_in",
                     "/sign-in/recovery-code", signed_out=True),
            SitePage("sign in with a recovery code, with errors", "passkeys.recovery_sign_in",
                     "/sign-in/recovery-code", then=submit_main_form)]


def deleting_pages(app: Flask, finished: str) -> list[SitePage]:
    """Deleting asks first; deleted teams can be restored; an account is deleted by its owner
    (who first hands over a team they alone own)."""
    team_id = team_of(app, finished)
    return [SitePage("delete an assessment?", "deleting.delete_assessment",
                     f"/assessments/{finished}/delete"),
            SitePage("delete a team?", "deleting.delete_team", f"/teams/{team_id}/delete"),
            SitePage("recently deleted teams", "deleting.recently_deleted_teams",
                     "/teams/deleted"),
            SitePage("delete your account", "deleting.delete_account", "/account/delete")]


def history_pages(team_id: int, empty_team_id: int) -> list[SitePage]:
    """A team's scores over time: several finished assessments, and none yet."""
    return [SitePage("history, three finished assessments and a draft", "history.team_history",
                     f"/teams/{team_id}/history"),
            SitePage("history, no finished assessment yet", "history.team_history",
                     f"/teams/{empty_team_id}/history")]


def submit_impossible_target_date(page: Page) -> Response | None:
    """February 30 as the Strategy target date: the page explains, and keeps what was typed."""
    page.select_option("#target-strategy-month", "2")
    page.fill("#target-strategy-day", "30")
    page.fill("#target-strategy-year", "2030")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save targets").click()
    return navigation.value


def say_hisp_without_a_service(page: Page) -> Response | None:
    """Answer yes but choose no service: the page explains what is missing."""
    page.locator("label[for='is_hisp-yes']").click()  # USWDS hides the input itself
    return submit_main_form(page)


def compare_pages(app: Flask, questionnaire: Questionnaire, finished: str) -> list[SitePage]:
    """A later finished assessment in the team of `finished`, with other answers, so the team
    has two to compare; the compare page with them, with a bad choice, the targets page
    with an impossible date, and the team's HISP page (empty, and with a choice missing)."""
    from assessment.extensions import db
    from assessment.store import operations
    from assessment.store.models import Assessment
    from assessment.store.operations import SubmittedAnswer

    with app.app_context():
        team = db.session.scalar(db.select(Assessment).filter_by(public_id=finished)).team
        later = operations.start_assessment(questionnaire, team)
        operations.save_answers(later.responses[0], {
            q.id: SubmittedAnswer(str(1 + n % 5)) for n, (*_, q) in
            enumerate(questionnaire.questions())})
        operations.finish_assessment(later)
        db.session.commit()
        team_id, after = team.id, later.public_id
    path = f"/teams/{team_id}/compare"
    return [SitePage("compare two assessments", "compare.compare", path),
            SitePage("compare two assessments, an unknown one chosen", "compare.compare",
                     f"{path}?before=not-a-real-link&after={after}", 400),
            SitePage("targets, an impossible date", "results.targets",
                     f"/assessments/{finished}/targets", then=submit_impossible_target_date),
            SitePage("HISP status", "hisp.hisp_status", f"/teams/{team_id}/hisp"),
            SitePage("HISP status, yes without a service", "hisp.hisp_status",
                     f"/teams/{team_id}/hisp", then=say_hisp_without_a_service)]


@dataclass(frozen=True)
class Unlisted:
    """GET routes nobody listed: HTML pages to check, and files (a PDF, a CSV) by media type."""

    pages: list[SitePage]
    downloads: dict[str, str]


def unlisted_routes(app: Flask, listed: set[str], values: dict[str, str],
                    client: FlaskClient) -> Unlisted:
    """Fill in the arguments of every GET route not listed and ask the app (as the signed-in
    client) what it serves."""
    pages, files = [], {}
    values = {"team_id": team_of(app, values["public_id"])} | values
    for endpoint, arguments in get_endpoints(app).items():
        if endpoint in listed or not arguments <= KNOWN_ARGUMENTS:
            continue  # test_every_get_route_is_covered names routes we cannot fill in
        with app.test_request_context():
            path = url_for(endpoint, **{name: values[name] for name in arguments})
        mimetype = client.get(path).mimetype
        if mimetype == "text/html":
            pages.append(SitePage(f"unlisted route {endpoint}", endpoint, path))
        else:
            files[endpoint] = mimetype
    return Unlisted(pages, files)


def team_of(app: Flask, public_id: str) -> int:
    from assessment.extensions import db
    from assessment.store.models import Assessment

    with app.app_context():
        return db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))


@dataclass(frozen=True)
class Site:
    """The pages to check, and the GET routes that serve files (endpoint -> media type)."""

    pages: list[SitePage]
    downloads: dict[str, str]


def get_endpoints(app: Flask) -> dict[str, set[str]]:
    """Every GET endpoint of the app but static files, with the names of its arguments."""
    return {rule.endpoint: set(rule.arguments) for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.endpoint != "static"}


def add_unknown_person(page: Page) -> Response | None:
    """Add an address no account has: the people page explains (400, nothing stored)."""
    page.get_by_label("Their email address").fill("nobody@example.gov")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Add them").click()
    return navigation.value


def make_team_invite_link(page: Page) -> Response | None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Make an invite link for a team").click()
    return navigation.value


def make_organization_empty(page: Page) -> Response | None:
    """Make an organization without a name: the page explains (400)."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Make the organization").click()
    return navigation.value


@dataclass(frozen=True)
class OrganizationSite:
    pages: list[SitePage]
    downloads: dict[str, str]


def organization_pages(app: Flask, questionnaire: Questionnaire, finished: str,
                       owner_id: int) -> OrganizationSite:
    """An organization the owner owns, with the team of `finished` in it (so its team page
    shows the organization), an invite link for another of their teams, and its portfolio."""
    from assessment.extensions import db
    from assessment.store import organizations
    from assessment.store.models import OrganizationTeam, User

    with app.app_context():
        organization = organizations.create_organization("Department of State",
                                                         db.session.get(User, owner_id))
        db.session.add(OrganizationTeam(organization=organization,
                                        team_id=team_of(app, finished)))
        token = organizations.create_invite(organization, db.session.get(User, owner_id))
        db.session.commit()
        o = f"/organizations/{organization.id}"
    practice = questionnaire.pillars[0].practices[0].id
    pages = [
        SitePage("your organizations", "organizations.index", "/organizations"),
        SitePage("your organizations, a name missing", "organizations.index", "/organizations",
                 400, then=make_organization_empty),
        SitePage("portfolio", "portfolio.portfolio", o),
        SitePage("portfolio, sorted by a pillar", "portfolio.portfolio",
                 f"{o}?sort=strategy&dir=desc"),
        SitePage("portfolio summary", "portfolio.summary", f"{o}/summary"),
        SitePage("a practice across the organization", "portfolio.practice",
                 f"{o}/practices/{practice}"),
        SitePage("organization people and teams", "organizations.people", f"{o}/people"),
        SitePage("organization audit log", "organizations.audit_log", f"{o}/audit"),
        SitePage("organization people, an unknown address", "organizations.people",
                 f"{o}/people", 400, then=add_unknown_person),
        SitePage("organization invite link just made", "organizations.people", f"{o}/people",
                 then=make_team_invite_link),
        SitePage("join an organization", "team_organizations.invite_page",
                 f"/organization-invites/{token}"),
        SitePage("join an organization, signed out", "team_organizations.invite_page",
                 f"/organization-invites/{token}", signed_out=True),
        SitePage("organization invite link, unknown", "team_organizations.invite_page",
                 "/organization-invites/not-a-real-token", 404),
    ]
    downloads = {"portfolio.summary_pdf": "application/pdf", "portfolio.csv": "text/csv",
                 "portfolio.plan_pdf": "application/pdf",
                 "api.portfolio": "application/json"}
    return OrganizationSite(pages, downloads)
def challenge_without_a_comment(page: Page) -> Response | None:
    """Challenge the first answer and leave its comment empty: the page explains."""
    page.locator("main .usa-radio__input[value=challenged]").first.evaluate(
        "input => { input.checked = true; }")  # USWDS hides the input itself
    return submit_main_form(page)


def type_a_bad_evidence_link(page: Page) -> Response | None:
    """An evidence link that is not a web address: the page explains and keeps it."""
    page.locator("main input[name^=link-]").first.fill("ftp://files.state.gov/plan")
    return submit_main_form(page)




def validation_pages(app: Flask, questionnaire: Questionnaire, owner_id: int,
                     make_assessment: Callable[..., str]) -> list[SitePage]:
    """Evidence and independent validation: an organization in which the owner is also a
    reviewer, with a finished assessment whose first answer is challenged (with a reply) and
    the rest validated, and a reopened one whose first answer, at level 5 without evidence,
    is challenged. (Their error states are tested with the Flask client: each page here costs
    seconds of axe at two widths.)"""
    from assessment.extensions import db
    from assessment.store import operations, reviews
    from assessment.store.models import (
        ORG_REVIEWER,
        VALIDATED,
        Assessment,
        Organization,
        OrganizationMember,
        OrganizationTeam,
        User,
    )

    questions = [q for *_, q in questionnaire.questions()]
    finished = make_assessment({q.id: "3" for q in questions}, finished=True,
                               service="Visa appointments")
    reopened = make_assessment({q.id: "3" for q in questions} | {questions[0].id: "5"},
                               finished=True, service="Visa appointments, reopened")
    with app.app_context():
        owner = db.session.get(User, owner_id)
        organization = Organization(name="Department of State", requires_evidence=False)
        db.session.add(organization)
        db.session.flush()
        db.session.add(OrganizationMember(organization_id=organization.id, user_id=owner_id,
                                          role=ORG_REVIEWER))
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=finished))
        db.session.add(OrganizationTeam(organization_id=organization.id,
                                        team_id=assessment.team_id))
        verdicts = {q.id: reviews.Verdict(VALIDATED, "") for q in questions[1:]}
        verdicts[questions[0].id] = reviews.Verdict("challenged", "Show the signed strategy.")
        reviews.review_answers(assessment, questionnaire, verdicts, owner)
        review = reviews.reviews_of([assessment.id])[assessment.id][questions[0].id]
        reviews.reply_to_challenge(assessment, questionnaire, review, "It is on our intranet.",
                                   owner)
        changing = db.session.scalar(db.select(Assessment).filter_by(public_id=reopened))
        db.session.add(OrganizationTeam(organization_id=organization.id,
                                        team_id=changing.team_id))
        reviews.review_answers(changing, questionnaire, {questions[0].id: reviews.Verdict(
            "challenged", "Show the signed strategy.")}, owner)
        operations.reopen_assessment(changing)
        db.session.commit()
    f, r = f"/assessments/{finished}", f"/assessments/{reopened}"
    reply = f"{f}/challenges/{questions[0].id}/reply"
    return [SitePage("assessments to review", "validation.to_review", "/reviews"),
            SitePage("review answers", "validation.review_answers", f"{f}/validation"),
            SitePage("results, validated and challenged", "results.results", f"{f}/results"),
            SitePage("reply to a challenge", "validation.reply", reply),
            SitePage("pillar, a challenged answer that needs evidence", "take.pillar",
                     f"{r}/pillars/{questionnaire.pillars[0].id}"),
            SitePage("review, answers that need evidence", "take.review", f"{r}/review")]
