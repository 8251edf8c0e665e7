"""`make bench`: measure what PRODUCT.md promises, each against a baseline from the same run
(the machine is shared and noisy, so only ratios are compared), and write benchmarks/RESULTS.md.

a. requests/second of our pages under wrk against gunicorn, as a ratio to the signed-in floor:
   a bare Flask app with Flask-Login and Flask-SQLAlchemy that loads the user on every request
   and serves the same HTML (goal: at least 0.5 for the pillar, results and history pages);
b. the PDF plan's render time against WeasyPrint's floor for the same page count
   (goal: at most 1.5x; see bench_plan.py);
c. create_app() start-up time;
d. a worker's memory after 200 plan renders (see bench_plan.py);
e. the time to a downloaded plan right after finishing, with a plan worker running (the plan is
   rendered ahead and the download served from the cache), beside the same with no worker (the
   plan rendered in the request), in the same run;
f. (`make bench-scale`, kept by the full run) our heaviest pages on PostgreSQL filled with 2,000
   teams and 20,000 finished assessments (benchmarks/generate.py), against the same floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_test import answer_and_finish, start_assessment  # noqa: E402
from benchmarks.serving import (  # noqa: E402
    ROOT,
    Browser,
    create_accounts,
    fresh_database,
    gunicorn,
    plan_worker,
    redis_available,
)

HERE = Path(__file__).resolve().parent
ROUNDS, SECONDS, CONNECTIONS = 3, 5, 8
WORKERS = os.cpu_count() or 2
# Pages measured for context only, with no goal: what any signed-in request costs here.
FLOORS = {"scoring page, signed in": "/how-scoring-works", "health check, signed in": "/healthz"}


def wrk(url: str, cookie: str = "", seconds: int = SECONDS) -> float:
    """Requests per second for one wrk run on a URL (as a signed-in user, given a cookie)."""
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", *header, url],
        capture_output=True, text=True, check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} responses were not 2xx/3xx")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def team_with_history(browser: Browser, finished: str, more: int = 2) -> int:
    """The team of a finished assessment, with `more` finished assessments after it, so its
    history page has several rows and trend points; returns the team's id."""
    _, html, _ = browser.request(f"/assessments/{finished}/results")
    team_id = int(re.search(r'href="/teams/(\d+)', html).group(1))
    for n in range(more):
        status, _, location = browser.request(f"/teams/{team_id}/assessments", {
            "csrf_token": browser.token(f"/teams/{team_id}")})
        if status != 302:
            raise RuntimeError(f"starting another assessment of team {team_id} gave {status}")
        answer_and_finish(browser, location.split("/")[2], random.Random(2 + n))
    return team_id


Ratios = tuple[str, float, float, float, float, float]


def request_ratios(database_url: str) -> list[Ratios]:
    """Per page: median req/s of ours; of the signed-in floor serving the same HTML (a bare
    Flask app with Flask-Login and Flask-SQLAlchemy that loads the user on every request);
    of a bare Flask app serving the same HTML with no user. Rounds are interleaved."""
    with gunicorn(database_url, workers=WORKERS) as base:
        browser = Browser(base)
        create_accounts(database_url, ["bench@bench.example.gov"])
        browser.sign_in("bench@bench.example.gov")
        finished = start_assessment(browser, "finished")
        answer_and_finish(browser, finished, random.Random(1))
        draft = start_assessment(browser, "draft")
        team_id = team_with_history(browser, finished)
        pages = {
            "pillar page": f"/assessments/{draft}/pillars/customer-understanding",
            "results page": f"/assessments/{finished}/results",
            "history page": f"/teams/{team_id}/history",
        } | FLOORS
        return measured_ratios(database_url, browser, pages)


