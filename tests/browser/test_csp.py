"""With JavaScript on, no page breaks the Content-Security-Policy or throws a script error."""

from __future__ import annotations


def test_no_page_reports_a_csp_violation_or_script_error(desktop_findings):
    """Seen on the desktop visit of every page (tests/browser/visits.py), which listens for the
    browser's CSP violation events and for console errors and uncaught script errors."""
    assert desktop_findings.script_problems == []
