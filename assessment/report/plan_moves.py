"""What moved since the team's last finished assessment, and why: each practice whose score
changed, with the evidence notes the team wrote on its questions this time.

Pure: no Flask, no database. Practices are matched by id, so a practice a newer questionnaire
version dropped or added has nothing to compare and is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from assessment.rules.comparison import ScoreChange
from assessment.rules.scoring import Results


class Noted(Protocol):
    @property
    def note(self) -> str: ...


@dataclass(frozen=True)
class Move:
    pillar: str
    practice: str
    change: ScoreChange
    notes: tuple[str, ...]  # this time's notes on the practice's questions; () when none


def practice_moves(results: Results, earlier: Results,
                   answers: Mapping[str, Noted]) -> tuple[Move, ...]:
    """Every practice scored both times whose shown score changed, the largest change first
    (equal changes keep the questionnaire's order)."""
    before = {p.practice.id: p.score for pillar in earlier.pillars for p in pillar.practices}
    moves = []
    for pillar in results.pillars:
        for p in pillar.practices:
            then = before.get(p.practice.id)
            if then is None or p.score is None or then == p.score:
                continue
            notes = tuple(answers[q.id].note.strip() for q in p.practice.questions
                          if q.id in answers and answers[q.id].note.strip())
            moves.append(Move(pillar.pillar.name, p.practice.name,
                              ScoreChange(p.practice.id, p.practice.name, then, p.score), notes))
    return tuple(sorted(moves, key=_size, reverse=True))  # stable: ties keep their order


def _size(move: Move) -> Decimal:
    return abs(move.change.change or Decimal(0))