def measured_ratios(database_url: str, browser: Browser, pages: dict[str, str],
                    rounds: int = ROUNDS, seconds: int = SECONDS) -> list[Ratios]:
    """Each page (a path on the signed-in browser's server) against the signed-in floor and
    the bare app serving the HTML saved from it, in interleaved rounds of wrk."""
    base, cookie = browser.base, browser.cookie_header()
    with tempfile.TemporaryDirectory() as snapshots:
        for name, path in pages.items():
            status, html, _ = browser.request(path)
            if status != 200:  # wrk would count a redirect to sign-in as a success
                raise RuntimeError(f"{name}: {status} instead of 200")
            Path(snapshots, f"{snapshot_name(name)}.html").write_text(
                "{% raw %}" + html + "{% endraw %}", encoding="utf-8")
        floor_env = {"BENCH_SNAPSHOTS": snapshots}
        with gunicorn(database_url, app="app:app", workers=WORKERS, cwd=HERE / "bare",
                      extra_env=floor_env, start_seconds=120) as bare, \
                gunicorn(database_url, app="signed_in:app", workers=WORKERS,
                         cwd=HERE / "bare", extra_env=floor_env, start_seconds=120) as signed_in:
            samples: dict[str, list[float]] = {}
            for _ in range(rounds):
                for name, path in pages.items():
                    snapshot = f"/snapshot/{snapshot_name(name)}"
                    samples.setdefault(name, []).append(wrk(base + path, cookie, seconds))
                    samples.setdefault(name + " floor", []).append(
                        wrk(signed_in + snapshot, cookie, seconds))
                    samples.setdefault(name + " bare", []).append(
                        wrk(bare + snapshot, seconds=seconds))
    median = {name: statistics.median(values) for name, values in samples.items()}
    return [(name, median[name], median[name + " floor"], median[name] / median[name + " floor"],
             median[name + " bare"], median[name] / median[name + " bare"]) for name in pages]


PLAN_ROUNDS, READING_SECONDS = 3, 5
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")


def plan_after_finishing(database_url: str) -> dict[str, list[float]]:
    """Seconds, per round: from posting the finish to the plan's PDF in hand (the results page
    loaded between, as a browser does), with a plan worker running and with none; and the
    download request alone after reading the results for READING_SECONDS, with the worker."""
    env = {"REDIS_URL": REDIS_URL, "PLAN_QUEUE": f"plans-bench-{os.getpid()}",
           "PLAN_CACHE_TTL_SECONDS": "600"}
    times: dict[str, list[float]] = {"worker": [], "no worker": [], "after reading": []}
    with gunicorn(database_url, workers=WORKERS, extra_env=env) as base:
        create_accounts(database_url, ["plans@bench.example.gov"])
        browser = Browser(base, timeout=120)
        browser.sign_in("plans@bench.example.gov")

        def finish_then_download(label: str, pause: float = 0) -> tuple[float, float]:
            public_id = start_assessment(browser, label)
            answer_and_finish(browser, public_id, random.Random(label), finish=False)
            token = browser.token(f"/assessments/{public_id}/review")
            started = time.perf_counter()
            browser.request(f"/assessments/{public_id}/finish", {"csrf_token": token})
            browser.request(f"/assessments/{public_id}/results")
            time.sleep(pause)
            asked = time.perf_counter()
            status, body = browser.download(f"/assessments/{public_id}/plan.pdf")
            if status != 200 or not body.startswith(b"%PDF"):
                raise RuntimeError(f"the plan of {label} gave {status}")
            done = time.perf_counter()
            return done - started - pause, done - asked

        with plan_worker(database_url, env):
            time.sleep(3)  # the worker registers with Redis
            for n in range(PLAN_ROUNDS):
                times["worker"].append(finish_then_download(f"worker {n}")[0])
                times["after reading"].append(
                    finish_then_download(f"reading {n}", READING_SECONDS)[1])
        for n in range(PLAN_ROUNDS):
            times["no worker"].append(finish_then_download(f"no worker {n}")[0])
    return times


