"""Other teams' scores, kept between requests (store/peers.py, store/stamps.py): after a
change only the teams whose latest finished assessment changed are scored again, and a change
that commits after a later one (its time below the latest) is still seen (issue 18, item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from assessment.extensions import db
from assessment.store import peers
from assessment.store.models import DRAFT, Assessment
from assessment.store.stamps import peer_stamp
from tests.test_bounded_queries import build_team


@pytest.fixture
def six_teams(app, questionnaire, owner_id) -> list:
    """Six teams of two finished assessments each, last changed long ago but for one."""
    with app.app_context():
        built = [build_team(questionnaire, owner_id, 2, 1, f"Service {n}") for n in range(6)]
        db.session.execute(update(Assessment).values(updated_at=dt.datetime(2024, 1, 1)))
        db.session.execute(update(Assessment).where(Assessment.public_id == built[0].public_ids[-1])
                           .values(updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
        db.session.commit()
    return built


def reopen(public_id: str, at: dt.datetime) -> None:
    db.session.execute(update(Assessment).where(Assessment.public_id == public_id)
                       .values(status=DRAFT, updated_at=at))
    db.session.commit()


def test_a_change_rescores_only_the_team_it_changed(app, six_teams, monkeypatch):
    scored: list[int] = []

    def counting(assessments):
        scored.append(len(assessments))
        return score(assessments)

    score = peers.score_assessments
    monkeypatch.setattr(peers, "score_assessments", counting)
    with app.app_context():
        before = peers.latest_scores_of_every_team()
        reopen(six_teams[3].public_ids[-1], dt.datetime.now(dt.UTC).replace(tzinfo=None))
        after = peers.latest_scores_of_every_team()
    assert scored == [6, 1]
    assert before.keys() == after.keys()  # the team's earlier finished assessment counts now


def test_a_change_committed_after_a_later_one_is_still_seen(app, six_teams):
    with app.app_context():
        latest = db.session.scalar(db.select(db.func.max(Assessment.updated_at)))
        stamp = peer_stamp()
        # Stamped a minute before the latest change, committed after it was read.
        reopen(six_teams[4].public_ids[-1], latest - dt.timedelta(minutes=1))
        assert peer_stamp() != stamp


def test_scores_kept_before_workers_start_are_used_by_the_first_page(app, six_teams,
                                                                      monkeypatch):
    peers.keep_before_fork(app)  # gunicorn's master, before it forks (gunicorn.conf.py)
    scored: list[int] = []
    monkeypatch.setattr(peers, "score_assessments",
                        lambda assessments: scored.append(len(assessments)) or [])
    with app.app_context():
        assert len(peers.latest_scores_of_every_team()) == 6
    assert scored == []


def test_keeping_scores_before_start_up_skips_other_apps_and_a_database_that_fails(
        app, monkeypatch, caplog):
    from flask import Flask

    peers.keep_before_fork(Flask("floor"))  # the benchmarks' floors run under our settings

    def down():
        raise OperationalError("SELECT 1", {}, Exception("no database"))

    monkeypatch.setattr(peers, "_kept_scores", down)
    peers.keep_before_fork(app)
    assert "not kept before start-up" in caplog.text
