"""One visit per page and viewport, shared by the page-by-page checks.

Loading a page and running axe on it are most of the browser tests' time, so each page is
loaded once at desktop width with JavaScript (axe, the CSP and script errors, and the same page
as it is without JavaScript) and once at phone width (axe, and whether it fits at 390 and at
320 pixels). The tests in test_axe.py, test_csp.py, test_no_javascript.py and
test_phone_width.py each assert their part of what the visits found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.browser.audit import AXE_SCRIPT, audit
from tests.browser.checks import CSP_LISTENER, PAGE_WIDTH
from tests.browser.site import SitePage

PHONE = {"width": 390, "height": 844}
# What app.css styles differently without JavaScript (html:not(.app-js)): the official banner.
WITHOUT_JAVASCRIPT_DIFFERS = ".usa-banner"
NARROWEST = {"width": 320, "height": 640}  # the width WCAG 1.4.10 (Reflow) names

# Whether the page's document, once the class app.js adds to <html> is taken off, is the one the
# server sent as the browser parses it without running a script: then our scripts changed no
# element or attribute, and the page with that class taken off is the page without JavaScript.
# A page with <noscript> never counts as the same: scripts change how its content is parsed.
SAME_AS_WITHOUT_JAVASCRIPT = """(html) => {
  if (document.querySelector("noscript")) return false;
  const sent = new DOMParser().parseFromString(html, "text/html").documentElement;
  const live = document.documentElement.cloneNode(true);
  live.classList.remove("app-js");
  if (live.getAttribute("class") === "") live.removeAttribute("class");
  return live.outerHTML === sent.outerHTML;
}"""
# Take the page back to how it is without JavaScript: no app-js class (which app.css reads to
# show the official banner's content) and nothing focused (app.js focuses the error summary).
AS_WITHOUT_JAVASCRIPT = """() => {
  document.documentElement.classList.remove("app-js");
  if (document.documentElement.getAttribute("class") === "") {
    document.documentElement.removeAttribute("class");
  }
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  return document.documentElement.className;
}"""


@dataclass
class DesktopFindings:
    """What the desktop visits found, by page name (nothing found: empty)."""

    axe: dict[str, list[str]] = field(default_factory=dict)
    axe_without_javascript: dict[str, list[str]] = field(default_factory=dict)
    script_problems: list[str] = field(default_factory=list)  # CSP violations, script errors
    # Pages whose scripts changed the document, so they were loaded again with scripts blocked.
    loaded_without_javascript: list[str] = field(default_factory=list)
    audited_without_javascript: int = 0


def visit_at_desktop_width(context: BrowserContext, blocked_context: Callable[[], BrowserContext],
                           pages: list[SitePage]) -> DesktopFindings:
    """Load each page once with JavaScript: axe, CSP violations and script errors; then axe on
    the page as it is without JavaScript (loaded again with scripts blocked only if our scripts
    changed its document)."""
    found = DesktopFindings()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    # Sent once, rather than half a megabyte of script per audit; it runs as the browser's own
    # script (like Playwright's probes), so it needs no JavaScript of ours and no CSP exception.
    page.add_init_script(AXE_SCRIPT)
    current = {"name": ""}

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        # Error pages answer 4xx on purpose; Chromium logs that for the page itself.
        expected = text.startswith("Failed to load resource: the server responded with a status "
                                   "of 4") and message.location.get("url", "").startswith(
                                       page.url.split("#")[0])
        if "Content Security Policy" in text or (message.type == "error" and not expected):
            found.script_problems.append(f"{current['name']}: console {message.type}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.script_problems.append(
        f"{current['name']}: script error {error}"))
    without_javascript: Page | None = None
    for site_page in pages:
        current["name"] = site_page.name
        response = site_page.open(page)
        page.wait_for_load_state("load")
        for violation in page.evaluate("window.__cspViolations"):
            found.script_problems.append(f"{site_page.name}: CSP violation {violation}")
        if problems := audit(page):
            found.axe[site_page.name] = problems
        if site_page.needs_javascript:
            continue  # a state only scripts make
        within = None
        if page.evaluate(SAME_AS_WITHOUT_JAVASCRIPT, response.text()):
            assert page.evaluate(AS_WITHOUT_JAVASCRIPT) == "", site_page.name
            audited = page
            # The same document; only the official banner is styled otherwise without scripts
            # (app.css, the one rule on html:not(.app-js)), so axe looks at the banner again.
            within = WITHOUT_JAVASCRIPT_DIFFERS
        else:
            if without_javascript is None:
                without_javascript = blocked_context().new_page()
                without_javascript.add_init_script(AXE_SCRIPT)
            site_page.open(without_javascript)
            assert without_javascript.evaluate("document.documentElement.className") == "", \
                f"{site_page.name}: a script ran"
            found.loaded_without_javascript.append(site_page.name)
            audited = without_javascript
        found.audited_without_javascript += 1
        if problems := audit(audited, within):
            found.axe_without_javascript[site_page.name] = problems
    return found


@dataclass
class PhoneFindings:
    """What the phone-width visits found, by page name (nothing found: empty)."""

    too_wide: dict[str, dict] = field(default_factory=dict)  # at 390 pixels
    too_wide_at_320: dict[str, dict] = field(default_factory=dict)
    axe: dict[str, list[str]] = field(default_factory=dict)


def too_wide(page: Page, viewport: dict[str, int]) -> dict | None:
    """How the page is wider than the viewport, or None when it fits."""
    width = page.evaluate(PAGE_WIDTH)
    return width if width["scrollWidth"] > viewport["width"] or width["sticksOut"] else None


def visit_at_phone_width(context: BrowserContext, pages: list[SitePage]) -> PhoneFindings:
    """Load each page once at 390 pixels: whether it fits, and axe; then narrow the same page to
    320 pixels (as zooming in does) and see whether it still fits."""
    found = PhoneFindings()
    page = context.new_page()
    page.add_init_script(AXE_SCRIPT)
    for site_page in pages:
        page.set_viewport_size(PHONE)
        site_page.open(page)
        if width := too_wide(page, PHONE):
            found.too_wide[site_page.name] = width
        if problems := audit(page):
            found.axe[site_page.name] = problems
        page.set_viewport_size(NARROWEST)
        if width := too_wide(page, NARROWEST):
            found.too_wide_at_320[site_page.name] = width
    return found
