"""Questionnaire versions are kept, and each assessment is scored on the version it was taken on;
a team's assessments and other teams' latest scores load in a fixed number of queries."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from assessment.extensions import db
from assessment.rules.scoring import score_assessment
from assessment.store import operations, peers, questionnaire_versions, read_model
from assessment.store.models import Assessment, QuestionnaireSnapshot, Team
from assessment.store.queries import scoring_answers, team_answers

OLD = "2025.1"
RENAMED = ("strategy.big-picture.q1", "strategy.big-picture.q0")


def older_version_text(current_text: str) -> str:
    """questions.yaml as it might have been a year ago: another version, one question id."""
    text = current_text.replace('version: "2027.1"', f'version: "{OLD}"', 1)
    return text.replace(f"id: {RENAMED[0]}", f"id: {RENAMED[1]}", 1)


def keep_version(text: str, version: str = OLD) -> None:
    db.session.add(QuestionnaireSnapshot(version=version, source=text,
                                         content_hash=questionnaire_versions.content_hash(text)))
    db.session.commit()


def assessment_by(public_id: str) -> Assessment:
    return db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))


def all_twos(questionnaire) -> dict[str, str]:
    return {q.id: "2" for *_, q in questionnaire.questions()}


def test_starting_assessments_keeps_the_questionnaire_text_once(app, make_assessment,
                                                                questionnaire):
    make_assessment()
    make_assessment(service="Visas")
    with app.app_context():
        kept = db.session.scalars(db.select(QuestionnaireSnapshot)).all()
    assert [(k.version, k.source) for k in kept] == [(questionnaire.version,
                                                       questionnaire.source)]
    assert kept[0].content_hash == questionnaire_versions.content_hash(questionnaire.source)


def test_an_assessment_on_an_older_version_is_scored_on_that_version(app, make_assessment,
                                                                    questionnaire):
    answers = all_twos(questionnaire) | {RENAMED[0]: "5"}
    public_id = make_assessment(answers, finished=True)
    with app.app_context():
        keep_version(older_version_text(questionnaire.source))
        assessment = assessment_by(public_id)
        assessment.questionnaire_version = OLD
        db.session.commit()
        scored = read_model.scored_assessment(assessment)
        assert scored.questionnaire.version == OLD
        assert scored.questionnaire.has_question(RENAMED[1])
        assert not scored.questionnaire.has_question(RENAMED[0])
        # The answer to the question the old version did not ask is not scored there...
        assert scored.pillar("strategy").score == Decimal("2.0")
        # ...while the current version scores it.
        now = score_assessment(questionnaire,
                               scoring_answers(team_answers(assessment).rows.values()))
        assert next(p for p in now.pillars if p.pillar.id == "strategy").score > Decimal("2.0")


def test_a_version_with_no_kept_text_is_scored_on_the_current_questionnaire(
        app, make_assessment, questionnaire):
    public_id = make_assessment(all_twos(questionnaire), finished=True)
    with app.app_context():
        assessment = assessment_by(public_id)
        assessment.questionnaire_version = "2019.1"
        scored = read_model.scored_assessment(assessment)
    assert scored.questionnaire is app.extensions["questionnaire"]
    assert scored.results.score == Decimal("2.0")


def test_changed_text_under_the_same_version_keeps_the_first_and_warns(app, questionnaire,
                                                                       caplog):
    from dataclasses import replace
    with app.app_context():
        questionnaire_versions.record_questionnaire(questionnaire)
        edited = replace(questionnaire, source=questionnaire.source + "\n# edited\n")
        with caplog.at_level(logging.WARNING, logger="assessment.store.questionnaire_versions"):
            questionnaire_versions.record_questionnaire(edited)
        kept = db.session.get(QuestionnaireSnapshot, questionnaire.version)
        assert kept.source == questionnaire.source
    assert "without a new version number" in caplog.text


def test_a_version_kept_by_someone_else_in_the_meantime_is_not_an_error(app, questionnaire,
                                                                        monkeypatch):
    """Two people start at once: both see no kept text, and the second insert must give way
    to the first rather than fail on the version's key (it did on PostgreSQL under load)."""
    with app.app_context():
        keep_version(questionnaire.source, questionnaire.version)  # the other request's row
        real_scalar = db.session.scalar
        monkeypatch.setattr(db.session, "scalar", lambda *a, **k: None)  # read before it landed
        questionnaire_versions.record_questionnaire(questionnaire)
        monkeypatch.setattr(db.session, "scalar", real_scalar)
        db.session.commit()
        kept = db.session.scalars(db.select(QuestionnaireSnapshot)).all()
    assert [k.version for k in kept] == [questionnaire.version]


def test_kept_text_that_no_longer_loads_falls_back_to_the_current_questionnaire(
        app, questionnaire, caplog):
    with app.app_context():
        keep_version("version: [broken")
        with caplog.at_level(logging.ERROR, logger="assessment.store.questionnaire_versions"):
            found = questionnaire_versions.questionnaire_for(OLD)
    assert found is app.extensions["questionnaire"]
    assert f"version {OLD} does not load" in caplog.text


