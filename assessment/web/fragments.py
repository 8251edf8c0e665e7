"""Page fragments rendered once and reused while what they show has not changed.

The answer tiles are most of a pillar page's HTML; rendering them through Jinja macros on
every request cost more than the rest of the page together. Scored fragments (the history's
table and trend charts) are kept under a key made of the read model's cache keys
(assessment id, last change, questionnaire version) and whatever else they print, so a change
to any of those renders them again. A fragment never holds a form token or anything else of
one person's session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from assessment.rules.questionnaire import Question

KEPT_FRAGMENTS = 256  # scored fragments kept per app process, least recently used go first


class FragmentCache:
    """Rendered HTML by key, bounded, shared by one app process's threads."""

    def __init__(self, size: int = KEPT_FRAGMENTS) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        with self._lock:
            if (html := self._items.get(key)) is not None:
                self._items.move_to_end(key)
                return html
        html = Markup(render())  # rendered outside the lock; a race renders twice, harmlessly
        with self._lock:
            self._items[key] = html
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return html


def init_app(app: Flask) -> None:
    app.extensions["fragments"] = {}
    app.extensions["scored_fragments"] = FragmentCache()
    app.add_template_global(rubric_tiles)


def scored_fragment(key: Hashable, render: Callable[[], str]) -> Markup:
    """A fragment from this app's cache, rendered when its key is new (always in debug, where
    templates may change under us)."""
    if current_app.debug:
        return Markup(render())
    cache: FragmentCache = current_app.extensions["scored_fragments"]
    return cache.get_or_render(key, render)


def rubric_tiles(question: Question, field_name: str, checked: str | None) -> Markup:
    """The seven answer tiles of a question with `checked` selected (or none)."""
    cache: dict[tuple[str, str, str | None], Markup] = current_app.extensions["fragments"]
    key = (question.id, field_name, checked)
    html = cache.get(key)
    if html is None or current_app.debug:  # in debug, templates may change under us
        module: Any = current_app.jinja_env.get_template("_macros/tiles.html").module
        macro = module.rubric_tiles
        levels = current_app.extensions["questionnaire"].levels
        html = cache[key] = Markup(macro(question, field_name, checked, levels))
    return html
