"""The content of questions.yaml against its sources and the review rules in docs/content.md:
every toolkit link under its practice, no address from anywhere else, five distinct levels per
question, next steps with done-when, effort and owner for levels 1–4, a status on every resource,
and the questions that replace 2026.1 ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.rules.questionnaire import (
    EFFORTS,
    LEVEL_COUNT,
    RESOURCE_STATUSES,
    Practice,
    Questionnaire,
)
from assessment.rules.questionnaire_file import earlier_questionnaire, load_questionnaire
from tests.conftest import PROJECT_ROOT, QUESTIONS, QUESTIONS_2026
from tests.plain_language import measure

SEEDS = Path("/work/shared/seeds")
if not SEEDS.is_dir():  # a copy of the sources next to the project, where there is one
    SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
TOOLKIT = SEEDS / "cx-toolkit.md"
PROFILES = SEEDS / "pps-cx-profiles.txt"
# The toolkit's one relative link, {{< ref "/communities" >}}, is digital.gov's communities page.
RELATIVE = {'{{< ref "/communities" >}}': "https://digital.gov/communities/"}
LINK = re.compile(r"\]\((\{\{<[^}]*>\}\}|[^)\s]+)")
URL = re.compile(r"(?:https?|mailto):[^\s\"')>\]]+")
needs_sources = pytest.mark.skipif(not TOOLKIT.is_file(), reason="the toolkit source is not here")


def practices(questionnaire: Questionnaire) -> list[Practice]:
    return [practice for pillar in questionnaire.pillars for practice in pillar.practices]


def toolkit_links() -> dict[str | None, list[str]]:
    """Each toolkit heading (### or bold line) and the links under it; None before the first."""
    heading: str | None = None
    links: dict[str | None, list[str]] = {}
    for line in TOOLKIT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = None
        elif line.startswith("### ") or re.fullmatch(r"\*\*[^*]+\*\*", line.strip()):
            heading = line.strip("#* ").replace("’", "'")
        for url in LINK.findall(line):
            if not url.startswith("#"):
                links.setdefault(heading, []).append(RELATIVE.get(url, url))
    return links


@needs_sources
def test_every_toolkit_link_is_a_resource_of_the_practice_it_is_listed_under(
        questionnaire: Questionnaire) -> None:
    by_name = {p.name.replace("’", "'"): p for p in practices(questionnaire)}
    links = toolkit_links()
    assert len(links) == 35  # the introduction and 34 practices ("Reward success" has none)
    missing = [(heading, url) for heading, urls in links.items() if heading is not None
               for url in urls if not url.startswith("mailto:")
               and url not in {r.url for r in by_name[heading].resources}]
    assert missing == []
    everywhere = {r.url for p in practices(questionnaire) for r in p.resources}
    assert set(links[None]) - everywhere == set()


@needs_sources
def test_no_address_in_the_questionnaire_comes_from_outside_the_sources() -> None:
    sources = TOOLKIT.read_text(encoding="utf-8") + PROFILES.read_text(encoding="utf-8")
    known = set(URL.findall(sources)) | set(RELATIVE.values())
    used = set(URL.findall(QUESTIONS.read_text(encoding="utf-8")))
    assert used and used - known == set()


def test_no_resource_is_a_personal_email_address(questionnaire: Questionnaire) -> None:
    assert [r.url for p in practices(questionnaire) for r in p.resources
            if r.url and r.url.startswith("mailto:")] == []
    assert "@" not in QUESTIONS.read_text(encoding="utf-8")


def test_every_question_has_five_distinct_level_statements(questionnaire: Questionnaire) -> None:
    assert [q.id for *_, q in questionnaire.questions()
            if len({level.casefold() for level in q.levels}) != LEVEL_COUNT] == []


def test_no_question_stem_asks_for_yes_or_no(questionnaire: Questionnaire) -> None:
    yes_no = re.compile(r"^(Does|Do|Has|Have|Is|Are|Can|Will)\b")
    assert [q.text for *_, q in questionnaire.questions() if yes_no.match(q.text)] == []


def test_each_level_below_the_top_has_two_or_three_steps_with_effort_owner_and_done_when(
        questionnaire: Questionnaire) -> None:
    problems = []
    for practice in practices(questionnaire):
        for level in range(1, LEVEL_COUNT):
            steps = practice.steps_for(level)
            if not 2 <= len(steps) <= 3:
                problems.append((practice.id, level, f"{len(steps)} steps"))
            problems += [(practice.id, level, step.text) for step in steps
                         if step.effort not in EFFORTS or not step.owner]
            # Done when: the next level's statement of each of the practice's questions.
            if practice.done_when(level) != tuple(q.levels[level] for q in practice.questions):
                problems.append((practice.id, level, "done when"))
        if not practice.steps_for(LEVEL_COUNT) or practice.done_when(LEVEL_COUNT):
            problems.append((practice.id, LEVEL_COUNT, "top level"))
    assert problems == []


def test_every_resource_has_a_status_and_what_its_status_needs(
        questionnaire: Questionnaire) -> None:
    resources = [r for p in practices(questionnaire) for r in p.resources]
    assert [r.title for r in resources if r.status not in RESOURCE_STATUSES] == []
    assert [r.title for r in resources if r.status == "renamed" and not r.new_name] == []
    assert [r.title for r in resources if r.status == "historical" and not r.year] == []
    statuses = {r.status for r in resources}
    assert statuses == set(RESOURCE_STATUSES)


def test_resources_from_beyond_the_toolkit_are_marked_and_carry_no_address(
        questionnaire: Questionnaire) -> None:
    beyond = [r for p in practices(questionnaire) for r in p.resources if r.beyond_toolkit]
    assert beyond, "the Partnership for Public Service reports are listed"
    assert [r.title for r in beyond if r.url is not None or not r.note] == []


@pytest.mark.parametrize(("url", "status", "shown"), [
    ("https://federalist.18f.gov/", "renamed", "Renamed: now cloud.gov Pages"),
    ("https://s3.amazonaws.com/digitalgov/_legacy-img/2014/07/Report-of-the-Citizen-Service-"
     "Levels-Interagency-Committee-CSLIC-2005.doc", "historical", "Historical (2005)"),
    ("https://obamawhitehouse.archives.gov/open/about/working-group", "archived", "Archived"),
    ("https://designsystem.digital.gov/", "current", "Current"),
])
def test_known_resources_have_the_status_the_review_found(questionnaire, url, status, shown):
    found = [r for p in practices(questionnaire) for r in p.resources if r.url == url]
    assert [(r.status, r.status_text) for r in found] == [(status, shown)]


def test_a_question_that_replaces_another_names_a_2026_question_this_version_drops(
        questionnaire: Questionnaire) -> None:
    old = load_questionnaire(QUESTIONS_2026)
    replacing = [q for *_, q in questionnaire.questions() if q.replaces]
    assert len(replacing) == 3
    assert [q.id for q in replacing if not old.has_question(q.replaces or "")
            or questionnaire.has_question(q.replaces or "")] == []


def test_the_2026_questionnaire_still_loads_with_the_same_checks() -> None:
    old = load_questionnaire(QUESTIONS_2026)
    assert (old.version, old.format, old.question_count) == ("2026.1", 1, 45)
    assert old.pillars[0].practices[0].steps_for(1)[0].effort is None


def test_the_ids_other_work_relies_on_are_kept(questionnaire: Questionnaire) -> None:
    for kept in ("strategy.big-picture.q1", "strategy.develop-strategy.q1", "governance.cco.q1",
                 "customer-understanding.personas.q1"):
        assert questionnaire.has_question(kept)


def test_the_measurement_mandate_has_its_own_question(questionnaire: Questionnaire) -> None:
    pillar = questionnaire.pillar("measurement")
    assert any("satisfied" in q.text for q in pillar.questions)


def test_each_pillars_next_steps_read_at_grade_nine_or_lower(
        questionnaire: Questionnaire) -> None:
    grades = {p.name: round(measure([s.text for pr in p.practices for level in pr.steps
                                     for s in level]).grade, 1) for p in questionnaire.pillars}
    assert all(grade <= 9.0 for grade in grades.values()), grades


def test_the_profiled_services_are_examples_on_the_practices_they_illustrate(
        questionnaire: Questionnaire) -> None:
    with_examples = {p.id: p.examples for p in practices(questionnaire) if p.examples}
    assert len(with_examples) >= 5
    assert all("Partnership for Public Service" in " ".join(e) for e in with_examples.values())


@pytest.mark.parametrize(("version", "found"), [
    ("2026.1", True), ("1999.1", False), ("../../questions", False), ("", False),
    ("2026.1/../2026.1", False),
])
def test_an_earlier_version_is_read_only_from_its_own_shipped_file(version, found) -> None:
    assert (earlier_questionnaire(version) is not None) is found
