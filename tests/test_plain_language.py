"""Plain language: the questions and level statements read at grade 9 or lower, per pillar."""

from __future__ import annotations

import pytest

from tests.plain_language import measure, pillar_texts, syllables

PILLAR_GRADE_LIMIT = 9.0
# One short sentence with one long word scores high on its own, so single texts get more room;
# this still stops a sentence that is hard for any reader.
TEXT_GRADE_LIMIT = 11.0


@pytest.mark.parametrize(("word", "count"), [
    ("team", 1), ("customer", 3), ("experience", 4), ("accessibility", 6), ("leaders'", 2),
    ("customer-centric", 5), ("CX", 2), ("OMB", 3), ("280", 2), ("zorblatic", 3),
])
def test_syllables_are_counted_from_the_cmu_dictionary_or_guessed(word, count):
    assert syllables(word) == count


def test_a_known_sentence_gets_its_flesch_kincaid_grade():
    # 0.39 × 6 words / 1 sentence + 11.8 × 11 syllables / 6 words − 15.59 = 8.38
    assert round(measure(["Customers finish their tasks quickly online."]).grade, 2) == 8.38


def test_each_pillar_reads_at_grade_nine_or_lower(questionnaire):
    grades = {p.name: round(measure(pillar_texts(p)).grade, 1) for p in questionnaire.pillars}
    assert all(grade <= PILLAR_GRADE_LIMIT for grade in grades.values()), grades


def test_no_question_or_level_statement_is_very_hard_to_read(questionnaire):
    hard = [(round(measure([text]).grade, 1), text)
            for pillar in questionnaire.pillars for text in pillar_texts(pillar)
            if measure([text]).grade > TEXT_GRADE_LIMIT]
    assert not hard, hard