def plan_after_finishing_lines(database_url: str) -> str:
    if not redis_available(REDIS_URL):
        return f"\n## e. A plan right after finishing\n\nNot measured: no Redis at {REDIS_URL}.\n"
    times = {name: statistics.median(values)
             for name, values in plan_after_finishing(database_url).items()}
    return (
        f"\n## e. A plan right after finishing (median of {PLAN_ROUNDS})\n\n"
        "| From posting the finish (and loading the results page) to the PDF in hand | "
        "Seconds |\n| --- | ---: |\n"
        f"| With a plan worker running: rendered ahead, served from the cache | "
        f"{times['worker']:.2f} |\n"
        f"| With no worker: rendered in the request | {times['no worker']:.2f} |\n"
        f"| The download alone, {READING_SECONDS} s after the results page, with the worker | "
        f"{times['after reading']:.2f} |\n"
        "\nWith the worker, a download that comes before the plan is ready waits for the "
        "worker's render (`PLAN_WAIT_SECONDS`) and is then served from the cache; its web "
        "worker renders nothing.\n")


def snapshot_name(page: str) -> str:
    return page.split()[0].rstrip(",")


def startup_time(runs: int = 15) -> tuple[float, float]:
    """Median seconds for create_app() in a fresh interpreter, and for a bare Flask() there."""
    ours = "import time; t=time.perf_counter(); from assessment import create_app; " \
           "create_app({'SECRET_KEY': 'x'}); print(time.perf_counter()-t)"
    bare = "import time; t=time.perf_counter(); from flask import Flask; Flask('x'); " \
           "print(time.perf_counter()-t)"

    def measure(code: str) -> float:
        return statistics.median(
            float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout) for _ in range(runs))

    return measure(ours), measure(bare)


def plan_figures() -> str:
    """The PDF benchmark's own report (bench_plan.py), when the plan exists."""
    script = HERE / "bench_plan.py"
    if not script.exists():
        return "Not measured: the PDF plan has not landed.\n"
    result = subprocess.run([sys.executable, str(script), "--markdown"], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode not in (0, 1):  # 1 means "ran, and missed its goal"
        raise RuntimeError(f"bench_plan.py failed:\n{result.stderr[-2000:]}")
    return result.stdout


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "unknown CPU")
    return (f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}")


SCALE_HEADING = "## f. Government-wide scale"


def scale(database_url: str, rounds: int, seconds: int) -> int:
    """`make bench-scale`: our pages on the generated database against the signed-in floor;
    writes (or replaces) RESULTS.md's scale section."""
    from benchmarks.bench_scale import SCORING_PAGE, scale_run

    started = time.monotonic()
    ratios, cold, notes = scale_run(database_url, WORKERS, lambda *args: measured_ratios(
        *args, rounds=rounds, seconds=seconds))
    lines = [f"{SCALE_HEADING}\n\nRun {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make "
             f"bench-scale` on PostgreSQL filled by `make scale-data` (2,000 teams, 20,000 "
             f"finished assessments, 1.3 million answers; benchmarks/generate.py), gunicorn with "
             f"{WORKERS} sync workers, {CONNECTIONS} connections, {rounds} rounds of {seconds} s,"
             " median, signed in as the department's owner.\n\n"
             "| Page | Our req/s | Signed-in floor, same HTML, req/s | Ratio (goal ≥ 0.5) | "
             "Same HTML, no user, req/s | Ratio |\n"
             "| --- | ---: | ---: | ---: | ---: | ---: |\n"]
    failures = 0
    for name, ours, floor, ratio, same, same_ratio in ratios:
        verdict = "(floor)" if name == SCORING_PAGE else "met" if ratio >= 0.5 else "MISSED"
        failures += verdict == "MISSED"
        lines.append(f"| {name} | {ours:.0f} | {floor:.0f} | {ratio:.2f} {verdict} | "
                     f"{same:.0f} | {same_ratio:.2f} |\n")
    lines.append("\nFirst request of each page on a new server (in this order; other teams' "
                 "scores are kept by gunicorn's master before the workers start, the page is "
                 "rendered and kept by the worker that serves it): " + "; ".join(
                     f"{name.split(' (')[0]} {seconds:.2f} s" for name, seconds in cold.items())
                 + ".\n")
    lines.extend(f"\n{note}\n" for note in notes)
    lines.append(f"\nThe scale run took {time.monotonic() - started:.0f} s.\n")
    results = HERE / "RESULTS.md"
    kept = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    before, _, after = kept.partition(SCALE_HEADING)
    after = after[after.find("\n## "):] if "\n## " in after else ""
    results.write_text(before.rstrip("\n") + "\n\n" + "".join(lines) + after,
                       encoding="utf-8")
    print("".join(lines))
    return 1 if failures else 0


