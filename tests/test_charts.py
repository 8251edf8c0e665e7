"""Chart geometry (rules/charts.py): the score written after a bar never sits on the target
marker, on screen or in the printed plan, which draw from the same geometry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string

from assessment.rules.charts import (
    CHAR_WIDTH,
    MARKER_CLEARANCE,
    NOT_ENOUGH_ANSWERS,
    PRINT,
    SCREEN,
    pillar_bar_chart,
    value_x,
)
from assessment.rules.scoring import PillarScore


def _pillar(questionnaire, score: str | None, target: str) -> PillarScore:
    return PillarScore(questionnaire.pillars[1], (), None, None if score is None
                       else Decimal(score), None, Decimal(target), 0, 0)


def _clear_of_marker(bar, size: int) -> bool:
    text = NOT_ENOUGH_ANSWERS if bar.score is None else str(bar.score)
    end = bar.value_x + len(text) * size * CHAR_WIDTH
    return end < bar.target_x - MARKER_CLEARANCE or bar.value_x > bar.target_x + MARKER_CLEARANCE


@pytest.mark.parametrize("layout", [SCREEN, PRINT], ids=["screen", "printed plan"])
@pytest.mark.parametrize(("score", "target"), [
    ("2.8", "3.0"), ("2.9", "3.0"), ("3.0", "3.0"), ("3.1", "3.0"), ("1.0", "5.0"),
    ("4.9", "5.0"), ("5.0", "5.0"), ("0.0", "1.0"), (None, "1.0"), (None, "3.0"),
])
def test_the_words_after_a_bar_never_touch_its_target_marker(questionnaire, layout, score,
                                                             target):
    chart = pillar_bar_chart([_pillar(questionnaire, score, target)], layout)
    bar = chart.bars[0]
    size = layout.note_size if score is None else layout.value_size
    assert _clear_of_marker(bar, size)
    assert bar.value_x >= chart.left + bar.width  # never back over the bar
    text = NOT_ENOUGH_ANSWERS if score is None else score
    assert bar.value_x + len(text) * size * CHAR_WIDTH <= chart.width  # and inside the chart


@pytest.mark.parametrize(("bar_end", "target_x", "text", "expected"), [
    (100, 300, "2.8", 106), (100, 112, "2.8", 118), (100, 100, "3.0", 106),
    (120, 100, "3.5", 126), (16, 40, NOT_ENOUGH_ANSWERS, 46),
], ids=["far from the target: just after the bar", "target just after the bar: after it",
        "at the target: after the marker", "past the target: just after the bar",
        "a note over the target: after it"])
def test_value_x_moves_the_words_past_the_marker_only_when_they_would_touch_it(
        bar_end, target_x, text, expected):
    assert value_x(bar_end, target_x, text, 14) == expected


def test_the_chart_draws_each_score_where_the_geometry_puts_it(client, questionnaire):
    chart = pillar_bar_chart([_pillar(questionnaire, "2.8", "3.0")], SCREEN)
    with client.application.test_request_context():
        svg = render_template_string('{% from "_macros/chart.html" import pillar_chart %}'
                                     "{{ pillar_chart(chart) }}", chart=chart)
    assert f'<text x="{chart.bars[0].value_x}" y="{chart.bars[0].value_y}"' in svg


def test_the_target_is_a_dark_mark_with_a_light_edge_and_last_time_is_a_thin_bar(
        client, questionnaire):
    pillar = _pillar(questionnaire, "2.8", "3.0")
    chart = pillar_bar_chart([pillar], PRINT, {pillar.pillar.id: Decimal("2.1")})
    bar = chart.bars[0]
    assert bar.before == Decimal("2.1") and bar.before_width == round(2.1 / 5 * chart.plot_width, 1)
    assert "target 3.0, last time 2.1." in chart.alt
    with client.application.test_request_context():
        svg = render_template_string('{% from "_macros/chart.html" import pillar_chart %}'
                                     "{{ pillar_chart(chart) }}", chart=chart)
    assert 'stroke="#ffffff" stroke-width="7"' in svg and 'stroke="#1b1b1b" stroke-width="3"' in svg
    assert "#d83933" not in svg and "dasharray" not in svg  # no thin red dashes over blue
    assert f'width="{bar.before_width}" height="5" fill="#71767a"' in svg
    assert "last time" not in pillar_bar_chart([pillar], PRINT).alt
