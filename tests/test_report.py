"""The improvement plan PDF: what it says, that it is tagged for accessibility, the URL fetcher
that only reads static/, and the cache that spares a repeat download from WeasyPrint."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import weasyprint
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from werkzeug.test import TestResponse

from assessment.extensions import db
from assessment.report import pdf as report
from assessment.report.cache import PlanCache
from assessment.store import operations, teams
from assessment.store.models import OWNER, Assessment, User
from assessment.store.operations import ActionDetails, SubmittedAnswer
from tests.conftest import FAST_HASH, OWNER_EMAIL, fresh_app, sign_in_as, store_assessment

STATIC = Path(__file__).resolve().parent.parent / "static"


# --------------------------------------------------------------------------- helpers

@functools.lru_cache(maxsize=4)  # the module's shared plan is read by several tests
def pdf_text(pdf: bytes) -> str:
    """All the PDF's text with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def link_targets(pdf: bytes) -> set[str]:
    """The address of every link in the PDF (its annotations), which its text never prints."""
    targets = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.add(str(action["/URI"]))
    return targets


def squeezed(text: str) -> str:
    """Text without any whitespace, to find long URLs that wrap across lines."""
    return re.sub(r"\s+", "", text)


def structure(pdf: bytes) -> Iterator[DictionaryObject]:
    """Every element of the PDF's structure tree, in reading order."""

    def walk(node: object) -> Iterator[DictionaryObject]:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for kid in node:
                yield from walk(kid)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            yield node
            yield from walk(node.get("/K", ArrayObject()))

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    yield from walk(root["/K"])


def measurement_weak_answers(questionnaire) -> dict[str, str]:
    """Every measurement question at level 2, everything else at 3."""
    return {q.id: "2" if p.id == "measurement" else "3" for p, _, q in questionnaire.questions()}


@pytest.fixture
def measurement_weak(make_assessment, questionnaire) -> str:
    """Finished, with measurement_weak_answers."""
    return make_assessment(measurement_weak_answers(questionnaire), finished=True)


