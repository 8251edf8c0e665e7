"""The vocabulary of rules/wording.py, given to every template once: the `date` filter
(`{{ day|date }}` "March 3, 2026", `|date('short')`, `|date('month')`, `|date('time')`) and
the `answer_words` global (the words for "na" and "unknown")."""

from __future__ import annotations

from flask import Flask

from assessment.rules.wording import ANSWER_WORDS, date_text


def init_app(app: Flask) -> None:
    app.add_template_filter(date_text, "date")
    app.jinja_env.globals["answer_words"] = ANSWER_WORDS
