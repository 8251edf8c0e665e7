"""How pytest-xdist shares the tests between workers (`make test` runs `--dist loadgroup`).

pytest-xdist 3.8 marks a test's group by adding "@group" to its node id, which pytest 9.2 no
longer lets a plugin change: every xdist_group mark was ignored, and each worker started its own
served app, Chromium and page visits. This scheduler gives the groups from the node ids instead.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling

BROWSER_TESTS = "tests/browser/"
BROWSER_GROUP = "browser"
# The single sign-on tests share one OpenID provider process per worker: keep them on one.
SSO_TESTS, SSO_GROUP = "tests/test_sso.py", "sso"


class BrowserGroupScheduling(LoadGroupScheduling):
    """Every browser test (tests/browser) on one worker, which serves the app, drives one
    Chromium and visits each page once; the single sign-on tests on one worker; every other
    test goes to whichever worker is free."""

    def _split_scope(self, nodeid: str) -> str:
        if "@" in nodeid:  # a pytest-xdist that names groups in node ids again
            return super()._split_scope(nodeid)
        if nodeid.startswith(SSO_TESTS):
            return SSO_GROUP
        return BROWSER_GROUP if nodeid.startswith(BROWSER_TESTS) else nodeid
