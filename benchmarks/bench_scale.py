"""`make bench-scale`: our pages against a government-wide database (2,000 teams, 20,000
finished assessments; `make scale-data` makes it), each as a ratio of the signed-in floor
serving the same HTML in the same run (issue 18, item 7: goal at least 0.5).

Pages: the results page of the department office's own team (its peer spreads cover every
other team's latest scores), that team's history (its longest), and the portfolio of the
200-service department (skipped, with a note, while that route answers 404). Also timed: each
page's first request on a new server, when nothing is kept yet (the cost a worker pays after
start-up, or once after any team finishes an assessment).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from benchmarks.generate import OWNER_EMAIL
from benchmarks.serving import Browser, gunicorn

# The office's own team is team 1 and the department organization 1 (benchmarks/generate.py).
TEAM_ID, ORGANIZATION_ID = 1, 1
SCORING_PAGE = "scoring page, signed in"


def latest_finished(database_url: str, team_id: int) -> tuple[str, int, int]:
    """The public id of the team's latest finished assessment, how many it has finished, and
    how many teams there are."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT public_id FROM assessment WHERE team_id = :team AND status = 'finished' "
            "ORDER BY started_at DESC, id DESC"), {"team": team_id}).scalars().all()
        teams = connection.scalar(text("SELECT count(*) FROM team"))
    engine.dispose()
    return rows[0], len(rows), teams


def scale_pages(database_url: str) -> dict[str, str]:
    """The pages to measure, by name."""
    public_id, finished, teams = latest_finished(database_url, TEAM_ID)
    return {
        f"peer-spread page (results, {teams:,} teams' spreads)":
            f"/assessments/{public_id}/results",
        f"history page ({finished} assessments)": f"/teams/{TEAM_ID}/history",
        "portfolio page (200 services)": f"/organizations/{ORGANIZATION_ID}",
        SCORING_PAGE: "/how-scoring-works",
    }


def first_requests(browser: Browser, pages: dict[str, str]) -> tuple[dict[str, float],
                                                                      list[str]]:
    """Seconds for each page's first request on a fresh server (nothing kept), in order;
    a page whose route answers 404 is left out of `pages`, with a note saying so."""
    timed, notes = {}, []
    for name, path in list(pages.items()):
        started = time.monotonic()
        status, _, _ = browser.request(path)
        if status == 404:
            del pages[name]
            notes.append(f"Not measured: {name}, since {path} answers 404 here (the route has "
                         "not landed on this branch).")
        elif status != 200:
            raise RuntimeError(f"{name}: {status} instead of 200")
        else:
            timed[name] = time.monotonic() - started
    return timed, notes


def warm_every_worker(browser: Browser, pages: dict[str, str], workers: int) -> None:
    """Several requests at once per page, so each worker has built what it keeps before wrk
    (whose requests time out after 2 s) starts."""
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        for _ in range(2):
            for path in pages.values():
                list(pool.map(lambda _n, p=path: browser.request(p), range(2 * workers)))


def scale_run(database_url: str, workers: int, measure) -> tuple[list, dict[str, float],
                                                                  list[str]]:
    """Ratios (as run.measured_ratios gives them), first-request seconds and notes."""
    with gunicorn(database_url, workers=workers, start_seconds=120) as base:
        browser = Browser(base, timeout=120)
        browser.sign_in(OWNER_EMAIL)
        pages = scale_pages(database_url)
        cold, notes = first_requests(browser, pages)
        warm_every_worker(browser, pages, workers)
        return measure(database_url, browser, pages), cold, notes
