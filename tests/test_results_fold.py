"""Results you can act on: the top priorities first, the other practices below target folded
in a details element (it opens without JavaScript), and a practice with no Toolkit resource
gets the same fallback as the plan."""

from __future__ import annotations

import datetime as dt

from assessment.report.pdf import render_plan_html
from assessment.report.plan_data import Team, build_plan, practices_of
from assessment.rules.scoring import PRIORITY_COUNT, score_assessment
from assessment.rules.wording import NO_RESOURCE
from tests.conftest import check_page, page_text


def test_the_top_priorities_come_first_and_the_rest_are_folded(client, make_assessment,
                                                                questionnaire):
    answers = {q.id: "1" for *_, q in questionnaire.questions()}
    public_id = make_assessment(answers, finished=True)
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    improve = page.find("h2", id="improve")
    first = improve.find_next("ol", class_="app-weak-list")
    fold = page.find("details", id="more-practices")
    assert first.find_parent("details") is None
    top = first.find_all("li", class_="app-weak", recursive=False)
    assert [page_text(li.find("h3")).split(" ", 2)[:2] for li in top] == \
        [["Priority", str(n)] for n in range(1, PRIORITY_COUNT + 1)]
    rest = fold.find_all("li", class_="app-weak")
    practices = sum(len(p.practices) for p in questionnaire.pillars)
    assert len(rest) == practices - PRIORITY_COUNT  # every practice is below a 3.0 target
    assert not fold.has_attr("open")  # folded until someone opens it
    assert page_text(fold.find("summary")).startswith(f"{len(rest)} more practices below target")
    assert all("Priority" not in page_text(li.find("h3")) for li in rest)

    # A practice with no Toolkit resource says what to do instead, with a working link.
    bare = [p for pillar in questionnaire.pillars for p in pillar.practices if not p.resources]
    assert bare, "the questionnaire has practices without resources"
    card = page.find("li", id=f"practice-{bare[0].id}")
    assert NO_RESOURCE.before in page_text(card) and NO_RESOURCE.after in page_text(card)
    link = card.find("a", string=NO_RESOURCE.link_text)
    assert link["href"] == NO_RESOURCE.url


def test_a_few_weak_practices_are_not_folded(client, make_assessment, questionnaire):
    first = questionnaire.pillars[0].practices[0]
    answers = {q.id: "4" for *_, q in questionnaire.questions()}
    answers |= {q.id: "1" for q in first.questions}
    public_id = make_assessment(answers, finished=True)
    page = check_page(client.get(f"/assessments/{public_id}/results").data.decode())
    assert page.find("details", id="more-practices") is None
    assert "Open “" not in page_text(page)
    assert page.find("li", id=f"practice-{first.id}").find("h3").get_text().strip() \
        .startswith("Priority 1")


def test_the_plan_prints_the_same_fallback_as_a_titled_link(app, questionnaire):
    """The PDF plan reads the same words (rules/wording.py), linked, never a raw address."""
    bare = next(pr for _, pr in practices_of(questionnaire) if not pr.resources)
    answers = {q.id: 1 if pr is bare else 3 for _, pr, q in questionnaire.questions()}
    plan = build_plan(questionnaire, score_assessment(questionnaire, answers),
                      Team("Agency", "Office", "Service"), dt.date(2026, 11, 12), "2026.1", {}, [])
    assert plan.top_priorities[0].practice == bare.name
    with app.test_request_context():
        html = render_plan_html(plan)
    assert f'{NO_RESOURCE.before} <a class="usa-link usa-link--external" ' \
           f'href="{NO_RESOURCE.url}" rel="noreferrer">{NO_RESOURCE.link_text}</a> ' \
           f"{NO_RESOURCE.after}" in html
    assert f"({NO_RESOURCE.url})" not in html
