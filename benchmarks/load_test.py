"""Load without loss: 50 simulated respondents complete assessments at the same time against
gunicorn, on SQLite and on PostgreSQL (when a server answers), while 10 more finish theirs and
then download their plans at the same moment, with a plan worker (`flask plan-worker`) on Redis
rendering plans as assessments are finished. Passes when no request got a 5xx, every download
is a PDF and every answer sent is in the database afterwards. The server's and the worker's
logs are kept, and their errors printed, when a run fails.

Run: `make load` (or .venv/bin/python benchmarks/load_test.py [--respondents N] [--downloads N]).
Redis: LOAD_REDIS_URL (default redis://127.0.0.1:6379/9); without it, plans render in a thread.
`make load-two-servers` runs it on two app servers behind one PostgreSQL and one Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from assessment.rules.questionnaire_file import load_questionnaire  # noqa: E402
from benchmarks.serving import (  # noqa: E402
    ROOT,
    Browser,
    create_accounts,
    fresh_database,
    gunicorn,
    plan_worker,
    postgres_available,
    redis_available,
)

QUESTIONNAIRE = load_questionnaire(ROOT / "questions.yaml")
CHOICES = ["1", "2", "3", "4", "5", "na", "unknown"]
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")


def start_assessment(browser: Browser, label: str) -> str:
    """Start an assessment as the signed-in user; return its public id."""
    status, _, location = browser.request("/start", {
        "csrf_token": browser.token("/start"), "agency": "Load Test Agency",
        "office": f"Office {label}", "service": f"Service {label}",
    })
    if status != 302:
        raise RuntimeError(f"{label}: start gave {status}")
    return location.split("/")[2]


def answer_and_finish(browser: Browser, public_id: str, rng: random.Random,
                      finish: bool = True) -> dict[str, tuple[str, str]]:
    """Answer every pillar page with random choices and notes, then finish (unless told not
    to); return what was sent, by question id."""
    sent: dict[str, tuple[str, str]] = {}
    for pillar in QUESTIONNAIRE.pillars:
        path = f"/assessments/{public_id}/pillars/{pillar.id}"
        form = {"csrf_token": browser.token(path), "action": "continue"}
        for question in pillar.questions:
            choice, note = rng.choice(CHOICES), f"{public_id} on {question.id}"
            form[f"answer-{question.id}"], form[f"note-{question.id}"] = choice, note
            sent[question.id] = (choice, note)
        browser.request(path, form)
    if finish:
        review = f"/assessments/{public_id}/review"
        browser.request(f"/assessments/{public_id}/finish",
                        {"csrf_token": browser.token(review)})
    return sent


Sent = dict[str, tuple[str, str]]
Result = tuple[str, Sent, list[int], bool]  # public id, answers sent, statuses, got the PDF


def respond(base: str, number: int) -> Result:
    """One respondent: sign in, start, answer every pillar, finish. Returns what was sent."""
    browser = Browser(base)
    browser.sign_in(respondent_email(number))
    public_id = start_assessment(browser, str(number))
    sent = answer_and_finish(browser, public_id, random.Random(number))
    return public_id, sent, browser.statuses, True


def respond_and_download(base: str, number: int,
                         together: threading.Barrier) -> Result:
    """A respondent who finishes, waits for the others who download, then downloads the plan
    at the same moment as they do. The last value says whether the download was a PDF."""
    browser = Browser(base, timeout=60)
    browser.sign_in(respondent_email(number))
    public_id = start_assessment(browser, str(number))
    sent = answer_and_finish(browser, public_id, random.Random(number))
    browser.request(f"/assessments/{public_id}/results")  # where finishing leads
    together.wait(timeout=300)
    status, body = browser.download(f"/assessments/{public_id}/plan.pdf")
    return public_id, sent, browser.statuses, status == 200 and body.startswith(b"%PDF")


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


def run(kind: str, respondents: int, downloads: int) -> bool:
    logs = tempfile.mkdtemp(prefix=f"load-{kind}-")
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(kind))
        queue_env = {"PLAN_QUEUE": f"plans-load-{secrets.token_hex(4)}",
                     "PLAN_CACHE_TTL_SECONDS": "600"}
        if redis_available(REDIS_URL):
            queue_env["REDIS_URL"] = REDIS_URL
            stack.enter_context(plan_worker(database_url, queue_env, Path(logs, "worker.log")))
        base = stack.enter_context(gunicorn(database_url, extra_env=queue_env,
                                            log=Path(logs, "gunicorn.log")))
        everyone = respondents + downloads
        create_accounts(database_url, [respondent_email(n) for n in range(everyone)])
        together = threading.Barrier(downloads)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=everyone) as pool:
            plans = [pool.submit(failed_on_error(respond_and_download), base, n, together)
                     for n in range(respondents, everyone)]
            answers = [pool.submit(failed_on_error(respond), base, n)
                       for n in range(respondents)]
            results = [future.result() for future in plans + answers]
        elapsed = time.monotonic() - started
        stored = stored_answers(database_url)
        stack.close()  # stop gunicorn and the worker, so their logs are complete
        ok = report(kind, results, stored, elapsed, downloads,
                    "on a worker" if "REDIS_URL" in queue_env else "in a thread")
    print(plan_download_times(Path(logs, "gunicorn.log")))
    if ok:
        shutil.rmtree(logs)
    else:
        print_errors(Path(logs))
    return ok


def failed_on_error(function: Callable[..., Result]) -> Callable[..., Result]:
    """A simulated user whose request raised (a timeout, a dropped connection) counts as a
    failure (status 599), and the run goes on, so the logs can say why."""
    def run(*args: Any) -> Result:
        try:
            return function(*args)
        except Exception as error:  # noqa: BLE001 - reported, and the run fails
            print(f"{function.__name__}{args[1:2]}: {type(error).__name__}: {error}")
            return "", {}, [599], False
    return run


def report(kind: str, results: list[Result],
           stored: dict[str, dict[str, tuple[str, str]]], elapsed: float, downloads: int,
           rendered: str) -> bool:
    """Print one line for the run; True when nothing was lost and nothing failed."""
    statuses = [s for _, _, codes, _ in results for s in codes]
    server_errors = sum(1 for s in statuses if s >= 500)
    sent_count = sum(len(sent) for _, sent, _, _ in results)
    kept = sum(
        1 for public_id, sent, _, _ in results for qid, value in sent.items()
        if stored.get(public_id, {}).get(qid) == value
    )
    finished = sum(1 for public_id, _, _, _ in results
                   if stored.get(public_id, {}).get("__status__", ("",))[0] == "finished")
    pdfs = sum(1 for *_, got_pdf in results[:downloads] if got_pdf)
    ok = (server_errors == 0 and kept == sent_count and finished == len(results)
          and pdfs == downloads)
    print(f"{kind:10} respondents={len(results)} requests={len(statuses)} "
          f"5xx={server_errors} answers sent={sent_count} stored={kept} "
          f"finished={finished} plans downloaded={pdfs}/{downloads} (rendered {rendered}) "
          f"time={elapsed:.1f}s req/s={len(statuses) / elapsed:.0f} "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def plan_download_times(log: Path) -> str:
    """The plan downloads' times, from gunicorn's access log."""
    seconds = sorted(
        json.loads(line)["duration_ms"] / 1000 for line in log.read_text().splitlines()
        if '"logger": "access"' in line and '/plan.pdf"' in line)
    if not seconds:
        return "           no plan downloads in the access log"
    return (f"           plan downloads: {len(seconds)}, median "
            f"{statistics.median(seconds):.1f} s, slowest {seconds[-1]:.1f} s")


def print_errors(logs: Path) -> None:
    """The server's 5xx lines and plan downloads, and the app's and worker's errors, for a
    failed run; the logs stay in their folder."""
    print(f"The logs are in {logs}.")
    for log in sorted(logs.glob("*.log")):
        lines = [line for line in log.read_text(errors="replace").splitlines()
                 if '"status": 5' in line or "ERROR" in line or "Traceback" in line
                 or "locked" in line or "Error" in line or "plan.pdf" in line]
        print(f"--- {log.name}: {len(lines)} error lines" + (", the first 40:" if lines else ""))
        for line in lines[:40]:
            print(line[:2000])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--downloads", type=int, default=10,
                        help="more respondents who then download their plans at once")
    parser.add_argument("--database", choices=["sqlite", "postgresql"],
                        help="only this database (default: both, PostgreSQL when it answers)")
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
    kinds = [args.database] if args.database else kinds
    results = [run(kind, args.respondents, args.downloads) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
