"""An organization's portfolio: its services side by side, the median per pillar over time,
who is overdue for reassessment, overdue actions, and the practices weak in the most services.

Pure: no Flask, no database. store/portfolio.py reads the data in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scoring import Results, round_score
from assessment.rules.trend_chart import TrendChart, trend_chart
from assessment.rules.validation import SELF_REPORTED, ScoreStates
from assessment.rules.yearly_cycle import DONE, next_assessment_due

SORT_KEYS = ("service", "overall")  # and any pillar id
DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class FinishedScores:
    """One finished assessment of a service, as the organization sees it."""

    public_id: str
    finished_on: dt.date
    results: Results
    states: ScoreStates | None = None  # None: no reviewer has reviewed it (self-reported)


@dataclass(frozen=True)
class Service:
    """A team in the organization and its finished assessments, oldest first."""

    team_id: int
    service: str
    office: str
    agency: str
    hisp_service: str | None  # None: not a designated High Impact Service Provider
    finished: tuple[FinishedScores, ...]

    @property
    def latest(self) -> FinishedScores | None:
        return self.finished[-1] if self.finished else None


@dataclass(frozen=True)
class OpenAction:
    team_id: int
    title: str
    practice_id: str
    owner: str
    due_date: dt.date | None
    status: str


@dataclass(frozen=True)
class Cell:
    """A service's score in one pillar: a number and its level, or "not enough answers"."""

    score: Decimal | None
    level: int | None
    level_name: str
    below_target: bool
    state: str = SELF_REPORTED  # validated, challenged or self-reported (rules/validation.py)


@dataclass(frozen=True)
class Row:
    team_id: int
    service: str
    office: str
    hisp_service: str | None
    finished_on: dt.date | None
    public_id: str | None
    cells: Mapping[str, Cell]  # by pillar id; empty before a first finish
    overall: Cell | None
    next_due: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class MedianPoint:
    year: int
    services: int  # services with a finished assessment that year
    medians: Mapping[str, Decimal | None]  # by pillar id


@dataclass(frozen=True)
class SharedWeakness:
    pillar_id: str
    pillar: str
    practice_id: str
    practice: str
    services: tuple[str, ...]  # below target there, by name

    @property
    def count(self) -> int:
        return len(self.services)


@dataclass(frozen=True)
class LateAction:
    service: str
    title: str
    practice: str
    owner: str
    due_date: dt.date
    days_late: int


@dataclass(frozen=True)
class Portfolio:
    rows: tuple[Row, ...]
    pillars: tuple[tuple[str, str], ...]  # (id, name), questionnaire order
    medians: tuple[MedianPoint, ...]
    overdue: tuple[Row, ...]
    late_actions: tuple[LateAction, ...]
    weaknesses: tuple[SharedWeakness, ...]
    sort: str
    direction: str


def cell(score: Decimal | None, level: int | None, names: Mapping[int, str],
         below_target: bool = False, state: str = SELF_REPORTED) -> Cell:
    return Cell(score, level, names.get(level, "") if level else "Not enough answers",
                below_target, state)


def service_row(service: Service, names: Mapping[int, str], today: dt.date) -> Row:
    """One line of the table: the latest finished scores, and when the next is due."""
    latest = service.latest
    if latest is None:
        return Row(service.team_id, service.service, service.office, service.hisp_service,
                   None, None, {}, None, None, True)
    results = latest.results
    due = next_assessment_due(latest.finished_on)
    states = latest.states
    return Row(service.team_id, service.service, service.office, service.hisp_service,
               latest.finished_on, latest.public_id,
               {p.pillar.id: cell(p.score, p.level, names, p.meets_target is False,
                                  states.pillars.get(p.pillar.id, SELF_REPORTED)
                                  if states else SELF_REPORTED)
                for p in results.pillars},
               cell(results.score, results.level, names,
                    state=states.overall if states else SELF_REPORTED), due, due < today)


def sort_rows(rows: Sequence[Row], sort: str, direction: str) -> tuple[Row, ...]:
    """By service name, overall score or one pillar's score; rows without a score go last
    whichever the direction, and ties read by service name."""
    def score_of(row: Row) -> Decimal | None:
        found = row.overall if sort == "overall" else row.cells.get(sort)
        return found.score if found is not None else None

    by_name = sorted(rows, key=lambda r: (r.service.casefold(), r.office.casefold(), r.team_id))
    if sort == "service":
        return tuple(reversed(by_name) if direction == "desc" else by_name)
    scored = [r for r in by_name if score_of(r) is not None]
    scored.sort(key=lambda r: score_of(r), reverse=direction == "desc")  # type: ignore[arg-type,return-value]
    return tuple(scored + [r for r in by_name if score_of(r) is None])


def median(values: Sequence[Decimal]) -> Decimal | None:
    """The median of displayed scores, shown to one decimal (half up); None for none."""
    if not values:
        return None
    ordered = sorted(Fraction(v) for v in values)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return round_score(value)


