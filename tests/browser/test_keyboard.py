"""Keyboard only: the journey with Tab, Space and Enter; focus always visible; no traps; the skip
link works; an error moves focus to the error summary."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.checks import DESCRIBE_FOCUS, FOCUS_IS_VISIBLE
from tests.browser.journey import new_team

TAB_LIMIT = 400  # more Tab presses than any page of ours needs to reach its last control


class KeyboardUser:
    """Presses keys, never clicks, and checks focus is visible at every Tab stop."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops = 0
        self.invisible: list[str] = []
        # Where the last Tab left focus, and on which address: the next Tab starts from there
        # unless a key was pressed or the page changed since (then it is asked again).
        self.last: tuple[str, str] | None = None

    def focus(self, js_test: str = "false") -> dict:
        """Where focus is: a description, whether it shows, and whether `js_test` holds for it."""
        return self.page.evaluate(f"""() => {{
            const el = document.activeElement;
            const onBody = !el || el === document.body;
            return {{
                name: ({DESCRIBE_FOCUS})(),
                onBody,
                visible: onBody || ({FOCUS_IS_VISIBLE})(el),
                found: !onBody && (() => {{ return {js_test}; }})(),
            }};
        }}""")

    def tab(self, js_test: str = "false") -> dict:
        if self.last is not None and self.last[0] == self.page.url:
            before = self.last[1]
        else:
            before = self.focus()["name"]
        self.page.keyboard.press("Tab")
        now = self.focus(js_test)
        self.last = (self.page.url, now["name"])
        self.stops += 1
        if not now["visible"]:
            self.invisible.append(f"{self.page.url}: {now['name']}")
        assert now["onBody"] or now["name"] != before, f"focus is stuck on {before} (a trap)"
        return now

    def tab_to(self, js_test: str, what: str) -> None:
        """Press Tab until the focused element `el` passes `js_test` (JavaScript)."""
        for _ in range(TAB_LIMIT):
            if self.tab(js_test)["found"]:
                return
        raise AssertionError(f"Tab never reached {what} on {self.page.url}")

    def tab_to_control(self, name: str) -> None:
        """Tab to a button or link whose text is `name`."""
        self.tab_to(f"el.innerText.trim() === {name!r}", repr(name))

    def press(self, key: str, navigates: bool = False) -> None:
        self.last = None
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)


def answer_with_space(user: KeyboardUser, pillar) -> None:
    """Tab into each question's group of answers and press Space: the first answer, Level 1."""
    for question in pillar.questions:
        user.tab_to(f"el.type === 'radio' && el.name === 'answer-{question.id}'",
                    f"the answers to {question.id}")
        user.press("Space")
        assert user.page.evaluate("document.activeElement.checked"), question.id


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page):
    user = KeyboardUser(page)
    page.goto("/")
    first = user.tab("el.classList.contains('usa-skipnav')")
    assert first["found"] and first["visible"], first
    user.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    # The next Tab goes to the first control inside the content, past the header.
    assert user.tab("el.innerText.trim() === 'Start an assessment'")["found"]
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_an_error_moves_focus_to_the_error_summary_and_its_links_to_the_fields(page):
    user = KeyboardUser(page)
    page.goto("/start")
    user.tab_to_control("Start the assessment")
    user.press("Enter", navigates=True)
    expect(page.get_by_role("alert").first).to_contain_text("There is a problem")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.evaluate(f"({FOCUS_IS_VISIBLE})(document.activeElement)")
    user.tab_to_control("Enter your agency.")
    user.press("Enter")
    assert page.evaluate("document.activeElement.id") == "agency"
    assert user.invisible == []


def test_the_journey_completes_with_tab_space_and_enter_alone(page, live_app):
    questionnaire = live_app.questionnaire
    pillars = questionnaire.pillars
    user = KeyboardUser(page)
    page.goto("/")
    user.tab_to_control("Skip to main content")
    user.press("Enter")
    user.tab_to_control("Start an assessment")
    user.press("Enter", navigates=True)

    for field, value in zip(("agency", "office", "service"), new_team().values(),
                            strict=True):
        user.tab_to(f"el.id === '{field}'", field)
        page.keyboard.type(value)
    user.tab_to_control("Start the assessment")
    user.press("Enter", navigates=True)

    for number, pillar in enumerate(pillars, start=1):
        expect(page.locator("h1")).to_contain_text(pillar.name)
        answer_with_space(user, pillar)
        if number == 3:  # Pause, then come back with the button on the saved page.
            user.tab_to_control("Save and come back later")
            user.press("Enter", navigates=True)
            expect(page.locator("h1")).to_have_text("Your answers are saved")
            user.tab_to_control("Keep going now")
        else:
            user.tab_to_control("Save and continue")
        user.press("Enter", navigates=True)

    expect(page.locator("h1")).to_contain_text("Review and finish")
    user.tab_to_control("Finish and see results")
    user.press("Enter", navigates=True)
    expect(page.locator("h1")).to_have_text("Results for Passport Services")
    expect(page.locator(".app-summary__number")).to_have_text("1.0 out of 5")

    user.tab_to_control("Reopen to change answers")
    user.press("Enter", navigates=True)
    expect(page.get_by_role("status")).to_contain_text("You reopened this assessment")
    assert user.invisible == [], f"focus not visible at: {user.invisible}"
    assert user.stops > questionnaire.question_count


def test_arrow_keys_move_between_the_answers_of_a_question(page, make_assessment, live_app):
    """Tab reaches one answer per question (a radio group); the arrow keys pick the others."""
    question = live_app.questionnaire.pillar("strategy").questions[0]
    page.goto(f"/assessments/{make_assessment()}/pillars/strategy")
    user = KeyboardUser(page)
    user.tab_to(f"el.name === 'answer-{question.id}'", "the first question's answers")
    for _ in range(6):  # Level 1 … Level 5, Not applicable, Don't know
        user.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "unknown"
    assert page.evaluate("document.activeElement.checked")
    assert page.evaluate(f"({FOCUS_IS_VISIBLE})(document.activeElement)")
    user.press("ArrowUp")
    user.press("ArrowUp")
    assert page.evaluate("[document.activeElement.value, document.activeElement.checked]") == \
        ["5", True]
