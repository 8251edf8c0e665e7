"""At a phone's width (390 CSS pixels) no page scrolls sideways, and axe still finds nothing.

320 pixels is checked too: it is the width WCAG 1.4.10 (Reflow) names. Each page is loaded
once at 390 pixels, then narrowed to 320 (tests/browser/visits.py).
"""

from __future__ import annotations


def test_no_page_scrolls_sideways_at_320_pixels(phone_findings):
    assert not phone_findings.too_wide_at_320, phone_findings.too_wide_at_320


def test_every_page_fits_and_passes_axe_on_a_phone(phone_findings):
    """At 390 pixels: nothing scrolls sideways, and axe finds nothing."""
    assert not phone_findings.too_wide, phone_findings.too_wide
    found = phone_findings.axe
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
