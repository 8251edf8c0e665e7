"""Load without loss: 50 simulated respondents complete assessments at the same time against
gunicorn, on SQLite and on PostgreSQL (when a server answers). Passes when no request got a
5xx and every answer sent is in the database afterwards.

Run: `make load` (or .venv/bin/python benchmarks/load_test.py [--respondents N]);
`make load-two-servers` runs it on two app servers behind one PostgreSQL and one Redis.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from assessment.rules.questionnaire_file import load_questionnaire  # noqa: E402
from benchmarks.serving import (  # noqa: E402
    ROOT,
    Browser,
    create_accounts,
    fresh_database,
    gunicorn,
    postgres_available,
)

QUESTIONNAIRE = load_questionnaire(ROOT / "questions.yaml")
CHOICES = ["1", "2", "3", "4", "5", "na", "unknown"]


def start_assessment(browser: Browser, label: str) -> str:
    """Start an assessment as the signed-in user; return its public id."""
    status, _, location = browser.request("/start", {
        "csrf_token": browser.token("/start"), "agency": "Load Test Agency",
        "office": f"Office {label}", "service": f"Service {label}",
    })
    if status != 302:
        raise RuntimeError(f"{label}: start gave {status}")
    return location.split("/")[2]


def answer_and_finish(browser: Browser, public_id: str,
                      rng: random.Random) -> dict[str, tuple[str, str]]:
    """Answer every pillar page with random choices and notes, then finish; return what was
    sent, by question id."""
    sent: dict[str, tuple[str, str]] = {}
    for pillar in QUESTIONNAIRE.pillars:
        path = f"/assessments/{public_id}/pillars/{pillar.id}"
        form = {"csrf_token": browser.token(path), "action": "continue"}
        for question in pillar.questions:
            choice, note = rng.choice(CHOICES), f"{public_id} on {question.id}"
            form[f"answer-{question.id}"], form[f"note-{question.id}"] = choice, note
            sent[question.id] = (choice, note)
        browser.request(path, form)
    review = f"/assessments/{public_id}/review"
    browser.request(f"/assessments/{public_id}/finish", {"csrf_token": browser.token(review)})
    return sent


def respond(base: str, number: int) -> tuple[str, dict[str, tuple[str, str]], list[int]]:
    """One respondent: sign in, start, answer every pillar, finish. Returns what was sent."""
    browser = Browser(base)
    browser.sign_in(respondent_email(number))
    public_id = start_assessment(browser, str(number))
    sent = answer_and_finish(browser, public_id, random.Random(number))
    return public_id, sent, browser.statuses


def stored_answers(database_url: str) -> dict[str, dict[str, tuple[str, str]]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.public_id, an.question_id, an.choice, an.level, an.note, a.status "
            "FROM answer an JOIN response r ON r.id = an.response_id "
            "JOIN assessment a ON a.id = r.assessment_id"))
        stored: dict[str, dict[str, tuple[str, str]]] = {}
        for public_id, question_id, choice, level, note, status in rows:
            value = str(level) if choice == "level" else choice
            stored.setdefault(public_id, {})[question_id] = (value, note)
            stored[public_id]["__status__"] = (status, "")
    engine.dispose()
    return stored


def respondent_email(number: int) -> str:
    return f"respondent{number}@load.example.gov"


def run(kind: str, respondents: int) -> bool:
    with fresh_database(kind) as database_url, gunicorn(database_url) as base:
        create_accounts(database_url, [respondent_email(n) for n in range(respondents)])
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=respondents) as pool:
            results = list(pool.map(lambda n: respond(base, n), range(respondents)))
        elapsed = time.monotonic() - started
        stored = stored_answers(database_url)
    statuses = [s for _, _, codes in results for s in codes]
    server_errors = sum(1 for s in statuses if s >= 500)
    sent_count = sum(len(sent) for _, sent, _ in results)
    kept = sum(
        1 for public_id, sent, _ in results for qid, value in sent.items()
        if stored.get(public_id, {}).get(qid) == value
    )
    finished = sum(1 for public_id, _, _ in results
                   if stored.get(public_id, {}).get("__status__", ("",))[0] == "finished")
    ok = server_errors == 0 and kept == sent_count and finished == respondents
    print(f"{kind:10} respondents={respondents} requests={len(statuses)} "
          f"5xx={server_errors} answers sent={sent_count} stored={kept} "
          f"finished={finished} time={elapsed:.1f}s req/s={len(statuses) / elapsed:.0f} "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--two-servers", action="store_true",
                        help="only the run on two app servers sharing one PostgreSQL and one "
                             "Redis, each respondent alternating between them "
                             "(benchmarks/two_servers.py)")
    args = parser.parse_args()
    if args.two_servers:
        from benchmarks.two_servers import run_two_servers

        if not postgres_available():
            print("postgresql not available on 127.0.0.1:5432: two servers need it")
            return 2
        return 0 if run_two_servers(args.respondents) else 1
    kinds = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    if "postgresql" not in kinds:
        print("postgresql not available on 127.0.0.1:5432: load test on SQLite only")
    results = [run(kind, args.respondents) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