def kept_scale_section() -> str:
    """The scale section of RESULTS.md as `make bench-scale` last wrote it ("" if none): the
    full run does not measure it, so it keeps it."""
    results = HERE / "RESULTS.md"
    kept = results.read_text(encoding="utf-8") if results.exists() else ""
    if SCALE_HEADING not in kept:
        return ""
    section = SCALE_HEADING + kept.partition(SCALE_HEADING)[2]
    return "\n" + section[:section.find("\n## ")] if "\n## " in section else "\n" + section


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks; write RESULTS.md.")
    parser.add_argument("--skip-plan", action="store_true",
                        help="leave out the PDF plan benchmark (about 6 minutes)")
    parser.add_argument("--scale", metavar="DATABASE_URL",
                        help="only measure against this database made by generate.py (`make "
                             "bench-scale`); updates the scale section of RESULTS.md")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seconds", type=int, default=SECONDS, help="of each wrk run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    if args.scale:
        return scale(args.scale, args.rounds, args.seconds)
    started = time.monotonic()
    lines = [f"# Benchmark results\n\nRun {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on "
             f"{machine()}, by `make bench`. Ratios compare figures taken in the same run.\n"]
    lines.append(f"\n## a. Requests per second under wrk (gunicorn, {WORKERS} sync workers, "
                 f"{CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s, median)\n\n"
                 "| Page | Our req/s | Signed-in floor, same HTML, req/s | Ratio (goal ≥ 0.5) | "
                 "Same HTML, no user, req/s | Ratio |\n"
                 "| --- | ---: | ---: | ---: | ---: | ---: |\n")
    failures = 0
    for kind in ("sqlite",):
        with fresh_database(kind) as url:
            for name, ours, bare, ratio, same, same_ratio in request_ratios(url):
                if name in FLOORS:
                    verdict = "(floor)"
                else:
                    verdict = "met" if ratio >= 0.5 else "MISSED"
                    failures += ratio < 0.5
                lines.append(f"| {name} ({kind}) | {ours:.0f} | {bare:.0f} | {ratio:.2f} "
                             f"{verdict} | {same:.0f} | {same_ratio:.2f} |\n")
    lines.append("\nThe signed-in floor is a bare Flask app with Flask-Login and "
                 "Flask-SQLAlchemy on the same database: it decodes the same session cookie, "
                 "loads the user (one query) and serves the HTML saved from our page "
                 "(`benchmarks/bare/signed_in.py`). The last two rows have no goal: a page with "
                 "no database work but the user, and a health check (one `SELECT 1`).\n")
    if not args.skip_plan:
        with fresh_database("sqlite") as url:
            lines.append(plan_after_finishing_lines(url))
    ours, bare = startup_time()
    lines.append(f"\n## c. Start-up\n\n`create_app()` in a fresh interpreter (imports, "
                 f"loading and validating questions.yaml): median {ours * 1000:.0f} ms; "
                 f"a bare `Flask()` there: {bare * 1000:.0f} ms.\n")
    if not args.skip_plan:
        lines.append("\n## b and d. The PDF plan\n\n" + plan_figures())
    lines.append(f"\nThe whole run took {time.monotonic() - started:.0f} s.\n")
    lines.append(kept_scale_section())
    (HERE / "RESULTS.md").write_text("".join(lines), encoding="utf-8")
    print("".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
