"""The load test on two app servers behind one PostgreSQL and one Redis (issue 18, item 7):
`benchmarks/load_test.py --two-servers`. Each respondent's requests alternate between the two
servers, as a load balancer without sticky sessions would send them, so every step (signing
in, form tokens, one-time form keys, saving, finishing) must work whichever server gets it.

What the servers share: PostgreSQL (every row, one-time form keys included) and Redis
(REDIS_URL: the sign-in limiter's counts and the plan cache). The session is a cookie signed
with SECRET_KEY, which both servers have: it needs no shared store, and ending every session
of an account (User.session_generation) is a row in PostgreSQL.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import redis

from benchmarks.load_test import (
    answer_and_finish,
    respondent_email,
    start_assessment,
    stored_answers,
)
from benchmarks.serving import Browser, create_accounts, free_port, fresh_database, gunicorn

SERVERS, WORKERS_EACH = 2, 2


class AlternatingBrowser(Browser):
    """One simulated user whose requests go to each server in turn (one cookie jar: cookies
    are not tied to a port, as behind one host name)."""

    def __init__(self, bases: list[str]):
        super().__init__(bases[0])
        self.bases, self.sent = bases, 0
        self.signed_out = 0  # requests answered by a redirect to the sign-in page

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.base = self.bases[self.sent % len(self.bases)]
        self.sent += 1
        status, text, location = super().request(path, data)
        self.signed_out += status == 302 and "/sign-in" in location
        return status, text, location


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis of our own on a free loopback port, keeping nothing on disk; yields its URL."""
    if shutil.which("redis-server") is None:
        raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def respond_across(bases: list[str], number: int) -> tuple[str, dict, list[int], int]:
    """One respondent, alternating servers: sign in, start, answer every pillar, finish."""
    browser = AlternatingBrowser(bases)
    browser.sign_in(respondent_email(number))
    public_id = start_assessment(browser, str(number))
    sent = answer_and_finish(browser, public_id, random.Random(number))
    return public_id, sent, browser.statuses, browser.signed_out


def run_two_servers(respondents: int) -> bool:
    """The load test across two gunicorn servers sharing one PostgreSQL and one Redis."""
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database("postgresql"))
        redis_url = stack.enter_context(redis_server())
        bases = [stack.enter_context(gunicorn(database_url, workers=WORKERS_EACH,
                                              extra_env={"REDIS_URL": redis_url},
                                              start_seconds=120))
                 for _ in range(SERVERS)]
        create_accounts(database_url, [respondent_email(n) for n in range(respondents)])
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=respondents) as pool:
            results = list(pool.map(lambda n: respond_across(bases, n), range(respondents)))
        elapsed = time.monotonic() - started
        stored = stored_answers(database_url)
        # Commands the servers sent to Redis (the limiter's keys live a minute: counting keys
        # at the end would miss them).
        redis_commands = redis.Redis.from_url(redis_url).info("stats")["total_commands_processed"]
    statuses = [s for _, _, codes, _ in results for s in codes]
    server_errors = sum(1 for s in statuses if s >= 500)
    signed_out = sum(out for *_, out in results)
    sent_count = sum(len(sent) for _, sent, _, _ in results)
    kept = sum(1 for public_id, sent, _, _ in results for qid, value in sent.items()
               if stored.get(public_id, {}).get(qid) == value)
    finished = sum(1 for public_id, *_ in results
                   if stored.get(public_id, {}).get("__status__", ("",))[0] == "finished")
    ok = (server_errors == 0 and signed_out == 0 and kept == sent_count
          and finished == respondents and redis_commands > respondents)
    print(f"two servers x {WORKERS_EACH} workers, one PostgreSQL, one Redis: "
          f"respondents={respondents} requests={len(statuses)} 5xx={server_errors} "
          f"sent to sign-in={signed_out} answers sent={sent_count} stored={kept} "
          f"finished={finished} redis commands={redis_commands} time={elapsed:.1f}s "
          f"req/s={len(statuses) / elapsed:.0f} {'PASS' if ok else 'FAIL'}")
    return ok