@pytest.fixture(scope="module")
def weak_plan(tmp_path_factory, postgres_url, migrated, questionnaire) -> TestResponse:
    """The plan download of a finished assessment with measurement_weak_answers, made once for
    the checks below that only read it (WeasyPrint takes seconds per plan)."""
    with fresh_app(tmp_path_factory.mktemp("weak-plan"), postgres_url, migrated) as app:
        with app.app_context():
            owner = User(email=OWNER_EMAIL, password_hash=FAST_HASH)
            db.session.add(owner)
            db.session.commit()
            owner_id = owner.id
            public_id = store_assessment(questionnaire, measurement_weak_answers(questionnaire),
                                         True, "Passport Services", owner_id)
        response = sign_in_as(app.test_client(), owner_id).get(
            f"/assessments/{public_id}/plan.pdf")
        assert response.status_code == 200, response.status_code
        return response


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Count WeasyPrint renders; they still happen for real."""
    calls = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    return calls


def download(client, public_id: str) -> bytes:
    response = client.get(f"/assessments/{public_id}/plan.pdf")
    assert response.status_code == 200, response.status_code
    return response.data


# --------------------------------------------------------------------------- content

def test_the_plan_lists_each_weak_practice_with_its_next_step_and_resources(
        weak_plan, questionnaire):
    text = pdf_text(weak_plan.data)
    flat = squeezed(text)
    links = link_targets(weak_plan.data)
    practices = questionnaire.pillar("measurement").practices
    for rank, practice in enumerate(practices, start=1):
        assert f"Priority {rank}: {practice.name}" in text
        for step in practice.steps_for(2):
            assert squeezed(step.text) in flat
            assert squeezed(f"{step.effort_text} · Usual owner: {step.owner}") in flat
        for done in practice.done_when(2):
            assert squeezed(done) in flat
        for resource in practice.resources:
            assert squeezed(resource.title) in flat
            assert squeezed(f"{resource.publisher} · {resource.format}") in flat
            assert squeezed(resource.status_text or "") in flat
            if resource.url:
                assert resource.url in links, resource.url  # its title links to it
    assert "Measurement · Score 2.0 (Level 2: Tactical) · Target 3.0 · Gap 1.0" in text


def test_the_plan_prints_no_raw_address_and_no_mailto(weak_plan):
    text = pdf_text(weak_plan.data)
    assert not re.search(r"https?:|www\.|mailto:|@[a-z]+\.gov", squeezed(text)), \
        re.search(r".{40}(https?:|www\.|mailto:).{40}", text)
    assert not any(target.startswith("mailto:") for target in link_targets(weak_plan.data))


def test_the_plan_has_every_part_a_reader_expects(weak_plan, questionnaire):
    text = pdf_text(weak_plan.data)
    today = dt.datetime.now(dt.UTC).date()
    for expected in [
        "CX improvement plan", "Passport Services", "Bureau of Consular Affairs",
        "Department of State", f"{today:%B} {today.day}, {today.year}",
        f"Questionnaire version {questionnaire.version}", "Contents", "Leadership brief",
        "2.9 out of 5",  # seven pillars at 3.0 and one at 2.0: 23 / 8 = 2.875
        "Level 2: Tactical", "What this means:", "Strongest: Strategy, Governance",
        "Weakest: Measurement (2.0).", "What we ask of you", "Funding", "Staff",
        "Policy", "Our top 5 priorities", "What changed since last time", "Sign-off",
        "Prepared by", "Approved by", "All pillars", "Appendix A: Practices by pillar",
        "Priorities and next steps", "Things to find out", "Scores by A-11 core function",
        "Service design and improvement", "Collaboration does not map to a core function",
        "Reassessment", "Take your next assessment by",
        "Action plan", "You have not added any actions yet",
        "Appendix B: Your answers and notes", "Appendix C: How scoring works",
        "2.95 becomes 3.0",
    ]:
        assert expected in text, expected
    for pillar in questionnaire.pillars:
        assert f"{pillar.name}: score of each practice" in text


def test_the_plan_has_no_wording_that_reads_like_an_error(weak_plan):
    text = pdf_text(weak_plan.data)
    assert "1 person answered, so each of their answers is the team's answer." in text
    assert "Where answers differ" not in text  # one respondent: nothing differed
    assert not re.search(r"\b(None|Unknown|Not scored)\b", text), \
        re.search(r".{40}\b(None|Unknown|Not scored)\b.{40}", text)
    assert "The black mark with a white edge is your target" in text


def test_the_appendix_has_every_answer_and_note_and_the_plan_lists_dont_knows(
        app, client, measurement_weak, questionnaire):
    question = questionnaire.pillar("culture").questions[0]
    unknown = questionnaire.pillar("design").questions[0]
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=measurement_weak))
        operations.save_answers(assessment.responses[0], {
            question.id: SubmittedAnswer("4", "Our HR plan has a CX goal for every manager."),
            unknown.id: SubmittedAnswer("unknown", "Ask the design lead."),
        })
        db.session.commit()
    text = squeezed(pdf_text(download(client, measurement_weak)))
    assert squeezed("Our HR plan has a CX goal for every manager.") in text
    assert squeezed(question.levels[3]) in text  # the statement the team chose
    assert squeezed(f"{unknown.text}Design:") in text  # listed under things to find out
    assert squeezed("Ask the design lead.") in text
    assert text.count(squeezed(questionnaire.pillars[0].questions[0].text)) == 1


def test_the_plan_shows_the_change_since_the_last_assessment_and_the_actions(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    latest = result.output.splitlines()[2].split()[-1]
    text = pdf_text(download(client, latest))
    assert "change since November 13, 2025" in text
    assert "Governance 3.6 3 Strategic 3.0, met Up 2.0 was 1.6" in text
    assert "Overall: 2.4 on November 13, 2025, 3.2 now (Up 0.8)." in text
    assert "Actions by practice" in text
    assert "Ask the agency CX office which cleared survey tool to use" in text
    # The demo team is a HISP: its section, the reassessment and what moved, with notes.
    assert "A-11 Section 280: your HISP deliverables" in text
    assert "not OMB's own template" in text and "Actions by A-11 core function" in text
    assert "Take your next assessment by November 12, 2027" in text
    assert "Hire a Chief Customer Officer (CCO) Governance Up 2.0 2.0 to 4.0 The CX lead now " \
        "chairs a monthly CX board" in text
    assert "Moved without a note: Stand up a Customer Team (Up 2.0);" in text
    # A priority without an action, and one whose actions have owners, in the brief.
    assert "Publish your progress Measurement 2.0 3.5 Longer (more than 90 days) Warning: no " \
        "action yet" in text
    assert "Warning: this priority has no action yet." in text
    # The web page shows the same plan: the same priorities and the same actions.
    page = BeautifulSoup(client.get(f"/assessments/{latest}/plan").text, "html.parser")
    pdf_priorities = re.findall(r"Priority \d: [A-Z][a-z ]+[a-z]", text)
    web_priorities = [h.get_text(" ", strip=True) for h in page.select(".priority h3")]
    assert len(pdf_priorities) == len(web_priorities) == 5
    assert all(web.startswith(pdf) for pdf, web in zip(pdf_priorities, web_priorities,
                                                        strict=True))
    actions = [th.get_text(" ", strip=True) for th in page.select(".action-table tbody th")]
    assert actions and all(squeezed(a) in squeezed(text) for a in actions)
    table = squeezed(text)[squeezed(text).index("Actionsbypractice"):]
    places = [table.index(squeezed(a)) for a in actions]
    assert places == sorted(places)  # in the same order


@pytest.mark.parametrize("choice", ["na", "unknown"])
def test_an_assessment_with_no_scored_answer_still_gives_a_sensible_plan(
        client, make_assessment, questionnaire, choice):
    public_id = make_assessment({q.id: choice for *_, q in questionnaire.questions()},
                                finished=True)
    text = pdf_text(download(client, public_id))
    assert "No score" in text and "No pillar has enough answers for a score" in text
    assert "The score covers 0 of 8 pillars" in text
    assert not re.search(r"\b(None|Unknown|Not scored)\b", text)
    assert "No score: no level answer (Not applicable or Don't know)" in text
    assert "No practice has a score yet, so there are no priorities" in text
    assert "Not enough answers" in text
    assert (f"You answered “Don't know” to {questionnaire.question_count} questions" in text) \
        == (choice == "unknown")


def test_the_download_is_an_attachment_named_for_the_service_and_date(weak_plan):
    response = weak_plan
    today = dt.datetime.now(dt.UTC).date()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="passport-services-{today:%Y-%m-%d}-improvement-plan.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-1.7")


@pytest.mark.parametrize(("service", "name"), [
    ("Passport Services", "passport-services"),
    ("IRS — Taxpayer Services (W-2)", "irs-taxpayer-services-w-2"),
    ("Servicios en Español", "servicios-en-espanol"),
    ("../../etc/passwd", "etc-passwd"),
    ("★★★", "assessment"),
])
def test_download_names_are_safe_slugs_of_the_service(service, name):
    assert report.download_name(service, dt.date(2026, 11, 12), "improvement-plan.pdf") == \
        f"{name}-2026-11-12-improvement-plan.pdf"


# --------------------------------------------------------------------------- accessibility

def test_the_plan_is_a_tagged_pdf_ua_document_with_a_title_and_language(weak_plan):
    pdf = weak_plan.data
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == "CX improvement plan: Passport Services"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and re.search(r"pdfuaid:part[^0-9]{1,3}1", xmp)


def test_the_plan_has_table_headers_headings_in_order_and_alt_text_for_the_chart(weak_plan):
    elements = list(structure(weak_plan.data))
    tags = [e["/S"] for e in elements]
    headings = [int(tag[2]) for tag in tags if re.fullmatch(r"/H[1-6]", tag)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert tags.count("/Table") >= 12 and "/TH" in tags and "/Caption" in tags
    headers = [e for e in elements if e["/S"] == "/TH"]
    assert all("/ID" in th for th in headers)  # cells point at their headers by these ids
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 1
    alt = figures[0]["/Alt"]
    assert alt.startswith("Bar chart of your score") and "Measurement 2.0, target 3.0." in alt


# --------------------------------------------------------------------------- fetching

@pytest.mark.parametrize("url", [
    "https://digital.gov/style.css",
    "http://127.0.0.1:5300/static/css/report.css",
    "ftp://example.com/font.ttf",
    "data:text/css,body{color:red}",
    "file:///etc/passwd",
    (STATIC / "css" / ".." / ".." / "pyproject.toml").as_uri(),
    (STATIC.parent / "instance" / "secret_key").as_uri(),
    (STATIC / "css").as_uri(),  # a folder, not a file
    (STATIC / "css" / "missing.css").as_uri(),
    "file://otherhost" + (STATIC / "css" / "report.css").as_posix(),
], ids=["https", "http-to-ourselves", "ftp", "data", "system-file", "dot-dot", "secret-key",
        "folder", "missing", "remote-host"])
def test_the_url_fetcher_refuses_anything_but_files_under_static(url):
    with pytest.raises(ValueError, match="refused"):
        report.StaticFilesOnly(STATIC).fetch(url)


def test_the_url_fetcher_serves_our_stylesheet_and_fonts():
    fetcher = report.StaticFilesOnly(STATIC)
    css = fetcher.fetch((STATIC / "css" / "report.css").as_uri())
    assert css.content_type == "text/css" and b"Public Sans" in css.read()
    fonts = re.findall(r'url\("([^"]+)"\)', (STATIC / "css" / "report.css").read_text())
    assert fonts
    for font in fonts:
        assert fetcher.fetch((STATIC / "css" / font).as_uri()).read()[:4] == b"\x00\x01\x00\x00"


def test_the_plan_is_styled_without_the_default_rules_it_never_uses():
    """The footnote, note and form rules of WeasyPrint's default stylesheet cost every element
    of the plan some time. If a WeasyPrint upgrade words them differently, they come back
    (the plan still renders, only slower): this test says so."""
    from weasyprint.html import UA

    trimmed = UA
    for rule, replacement in report._UNUSED_DEFAULT_RULES:
        assert rule.search(trimmed), rule.pattern
        trimmed = rule.sub(replacement, trimmed)
    assert "::footnote-call" not in trimmed and "element(note" not in trimmed
    assert "@top-center" not in trimmed and "@bottom-right " in trimmed
    assert "/* Form fields */" not in trimmed and "li::marker" in trimmed
    assert report._PrintedHTML.default_stylesheet is not None


def test_the_plan_html_drops_only_white_space_that_prints_nothing():
    html = ('<section>\n  <p>\n    <strong>Notes:</strong> <a href="#x">one</a>\n  </p>\n'
            '  <table><tr>\n<th>A</th>\n<td><span>x</span> <span>y</span></td></tr></table>\n'
            '</section>')
    assert report.without_space_by_blocks(html) == (
        '<section><p><strong>Notes:</strong> <a href="#x">one</a></p>'
        '<table><tr><th>A</th><td><span>x</span> <span>y</span></td></tr></table></section>')


def test_the_plan_embeds_public_sans(weak_plan):
    reader = PdfReader(io.BytesIO(weak_plan.data))
    fonts = set()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Public-Sans" in name for name in fonts), fonts


# --------------------------------------------------------------------------- cache

def test_a_repeat_download_comes_from_the_cache(client, measurement_weak, renders):
    first = download(client, measurement_weak)
    second = download(client, measurement_weak)
    assert renders == [1]
    assert first == second


def _assessment(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


def _change_answer(current: Assessment, earlier: Assessment) -> None:
    operations.save_answers(current.responses[0],
                            {"strategy.big-picture.q1": SubmittedAnswer("5")})


def _change_note(current: Assessment, earlier: Assessment) -> None:
    operations.save_answers(current.responses[0],
                            {"strategy.big-picture.q1": SubmittedAnswer("3", "New evidence.")})


def _change_target(current: Assessment, earlier: Assessment) -> None:
    operations.set_targets(current, {"culture": Decimal("3.5")})


def _add_action(current: Assessment, earlier: Assessment) -> None:
    operations.add_action(current, "measurement.publish-progress",
                          ActionDetails("Publish results", "CX lead", None, "not_started"))


def _change_action(current: Assessment, earlier: Assessment) -> None:
    action = current.added_actions[0]
    operations.update_action(action, ActionDetails(action.title, action.owner, action.due_date,
                                                   "done"))


def _rename_team(current: Assessment, earlier: Assessment) -> None:
    current.team.service = "Passport and Visa Services"


def _change_questionnaire_version(current: Assessment, earlier: Assessment) -> None:
    current.questionnaire_version = "2028.1"


def _change_earlier_assessment(current: Assessment, earlier: Assessment) -> None:
    operations.save_answers(earlier.responses[0],
                            {"strategy.big-picture.q1": SubmittedAnswer("1")})


@pytest.fixture
def two_years(app, questionnaire, owner_id) -> Callable[[], tuple[str, str]]:
    """A team with an earlier and a current finished assessment; the current has one action."""
    with app.app_context():
        team = operations.create_team("Department of State", "Bureau of Consular Affairs",
                                      "Passport Services")
        teams.add_member(team, db.session.get(User, owner_id), OWNER)
        ids = []
        for level, started in (("2", dt.datetime(2025, 11, 1)), ("3", dt.datetime(2026, 11, 1))):
            assessment = operations.start_assessment(questionnaire, team)
            operations.save_answers(assessment.responses[0], {
                q.id: SubmittedAnswer(level) for *_, q in questionnaire.questions()})
            operations.finish_assessment(assessment)
            assessment.started_at = started
            ids.append(assessment.public_id)
        operations.add_action(assessment, "strategy.big-picture",
                              ActionDetails("Brief the team", "CX lead", None, "not_started"))
        db.session.commit()
        return ids[0], ids[1]


@pytest.mark.parametrize("change", [
    _change_answer, _change_note, _change_target, _add_action, _change_action, _rename_team,
    _change_questionnaire_version, _change_earlier_assessment,
], ids=lambda change: change.__name__.strip("_").replace("_", "-"))
def test_any_change_to_what_the_plan_prints_renders_it_again(app, client, two_years,
                                                             fake_renders, change):
    earlier_id, current_id = two_years
    assert download(client, current_id) == b"%PDF-1.7 render 1"
    assert download(client, current_id) == b"%PDF-1.7 render 1"  # nothing changed: cached
    with app.app_context():
        change(_assessment(current_id), _assessment(earlier_id))
        db.session.commit()
    assert download(client, current_id) == b"%PDF-1.7 render 2"
    assert len(fake_renders) == 2


def test_reopening_and_finishing_without_changes_keeps_the_cached_plan(app, client, two_years,
                                                                       fake_renders):
    _, current_id = two_years
    download(client, current_id)
    with app.app_context():
        current = _assessment(current_id)
        operations.reopen_assessment(current)
        operations.finish_assessment(current)
        db.session.commit()
    download(client, current_id)
    assert len(fake_renders) == 1


def test_a_changed_stylesheet_renders_the_plan_again(app, client, measurement_weak,
                                                     fake_renders, tmp_path):
    download(client, measurement_weak)
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "report.css").write_text("body { color: black; }")
    app.static_folder = str(static)
    download(client, measurement_weak)
    assert len(fake_renders) == 2


def test_the_cache_is_shared_through_its_folder_and_stays_within_its_size(tmp_path):
    folder = tmp_path / "plans"
    PlanCache(folder, max_bytes=10_000).put("a" * 64, b"x" * 4_000)
    another_process = PlanCache(folder, max_bytes=10_000)
    assert another_process.get("a" * 64) == b"x" * 4_000
    another_process.put("b" * 64, b"y" * 4_000)
    another_process.get("a" * 64)  # used recently, so "b" is now the oldest
    another_process.put("c" * 64, b"z" * 4_000)
    assert another_process.get("b" * 64) is None
    assert another_process.get("a" * 64) and another_process.get("c" * 64)
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 10_000
    assert not list(folder.glob("*.tmp"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", "", "abc.pdf"])
def test_the_cache_refuses_keys_that_are_not_hashes(tmp_path, key):
    with pytest.raises(ValueError):
        PlanCache(tmp_path, max_bytes=1_000).get(key)
