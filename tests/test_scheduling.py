"""The xdist scheduler puts every browser test on one worker and spreads the rest."""

from __future__ import annotations

import pytest

from tests.scheduling import BROWSER_GROUP, BrowserGroupScheduling


@pytest.mark.parametrize(("nodeid", "scope"), [
    ("tests/browser/test_axe.py::test_every_page_passes_axe", BROWSER_GROUP),
    ("tests/browser/test_keyboard.py::test_arrow_keys_move_between_the_answers_of_a_question",
     BROWSER_GROUP),
    ("tests/test_api.py::test_teams[owner]", "tests/test_api.py::test_teams[owner]"),
    ("tests/test_api.py::test_teams@slow", "slow"),  # a group named in the node id is kept
])
def test_browser_tests_share_one_scope_and_every_other_test_has_its_own(nodeid, scope):
    # _split_scope reads only the node id; the scheduler needs no running session for it.
    scheduler = BrowserGroupScheduling.__new__(BrowserGroupScheduling)
    assert scheduler._split_scope(nodeid) == scope
