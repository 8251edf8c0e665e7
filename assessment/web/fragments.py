"""Page fragments rendered once and reused while what they show has not changed.

The answer tiles are most of a pillar page's HTML; rendering them through Jinja macros on
every request cost more than the rest of the page together. Scored fragments (the history's
table and trend charts) are kept under a key made of the read model's cache keys
(assessment id, last change, questionnaire version) and whatever else they print, so a change
to any of those renders them again. A fragment never holds a form token or anything else of
one person's session.

Whole pages (cached_page) are kept the same way, under a key that names everything they show,
including who reads them. What belongs to one request is punched out: the page is rendered with a
placeholder for the form token, which is replaced by this session's own token each time the page
is served; a page with messages waiting to be shown is never cached or served from the cache.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from assessment.rules.questionnaire import Question
from assessment.web import once

T = TypeVar("T")
KEPT_FRAGMENTS = 256  # scored fragments kept per app process, least recently used go first
KEPT_PAGES = 256  # whole pages kept per app process (about 50 KB each: some 13 MB at most)


class Kept(Generic[T]):
    """Values by key, bounded (the least recently used go first), shared by one app process's
    threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if (value := self._items.get(key)) is not None:
                self._items.move_to_end(key)
                return value
        value = make()  # made outside the lock; a race makes it twice, harmlessly
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class FragmentCache(Kept[Markup]):
    """Rendered HTML by key."""

    def __init__(self, size: int = KEPT_FRAGMENTS) -> None:
        super().__init__(size)

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        return self.get_or_make(key, lambda: Markup(render()))


def init_app(app: Flask) -> None:
    app.extensions["fragments"] = {}
    app.extensions["scored_fragments"] = FragmentCache()
    app.extensions["pages"] = FragmentCache(KEPT_PAGES)
    # Stands in for the form token in a kept page; random per process, so no text typed into
    # the site can match it.
    app.extensions["token_hole"] = f"token-hole-{secrets.token_hex(16)}"
    app.extensions["form_key_hole"] = f"form-key-hole-{secrets.token_hex(16)}"
    app.add_template_global(rubric_tiles)


def scored_fragment(key: Hashable, render: Callable[[], str]) -> Markup:
    """A fragment from this app's cache, rendered when its key is new (always in debug, where
    templates may change under us)."""
    if current_app.debug:
        return Markup(render())
    cache: FragmentCache = current_app.extensions["scored_fragments"]
    return cache.get_or_render(key, render)


def cached_page(key: Hashable, render: Callable[[], str]) -> str:
    """A whole page from this app's cache, rendered when its key is new, with this session's
    form token put in. The key must name everything the page shows; the address asked for (with
    its host: a page may print its own full link) and who is reading are added to it here.
    Pages with flashed messages waiting skip the cache, since those show once."""
    if current_app.debug or "_flashes" in session:
        return render()
    cache: FragmentCache = current_app.extensions["pages"]
    hole: str = current_app.extensions["token_hole"]
    reader = current_user.get_id() if current_user.is_authenticated else None
    key_hole: str = current_app.extensions["form_key_hole"]
    html = str(cache.get_or_render((request.url_root, request.full_path, reader, key),
                                   lambda: _with_holes(render, hole, key_hole)))
    if hole in html:
        html = html.replace(hole, generate_csrf())
    return once.fill_key_holes(html, key_hole) if key_hole in html else html


def _with_holes(render: Callable[[], str], hole: str, key_hole: str) -> str:
    """Render with placeholders as this request's form token and as each form's one-time key,
    then put the real token back."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    had_token, token = field in g, g.get(field)
    setattr(g, field, hole)
    setattr(g, once.KEY_HOLE, key_hole)
    try:
        return render()
    finally:
        g.pop(once.KEY_HOLE, None)
        if had_token:
            setattr(g, field, token)
        else:
            g.pop(field, None)


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
