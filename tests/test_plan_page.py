"""The improvement plan as a web page (views/plan_page.py): the PDF's parts in the site's frame,
with the downloads beside them. Who may see it is in tests/test_authorization.py; that it
carries the PDF's priorities and actions is in tests/test_report.py (one demo render)."""

from __future__ import annotations

from tests.conftest import check_page, page_text


def test_the_plan_page_shows_the_brief_priorities_and_downloads_without_the_pdf_cover(
        client, make_assessment, questionnaire):
    answers = {q.id: "2" if p.id == "measurement" else "3" for p, _, q in
               questionnaire.questions()}
    public_id = make_assessment(answers, finished=True)
    page = check_page(client.get(f"/assessments/{public_id}/plan").data)
    text = page_text(page)
    assert page.h1.get_text(strip=True) == "CX improvement plan: Passport Services"
    for part in ("Leadership brief", "What we ask of you", "Sign-off", "All pillars",
                 "Priorities and next steps", "Reassessment", "Action plan",
                 "Appendix A: Practices by pillar"):
        assert part in text, part
    assert "Contents" not in text  # page numbers mean nothing on screen
    assert page.select(".priority .usa-alert--warning")  # no action yet: warned
    downloads = {a["href"] for a in page.select(".app-plan-downloads a")}
    assert downloads == {f"/assessments/{public_id}/plan.pdf",
                         f"/assessments/{public_id}/actions.csv"}


def test_a_draft_sends_the_reader_to_its_review_page(client, make_assessment):
    public_id = make_assessment()
    response = client.get(f"/assessments/{public_id}/plan")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assessments/{public_id}/review")
