"""With JavaScript on, no page breaks the Content-Security-Policy or throws a script error."""

from __future__ import annotations

from tests.browser.checks import CSP_LISTENER


def test_no_page_reports_a_csp_violation_or_script_error(new_context, site):
    context = new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems: list[str] = []
    current = {"name": ""}

    def on_console(message) -> None:
        text = message.text
        # Error pages answer 4xx on purpose; Chromium logs that for the page itself.
        expected = text.startswith("Failed to load resource: the server responded with a status "
                                   "of 4") and message.location.get("url", "").startswith(
                                       page.url.split("#")[0])
        if "Content Security Policy" in text or (message.type == "error" and not expected):
            problems.append(f"{current['name']}: console {message.type}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{current['name']}: script error {error}"))
    for site_page in site.pages:
        current["name"] = site_page.name
        site_page.open(page)
        page.wait_for_load_state("load")
        for violation in page.evaluate("window.__cspViolations"):
            problems.append(f"{site_page.name}: CSP violation {violation}")
    assert problems == []
