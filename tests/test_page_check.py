"""The test client checks every HTML page it gets, so no test has to remember to."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify


@pytest.fixture
def odd_pages(app: Flask) -> Flask:
    """Pages that break one rule each, and answers that are not HTML."""
    pages = {
        "two-headings": '<html lang="en"><title>A</title><h1>A</h1><h1>B</h1></html>',
        "wrong-title": '<html lang="en"><title>Other</title><h1>A</h1></html>',
        "same-id": '<html lang="en"><title>A</title><h1 id="x">A</h1><p id="x"></p></html>',
        "no-language": "<html><title>A</title><h1>A</h1></html>",
    }
    for name, html in pages.items():
        app.add_url_rule(f"/odd/{name}", name, lambda html=html: (html, 404))
    app.add_url_rule("/odd/json", "json", lambda: jsonify(["not", "a", "page"]))
    app.add_url_rule("/odd/text", "text", lambda: ("<h1>A</h1><h1>B</h1>", 200,
                                                    {"Content-Type": "text/plain"}))
    return app


@pytest.mark.parametrize(("name", "problem"), [
    ("two-headings", "expected one h1, found 2"),
    ("wrong-title", "Other"),
    ("same-id", "duplicate ids"),
    ("no-language", "GET /odd/no-language answered 404 NOT FOUND"),
])
def test_the_client_refuses_a_page_that_breaks_a_page_rule(odd_pages, name, problem):
    with pytest.raises(AssertionError, match=problem):
        odd_pages.test_client().get(f"/odd/{name}")


def test_the_client_checks_a_page_it_was_redirected_to(odd_pages):
    odd_pages.add_url_rule("/odd/redirect", "redirect", lambda: ("", 302,
                                                                 {"Location": "/odd/same-id"}))
    with pytest.raises(AssertionError, match="duplicate ids"):
        odd_pages.test_client().get("/odd/redirect", follow_redirects=True)


@pytest.mark.parametrize("name", ["json", "text"])
def test_the_client_leaves_answers_that_are_not_html_alone(odd_pages, name):
    assert odd_pages.test_client().get(f"/odd/{name}").status_code == 200


def test_every_client_of_the_fixtures_checks_pages(odd_pages, client, anonymous):
    for browser in (client, anonymous):
        with pytest.raises(AssertionError, match="expected one h1"):
            browser.get("/odd/two-headings")
