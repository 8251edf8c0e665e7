"""axe-core on every page the app has, in every state a user sees: no WCAG 2.1 A/AA violations,
and every result axe could not decide ("incomplete") reviewed or measured."""

from __future__ import annotations

from tests.browser.audit import AXE_SCRIPT, audit
from tests.browser.checks import CONTRAST_RATIO
from tests.browser.site import get_endpoints


def test_every_get_route_is_covered(site, live_app):
    covered = {page.endpoint for page in site.pages} | set(site.downloads)
    missing = set(get_endpoints(live_app.app)) - covered
    assert not missing, ("GET routes that no browser check visits; add a page for each to "
                         f"tests/browser/site.py: {sorted(missing)}")


def test_every_page_passes_axe(desktop_findings):
    found = desktop_findings.axe
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())


def test_the_contrast_measure_agrees_with_wcag(page):
    """Our own measure, used where axe could not decide, on colours with known ratios."""
    page.goto("/privacy")
    cases = {"#767676 on white": ("#767676", "#ffffff", 4.54),
             "USWDS link on the error alert": ("#005ea2", "#f4e3db", 5.40),
             "black on white": ("#000000", "#ffffff", 21.0)}
    for name, (colour, background, expected) in cases.items():
        ratio = page.evaluate(f"""() => {{
            const box = document.createElement('div');
            document.querySelector('main').append(box);
            box.style.backgroundColor = '{background}';
            box.style.color = '{colour}';
            box.textContent = 'sample';
            return ({CONTRAST_RATIO})(box);
        }}""")
        assert round(ratio, 2) == expected, name


def test_the_audit_reports_what_breaks_wcag(page):
    """The audit itself works: an image without a text alternative is found."""
    page.add_init_script(AXE_SCRIPT)
    page.goto("/privacy")
    page.evaluate("""() => {
        const image = document.createElement('img');
        image.src = '/static/img/missing.png';
        document.querySelector('main').append(image);
    }""")
    assert any(problem.startswith("image-alt") for problem in audit(page))
