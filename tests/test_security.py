"""Response headers: HSTS only over HTTPS, the strict CSP and friends on every page."""

from __future__ import annotations


def test_hsts_is_sent_only_over_https(anonymous):
    assert "Strict-Transport-Security" not in anonymous.get("/").headers
    secure = anonymous.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_account_pages_carry_the_strict_headers(anonymous):
    for path in ("/sign-in", "/sign-up", "/reset-password"):
        headers = anonymous.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_a_signed_out_visit_to_a_private_link_goes_to_sign_in_with_a_safe_next(
        anonymous, make_assessment):
    public_id = make_assessment()
    response = anonymous.get(f"/assessments/{public_id}/results")
    assert response.status_code == 302
    assert response.location == f"/sign-in?next=/assessments/{public_id}/results"


def test_the_sign_in_page_drops_a_next_that_leaves_the_site(anonymous):
    page = anonymous.get("/sign-in?next=https://evil.example/").data.decode()
    # The value is kept in the form, but signing in never follows it (see test_accounts).
    assert 'href="https://evil.example/"' not in page
