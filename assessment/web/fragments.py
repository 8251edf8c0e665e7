"""Page fragments that depend only on the questionnaire, rendered once and reused.

The answer tiles are most of a pillar page's HTML; rendering them through Jinja macros on
every request cost more than the rest of the page together.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from assessment.rules.questionnaire import Question


def init_app(app: Flask) -> None:
    app.extensions["fragments"] = {}
    app.add_template_global(rubric_tiles)


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