def test_history_scores_match_each_assessments_own_results(app, make_assessment, questionnaire):
    first = make_assessment(all_twos(questionnaire), finished=True)
    second = make_assessment({q.id: "4" for *_, q in questionnaire.questions()}, finished=True)
    with app.app_context():
        team = assessment_by(first).team
        assessment_by(second).team_id = team.id
        operations.set_targets(assessment_by(second), {"strategy": Decimal("4.5")})
        db.session.commit()
        scored = read_model.scored_team(db.session.get(Team, team.id))
        assert [s.public_id for s in scored] == [first, second]
        for item in scored:
            assert item.results == read_model.scored_assessment(assessment_by(item.public_id)
                                                                ).results
        assert scored[1].targets["strategy"].target == Decimal("4.5")
        assert scored[1].pillar("strategy").target == Decimal("4.5")


def make_team_with(make_assessment, questionnaire, level: str, finished: bool = True,
                   service: str = "Service") -> str:
    return make_assessment({q.id: level for *_, q in questionnaire.questions()},
                           finished=finished, service=service)


@pytest.mark.parametrize("other_teams, expected", [
    (4, None),
    (5, ("1.0", "2.0", "3.0", "4.0", "5.0")),
])
def test_peer_spread_uses_each_other_teams_latest_finished_assessment(
        app, make_assessment, questionnaire, other_teams, expected):
    ours = make_team_with(make_assessment, questionnaire, "1", service="Ours")
    for n in range(other_teams):
        older = make_team_with(make_assessment, questionnaire, "1", service=f"Team {n}")
        latest = make_team_with(make_assessment, questionnaire, str(n + 1), service=f"T{n}")
        draft = make_team_with(make_assessment, questionnaire, "1", finished=False)
        with app.app_context():  # an older finished one and a later draft in the same team
            team_id = assessment_by(older).team_id
            for public_id in (latest, draft):
                assessment_by(public_id).team_id = team_id
            db.session.commit()
    demo = make_team_with(make_assessment, questionnaire, "5", service="Demo")
    with app.app_context():
        assessment_by(demo).team.is_demo = True
        db.session.commit()
        team = assessment_by(ours).team
        latest = peers.latest_finished_assessments(exclude_team_id=team.id)
        assert len(latest) == other_teams
        assert all(a.team_id != team.id and a.is_finished for a in latest)
        spreads = peers.peer_spreads(team, questionnaire)
    assert set(spreads) == {p.id for p in questionnaire.pillars}
    for spread in spreads.values():
        if expected is None:
            assert spread is None
        else:
            assert (spread.minimum, spread.lower_quartile, spread.median,
                    spread.upper_quartile, spread.maximum) == tuple(map(Decimal, expected))
            assert spread.teams == 5


def test_saving_or_finishing_moves_an_older_draft_to_the_current_questionnaire(
        app, client, csrf_token, make_assessment, questionnaire):
    drafts = [make_assessment(), make_assessment(service="Visas")]
    with app.app_context():
        keep_version(older_version_text(questionnaire.source))
        for public_id in drafts:
            assessment_by(public_id).questionnaire_version = OLD
        db.session.commit()
    pillar = questionnaire.pillars[0]
    url = f"/assessments/{drafts[0]}/pillars/{pillar.id}"
    data = {"csrf_token": csrf_token(url), "action": "continue"}
    data |= {f"answer-{q.id}": "3" for q in pillar.questions}
    assert client.post(url, data=data).status_code == 302
    token = csrf_token(f"/assessments/{drafts[1]}/review")
    assert client.post(f"/assessments/{drafts[1]}/finish",
                       data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert [assessment_by(p).questionnaire_version for p in drafts] == \
            [questionnaire.version] * 2


def test_other_teams_scores_are_kept_until_an_assessment_is_finished(
        app, make_assessment, questionnaire, monkeypatch):
    ours = make_team_with(make_assessment, questionnaire, "1", service="Ours")
    for n in range(4):
        make_team_with(make_assessment, questionnaire, str(n + 1), service=f"Team {n}")
    fifth = make_team_with(make_assessment, questionnaire, "5", finished=False)
    scorings = []
    real = peers.score_assessments
    monkeypatch.setattr(peers, "score_assessments",
                        lambda assessments: scorings.append(len(assessments)) or real(assessments))
    with app.app_context():
        team = assessment_by(ours).team
        assert peers.peer_spreads(team, questionnaire)["strategy"] is None
        assert peers.peer_spreads(team, questionnaire)["strategy"] is None
        assert scorings == [5]  # the second page view scored nothing
        operations.finish_assessment(assessment_by(fifth))
        db.session.commit()
        spread = peers.peer_spreads(team, questionnaire)["strategy"]
        assert spread is not None and spread.maximum == Decimal("5.0")
        assert scorings == [5, 1]  # only the team that finished is scored again
        operations.reopen_assessment(assessment_by(fifth))
        db.session.commit()
        assert peers.peer_spreads(team, questionnaire)["strategy"] is None
