"""At a phone's width (390 CSS pixels) no page scrolls sideways, and axe still finds nothing.

320 pixels is checked too: it is the width WCAG 1.4.10 (Reflow) names.
"""

from __future__ import annotations

from tests.browser.audit import AXE_SCRIPT, audit
from tests.browser.checks import PAGE_WIDTH
from tests.browser.conftest import PHONE

NARROWEST = {"width": 320, "height": 640}


def too_wide(page, viewport) -> dict | None:
    """How the page is wider than the viewport, or None when it fits."""
    width = page.evaluate(PAGE_WIDTH)
    return width if width["scrollWidth"] > viewport["width"] or width["sticksOut"] else None


def test_no_page_scrolls_sideways_at_320_pixels(new_context, site):
    page = new_context(viewport=NARROWEST, is_mobile=True, has_touch=True).new_page()
    wide = {}
    for site_page in site.pages:
        site_page.open(page)
        if found := too_wide(page, NARROWEST):
            wide[site_page.name] = found
    assert not wide, wide


def test_every_page_fits_and_passes_axe_on_a_phone(new_context, site):
    """At 390 pixels, in one visit per page: nothing scrolls sideways, and axe finds nothing."""
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.add_init_script(AXE_SCRIPT)
    wide, found = {}, {}
    for site_page in site.pages:
        site_page.open(page)
        if width := too_wide(page, PHONE):
            wide[site_page.name] = width
        if problems := audit(page):
            found[site_page.name] = problems
    assert not wide, wide
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
