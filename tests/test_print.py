"""Printing (static/css/print.css): every page links the print stylesheet, and on results,
history and compare everything that navigates or changes something is hidden from print while
the charts and tables stay."""

from __future__ import annotations

import re
from pathlib import Path

from assessment.extensions import db
from assessment.store import operations
from assessment.store.models import Assessment
from tests.conftest import check_page

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "print.css"


def hidden_selectors() -> list[str]:
    """The selectors of the print stylesheet's one `display: none` rule."""
    css = re.sub(r"/\*.*?\*/", "", PRINT_CSS.read_text(), flags=re.S)
    rule = next(r for r in css.split("}") if "display: none" in r)
    return [s.strip() for s in rule.split("{")[0].split(",") if s.strip()]


def printed(page):
    """The elements left on paper: those not inside anything the stylesheet hides."""
    hidden = {id(e) for selector in hidden_selectors() for e in page.select(selector)}
    return lambda element: not any(id(e) in hidden for e in [element, *element.parents])


def test_results_history_and_compare_print_without_navigation_or_edit_controls(
        app, client, make_assessment, questionnaire):
    answers = {q.id: "1" for *_, q in questionnaire.questions()}
    before = make_assessment(answers, finished=True)
    with app.app_context():
        team = db.session.scalar(db.select(Assessment).filter_by(public_id=before)).team
        after = operations.start_assessment(questionnaire, team)
        operations.finish_assessment(after)
        db.session.commit()
        team_id, after_id = team.id, after.public_id
    pages = [f"/assessments/{before}/results", f"/teams/{team_id}/history",
             f"/teams/{team_id}/compare?before={before}&after={after_id}"]
    for url in pages:
        page = check_page(client.get(url).data.decode())
        assert page.find("link", rel="stylesheet", href=re.compile("print.css"),
                         media="print")
        shows = printed(page)
        for element in page.select("header, nav, footer, form, button, .usa-banner"):
            assert not shows(element), (url, str(element)[:80])
        for link in page.select("a[href]"):
            words = link.get_text(" ", strip=True)
            if words.startswith(("Change", "Remove", "Add an action", "Download", "Back to")):
                assert not shows(link), (url, words)
        assert all(shows(e) for e in page.select("main svg, main table")), url
