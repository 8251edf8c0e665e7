"""The privacy page names exactly the cookies the app sets: real requests through sign-up,
sign-in, sign-out, password reset, pages, errors and tampered posts, with every Set-Cookie
header collected, against the cookie names the page lists."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, check_page, page_text


class CookieCollector:
    """A test client that notes the name of every cookie any reply sets (or deletes)."""

    def __init__(self, client) -> None:
        self.client, self.names = client, set()

    def __call__(self, method: str, url: str, **kwargs):
        response = getattr(self.client, method)(url, **kwargs)
        self.names |= {header.split("=", 1)[0].strip()
                       for header in response.headers.getlist("Set-Cookie")}
        return response

    def token(self, url: str) -> str:
        page = self("get", url).data.decode()
        return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_privacy_page_names_every_cookie_the_app_sets_and_no_other(
        anonymous, caplog, make_assessment, make_user):
    go = CookieCollector(anonymous)
    for url in ("/", "/about", "/how-scoring-works", "/privacy", "/no-such-page"):
        go("get", url)
    with caplog.at_level("INFO"):
        go("post", "/sign-up", data={"csrf_token": go.token("/sign-up"), "email": "new@state.gov",
                                     "password": PASSWORD, "next": ""})
    link = re.findall(r"http://localhost(/sign-up/\S+)", caplog.text)[-1]
    assert go("post", link, data={"csrf_token": go.token(link)}).status_code == 302
    go("get", "/account")
    go("get", "/teams")
    go("post", "/account/sign-out-everywhere", data={"csrf_token": go.token("/account")})
    go("post", "/sign-out", data={"csrf_token": go.token("/")})
    make_user("lead@state.gov")
    for password in ("not the password", PASSWORD):  # a failed sign-in, then a good one
        go("post", "/sign-in", data={"csrf_token": go.token("/sign-in"),
                                     "email": "lead@state.gov", "password": password,
                                     "next": ""})
    go("post", "/sign-in", data={"csrf_token": "tampered", "email": "x"})
    go("get", f"/assessments/{make_assessment()}/results")
    go("post", "/sign-out", data={"csrf_token": go.token("/")})
    with caplog.at_level("INFO"):
        go("post", "/reset-password", data={"csrf_token": go.token("/reset-password"),
                                            "email": "lead@state.gov"})

    page = check_page(go("get", "/privacy").data.decode())
    named = {code.get_text() for code in page.select("code.app-cookie-name")}
    assert go.names  # the journey did set cookies
    assert named == go.names
    text = page_text(page)
    for untrue in ("private link", "do not ask for names", "Anyone who has your"):
        assert untrue not in text


def test_home_and_about_describe_sign_in_and_link_the_privacy_page(anonymous):
    home = page_text(check_page(anonymous.get("/").data.decode()))
    assert "Keep your private link" not in home and "Anyone with it" not in home
    about = check_page(anonymous.get("/about").data.decode())
    assert about.find("a", href="/privacy")
    footer = check_page(anonymous.get("/privacy").data.decode()).find("footer")
    assert footer.find("a", href="/about", string="About this tool")
