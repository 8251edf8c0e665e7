"""What a user does on each page, found by labels and roles, shared by the journey tests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from assessment.rules.questionnaire import Pillar, Question

TEAM = {"Agency": "Department of State", "Office or team": "Bureau of Consular Affairs",
        "Service you are assessing": "Passport Services"}
NOT_APPLICABLE, DONT_KNOW = "Not applicable", "Don't know"
_journeys = itertools.count(1)


def new_team() -> dict[str, str]:
    """TEAM in an office of its own: the app refuses a second team of a name the signed-in
    owner already has, and the browser tests' owner starts several."""
    return TEAM | {"Office or team": f"{TEAM['Office or team']}, unit {next(_journeys)}"}


def answer_name(page: Page, choice: str) -> str:
    """The visible name of an answer: 'Level 4: Foundational', 'Not applicable', "Don't know"."""
    if choice.isdigit():
        return page.locator(".app-level-name").filter(has_text=f"Level {choice}:").first \
            .inner_text()
    return {"na": NOT_APPLICABLE, "unknown": DONT_KNOW}[choice]


def click_and_wait(page: Page, role: str, name: str) -> None:
    """Click a button or link in the page's main content, and wait for the page it loads."""
    with page.expect_navigation():
        page.get_by_role("main").get_by_role(role, name=name, exact=True).click()


def start_assessment(page: Page) -> str:
    """From the home page: start an assessment for the team; return its private id."""
    page.goto("/")
    click_and_wait(page, "link", "Start an assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start an assessment")
    for label, value in new_team().items():
        page.get_by_label(label).fill(value)
    click_and_wait(page, "button", "Start the assessment")
    match = re.search(r"/assessments/([\w-]+)/pillars/strategy$", page.url)
    assert match, page.url
    return match.group(1)


def choose(page: Page, question: Question, choice: str, name: str | None = None) -> None:
    """Pick an answer tile for one question, by clicking its label as a user does. (name: the
    answer's visible name, when already read from this page.)"""
    group = page.get_by_role("group", name=question.text)
    name = name or answer_name(page, choice)
    group.get_by_text(name).first.click()
    expect(group.get_by_role("radio", name=name)).to_be_checked()


def answer_pillar(page: Page, pillar: Pillar, choice_for: Callable[[Question], str],
                  button: str = "Save and continue") -> None:
    """On a pillar's page: answer every question, then press one of the save buttons."""
    expect(page.locator("h1")).to_contain_text(pillar.name)
    names: dict[str, str] = {}  # each answer's visible name, read once from this page
    for question in pillar.questions:
        choice = choice_for(question)
        if choice not in names:
            names[choice] = answer_name(page, choice)
        choose(page, question, choice, names[choice])
    click_and_wait(page, "button", button)


def overall_score(page: Page) -> str:
    return page.locator(".app-summary__number").inner_text()


def pillar_row(page: Page, pillar_name: str) -> list[str]:
    """The cells of one pillar's row in the 'Scores, levels and targets by pillar' table."""
    table = page.get_by_role("table", name="Scores, levels and targets by pillar")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=pillar_name,
                                                               exact=True))
    return [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]


def sign_in(page: Page, email: str, password: str) -> None:
    """On the sign-in page: sign in, and wait for the page it goes on to."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    click_and_wait(page, "button", "Sign in")