def medians_by_year(services: Sequence[Service], pillar_ids: Sequence[str]
                    ) -> tuple[MedianPoint, ...]:
    """Per calendar year, the median of each pillar over the services' latest finished
    assessment of that year; a pillar with "not enough answers" counts nowhere."""
    latest_by_year: dict[int, dict[int, Results]] = {}
    for service in services:
        for finished in service.finished:  # oldest first: the last of a year wins
            latest_by_year.setdefault(finished.finished_on.year, {})[service.team_id] = \
                finished.results
    points = []
    for year in sorted(latest_by_year):
        results = latest_by_year[year].values()
        scores = {pid: [p.score for r in results for p in r.pillars
                        if p.pillar.id == pid and p.score is not None] for pid in pillar_ids}
        points.append(MedianPoint(year, len(results),
                                  {pid: median(values) for pid, values in scores.items()}))
    return tuple(points)


def shared_weaknesses(services: Sequence[Service], limit: int = 10
                      ) -> tuple[SharedWeakness, ...]:
    """The practices below target in the latest finished assessment of the most services,
    most services first, then questionnaire order; a practice weak in one service only is
    not shared."""
    found: dict[str, tuple[int, str, str, str, list[str]]] = {}
    for service in services:
        if service.latest is None:
            continue
        for weak in service.latest.results.weak_practices:
            practice = weak.practice.practice
            order = next(i for i, p in enumerate(service.latest.results.pillars)
                         if p.pillar.id == weak.pillar.id) * 1000 + next(
                i for i, p in enumerate(weak.pillar.practices) if p.id == practice.id)
            entry = found.setdefault(practice.id, (order, weak.pillar.id, weak.pillar.name,
                                                   practice.name, []))
            entry[4].append(service.service)
    ranked = sorted(found.items(), key=lambda item: (-len(item[1][4]), item[1][0]))
    return tuple(SharedWeakness(pillar_id, pillar, practice_id, name, tuple(sorted(names)))
                 for practice_id, (_, pillar_id, pillar, name, names) in ranked
                 if len(names) > 1)[:limit]


def late_actions(actions: Sequence[OpenAction], services: Sequence[Service],
                 practice_names: Mapping[str, str], today: dt.date) -> tuple[LateAction, ...]:
    """Actions not done whose due date has passed, latest first (most days late)."""
    names = {s.team_id: s.service for s in services}
    late = [LateAction(names[a.team_id], a.title, practice_names.get(a.practice_id,
                                                                      a.practice_id),
                       a.owner, a.due_date, (today - a.due_date).days)
            for a in actions if a.due_date is not None and a.due_date < today
            and a.status != DONE and a.team_id in names]
    return tuple(sorted(late, key=lambda a: (-a.days_late, a.service, a.title)))


def build_portfolio(questionnaire: Questionnaire, services: Sequence[Service],
                    actions: Sequence[OpenAction], today: dt.date, sort: str = "service",
                    direction: str = "asc") -> Portfolio:
    """Everything the portfolio page, its PDF, its CSV and the API show, as plain values.
    An unknown sort or direction falls back to by service, A to Z."""
    pillars = tuple((p.id, p.name) for p in questionnaire.pillars)
    if sort not in SORT_KEYS and sort not in dict(pillars):
        sort = "service"
    if direction not in DIRECTIONS:
        direction = "asc"
    names = {level.number: level.name for level in questionnaire.levels}
    rows = [service_row(s, names, today) for s in services]
    practice_names = {practice.id: practice.name
                      for pillar in questionnaire.pillars for practice in pillar.practices}
    return Portfolio(
        rows=sort_rows(rows, sort, direction), pillars=pillars,
        medians=medians_by_year(services, [pid for pid, _ in pillars]),
        overdue=tuple(r for r in sort_rows(rows, "service", "asc") if r.overdue),
        late_actions=late_actions(actions, services, practice_names, today),
        weaknesses=shared_weaknesses(services), sort=sort, direction=direction)


@dataclass(frozen=True)
class MedianChart:
    """One pillar's median over the years, drawn on the server (rules/trend_chart.py)."""

    pillar_id: str
    pillar: str
    chart: TrendChart
    points: tuple[tuple[int, Decimal | None], ...]  # (year, median), for the data table


def median_charts(portfolio: Portfolio) -> tuple[MedianChart, ...]:
    """A line chart per pillar of the organization's median by year, labelled by year."""
    charts = []
    for pillar_id, name in portfolio.pillars:
        series = [(dt.date(p.year, 7, 1), p.medians.get(pillar_id)) for p in portfolio.medians]
        chart = trend_chart(series)
        chart = replace(chart, points=tuple(replace(point, label=point.label[-4:])
                                            for point in chart.points))
        charts.append(MedianChart(pillar_id, name, chart, tuple(
            (p.year, p.medians.get(pillar_id)) for p in portfolio.medians)))
    return tuple(charts)
