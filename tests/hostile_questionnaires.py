"""A corpus of broken questionnaire files, as data: the real questions.yaml with one hostile
edit each. Used by the loader tests and, as a questionnaire carried in an export file, by the
import tests. Each case: (id, text, line the refusal names or None, words the problem holds)."""

from __future__ import annotations

from tests.conftest import QUESTIONS

REAL = QUESTIONS.read_text(encoding="utf-8")
REAL_LINES = REAL.splitlines()


def line_of(text: str) -> int:
    """The line number of the first line of the real file that is exactly this text."""
    return REAL_LINES.index(text) + 1


def edited(old: str, new: str, text: str = REAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def alias_bomb(depth: int, width: int = 9) -> str:
    """A flow list whose last item names the one before it `width` times, and so on: `depth`
    levels make width ** depth items when anything expands it ("billion laughs")."""
    parts = [f"&a0 [{', '.join(['lol'] * width)}]"]
    parts += [f"&a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, depth)]
    return f"[{', '.join(parts)}]"


def bomb_cases(depth: int) -> list[tuple[str, str, int | None, str]]:
    """An alias bomb in each value a message prints: date, a11_function, weight, level."""
    practice = "      - id: strategy.big-picture"
    bomb = alias_bomb(depth)
    return [
        ("alias bomb in date", edited("date: 2026-12-01\n", f"date: {bomb}\n"),
         line_of("date: 2026-12-01"), "anchors"),
        ("alias bomb in a11_function",
         edited("    a11_function: governance-strategy\n", f"    a11_function: {bomb}\n"),
         line_of("    a11_function: governance-strategy"), "anchors"),
        ("alias bomb in weight", edited(practice + "\n", f"{practice}\n        weight: {bomb}\n"),
         line_of(practice) + 1, "anchors"),
        ("alias bomb in level", edited("  - level: 1\n", f"  - level: {bomb}\n"),
         line_of("  - level: 1"), "anchors"),
    ]


TITLE = line_of("title: CX maturity self-assessment")
DATE = line_of("date: 2026-12-01")
REWARD = "        name: Reward success"
WEIGHTED = "      - id: strategy.big-picture"
MAX_BYTES = 1_000_000  # assessment.rules.questionnaire_file.MAX_BYTES, repeated so a change is seen

# Small enough (9 ** 5 items) that the code before the fix answers quickly, and wrongly.
CASES: list[tuple[str, str, int | None, str]] = [
    *bomb_cases(depth=5),
    ("one harmless anchor and alias",
     edited("title: CX maturity self-assessment\n",
            "title: &title CX maturity self-assessment\n") + "\n# again\nx: *title\n",
     TITLE, "anchors"),
    ("a list as a key", edited("title: CX maturity self-assessment\n",
                               "title: CX maturity self-assessment\n? [a, b]\n: c\n"),
     TITLE + 1, "a key must be"),
    ("a mapping as a key", edited("title: CX maturity self-assessment\n",
                                  "title: CX maturity self-assessment\n? {a: 1}\n: c\n"),
     TITLE + 1, "a key must be"),
    ("a list as a next step key",
     edited("          1:\n", "          ? [1, 2]\n          : x\n          1:\n"),
     next(n for n, line in enumerate(REAL_LINES, 1) if line == "          1:"),
     "a key must be"),
    ("5,000 nested lists", edited("date: 2026-12-01\n",
                                  "date: " + "[" * 5000 + "]" * 5000 + "\n"),
     DATE, "nested more than"),
    ("5,000 nested mappings", edited("date: 2026-12-01\n",
                                     "date: " + "{a: " * 5000 + "}" * 5000 + "\n"),
     DATE, "nested more than"),
    ("a NUL byte", edited("title: CX maturity", "title: CX\x00 maturity"), TITLE,
     "a character that YAML does not allow (U+0000)"),
    ("a bell character far down", edited(REWARD, REWARD.replace("success", "success\x07")),
     line_of(REWARD), "(U+0007)"),
    ("a number of 5,000 digits as a weight",
     edited(WEIGHTED + "\n", f"{WEIGHTED}\n        weight: {'9' * 5000}\n"),
     line_of(WEIGHTED) + 1, "too many digits"),
    ("a number of 5,000 digits as the version",
     edited('version: "2027.1"', f"version: {'1' * 5000}"), line_of('version: "2027.1"'),
     "too many digits"),
    ("an impossible date with an explicit tag",
     edited("date: 2026-12-01\n", "date: !!timestamp 2026-13-45\n"), DATE,
     "cannot read this value"),
    ("a field name of 100,000 characters",
     edited("title: CX maturity self-assessment\n",
            "title: CX maturity self-assessment\n? " + "x" * 100_000 + "\n: 1\n"),
     TITLE + 1, "unknown field 'xxxxxxxx"),
    ("a date of 200,000 characters",
     edited("date: 2026-12-01\n", f"date: 2026-12-01{'x' * 200_000}\n"),
     DATE, "expected a real date like 2026-11-22, found '2026-12-01xxx"),
    ("a file over the size limit",
     REAL + "# padding\n" + ("#" + " " * 99 + "\n") * (MAX_BYTES // 100), None,
     "larger than 1 MB"),
]
