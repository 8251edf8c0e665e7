"""The vocabulary of rules/wording.py and rules/team_words.py, given to every template once:
the `date` filter (`{{ day|date }}` "March 3, 2026", `|date('short')`, `|date('month')`,
`|date('time')`), the `answer_words` global (the words for "na" and "unknown") and the words
for several respondents (`respondents_words`, `progress_words`, `team_answer_basis`,
`team_answer_rule`)."""

from __future__ import annotations

from flask import Flask

from assessment.rules import team_words
from assessment.rules.wording import ANSWER_WORDS, NO_RESOURCE, date_text


def init_app(app: Flask) -> None:
    app.add_template_filter(date_text, "date")
    app.jinja_env.globals.update(
        answer_words=ANSWER_WORDS,
        no_resource=NO_RESOURCE,
        respondents_words=team_words.respondents_words,
        progress_words=team_words.progress_words,
        team_answer_basis=team_words.team_answer_basis,
        team_answer_rule=team_words.TEAM_ANSWER_RULE,
    )
