"""At a phone's width (390 CSS pixels) no page scrolls sideways, and axe still finds nothing.

320 pixels is checked too: it is the width WCAG 1.4.10 (Reflow) names.
"""

from __future__ import annotations

import pytest

from tests.browser.audit import audit_pages
from tests.browser.checks import PAGE_WIDTH
from tests.browser.conftest import PHONE


@pytest.mark.parametrize("viewport", [PHONE, {"width": 320, "height": 640}],
                         ids=lambda viewport: f"{viewport['width']}px")
def test_no_page_scrolls_sideways_on_a_phone(new_context, site, viewport):
    page = new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page()
    too_wide = {}
    for site_page in site.pages:
        site_page.open(page)
        width = page.evaluate(PAGE_WIDTH)
        if width["scrollWidth"] > viewport["width"] or width["sticksOut"]:
            too_wide[site_page.name] = width
    assert not too_wide, too_wide


def test_every_page_passes_axe_on_a_phone(new_context, site):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    found = audit_pages(page, site.pages)
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
