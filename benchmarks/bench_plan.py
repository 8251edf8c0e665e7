"""Benchmark the PDF improvement plan (not a test; not part of `make test`).

    .venv/bin/python benchmarks/bench_plan.py [--repeat 7] [--memory 200] [--markdown]

b. The plan's render time (HTML to PDF with WeasyPrint) for the demo team's latest assessment,
   against a floor measured in the same run: WeasyPrint rendering the same number of plain
   pages (a heading and a few paragraphs each, a minimal stylesheet, the same PDF/UA options).
   Runs alternate, so both see the same machine noise; medians are compared, of wall-clock
   time and of this process's CPU time (steadier on a shared machine). Goal: at most 1.5
   times the floor. Also: a download that comes from the cache.
d. With --memory N: a process's resident memory after N more renders, against after the
   first, to catch a leak in a long-lived worker.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from assessment import create_app  # noqa: E402
from assessment.extensions import db  # noqa: E402
from assessment.report import pdf as report
from assessment.store.demo import seed_demo_team  # noqa: E402

GOAL = 1.5
FLOOR_CSS = "@page { size: letter; margin: 1in } body { font-family: sans-serif; font-size: 10pt }"
PARAGRAPH = ("Federal teams answer one page of questions for each pillar of the toolkit, then "
             "read their scores, the practices that are furthest below target, the next step "
             "for each one and the resources that help them take it. ") * 4


def floor_html(pages: int) -> str:
    """Plain pages: a heading and four paragraphs each, one page apiece."""
    body = "".join(
        f'<section style="break-after: page"><h1>Page {n}</h1>'
        + f"<p>{PARAGRAPH}</p>" * 4 + "</section>"
        for n in range(1, pages + 1)
    )
    return f'<!doctype html><html lang="en"><head><title>Floor</title>' \
           f"<style>{FLOOR_CSS}</style></head><body>{body}</body></html>"


def render_floor(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf(**report.PDF_OPTIONS)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def timed(function, *args) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def cpu_timed(function, *args) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--memory", type=int, default=0, metavar="N",
                        help="also measure memory over N more renders")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown report")
    args = parser.parse_args()
    if args.markdown and not args.memory:
        args.memory = 200

    with tempfile.TemporaryDirectory() as work:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.sqlite3",
                          "PLAN_CACHE_DIR": f"{work}/plan-cache", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            questionnaire = app.extensions["questionnaire"]
            latest = seed_demo_team(questionnaire)[-1]
            db.session.commit()

            context_time, html = timed(
                lambda: report.render_plan_html(report.plan_context(latest)))
            pdf = report.render_pdf(html, app.static_folder)  # warm up: fonts, caches
            pages = page_count(pdf)
            floor = floor_html(pages)
            assert page_count(render_floor(floor)) == pages, "the floor must match page count"

            plan_runs, floor_runs = [], []
            for _ in range(args.repeat):
                plan_runs.append(cpu_timed(report.render_pdf, html, app.static_folder))
                floor_runs.append(cpu_timed(render_floor, floor))

            report.plan_pdf(latest)  # fills the cache
            cached_times = [timed(report.plan_pdf, latest)[0] for _ in range(5)]

            memory = None
            if args.memory:
                before = resident_mb()
                for _ in range(args.memory):
                    report.render_pdf(html, app.static_folder)
                memory = (before, resident_mb())

    plan, floor_median = (statistics.median(t for t, _ in runs) for runs in (plan_runs,
                                                                               floor_runs))
    plan_cpu, floor_cpu = (statistics.median(c for _, c in runs) for runs in (plan_runs,
                                                                             floor_runs))
    ratio, cpu_ratio = plan / floor_median, plan_cpu / floor_cpu
    cached = statistics.median(cached_times)
    if args.markdown:
        print(markdown(pages, (plan, plan_cpu), (floor_median, floor_cpu), (ratio, cpu_ratio),
                       cached, context_time, args.repeat, args.memory, memory))
    else:
        print(f"pages: {pages}  ({len(pdf) // 1024} KB); median of {args.repeat} runs each")
        print(f"plan render:  {plan:.3f} s wall, {plan_cpu:.3f} s CPU   "
              f"wall runs: {', '.join(f'{t:.2f}' for t, _ in plan_runs)}")
        print(f"floor ({pages} plain pages): {floor_median:.3f} s wall, {floor_cpu:.3f} s CPU   "
              f"wall runs: {', '.join(f'{t:.2f}' for t, _ in floor_runs)}")
        print(f"ratio: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (goal: at most {GOAL})")
        print(f"context and HTML: {context_time * 1000:.0f} ms; cached download: "
              f"{cached * 1000:.0f} ms (median of 5)")
        if memory:
            print(f"memory: {memory[0]:.0f} MB after the first renders, {memory[1]:.0f} MB "
                  f"after {args.memory} more")
    return 0 if min(ratio, cpu_ratio) <= GOAL else 1


def markdown(pages: int, plan: tuple[float, float], floor: tuple[float, float],
             ratio: tuple[float, float], cached: float, context_time: float, repeat: int,
             renders: int, memory: tuple[float, float] | None) -> str:
    def verdict(value: float) -> str:
        return f"{value:.2f}, {'met' if value <= GOAL else 'MISSED'}"

    lines = [
        f"Demo plan: {pages} pages. Medians of {repeat} alternating runs "
        "(`benchmarks/bench_plan.py`).",
        "",
        "| Measure | Wall clock | CPU |",
        "| --- | ---: | ---: |",
        f"| Plan render (HTML to PDF/UA) | {plan[0]:.2f} s | {plan[1]:.2f} s |",
        f"| Floor: {pages} plain pages, minimal stylesheet, same PDF options | {floor[0]:.2f} s "
        f"| {floor[1]:.2f} s |",
        f"| Ratio (goal at most {GOAL}) | {verdict(ratio[0])} | {verdict(ratio[1])} |",
        f"| Building the plan's data and HTML | {context_time * 1000:.0f} ms | |",
        f"| Repeat download, from the cache | {cached * 1000:.0f} ms | |",
    ]
    if memory:
        lines.append(f"| Resident memory after the first renders, then after {renders} more "
                     f"| {memory[0]:.0f} MB, then {memory[1]:.0f} MB | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
